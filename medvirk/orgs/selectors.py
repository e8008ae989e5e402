"""Read models for the organisation tree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from medvirk.core.ordering import Norwegian, name_key

from .models import Municipality, OrgUnit, UnitKind


@dataclass
class TreeNode:
    """A unit with its visible children, for rendering nested lists."""

    unit: OrgUnit
    children: list[TreeNode] = field(default_factory=list)


def build_forest(units: Iterable[OrgUnit]) -> list[TreeNode]:
    """Nest units (ordered by path) under their nearest visible ancestor.

    A unit whose parent is not in ``units`` becomes a root, so a scoped user sees their own
    subtree as the top of the tree.
    """
    nodes: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    for unit in sorted(units, key=lambda u: u.path):
        node = TreeNode(unit)
        nodes[unit.pk] = node
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.unit.kind != "district", name_key(n.unit.name)))
    return roots


def open_for_new_work(units: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    """Narrow ``units`` to those open for new work: not closed by the organisation import.

    Every picker for new work (survey targeting, role granting, a new unit's parent, ...) draws
    its units through this, so a closed unit is offered nowhere new; pages showing history (old
    rounds' results, the audit, existing roles) keep reading closed units unfiltered.
    """
    return units.filter(closed_on__isnull=True)


def municipality_root(*, municipality: Municipality) -> OrgUnit:
    """Return the root unit (the municipality itself) of a municipality's tree."""
    return OrgUnit.objects.get(municipality=municipality, parent__isnull=True)


def unit_subtree(*, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """Return the unit and every unit below it."""
    return OrgUnit.objects.filter(municipality_id=unit.municipality_id, path__startswith=unit.path)


def city_districts(*, municipality_id: int) -> QuerySet[OrgUnit]:
    """Return the municipality's city districts, by name: where people live and organisations work."""
    return OrgUnit.objects.filter(municipality_id=municipality_id, kind=UnitKind.DISTRICT).order_by(
        Norwegian("name")
    )


def district_names(*, municipality_id: int) -> dict[str, str]:
    """Return the city districts' names by Statistics Norway region code, in the order of the names.

    The 'district' background categories: what a survey's district question offers, a panel's
    district quotas, the labels of results and of choice statistics. A district without a region
    code is left out: no answer, population figure or quota can name it.
    """
    rows = city_districts(municipality_id=municipality_id).exclude(region_code="")
    return dict(rows.values_list("region_code", "name"))


def unit_ancestors(*, unit: OrgUnit) -> list[OrgUnit]:
    """Return the unit's ancestors from the root down, excluding the unit itself."""
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]
    by_id = {u.pk: u for u in OrgUnit.objects.filter(municipality_id=unit.municipality_id, pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]
