"""The transparency report of a selection run: chances per person and per group, as chart and table."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from medvirk.core.bars import Bar, BarChart, bar_chart

from .choices import FEATURES, feature_choices, value_label
from .models import SelectionRun, Volunteer


def _percent(chance: float | None) -> str:
    return "–" if chance is None else f"{floatformat(chance * 100, -1)} %"


def chance_words(chance: float | None) -> str:
    """Say a chance of being drawn in words before the number: "1 in 10 (10 %)", "about 1 in 12
    (8.6 %)", "about 7 in 10 (72.5 %)"; "–" where none was computed.

    A probability as a decimal ("0.100") is a statistician's notation; "1 in N" is how the
    coordinator and the volunteers say it. "About" where the fraction is rounded: the percent
    (to one decimal) is the exact figure.
    """
    if chance is None:
        return "–"
    percent = floatformat(chance * 100, -1)
    if chance <= 0:
        return _("no chance (0 %)")
    if chance >= 1:
        return _("certain (100 %)")
    if chance <= 0.5:
        n = round(1 / chance)
        if abs(chance - 1 / n) < 0.0005:
            return _("1 in %(n)s (%(percent)s %%)") % {"n": n, "percent": percent}
        return _("about 1 in %(n)s (%(percent)s %%)") % {"n": n, "percent": percent}
    tenths = round(chance * 10)
    if abs(chance - tenths / 10) < 0.0005:
        return _("%(n)s in 10 (%(percent)s %%)") % {"n": tenths, "percent": percent}
    return _("about %(n)s in 10 (%(percent)s %%)") % {"n": tenths, "percent": percent}


def fairness_words(minimum: float | None, maximum: float | None, equal_share: float) -> str:
    """Say in one sentence what the draw's chances mean, before any figure: everyone had the
    same chance, or the quotas made the chances differ (from the lowest to the highest, beside
    the chance without quotas). "" for a draw whose chances were not worked out (legacy)."""
    if minimum is None or maximum is None:
        return ""
    low, high = chance_words(minimum), chance_words(maximum)
    if low == high:
        return _("Everyone in the pool had the same chance of being drawn: %(chance)s.") % {"chance": low}
    return _(
        "The quotas gave the volunteers different chances of being drawn: from %(low)s for the least "
        "likely to %(high)s for the most likely. Without quotas everyone would have had %(equal)s."
    ) % {"low": low, "high": high, "equal": chance_words(equal_share)}


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

    @property
    def chance_text(self) -> str:
        return chance_words(self.chance)


@dataclass
class GroupTable:
    key: str
    label: str
    rows: list[GroupRow] = field(default_factory=list)

    @property
    def chart(self) -> BarChart:
        """Return the chance of each group's members as a bar chart (a bar's full length: certain)."""
        # The bars say the percent only: "1 in 12" beside a long bar would run past the chart's edge;
        # the table under the chart says each chance in words.
        bars = [Bar(r.label, r.chance or 0.0, _percent(r.chance)) for r in self.rows]
        return bar_chart(f"g-{self.key}", {"": bars})


@dataclass(frozen=True)
class PersonRow:
    person_id: str
    name: str | None  # None: the volunteer has withdrawn since
    chance: float | None
    drawn: bool

    @property
    def chance_text(self) -> str:
        return chance_words(self.chance)


@dataclass
class Report:
    run: SelectionRun
    groups: list[GroupTable]
    people: list[PersonRow]
    minimum: float | None
    maximum: float | None
    equal_share: float  # seats / pool: the chance everyone would have without quotas

    @property
    def fairness(self) -> str:
        """The draw's chances in one sentence (``fairness_words``)."""
        return fairness_words(self.minimum, self.maximum, self.equal_share)

    @property
    def chances_text(self) -> dict[str, str]:
        """The lowest, highest and no-quota chances in words (``chance_words``)."""
        return {
            "minimum": chance_words(self.minimum),
            "maximum": chance_words(self.maximum),
            "equal_share": chance_words(self.equal_share),
        }


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
