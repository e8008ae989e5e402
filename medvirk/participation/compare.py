"""Side-by-side comparison of two or more municipalities' participation practices in one year.

Every figure is an aggregate for a whole municipality. Participants' composition is taken from
each municipality's own disclosure decision for the year (its root unit's row), so the comparison
shows nothing that municipality's own yearly report hides. Who may see it: ``sharing.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext as _

from medvirk.core.bars import Bar, BarChart, bar_chart
from medvirk.orgs.models import Municipality, OrgUnit

from .cycle import cycle_rows
from .disclosure import decide_year
from .models import Activity, ActivityKind, DecisionLevel, Finding, Ladder, Level, Measure, MeasureStatus
from .services import ROUNDS_ACTOR, survey_rounds_sync


@dataclass(frozen=True)
class Cell:
    value: int | None  # None: not available (e.g. no composition recorded)
    hidden: bool = False  # withheld to protect small groups


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    cells: tuple[Cell, ...]  # one per municipality, in the comparison's order
    percent: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    figures: list[Figure]


@dataclass(frozen=True)
class Comparison:
    year: int
    municipalities: list[Municipality]
    sections: list[Section]
    chart: BarChart


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _figures(municipality: Municipality, year: int) -> tuple[dict[str, Cell], dict[str, str]]:
    """Return one municipality's figures by key, and the labels of its composition rows."""
    cells: dict[str, Cell] = {}

    def put(key: str, value: int | None, hidden: bool = False) -> None:
        cells[key] = Cell(value, hidden)

    activities = list(
        Activity.objects.filter(municipality=municipality, starts_on__year=year).values_list(
            "kind", "ladder", "level", "participants", "published"
        )
    )
    put("activities", len(activities))
    put("documented", sum(1 for a in activities if a[3] is not None))
    put("participants", sum(a[3] or 0 for a in activities))
    vocabularies: tuple[tuple[str, int, type[TextChoices]], ...] = (
        ("kind", 0, ActivityKind),
        ("ladder", 1, Ladder),
        ("level", 2, Level),
    )
    for prefix, index, choices in vocabularies:
        counts = Counter(a[index] for a in activities)
        for value in choices.values:
            put(f"{prefix}.{value}", counts.get(value, 0))

    labels: dict[str, str] = {}
    root = OrgUnit.objects.filter(municipality=municipality, parent__isnull=True).first()
    if root is not None and cells["participants"].value:
        decision = decide_year(
            municipality_id=municipality.pk, year=year, threshold=municipality.anonymity_threshold
        )
        for table in decision.tables(f"u{root.pk}"):
            labels[f"groups.{table.key}"] = table.label
            for i, row in enumerate(table.rows):
                key = f"groups.{table.key}.{i}"
                labels[key] = row.label
                put(key, row.count, hidden=row.count is None)

    measures = list(
        Measure.objects.filter(municipality=municipality, created_on__year=year).values_list(
            "status", "decision_level", "published"
        )
    )
    put("measures", len(measures))
    for prefix, index, measure_choices in (("status", 0, MeasureStatus), ("decision", 1, DecisionLevel)):
        counts = Counter(m[index] for m in measures)
        for value in measure_choices.values:
            put(f"{prefix}.{value}", counts.get(value, 0))

    rows = cycle_rows(units=list(OrgUnit.objects.filter(municipality=municipality)), year=year)
    put("cycle.units", len(rows))
    put("cycle.complete", _share(sum(r.complete for r in rows), len(rows)))
    for item in ("survey_run", "council_met", "minorities_mapped", "report_published"):
        put(f"cycle.{item}", _share(sum(getattr(r, item) for r in rows), len(rows)))

    put("public.activities", sum(1 for a in activities if a[4]))
    put(
        "public.findings",
        Finding.objects.filter(municipality=municipality, created_on__year=year, published=True).count(),
    )
    put("public.measures", sum(1 for m in measures if m[2]))
    return cells, labels


def _sections(per: list[dict[str, Cell]], labels: dict[str, str]) -> list[Section]:
    def fig(key: str, label: Any, percent: bool = False) -> Figure:
        return Figure(key, str(label), tuple(p.get(key, Cell(None)) for p in per), percent)

    def choices(prefix: str, enum: Any) -> list[Figure]:
        return [fig(f"{prefix}.{value}", label) for value, label in enum.choices]

    group_figures = []
    for key in [k for k in labels if k.count(".") == 1]:  # the standard dimensions' order
        rows = sorted((k for k in labels if k.startswith(key + ".")), key=lambda k: int(k.rsplit(".", 1)[1]))
        group_figures += [fig(k, f"{labels[key]}: {labels[k]}") for k in rows]
    return [
        Section(
            "activities",
            _("Activities"),
            [
                fig("activities", _("Activities")),
                fig("documented", _("Documented afterwards")),
                *choices("kind", ActivityKind),
            ],
        ),
        Section("ladder", _("Ladder level"), choices("ladder", Ladder)),
        Section("level", _("Participation level"), choices("level", Level)),
        Section(
            "groups",
            _("Participants reached"),
            [fig("participants", _("Participants in all")), *group_figures],
        ),
        Section(
            "measures",
            _("Measures"),
            [
                fig("measures", _("Measures")),
                *choices("status", MeasureStatus),
                *[
                    fig(f"decision.{v}", _("Decided by: %(level)s") % {"level": label})
                    for v, label in DecisionLevel.choices
                ],
            ],
        ),
        Section(
            "cycle",
            _("Yearly checklist"),
            [
                fig("cycle.units", _("Units with a checklist")),
                fig("cycle.complete", _("Units with every item done (%)"), True),
                fig("cycle.survey_run", _("User survey run (%)"), True),
                fig("cycle.council_met", _("Council met (%)"), True),
                fig("cycle.minorities_mapped", _("Minorities' voices mapped (%)"), True),
                fig("cycle.report_published", _("Report published (%)"), True),
            ],
        ),
        Section(
            "public",
            _("Published on the public pages"),
            [
                fig("public.activities", _("Activities")),
                fig("public.findings", _("Findings")),
                fig("public.measures", _("Measures")),
            ],
        ),
    ]


def _chart(municipalities: Sequence[Municipality], per: list[dict[str, Cell]]) -> BarChart:
    """Chart activities per ladder level (highest rung first), one labelled bar per municipality."""
    longest = max((p[f"ladder.{v}"].value or 0 for p in per for v in Ladder.values), default=0) or 1
    groups = {}
    for value, label in Ladder.choices[::-1]:
        counts = [
            (m.name, cells[f"ladder.{value}"].value or 0)
            for m, cells in zip(municipalities, per, strict=True)
        ]
        groups[str(label)] = [Bar(name, count / longest, str(count)) for name, count in counts]
    return bar_chart("cmp-ladder", groups)


def build_comparison(*, municipalities: Sequence[Municipality], year: int) -> Comparison:
    """Return the figures of each municipality side by side (callers check access first)."""
    per: list[dict[str, Cell]] = []
    labels: dict[str, str] = {}
    for municipality in municipalities:
        survey_rounds_sync(actor=ROUNDS_ACTOR, municipality_id=municipality.pk)
        cells, found = _figures(municipality, year)
        per.append(cells)
        labels |= found
    return Comparison(year, list(municipalities), _sections(per, labels), _chart(municipalities, per))


def comparison_rows(comparison: Comparison) -> list[list[Any]]:
    """Return the comparison as CSV rows: section, figure, then one column per municipality."""
    rows: list[list[Any]] = [[_("Section"), _("Figure"), *(m.name for m in comparison.municipalities)]]
    for section in comparison.sections:
        for figure in section.figures:
            rows.append(
                [
                    section.title,
                    figure.label,
                    *(
                        _("hidden") if c.hidden else ("" if c.value is None else c.value)
                        for c in figure.cells
                    ),
                ]
            )
    return rows


def comparison_dict(comparison: Comparison) -> dict[str, Any]:
    """Return the comparison for the JSON API (hidden cells are null with ``hidden`` true)."""
    return {
        "year": comparison.year,
        "municipalities": [{"slug": m.slug, "name": m.name} for m in comparison.municipalities],
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "figures": [
                    {
                        "key": f.key,
                        "label": f.label,
                        "percent": f.percent,
                        "values": [c.value for c in f.cells],
                        "hidden": [c.hidden for c in f.cells],
                    }
                    for f in s.figures
                ],
            }
            for s in comparison.sections
        ],
    }
