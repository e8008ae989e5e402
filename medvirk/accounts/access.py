"""Access checks: every staff read of an org-scoped object goes through these helpers.

As in Zulip's ``access_<thing>_by_id``, a missing object and a forbidden one both answer 404, so
nobody learns that another unit's or municipality's object exists. Services that write check
their actor once more with ``ensure_can`` / ``ensure_can_anywhere`` (a coded 403), so a page,
an API route and a script cannot disagree; a :class:`~medvirk.core.actors.SystemActor` passes
every check (see ``docs/adr/0003-actions-and-actors.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from medvirk.core.actors import SystemActor
from medvirk.core.errors import CoreErrorCode, ServiceError
from medvirk.core.models import Job
from medvirk.core.tenancy import co_located
from medvirk.orgs.models import Municipality, OrgUnit
from medvirk.orgs.selectors import municipality_root, open_for_new_work

from .models import RoleAssignment, User
from .permissions import Perm, roles_with

#: Who performs a write: a staff user, or Medvirk itself with a stated reason.
Actor: TypeAlias = User | SystemActor

_CACHE_ATTR = "_medvirk_scope_cache"

M = TypeVar("M", bound=Model)


def _assignments(user: Any) -> list[tuple[str, str]]:
    """Return (role, unit path) pairs for the user, cached on the user object per request."""
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        if not getattr(user, "is_authenticated", False) or not user.municipality_id or not user.is_active:
            cache = []
        else:
            cache = list(
                RoleAssignment.objects.filter(
                    co_located("unit"), user=user, municipality_id=user.municipality_id
                ).values_list("role", "unit__path")
            )
        setattr(user, _CACHE_ATTR, cache)
    return cache


def acting_user(actor: Actor) -> User | None:
    """Return the staff user behind ``actor``, e.g. for an author field.

    None for Medvirk itself, unless it acts on behalf of a user (``SystemActor.on_behalf_of``).
    """
    if isinstance(actor, SystemActor):
        return actor.on_behalf_of if isinstance(actor.on_behalf_of, User) else None
    return actor


def municipality_id_of(user: Any) -> int:
    """Return the id of the user's municipality; a user of none (a platform operator) finds nothing: 404."""
    municipality_id = getattr(user, "municipality_id", None)
    if municipality_id is None:
        raise Http404
    return int(municipality_id)


def municipality_of(user: Any) -> Municipality:
    """Return the user's municipality; a user of none (a platform operator) finds nothing: 404."""
    municipality = getattr(user, "municipality", None)
    if municipality is None:
        raise Http404
    return municipality


def clear_scope_cache(user: Any) -> None:
    """Forget cached role scopes (after a role change in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_paths(user: Any, perm: Perm) -> list[str]:
    """Return the minimal set of subtree paths where ``user`` holds ``perm``."""
    if isinstance(user, SystemActor):  # it may do anything anywhere: select rows explicitly
        raise TypeError("A system actor has no scope of units.")
    allowed = roles_with(perm)
    paths = sorted({path for role, path in _assignments(user) if role in allowed})
    minimal: list[str] = []
    for path in paths:  # sorted, so an ancestor always comes before its descendants
        if not any(path.startswith(kept) for kept in minimal):
            minimal.append(path)
    return minimal


def has_any_role(user: Any) -> bool:
    """Return whether the user holds any role at all (i.e. is active staff)."""
    return bool(_assignments(user))


def administered_municipality(user: Any, perm: Perm = Perm.ORG_MANAGE) -> Municipality:
    """Return the user's municipality if they hold ``perm`` on all of it (on its top unit); else 404.

    The one check of the pages and API routes for the whole municipality (its tree, public face,
    sign-on, audit log).
    """
    municipality = municipality_of(user)
    if not can(user, perm, municipality_root(municipality=municipality)):
        raise Http404
    return municipality


def can(user: Any, perm: Perm, unit: OrgUnit) -> bool:
    """Return whether ``user`` holds ``perm`` on ``unit`` (a system actor holds every permission)."""
    if isinstance(user, SystemActor):
        return True
    if unit.municipality_id != getattr(user, "municipality_id", None):
        return False
    return any(unit.path.startswith(path) for path in scope_paths(user, perm))


def can_anywhere(user: Any, perm: Perm) -> bool:
    """Return whether ``user`` holds ``perm`` on at least one unit."""
    if isinstance(user, SystemActor):
        return True
    return bool(scope_paths(user, perm))


def ensure_can(
    actor: Actor, perm: Perm, unit: OrgUnit, message: str | Promise, *, field: str | None = None
) -> None:
    """Raise a coded 403 ``ServiceError`` with ``message`` unless ``actor`` holds ``perm`` on ``unit``.

    Services call this first; the pages and API have fetched the object with an ``access_*``
    helper (404 when missing or forbidden), so it refuses only callers that skipped the fetch.
    """
    if not can(actor, perm, unit):
        raise ServiceError(CoreErrorCode.FORBIDDEN, message, field=field)


def ensure_can_municipality(
    actor: Actor, perm: Perm, municipality: Municipality, message: str | Promise
) -> None:
    """Like ``ensure_can`` for rights over the whole municipality: ``perm`` on its top unit."""
    ensure_can(actor, perm, municipality_root(municipality=municipality), message)


def ensure_can_anywhere(
    actor: Actor, perm: Perm, municipality_id: int | None, message: str | Promise
) -> None:
    """Like ``ensure_can`` for municipality-wide rights: ``perm`` on any unit of that municipality."""
    if isinstance(actor, SystemActor):
        return
    if municipality_id is None or actor.municipality_id != municipality_id or not can_anywhere(actor, perm):
        raise ServiceError(CoreErrorCode.FORBIDDEN, message)


def scope_q(
    user: Any, perm: Perm, *, path_field: str = "path", municipality_field: str = "municipality_id"
) -> Q:
    """Return a filter matching rows whose unit path lies in the user's scope for ``perm``."""
    paths = scope_paths(user, perm)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{path_field}__startswith": path})
    return Q(**{municipality_field: user.municipality_id}) & q


def units_for(user: Any, perm: Perm) -> QuerySet[OrgUnit]:
    """Return every unit on which ``user`` holds ``perm``."""
    return OrgUnit.objects.filter(scope_q(user, perm))


def units_for_new_work(user: Any, perm: Perm) -> QuerySet[OrgUnit]:
    """Return the units on which ``user`` holds ``perm`` that are open for new work (not closed)."""
    return open_for_new_work(units_for(user, perm))


def ensure_open_for_new_work(unit: OrgUnit, *, field: str | None = None) -> None:
    """Refuse new work (a survey round, a role, a unit below it) on a unit closed by the import."""
    if unit.closed_on is not None:
        raise ServiceError(
            CoreErrorCode.UNIT_CLOSED,
            _("%(unit)s is closed: it cannot be chosen for new surveys, roles or units.") % {"unit": unit},
            field=field,
        )


def pk_or_404(value: Any) -> int:
    """Return an id from an address or a form as a whole number; anything else names nothing: 404."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def row_or_404(rows: QuerySet[M], row_id: Any, **where: Any) -> M:
    """Return the row of ``rows`` with ``row_id`` that also matches ``where``; otherwise 404."""
    row = rows.filter(pk=pk_or_404(row_id), **where).first()
    if row is None:
        raise Http404
    return row


def access_by_id(
    user: Any, rows: QuerySet[M], row_id: Any, perm: Perm | tuple[Perm, ...], unit: Callable[[M], OrgUnit]
) -> M:
    """Return the row of ``rows`` with ``row_id`` in the user's municipality if ``user`` holds
    ``perm`` (or any of several) on its unit (``unit(row)``); a missing row and a forbidden one
    are both 404.

    The one shape of the modules' ``access_<thing>_by_id`` helpers (``rows`` says what to load
    with the row).
    """
    row = row_or_404(rows, row_id, municipality_id=municipality_id_of(user))
    perms = (perm,) if isinstance(perm, Perm) else perm
    if not any(can(user, p, unit(row)) for p in perms):
        raise Http404
    return row


def access_shared_by_id(user: Any, rows: QuerySet[M], row_id: Any, perm: Perm) -> M:
    """Return the row of ``rows`` with ``row_id`` in the user's municipality if ``user`` holds
    ``perm`` on any unit (for what belongs to the whole municipality: its register, its
    volunteers' pool); otherwise 404."""
    if not can_anywhere(user, perm):
        raise Http404
    return row_or_404(rows, row_id, municipality_id=municipality_id_of(user))


def access_unit_by_id(user: Any, unit_id: Any, perm: Perm) -> OrgUnit:
    """Return the unit if it exists and ``user`` holds ``perm`` on it; otherwise raise 404."""
    return access_by_id(user, OrgUnit.objects.all(), unit_id, perm, lambda unit: unit)


def access_job_by_id(user: Any, job_id: Any) -> Job:
    """Return the background job if ``user`` started it or administers its whole municipality; else 404."""
    job = Job.objects.filter(pk=pk_or_404(job_id), municipality_id=municipality_id_of(user)).first()
    if job is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if job.created_by_id != user.pk and not can(
        user, Perm.AUDIT_VIEW, municipality_root(municipality=job.municipality)
    ):
        raise Http404
    return job


def access_role_by_id(user: Any, role_id: Any) -> RoleAssignment:
    """Return a role assignment the user may manage; otherwise raise 404."""
    rows = RoleAssignment.objects.select_related("unit", "user")
    return access_by_id(user, rows, role_id, Perm.ROLES_MANAGE, lambda assignment: assignment.unit)


def access_user_by_id(user: Any, user_id: Any) -> User:
    """Return an active staff user of the caller's municipality to give a role to; otherwise 404."""
    found = User.objects.filter(
        pk=pk_or_404(user_id), municipality_id=municipality_id_of(user), is_active=True
    ).first()
    if found is None or not can_anywhere(user, Perm.ROLES_MANAGE):
        raise Http404
    return found
