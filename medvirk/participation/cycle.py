"""The yearly participation cycle per unit: derived from data where possible, ticked otherwise."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from medvirk.orgs.models import OrgUnit, UnitKind
from medvirk.surveys.models import SurveyStatus, SurveyUnit

from .models import Activity, ActivityKind, CycleCheck

# The checklist items in the order of the year, with the day each is due (month, day) and its label.
# A unit that has not done an item by then is behind schedule, and its leaders are reminded.
CYCLE_ITEMS: tuple[tuple[str, tuple[int, int], object], ...] = (
    # Each item as a step to take ("map …"): the overview says it as the next step and reminders
    # list it as past due; "… is mapped" read as done next to "29 of 29 units not yet".
    ("minorities_mapped", (3, 31), _("map who can voice minorities' views")),
    ("council_met", (6, 30), _("hold a meeting of the user council")),
    ("survey_run", (10, 31), _("run the user survey")),
    ("report_published", (12, 1), _("publish the participation report")),
)


def item_due(item: str, year: int) -> datetime.date:
    """Return the day a checklist item is due in ``year``."""
    month, day = next(due for key, due, _label in CYCLE_ITEMS if key == item)
    return datetime.date(year, month, day)


@dataclass(frozen=True)
class CycleRow:
    unit: OrgUnit
    survey_run: bool  # derived: a survey (not a draft) ran in the unit this year
    council_met: bool  # derived (a council meeting was held) or ticked
    minorities_mapped: bool
    report_published: bool
    check: CycleCheck | None

    @property
    def complete(self) -> bool:
        return self.survey_run and self.council_met and self.minorities_mapped and self.report_published

    def behind(self, *, year: int, today: datetime.date) -> list[str]:
        """Return the items of ``year`` not done although their due date has passed."""
        return [
            key for key, _due, _label in CYCLE_ITEMS if not getattr(self, key) and item_due(key, year) < today
        ]

    @property
    def missing(self) -> int:
        return 4 - sum((self.survey_run, self.council_met, self.minorities_mapped, self.report_published))


def cycle_rows(*, units: Sequence[OrgUnit], year: int) -> list[CycleRow]:
    """Return the checklist for each service unit (kind "unit") among ``units`` in four queries."""
    units = [u for u in units if u.kind == UnitKind.UNIT] or list(units)
    ids = [u.pk for u in units]
    surveyed = set(
        SurveyUnit.objects.filter(unit_id__in=ids)
        .exclude(survey__status=SurveyStatus.DRAFT)
        .filter(survey__created_on__year=year)
        .values_list("unit_id", flat=True)
    )
    councils = set(
        Activity.objects.filter(
            owner_unit_id__in=ids, kind=ActivityKind.COUNCIL_MEETING, starts_on__year=year
        ).values_list("owner_unit_id", flat=True)
    )
    checks = {c.unit_id: c for c in CycleCheck.objects.filter(unit_id__in=ids, year=year)}
    rows = []
    for unit in units:
        check = checks.get(unit.pk)
        rows.append(
            CycleRow(
                unit=unit,
                survey_run=unit.pk in surveyed,
                council_met=unit.pk in councils or bool(check and check.council_met),
                minorities_mapped=bool(check and check.minorities_mapped),
                report_published=bool(check and check.report_published),
                check=check,
            )
        )
    return rows
