"""Role and audit endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from medvirk.accounts import services
from medvirk.accounts.access import (
    access_role_by_id,
    access_unit_by_id,
    access_user_by_id,
    administered_municipality,
    can_anywhere,
    municipality_of,
    scope_q,
)
from medvirk.accounts.models import Role, RoleAssignment
from medvirk.accounts.permissions import ROLE_PERMISSIONS, Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.models import AuditEvent

router = Router(tags=["access"])


class RoleOut(Schema):
    id: int
    user_id: int
    username: str
    unit_id: int
    unit_name: str
    role: Role


class RoleIn(Schema):
    user_id: int
    unit_id: int
    role: Role


class MeOut(Schema):
    id: int
    username: str
    municipality: str | None
    roles: list[RoleOut]
    permissions: dict[str, list[int]]


class AuditOut(Schema):
    id: int
    created_at: datetime
    actor: str | None  # the staff member's username; null for Medvirk itself or a deleted user
    # true: Medvirk itself (a job, a daily command, a public form); false with a null actor: a user
    # since deleted; null: recorded before Medvirk kept this (0.1.0)
    by_medvirk: bool | None
    action: str
    object_type: str
    object_id: str
    data: dict[str, Any]


def _role_out(a: RoleAssignment) -> RoleOut:
    return RoleOut(
        id=a.pk,
        user_id=a.user_id,
        username=a.user.username,
        unit_id=a.unit_id,
        unit_name=a.unit.name,
        role=Role(a.role),
    )


@router.get("/me", response=MeOut)
def me(request: StaffRequest) -> MeOut:
    """Return the caller, their roles, and for each permission the units it starts at."""
    user = request.user
    roles = RoleAssignment.objects.filter(user=user).select_related("user", "unit")
    perms: dict[str, list[int]] = {}
    for a in roles:
        for perm in ROLE_PERMISSIONS[a.role]:
            perms.setdefault(str(perm), []).append(a.unit_id)
    return MeOut(
        id=user.pk,
        username=user.username,
        municipality=municipality_of(user).name if user.municipality_id else None,
        roles=[_role_out(a) for a in roles],
        permissions=perms,
    )


@router.get("/roles", response=list[RoleOut])
def list_roles(request: HttpRequest) -> list[RoleOut]:
    """List role assignments on units where the caller manages roles."""
    if not can_anywhere(request.user, Perm.ROLES_MANAGE):
        raise Http404
    rows = RoleAssignment.objects.filter(
        scope_q(request.user, Perm.ROLES_MANAGE, path_field="unit__path")
    ).select_related("user", "unit")
    return [_role_out(a) for a in rows]


@router.post("/roles", response={201: RoleOut})
def grant_role(request: StaffRequest, payload: RoleIn) -> Status[RoleOut]:
    """Give a user in the caller's municipality a role on a unit the caller manages."""
    unit = access_unit_by_id(request.user, payload.unit_id, Perm.ROLES_MANAGE)
    user = access_user_by_id(request.user, payload.user_id)
    assignment = services.role_grant(actor=request.user, user=user, unit=unit, role=payload.role)
    return Status(201, _role_out(assignment))


@router.delete("/roles/{role_id}", response={204: None})
def revoke_role(request: StaffRequest, role_id: int) -> Status[None]:
    """Remove a role assignment the caller manages."""
    services.role_revoke(actor=request.user, assignment=access_role_by_id(request.user, role_id))
    return Status(204, None)


@router.get("/audit", response=list[AuditOut])
def audit(request: StaffRequest, limit: int = 100, offset: int = 0) -> list[AuditOut]:
    """Return the municipality's audit log, newest first (administrators of the whole municipality)."""
    municipality = administered_municipality(request.user, Perm.AUDIT_VIEW)
    limit = max(1, min(limit, 500))
    offset = max(0, min(offset, 10_000_000))  # SQLite rejects OFFSET beyond a 64-bit integer
    events = AuditEvent.objects.filter(municipality=municipality).select_related("actor")[
        offset : offset + limit
    ]
    return [
        AuditOut(
            id=e.pk,
            created_at=e.created_at,
            actor=e.actor.username if e.actor else None,
            by_medvirk=e.by_medvirk,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            data=e.data,
        )
        for e in events
    ]
