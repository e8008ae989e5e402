"""Reads for participation: scoped staff lists, access helpers (404 policy) and public views."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from medvirk.accounts.access import access_by_id, pk_or_404, scope_q
from medvirk.accounts.permissions import Perm
from medvirk.orgs.models import Municipality, OrgUnit

from .models import Activity, ActivityAttachment, Finding, Invited, Measure, MeasureStatus


def activities_for(user: Any, perm: Perm = Perm.RESULTS_VIEW) -> QuerySet[Activity]:
    """Return activities whose responsible unit lies in the user's scope."""
    return Activity.objects.filter(scope_q(user, perm, path_field="owner_unit__path")).select_related(
        "owner_unit"
    )


def findings_for(user: Any, perm: Perm = Perm.RESULTS_VIEW) -> QuerySet[Finding]:
    return Finding.objects.filter(scope_q(user, perm, path_field="unit__path")).select_related(
        "unit", "activity", "survey"
    )


def measures_for(user: Any, perm: Perm = Perm.RESULTS_VIEW) -> QuerySet[Measure]:
    return Measure.objects.filter(scope_q(user, perm, path_field="unit__path")).select_related(
        "unit", "owner", "finding"
    )


def access_activity_by_id(user: Any, activity_id: Any, perm: Perm) -> Activity:
    """Return the activity if the user holds ``perm`` on its unit; otherwise 404."""
    rows = Activity.objects.select_related("owner_unit", "owner_unit__municipality", "survey")
    return access_by_id(user, rows, activity_id, perm, lambda activity: activity.owner_unit)


def access_attachment_by_id(user: Any, attachment_id: Any) -> ActivityAttachment:
    rows = ActivityAttachment.objects.select_related("activity__owner_unit")
    return access_by_id(user, rows, attachment_id, Perm.RESULTS_VIEW, lambda a: a.activity.owner_unit)


def access_finding_by_id(user: Any, finding_id: Any, perm: Perm) -> Finding:
    rows = Finding.objects.select_related("unit", "unit__municipality", "activity", "survey")
    return access_by_id(user, rows, finding_id, perm, lambda finding: finding.unit)


def access_measure_by_id(user: Any, measure_id: Any, perm: Perm) -> Measure:
    rows = Measure.objects.select_related("unit", "unit__municipality", "owner", "finding")
    return access_by_id(user, rows, measure_id, perm, lambda measure: measure.unit)


# --- public ("you said — we did"): only published items, no login ---------------------------


def public_municipality(slug: str) -> Municipality:
    """Return any municipality by slug (every municipality's name and slug are public); else 404."""
    municipality = Municipality.objects.filter(slug=slug).first()
    if municipality is None:
        raise Http404
    return municipality


def public_unit(municipality: Municipality, unit_id: Any) -> OrgUnit:
    unit = OrgUnit.objects.filter(pk=pk_or_404(unit_id), municipality=municipality).first()
    if unit is None:
        raise Http404
    return unit


def _under(unit: OrgUnit | None, field: str) -> Q:
    return Q(**{f"{field}__path__startswith": unit.path}) if unit else Q()


def public_findings(municipality: Municipality, unit: OrgUnit | None = None) -> QuerySet[Finding]:
    """Return published findings, each with only its published measures."""
    return (
        Finding.objects.filter(_under(unit, "unit"), municipality=municipality, published=True)
        .select_related("unit", "municipality")
        .order_by("-created_on", "-id")
    )


# What the public pages call "we did": measures under way or done. A proposed or decided measure
# is a plan, and a rejected one was not done, even when someone ticked "published".
PUBLIC_MEASURE_STATUSES = ("in_progress", "done")


def public_measures(municipality: Municipality, unit: OrgUnit | None = None) -> QuerySet[Measure]:
    """Return published measures that are in progress or done, most recently changed first."""
    return (
        Measure.objects.filter(
            _under(unit, "unit"),
            municipality=municipality,
            published=True,
            status__in=PUBLIC_MEASURE_STATUSES,
        )
        .select_related("unit", "municipality")
        .order_by("-updated_on", "-id")
    )


def public_upcoming(
    municipality: Municipality, unit: OrgUnit | None = None, today: datetime.date | None = None
) -> QuerySet[Activity]:
    """Return published, open activities from today on."""
    today = today or datetime.date.today()
    return (
        Activity.objects.filter(
            _under(unit, "owner_unit"),
            municipality=municipality,
            published=True,
            invited=Invited.OPEN,
            starts_on__gte=today,
        )
        .select_related("owner_unit")
        .order_by("starts_on", "id")
    )


def public_declined(municipality: Municipality, unit: OrgUnit | None = None) -> QuerySet[Measure]:
    """Return published measures that were rejected: shown apart, with the reason, never as done."""
    return (
        Measure.objects.filter(
            _under(unit, "unit"), municipality=municipality, published=True, status="rejected"
        )
        .select_related("unit", "municipality")
        .order_by("-updated_on", "-id")
    )


def public_summary(municipality: Municipality, unit: OrgUnit | None = None) -> dict[str, Any]:
    """Return everything the public page and the public JSON feed show."""
    measures = list(public_measures(municipality, unit))
    by_finding: dict[int, list[Measure]] = {}
    for measure in measures:
        if measure.finding_id:
            by_finding.setdefault(measure.finding_id, []).append(measure)
    declined: dict[int, list[Measure]] = {}
    for measure in public_declined(municipality, unit):
        if measure.finding_id:
            declined.setdefault(measure.finding_id, []).append(measure)
    findings = list(public_findings(municipality, unit))
    for finding in findings:  # measures considered and rejected, each with the reason citizens can read
        finding.declined_measures = declined.get(finding.pk, [])
    shown = {f.pk for f in findings}
    return {
        "findings": [(f, by_finding.get(f.pk, [])) for f in findings],
        # Measures whose finding is unpublished (or absent) are listed on their own.
        "other_measures": [m for m in measures if m.finding_id not in shown],
        "measures": measures,
        "upcoming": list(public_upcoming(municipality, unit)),
    }


def measure_bank(*, query: str = "", service_area: str = "") -> QuerySet[Measure]:
    """Return shareable measures from every municipality, searchable by text and service area."""
    measures = Measure.objects.filter(shareable=True).select_related("unit", "municipality", "finding")
    if service_area:
        measures = measures.filter(service_area=service_area)
    for word in query.split()[:8]:
        measures = measures.filter(
            Q(title__icontains=word) | Q(description__icontains=word) | Q(outcome__icontains=word)
        )
    return measures.order_by("-updated_on", "-id")


def measures_due(user: Any, *, today: datetime.date, within_days: int = 14) -> QuerySet[Measure]:
    """Open measures (not done or rejected) the user manages, due within ``within_days`` or overdue."""
    from .models import MeasureStatus

    return (
        measures_for(user, Perm.PARTICIPATION_MANAGE)
        .exclude(status__in=[MeasureStatus.DONE, MeasureStatus.REJECTED])
        .filter(due_on__lte=today + datetime.timedelta(days=within_days))
        .order_by("due_on", "id")
    )


@dataclass(frozen=True)
class CycleStep:
    """The yearly cycle's next item for the user's units: what, when, and how many units lack it."""

    item: str
    label: Any
    due_on: datetime.date
    units_missing: int
    units: int
    overdue: bool


def cycle_next_step(user: Any, *, today: datetime.date) -> CycleStep | None:
    """Return the earliest item of this year's cycle that some unit the user manages has not done."""
    from .cycle import CYCLE_ITEMS, cycle_rows, item_due

    units = list(OrgUnit.objects.filter(scope_q(user, Perm.PARTICIPATION_MANAGE)))
    if not units:
        return None
    rows = cycle_rows(units=units, year=today.year)
    for key, _due, label in CYCLE_ITEMS:
        missing = sum(1 for row in rows if not getattr(row, key))
        if missing:
            due = item_due(key, today.year)
            return CycleStep(key, label, due, missing, len(rows), due < today)
    return None


def overdue_measures(*, today: datetime.date | None = None) -> Any:
    """Return open measures past their due date that have not been reminded today."""
    today = today or timezone.localdate()
    return (
        Measure.objects.filter(due_on__lt=today, owner__isnull=False)
        .exclude(status__in=[MeasureStatus.DONE, MeasureStatus.REJECTED])
        .exclude(reminded_on=today)
        .select_related("owner", "unit", "unit__municipality")
    )
