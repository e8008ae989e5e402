"""Access checks: every staff read of an org-scoped object goes through these helpers.

As in Zulip's ``access_<thing>_by_id``, a missing object and a forbidden one both answer 404, so
nobody learns that another unit's or municipality's object exists.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from medvirk.core.models import Job
from medvirk.orgs.models import OrgUnit
from medvirk.orgs.selectors import municipality_root

from .models import RoleAssignment
from .permissions import Perm, roles_with

_CACHE_ATTR = "_medvirk_scope_cache"


def _assignments(user: Any) -> list[tuple[str, str]]:
    """Return (role, unit path) pairs for the user, cached on the user object per request."""
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        if not getattr(user, "is_authenticated", False) or not user.municipality_id or not user.is_active:
            cache = []
        else:
            cache = list(
                RoleAssignment.objects.filter(user=user, municipality_id=user.municipality_id).values_list(
                    "role", "unit__path"
                )
            )
        setattr(user, _CACHE_ATTR, cache)
    return cache


def clear_scope_cache(user: Any) -> None:
    """Forget cached role scopes (after a role change in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_paths(user: Any, perm: Perm) -> list[str]:
    """Return the minimal set of subtree paths where ``user`` holds ``perm``."""
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


def can(user: Any, perm: Perm, unit: OrgUnit) -> bool:
    """Return whether ``user`` holds ``perm`` on ``unit``."""
    if unit.municipality_id != getattr(user, "municipality_id", None):
        return False
    return any(unit.path.startswith(path) for path in scope_paths(user, perm))


def can_anywhere(user: Any, perm: Perm) -> bool:
    """Return whether ``user`` holds ``perm`` on at least one unit."""
    return bool(scope_paths(user, perm))


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


def access_unit_by_id(user: Any, unit_id: Any, perm: Perm) -> OrgUnit:
    """Return the unit if it exists and ``user`` holds ``perm`` on it; otherwise raise 404."""
    try:
        pk = int(unit_id)
    except (TypeError, ValueError):
        raise Http404 from None
    unit = OrgUnit.objects.filter(pk=pk, municipality_id=getattr(user, "municipality_id", None)).first()
    if unit is None or not can(user, perm, unit):
        raise Http404
    return unit


def access_job_by_id(user: Any, job_id: Any) -> Job:
    """Return the background job if ``user`` started it or administers its whole municipality; else 404."""
    try:
        pk = int(job_id)
    except (TypeError, ValueError):
        raise Http404 from None
    job = Job.objects.filter(pk=pk, municipality_id=getattr(user, "municipality_id", None)).first()
    if job is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if job.created_by_id != user.pk and not can(
        user, Perm.AUDIT_VIEW, municipality_root(municipality=job.municipality)
    ):
        raise Http404
    return job


def access_role_by_id(user: Any, role_id: Any) -> RoleAssignment:
    """Return a role assignment the user may manage; otherwise raise 404."""
    try:
        pk = int(role_id)
    except (TypeError, ValueError):
        raise Http404 from None
    assignment = (
        RoleAssignment.objects.select_related("unit", "user")
        .filter(pk=pk, municipality_id=getattr(user, "municipality_id", None))
        .first()
    )
    if assignment is None or not can(user, Perm.ROLES_MANAGE, assignment.unit):
        raise Http404
    return assignment
