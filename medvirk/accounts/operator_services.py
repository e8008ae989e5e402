"""What platform operators change (``operators``: who they are and what they see)."""

from __future__ import annotations

from medvirk.core.actors import SystemActor
from medvirk.orgs.models import Municipality

from .invitations import municipality_start
from .models import User
from .operators import ensure_operator


def operator_municipality_start(
    *, actor: User, code: str, name: str, admin_email: str, base_url: str, slug: str = ""
) -> tuple[Municipality, User]:
    """Start a municipality and invite its first administrator, as the operator ``actor``.

    The same steps as ``manage.py create_municipality`` (``invitations.municipality_start``), done
    by Medvirk on the operator's behalf, so the audit log names them; nothing is stored if any
    step fails, the e-mail included.
    """
    ensure_operator(actor)
    return municipality_start(
        actor=SystemActor("operator page", on_behalf_of=actor),
        code=code,
        name=name,
        admin_email=admin_email,
        base_url=base_url,
        slug=slug,
    )
