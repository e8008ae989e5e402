"""Organisation tree endpoints; the same access helpers as the pages, so the same scoping."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from medvirk.accounts import unit_services as services
from medvirk.accounts.access import access_unit_by_id, units_for, units_for_new_work
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.api.base import fields_of
from medvirk.orgs.models import OrgUnit, ServiceArea, UnitKind

router = Router(tags=["organisation"])


class UnitOut(Schema):
    id: int
    parent_id: int | None
    name: str
    kind: UnitKind
    service_area: ServiceArea
    region_code: str
    org_number: str
    unit_code: str
    depth: int
    closed_on: date | None  # closed by the organisation import: history only, no new work


class UnitCreateIn(Schema):
    parent_id: int
    name: str
    kind: UnitKind = UnitKind.UNIT
    service_area: ServiceArea = ServiceArea.OTHER
    region_code: str = ""


class UnitUpdateIn(Schema):
    name: str | None = None
    kind: UnitKind | None = None
    service_area: ServiceArea | None = None
    region_code: str | None = None
    org_number: str | None = None
    unit_code: str | None = None


class MoveIn(Schema):
    parent_id: int


def _out(unit: OrgUnit) -> UnitOut:
    return UnitOut(**fields_of(unit, UnitOut))


@router.get("/units", response=list[UnitOut])
def list_units(request: HttpRequest, open_for_new_work: bool = False) -> list[UnitOut]:
    """List every unit the caller may see, in tree order; with ``open_for_new_work=true`` only
    the units that may be chosen for new work (the closed ones left out, as in the pages' pickers)."""
    pick = units_for_new_work if open_for_new_work else units_for
    return [_out(u) for u in pick(request.user, Perm.ORG_VIEW)]


@router.get("/units/{unit_id}", response=UnitOut)
def get_unit(request: HttpRequest, unit_id: int) -> UnitOut:
    """Return one unit."""
    return _out(access_unit_by_id(request.user, unit_id, Perm.ORG_VIEW))


@router.post("/units", response={201: UnitOut})
def create_unit(request: StaffRequest, payload: UnitCreateIn) -> Status[UnitOut]:
    """Create a unit below a unit the caller manages."""
    parent = access_unit_by_id(request.user, payload.parent_id, Perm.ORG_MANAGE)
    unit = services.unit_create(
        actor=request.user,
        parent=parent,
        name=payload.name,
        kind=payload.kind,
        service_area=payload.service_area,
        region_code=payload.region_code,
    )
    return Status(201, _out(unit))


@router.patch("/units/{unit_id}", response=UnitOut)
def update_unit(request: StaffRequest, unit_id: int, payload: UnitUpdateIn) -> UnitOut:
    """Change a unit's name, kind, service area or region code."""
    unit = access_unit_by_id(request.user, unit_id, Perm.UNIT_EDIT)
    unit = services.unit_update(
        actor=request.user,
        unit=unit,
        name=payload.name if payload.name is not None else unit.name,
        service_area=payload.service_area or unit.service_area,
        region_code=payload.region_code if payload.region_code is not None else unit.region_code,
        kind=payload.kind,
        org_number=payload.org_number,
        unit_code=payload.unit_code,
    )
    return _out(unit)


@router.post("/units/{unit_id}/move", response=UnitOut)
def move_unit(request: StaffRequest, unit_id: int, payload: MoveIn) -> UnitOut:
    """Move a unit and its subtree below another unit the caller manages."""
    unit = access_unit_by_id(request.user, unit_id, Perm.ORG_MANAGE)
    new_parent = access_unit_by_id(request.user, payload.parent_id, Perm.ORG_MANAGE)
    return _out(services.unit_move(actor=request.user, unit=unit, new_parent=new_parent))
