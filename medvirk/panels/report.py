"""The transparency report of a selection run: chances per person and per group, as chart and table."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.defaultfilters import floatformat

from medvirk.core.bars import Bar, BarChart, bar_chart

from .choices import FEATURES, feature_choices, value_label
from .models import SelectionRun, Volunteer


@dataclass(frozen=True)
class GroupRow:
    value: str
    label: str
    pool: int
    drawn: int
    expected: float | None  # expected seats under the lottery
    chance: float | None  # selection probability of each person in the group
    quota_min: int
    quota_max: int


@dataclass
class GroupTable:
    key: str
    label: str
    rows: list[GroupRow] = field(default_factory=list)

    @property
    def chart(self) -> BarChart:
        """Return the chance of each group's members as a bar chart (a bar's full length: certain)."""
        bars = [Bar(r.label, r.chance or 0.0, floatformat(r.chance, 3)) for r in self.rows]
        return bar_chart(f"g-{self.key}", {"": bars})


@dataclass(frozen=True)
class PersonRow:
    person_id: str
    name: str | None  # None: the volunteer has withdrawn since
    chance: float | None
    drawn: bool


@dataclass
class Report:
    run: SelectionRun
    groups: list[GroupTable]
    people: list[PersonRow]
    minimum: float | None
    maximum: float | None
    equal_share: float  # seats / pool: the chance everyone would have without quotas


def build_report(run: SelectionRun) -> Report:
    """Return the report of ``run`` (names only of volunteers still in the pool)."""
    pool: dict[str, list[str]] = run.distribution.get("pool", {}).get("people", {})
    probs: dict[str, float] = run.person_probabilities or {}
    drawn = set(run.drawn)
    choices = feature_choices(run.panel.municipality)
    quotas = {(q[0], q[1]): (q[2], q[3]) for q in run.quotas}
    groups = []
    for i, feature in enumerate(run.features):
        table = GroupTable(feature, str(FEATURES.get(feature, feature)))
        values = sorted({p[i] for p in pool.values()}, key=lambda v: (v == "prefer_not_to_say", v))
        for value in values:
            members = [pid for pid, p in pool.items() if p[i] == value]
            expected = sum(probs.get(pid, 0.0) for pid in members) if probs else None
            chance = expected / len(members) if expected is not None and members else None
            lo, hi = quotas.get((feature, value), (0, run.panel.size))
            table.rows.append(
                GroupRow(
                    value=value,
                    label=value_label(choices, feature, value),
                    pool=len(members),
                    drawn=sum(1 for pid in members if pid in drawn),
                    expected=expected,
                    chance=chance,
                    quota_min=lo,
                    quota_max=hi,
                )
            )
        groups.append(table)
    names = {
        v.person_id: v.name
        for v in Volunteer.objects.filter(municipality_id=run.municipality_id).only("name")
    }
    people = sorted(
        (PersonRow(pid, names.get(pid), probs.get(pid), pid in drawn) for pid in pool),
        key=lambda r: (r.chance if r.chance is not None else 0.0, r.person_id),
    )
    chances = [p for p in probs.values()]
    return Report(
        run=run,
        groups=groups,
        people=people,
        minimum=run.minimum,
        maximum=max(chances) if chances else None,
        equal_share=run.panel.size / max(len(pool), 1),
    )
