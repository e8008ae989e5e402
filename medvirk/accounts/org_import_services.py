"""Storing an imported organisation tree (``org_import`` reads and plans the file): one checked,
audited transaction, every line or none."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.core import plaintext
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import Municipality, OrgUnit, ServiceArea, UnitKind

from .access import Actor, ensure_can_municipality
from .enums import AccountsAuditAction, AccountsErrorCode
from .org_import import Action, PlanNode, TreeLine, TreePlan, TreePlanner
from .permissions import Perm


def ensure_can_import(actor: Actor, municipality: Municipality) -> None:
    """Refuse anyone but an administrator of the whole municipality (``ORG_MANAGE`` on its top unit)."""
    ensure_can_municipality(
        actor,
        Perm.ORG_MANAGE,
        municipality,
        gettext_lazy("Only administrators of the whole municipality import the organisation tree."),
    )


def org_tree_import(
    *, actor: Actor, municipality: Municipality, lines: list[TreeLine], close: Collection[int] = ()
) -> TreePlan:
    """Store every line of the file in the municipality's tree, or nothing (one transaction).

    The lines are planned again against the tree as it is now, locked: when any line has a
    problem now, nothing is stored and ServiceError names the first one. ``close`` names units
    (by id) to mark closed among those the file no longer lists (``TreePlan.missing``, planned
    again now); other ids are ignored, and nothing is ever deleted.
    """
    ensure_can_import(actor, municipality)
    with transaction.atomic():
        units = list(OrgUnit.objects.select_for_update().filter(municipality=municipality).order_by("path"))
        planner = TreePlanner(municipality, units, lines)
        plan = planner.run()
        if not plan.importable:
            first = plan.bad_lines[0] if plan.bad_lines else None
            message = (
                _("Line %(line)d: %(problem)s Nothing was imported.")
                % {"line": first.line, "problem": first.problems[0]}
                if first
                else _("The file has no units.")
            )
            raise ServiceError(AccountsErrorCode.IMPORT_INVALID, message)
        try:
            _store(planner)
        except IntegrityError as exc:
            raise ServiceError(
                AccountsErrorCode.IMPORT_INVALID,
                gettext_lazy(
                    "The organisation changed while importing. Nothing was imported; upload the file again."
                ),
            ) from exc
        wanted = set(close)
        plan.closed = [unit for unit in plan.missing if unit.pk in wanted]
        if plan.closed:
            OrgUnit.objects.filter(pk__in=[unit.pk for unit in plan.closed]).update(
                closed_on=timezone.localdate()
            )
        audit_record(
            actor=actor,
            action=AccountsAuditAction.ORG_TREE_IMPORTED,
            obj=planner.root,
            data={"created": plan.created, "changed": plan.updated, "closed": len(plan.closed)},
        )
    return plan


def _store(planner: TreePlanner) -> None:
    """Create and change the planned units, then write every unit's path and depth anew."""
    created: dict[int, OrgUnit] = {}

    def unit_of(node: PlanNode) -> OrgUnit:
        if node.unit is not None:
            return node.unit
        assert node.line is not None
        return created[node.line.line]

    # New units are stored a level at a time (one INSERT per level of the tree), so each level's
    # parents have their ids; their paths are written with everyone's at the end.
    levels: dict[int, list[tuple[int, PlanNode]]] = {}
    updates: list[tuple[int, PlanNode]] = []
    for number, node in planner.line_nodes.items():
        if node.unit is None:
            levels.setdefault(_depth(node), []).append((number, node))
        elif planner.plans[number].action == Action.UPDATE:
            updates.append((number, node))
    for depth in sorted(levels):
        new = []
        for number, node in levels[depth]:
            clean = planner.clean[number]
            assert node.line is not None and node.parent is not None
            parent = unit_of(node.parent)
            new.append(
                OrgUnit(
                    municipality_id=planner.municipality.pk,
                    parent=parent,
                    name=node.line.name,
                    kind=clean.kind or UnitKind.UNIT,
                    service_area=clean.service_area or ServiceArea.OTHER,
                    org_number=clean.org_number or "",
                    unit_code=clean.unit_code or "",
                    path=f"new-{number}/",
                    depth=depth,
                )
            )
        plaintext.clean_all(new)  # bulk_create sends no pre_save
        stored = OrgUnit.objects.bulk_create(new, batch_size=500)
        for (number, _node), unit in zip(levels[depth], stored, strict=True):
            created[number] = unit
    # After the new units: an existing unit may move below one of them.
    changed = [_changed(planner, number, node, unit_of) for number, node in updates]
    plaintext.clean_all(changed)
    OrgUnit.objects.bulk_update(
        changed,
        ["name", "parent", "kind", "service_area", "org_number", "unit_code", "closed_on"],
        batch_size=500,
    )
    _rewrite_paths(planner.municipality)


def _changed(planner: TreePlanner, number: int, node: PlanNode, unit_of: Any) -> OrgUnit:
    """Return the existing unit of line ``number`` with the line's values (an empty cell keeps one)."""
    clean = planner.clean[number]
    unit = node.unit
    assert unit is not None
    if unit is not planner.root:
        assert node.line is not None and node.parent is not None
        unit.name = node.line.name
        unit.parent = unit_of(node.parent)
        unit.kind = clean.kind or unit.kind
    unit.closed_on = None  # listed again: open (``_describe`` says "reopened")
    unit.service_area = clean.service_area or unit.service_area
    unit.org_number = clean.org_number or unit.org_number
    unit.unit_code = clean.unit_code or unit.unit_code
    return unit


def _depth(node: PlanNode) -> int:
    depth, current = 0, node.parent
    while current is not None:
        depth, current = depth + 1, current.parent
    return depth


def _rewrite_paths(municipality: Municipality) -> None:
    """Write the materialised path and depth of every unit from the parent links (after moves)."""
    units = list(OrgUnit.objects.filter(municipality=municipality))
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    stale: list[OrgUnit] = []
    stack = [(unit, "", 0) for unit in children.get(None, [])]
    while stack:
        unit, prefix, depth = stack.pop()
        path = f"{prefix}{unit.pk}/"
        if unit.path != path or unit.depth != depth:
            unit.path, unit.depth = path, depth
            stale.append(unit)
        stack.extend((child, path, depth + 1) for child in children.get(unit.pk, []))
    OrgUnit.objects.bulk_update(stale, ["path", "depth"], batch_size=500)
