"""The yearly participation report: methods per ladder level, groups reached, measures and outcomes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from medvirk.core.bars import Bar, BarChart, bar_chart
from medvirk.core.tenancy import co_located
from medvirk.orgs.models import OrgUnit

from .composition import DimensionTable
from .disclosure import decide_year
from .models import Activity, ActivityKind, Ladder, Measure, MeasureStatus


@dataclass(frozen=True)
class LadderRow:
    key: str
    label: str
    count: int
    kinds: list[tuple[str, int]]  # (kind label, activities)


@dataclass(frozen=True)
class Report:
    unit: OrgUnit
    year: int
    activities: int
    documented: int
    participants: int
    ladder: list[LadderRow]
    chart: BarChart  # activities per ladder level, the level with the most a full bar
    groups: list[DimensionTable]
    measures: list[tuple[str, int]]  # (status label, count)
    measure_list: list[Measure]
    threshold: int


def _under(unit: OrgUnit, model: Any, field: str, **filters: Any) -> Any:
    """Return ``model``'s rows whose ``field`` is ``unit`` or a unit below it, filtered further."""
    return model.objects.filter(
        co_located(field),
        municipality_id=unit.municipality_id,
        **{f"{field}__path__startswith": unit.path},
        **filters,
    )


def build_report(*, unit: OrgUnit, year: int) -> Report:
    """Return the report for activities and measures of ``unit``'s subtree in ``year``."""
    activities = list(
        _under(unit, Activity, "owner_unit", starts_on__year=year).only(
            "kind", "ladder", "participants", "composition"
        )
    )
    kind_labels = dict(ActivityKind.choices)
    rows = []
    per_ladder = Counter(a.ladder for a in activities)
    longest = max(per_ladder.values(), default=0) or 1
    for key, label in Ladder.choices[::-1]:  # highest rung on top
        kinds = Counter(kind_labels[a.kind] for a in activities if a.ladder == key)
        count = per_ladder.get(key, 0)
        rows.append(LadderRow(key, str(label), count, sorted((str(k), n) for k, n in kinds.items())))
    documented = [a for a in activities if a.participants is not None]
    total = sum(a.participants or 0 for a in documented)
    threshold = unit.municipality.anonymity_threshold
    measures = list(_under(unit, Measure, "unit", created_on__year=year).select_related("unit"))
    status_counts = Counter(m.status for m in measures)
    return Report(
        unit=unit,
        year=year,
        activities=len(activities),
        documented=len(documented),
        participants=total,
        ladder=rows,
        chart=bar_chart("ladder", {"": [Bar(r.label, r.count / longest, str(r.count)) for r in rows]}),
        groups=(
            decide_year(municipality_id=unit.municipality_id, year=year, threshold=threshold).tables(
                f"u{unit.pk}"
            )
            if total
            else []
        ),
        measures=[(str(label), status_counts.get(key, 0)) for key, label in MeasureStatus.choices],
        measure_list=measures,
        threshold=threshold,
    )
