"""Writes to the organisation tree. Each function is one complete, audited state change.

They live in accounts, not in orgs with the tree itself, because a write checks the actor's role
(docs/adr/0002-layers.md: orgs is the tree as data, below accounts)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from medvirk.common.norway import validate_org_number
from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import Municipality, OrgUnit, ServiceArea, UnitKind

from .access import Actor, ensure_can, ensure_open_for_new_work
from .enums import AccountsAuditAction, AccountsErrorCode
from .permissions import Perm


def _check_name(
    *, municipality: Municipality, parent: OrgUnit | None, name: str, exclude: int | None
) -> None:
    name = name.strip()
    if not name:
        raise ServiceError(AccountsErrorCode.NAME_REQUIRED, _("Give the unit a name."), field="name")
    clash = OrgUnit.objects.filter(municipality=municipality, parent=parent, name__iexact=name)
    if exclude:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ServiceError(
            AccountsErrorCode.NAME_TAKEN,
            _("Another unit with this name already exists at the same place."),
            field="name",
        )


def _clean_identifiers(*, unit: OrgUnit, org_number: str, unit_code: str) -> tuple[str, str]:
    """Return the organisation number's nine digits and the unit code; refuse bad or taken ones."""
    org_number, unit_code = org_number.strip(), unit_code.strip()
    if org_number:
        number = validate_org_number(org_number).number
        if number is None:
            raise ServiceError(
                AccountsErrorCode.ORG_NUMBER_INVALID,
                _("An organisation number has nine digits, the last a check digit. Check it for typos."),
                field="org_number",
            )
        org_number = number
    if len(unit_code) > 40:
        raise ServiceError(
            AccountsErrorCode.UNIT_CODE_TAKEN, _("A unit code has at most 40 characters."), field="unit_code"
        )
    if (
        unit_code
        and OrgUnit.objects.filter(municipality_id=unit.municipality_id, unit_code__iexact=unit_code)
        .exclude(pk=unit.pk)
        .exists()
    ):
        raise ServiceError(
            AccountsErrorCode.UNIT_CODE_TAKEN, _("Another unit has this unit code."), field="unit_code"
        )
    return org_number, unit_code


def municipality_create(*, actor: SystemActor, code: str, name: str, slug: str) -> Municipality:
    """Create a municipality and its root unit (no staff role covers this: Medvirk itself does it)."""
    ensure_system(actor, "Creating a municipality")
    with transaction.atomic():
        municipality = Municipality.objects.create(code=code, name=name, slug=slug)
        root = OrgUnit(
            municipality=municipality,
            parent=None,
            kind=UnitKind.MUNICIPALITY,
            name=name,
            service_area=ServiceArea.ADMINISTRATION,
            region_code=code,
        )
        root.save()
        root.path = f"{root.pk}/"
        root.save(update_fields=["path"])
    return municipality


def unit_create(
    *,
    actor: Actor,
    parent: OrgUnit,
    name: str,
    kind: str = UnitKind.UNIT,
    service_area: str = ServiceArea.OTHER,
    region_code: str = "",
) -> OrgUnit:
    """Create a unit below ``parent``; the actor needs ``ORG_MANAGE`` on ``parent``."""
    ensure_can(actor, Perm.ORG_MANAGE, parent, _("You cannot add units here."), field="parent")
    ensure_open_for_new_work(parent, field="parent")
    if kind == UnitKind.MUNICIPALITY:
        raise ServiceError(
            AccountsErrorCode.KIND_INVALID, _("A municipality can have only one top unit."), field="kind"
        )
    _check_name(municipality=parent.municipality, parent=parent, name=name, exclude=None)
    with transaction.atomic():
        unit = OrgUnit(
            municipality_id=parent.municipality_id,
            parent=parent,
            name=name.strip(),
            kind=kind,
            service_area=service_area,
            region_code=region_code.strip(),
            depth=parent.depth + 1,
        )
        try:
            unit.save()
        except IntegrityError as exc:  # a concurrent create won the race for the name
            raise ServiceError(
                AccountsErrorCode.NAME_TAKEN,
                _("Another unit with this name already exists at the same place."),
                field="name",
            ) from exc
        unit.path = f"{parent.path}{unit.pk}/"
        unit.save(update_fields=["path"])
        audit_record(
            actor=actor,
            action=AccountsAuditAction.UNIT_CREATED,
            obj=unit,
            data={"name": unit.name, "parent": parent.pk, "kind": kind},
        )
    return unit


# What ``unit_update`` may change, in the order its audit event lists the changes.
_EDITABLE = ("name", "service_area", "region_code", "kind", "org_number", "unit_code")


def unit_update(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str,
    service_area: str,
    region_code: str = "",
    kind: str | None = None,
    org_number: str | None = None,
    unit_code: str | None = None,
) -> OrgUnit:
    """Change a unit's name, service area, region code, organisation number, unit code and (not for
    the root) kind (``UNIT_EDIT``); None leaves the number or code as it is."""
    ensure_can(actor, Perm.UNIT_EDIT, unit, _("You cannot edit this unit."))
    _check_name(municipality=unit.municipality, parent=unit.parent, name=name, exclude=unit.pk)
    number, code = _clean_identifiers(
        unit=unit,
        org_number=unit.org_number if org_number is None else org_number,
        unit_code=unit.unit_code if unit_code is None else unit_code,
    )
    before = {key: getattr(unit, key) for key in _EDITABLE}
    unit.name = name.strip()
    unit.service_area = service_area
    unit.region_code = region_code.strip()
    unit.org_number, unit.unit_code = number, code
    if kind is not None and unit.parent_id is not None:
        if kind == UnitKind.MUNICIPALITY:
            raise ServiceError(
                AccountsErrorCode.KIND_INVALID, _("A municipality can have only one top unit."), field="kind"
            )
        unit.kind = kind
    after = {key: getattr(unit, key) for key in _EDITABLE}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    with transaction.atomic():
        unit.save()
        if changed:
            audit_record(actor=actor, action=AccountsAuditAction.UNIT_UPDATED, obj=unit, data=changed)
    return unit


def unit_reopen(*, actor: Actor, unit: OrgUnit) -> OrgUnit:
    """Open a unit the organisation import marked closed, so it takes new work again (audited).

    The actor needs ``ORG_MANAGE`` on the unit; an open unit is left as it is."""
    ensure_can(actor, Perm.ORG_MANAGE, unit, _("You cannot reopen this unit."))
    if unit.closed_on is None:
        return unit
    with transaction.atomic():
        OrgUnit.objects.filter(pk=unit.pk).update(closed_on=None)
        unit.closed_on = None
        audit_record(
            actor=actor,
            action=AccountsAuditAction.UNIT_REOPENED,
            obj=unit,
            data={"name": unit.name},
        )
    return unit


def unit_move(*, actor: Actor, unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """Move a unit (with its subtree) below ``new_parent`` in the same municipality.

    The actor needs ``ORG_MANAGE`` on the unit and on its new parent.
    """
    ensure_can(actor, Perm.ORG_MANAGE, unit, _("You cannot move this unit."))
    if unit.parent_id is None:
        raise ServiceError(
            AccountsErrorCode.ROOT_IMMOVABLE, _("The municipality itself cannot be moved."), field="parent"
        )
    if new_parent.municipality_id != unit.municipality_id:
        raise ServiceError(
            AccountsErrorCode.PARENT_INVALID, _("Choose a unit in the same municipality."), field="parent"
        )
    if new_parent.path.startswith(unit.path):
        raise ServiceError(
            AccountsErrorCode.PARENT_IN_SUBTREE,
            _("A unit cannot be moved below itself or one of its own units."),
            field="parent",
        )
    ensure_can(actor, Perm.ORG_MANAGE, new_parent, _("You cannot move units here."), field="parent")
    if new_parent.pk != unit.parent_id:
        ensure_open_for_new_work(new_parent, field="parent")
    if new_parent.pk == unit.parent_id:
        return unit
    _check_name(municipality=unit.municipality, parent=new_parent, name=unit.name, exclude=unit.pk)
    old_parent_id = unit.parent_id
    old_path, new_path = unit.path, f"{new_parent.path}{unit.pk}/"
    depth_shift = new_parent.depth + 1 - unit.depth
    with transaction.atomic():
        subtree = list(
            OrgUnit.objects.select_for_update().filter(
                municipality_id=unit.municipality_id, path__startswith=old_path
            )
        )
        for node in subtree:
            node.path = new_path + node.path[len(old_path) :]
            node.depth += depth_shift
            if node.pk == unit.pk:
                node.parent = new_parent
        OrgUnit.objects.bulk_update(subtree, ["path", "depth", "parent"])
        unit.refresh_from_db()
        audit_record(
            actor=actor,
            action=AccountsAuditAction.UNIT_MOVED,
            obj=unit,
            data={"from": old_parent_id, "to": new_parent.pk, "units_moved": len(subtree)},
        )
    return unit
