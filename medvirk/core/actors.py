"""Who performs a change: a staff user, or Medvirk itself (a :class:`SystemActor`).

Every service that writes takes ``actor`` and checks the actor's permission itself, so a page,
an API route and a script cannot disagree about what is allowed. Where no staff user is
involved (a background job, a management command, demo seeding, a respondent's or volunteer's
public form) the caller passes a ``SystemActor`` with the reason: the one, explicit way to skip
a permission check. There is no flag that skips checks silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class SystemActor:
    """Medvirk acting on its own; ``reason`` says why no staff user's rights apply.

    The caller vouches that the change is allowed (a public form already limited to its
    municipality, a daily command, the demo). Audit events record no user for it, like for
    changes whose user was since deleted, unless ``on_behalf_of`` names the staff user whose
    checked action led here (a participation coordinator's standard evaluation survey, whose
    fixed questions need no survey design right).
    """

    reason: str
    on_behalf_of: Any = None  # accounts.User (core does not import it)

    #: Like an anonymous user: no primary key, not logged in, no municipality of its own.
    pk: ClassVar[None] = None
    is_authenticated: ClassVar[bool] = False
    municipality_id: ClassVar[None] = None

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("A system actor needs a reason.")

    def __str__(self) -> str:
        return f"Medvirk ({self.reason})" + (f" for {self.on_behalf_of}" if self.on_behalf_of else "")


def is_system(actor: object) -> bool:
    """Return whether ``actor`` is Medvirk itself rather than a person."""
    return isinstance(actor, SystemActor)


def ensure_system(actor: object, what: str) -> None:
    """Refuse anyone but Medvirk itself for work no staff role covers (daily commands, the demo).

    A person here is a programming error, not a user's mistake, hence ``TypeError``.
    """
    if not isinstance(actor, SystemActor):
        raise TypeError(f"{what} is done by Medvirk itself (a SystemActor), not by {actor!r}.")
