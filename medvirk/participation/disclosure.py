"""Which composition counts may be shown, decided for a whole municipality-year at once.

Activity pages and yearly reports (unit, district, municipality) all show counts of the same
participants, so one page's figures could be subtracted from another's. Each dimension is
therefore one table: activities × categories, every unit's sum of the activities below it, and
the additive relations between them; ``analysis.suppression`` decides it as a whole.

Participant totals are always shown (how many came is not a background figure), which the
suppression model does not assume. So afterwards: a group whose total the algorithm would hide,
or whose total is below the threshold, has its whole breakdown withheld; then every small cell in
a larger group is attacked with the totals known, and groups are withheld until none is exposed.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medvirk.analysis.suppression import SuppressionPolicy, TableBuilder, attacker_interval, suppress
from medvirk.orgs.models import OrgUnit

from .composition import COMPOSITION_DIMENSIONS, NOT_STATED, DimensionTable, Row
from .models import Activity


@dataclass(frozen=True)
class YearDisclosure:
    """Shown counts per group key ("a<id>" activity, "u<id>" unit subtree) and dimension."""

    counts: dict[str, dict[str, dict[str, int | None]]]  # dim -> group -> category -> count|None
    withheld: dict[str, set[str]]  # dim -> groups whose breakdown is withheld

    def tables(self, group: str) -> list[DimensionTable]:
        lang = (get_language() or "nb")[:2]
        result = []
        for dimension in COMPOSITION_DIMENSIONS:
            counts = self.counts.get(dimension.key, {}).get(group)
            if counts is None:
                continue
            rows = [Row(c.label(lang), counts[c.key]) for c in dimension.categories]
            rows.append(Row(str(_("Not stated")), counts[NOT_STATED]))
            withheld = group in self.withheld.get(dimension.key, set())
            result.append(DimensionTable(dimension.key, dimension.label(lang), rows, withheld))
        return result


def _ancestors(unit: OrgUnit, by_id: dict[int, OrgUnit]) -> list[int]:
    return [int(pk) for pk in unit.path.strip("/").split("/") if pk and int(pk) in by_id]


def decide_year(*, municipality_id: int, year: int, threshold: int) -> YearDisclosure:
    """Return the (cached) decision; the cache key covers every input, so edits take effect at once."""
    inputs = list(
        Activity.objects.filter(municipality_id=municipality_id, starts_on__year=year, participants__gt=0)
        .order_by("pk")
        .values_list("pk", "participants", "composition", "owner_unit__path")
    )
    paths = list(
        OrgUnit.objects.filter(municipality_id=municipality_id).order_by("pk").values_list("pk", "path")
    )
    fingerprint = json.dumps([municipality_id, year, threshold, inputs, paths], sort_keys=True, default=str)
    key = "participation:disclosure:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = _decide_year(municipality_id=municipality_id, year=year, threshold=threshold)
        cache.set(key, result, 24 * 3600)
    return result


def _decide_year(*, municipality_id: int, year: int, threshold: int) -> YearDisclosure:
    """Decide every composition count for documented activities of one municipality-year."""
    k = max(threshold, 5)
    policy = SuppressionPolicy(threshold=k, text_threshold=max(8, k))
    activities = list(
        Activity.objects.filter(
            municipality_id=municipality_id, starts_on__year=year, participants__gt=0
        ).select_related("owner_unit")
    )
    units = {u.pk: u for u in OrgUnit.objects.filter(municipality_id=municipality_id)}
    counts: dict[str, dict[str, dict[str, int | None]]] = {}
    withheld: dict[str, set[str]] = {}
    for dimension in COMPOSITION_DIMENSIONS:
        if not any((a.composition or {}).get(dimension.key) for a in activities):
            continue
        cats = [c.key for c in dimension.categories] + [NOT_STATED]
        values: dict[str, dict[str, int]] = {}
        members: dict[str, list[str]] = defaultdict(list)  # unit group -> activity groups below
        for a in activities:
            recorded = (a.composition or {}).get(dimension.key, {})
            row = {c: int(recorded.get(c, 0)) for c in cats[:-1]}
            row[NOT_STATED] = (a.participants or 0) - sum(row.values())
            values[f"a{a.pk}"] = row
            for pk in _ancestors(a.owner_unit, units):
                members[f"u{pk}"].append(f"a{a.pk}")
        for group, below in members.items():
            values[group] = {c: sum(values[m][c] for m in below) for c in cats}
        builder = TableBuilder()
        for group, row in values.items():
            builder.cell(group, sum(row.values()))
            builder.breakdown(group, {f"{group}|{c}": n for c, n in row.items()})
        # Each unit's categories add up over its direct child units and its own activities.
        for group in members:
            unit = units[int(group[1:])]
            parts = [f"u{c.pk}" for c in units.values() if c.parent_id == unit.pk and f"u{c.pk}" in members]
            parts += [f"a{a.pk}" for a in activities if a.owner_unit_id == unit.pk]
            if parts:
                for c in cats:
                    builder.relation(f"{group}|{c}", [f"{p}|{c}" for p in parts])
        table = builder.build()
        decided = suppress(table, policy)
        hidden = {d.key for d in decided.decisions if not d.shown} - set(values)
        closed = {g for g in values if not decided.is_shown(g) or sum(values[g].values()) < k}
        hidden |= {f"{g}|{c}" for g in closed for c in cats}
        closed = _close_exposed(table, values, members, cats, hidden, closed, k)
        hidden |= {f"{g}|{c}" for g in closed for c in cats}
        counts[dimension.key] = {
            g: {c: (None if f"{g}|{c}" in hidden else n) for c, n in row.items()} for g, row in values.items()
        }
        withheld[dimension.key] = closed
    return YearDisclosure(counts, withheld)


def _exposed(table: Any, values: dict[str, dict[str, int]], hidden: set[str], k: int) -> str | None:
    """Return the first group with a small hidden cell an attacker can pin down, knowing all totals.

    In a group of k or more, a small cell must be able to be empty and to hold k or more; in a
    smaller group (whose total is shown anyway) it must at least be able to be empty.
    """
    for group, row in values.items():
        total = sum(row.values())
        for c, n in row.items():
            key = f"{group}|{c}"
            if 0 < n < k and key in hidden:
                low, high = attacker_interval(table, hidden, key)
                if low > 0.5 or (total >= k and high < k - 0.5):
                    return group
    return None


def _close_exposed(
    table: Any,
    values: dict[str, dict[str, int]],
    members: dict[str, list[str]],
    cats: list[str],
    hidden: set[str],
    closed: set[str],
    k: int,
) -> set[str]:
    """Withhold groups until no small cell is exposed; as a last resort withhold everything."""
    closed = set(closed)
    while (group := _exposed(table, values, hidden, k)) is not None:
        if group not in closed:
            widen = {group}
        else:  # close the unit groups that contain it
            widen = {u for u, below in members.items() if group in below and u not in closed}
            if group.startswith("u"):
                widen |= {u for u in members if u not in closed and set(members[group]) <= set(members[u])}
        if not widen:
            widen = set(values) - closed
            if not widen:  # pragma: no cover - everything hidden, only totals shown
                return closed
        closed |= widen
        hidden |= {f"{g}|{c}" for g in widen for c in cats}
    return closed
