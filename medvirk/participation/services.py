"""Writes for participation: each function is one complete, audited change."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import can
from medvirk.accounts.permissions import Perm
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import OrgUnit

from .composition import clean_composition
from .models import (
    Activity,
    ActivityAttachment,
    ActivityKind,
    CycleCheck,
    Finding,
    Measure,
    MeasureStatus,
    MeasureUpdate,
)
from .uploads import check_upload

ACTIVITY_FIELDS = (
    "title",
    "kind",
    "service_area",
    "starts_on",
    "ends_on",
    "place",
    "purpose",
    "question",
    "ladder",
    "level",
    "invited",
    "offers_interpreter",
    "offers_accessible_venue",
    "offers_child_care",
    "offers_travel_costs",
    "published",
)


def _require(actor: Any, unit: OrgUnit, field: str = "unit") -> None:
    if not can(actor, Perm.PARTICIPATION_MANAGE, unit):
        raise ServiceError("forbidden", _("You cannot manage participation for this unit."), field=field)


def _check_units(actor: Any, owner: OrgUnit, units: Iterable[OrgUnit]) -> list[OrgUnit]:
    units = list(units)
    for unit in units:
        if not can(actor, Perm.RESULTS_VIEW, unit) or unit.municipality_id != owner.municipality_id:
            raise ServiceError("unit_outside", _("You cannot add %(unit)s.") % {"unit": unit}, field="units")
    return units


def _check_activity(values: Mapping[str, Any]) -> None:
    if not str(values.get("title", "")).strip():
        raise ServiceError("title_required", _("Give the activity a title."), field="title")
    ends_on, starts_on = values.get("ends_on"), values.get("starts_on")
    if ends_on and starts_on and ends_on < starts_on:
        raise ServiceError("dates_order", _("The last date cannot be before the first."), field="ends_on")
    if values.get("kind") == ActivityKind.SURVEY_ROUND and not values.get("survey"):
        return  # a survey round may be linked later


def activity_create(
    *, actor: Any, owner_unit: OrgUnit, units: Iterable[OrgUnit] = (), survey: Any = None, **values: Any
) -> Activity:
    """Plan an activity for a unit the actor manages participation for."""
    _require(actor, owner_unit, "owner_unit")
    units = _check_units(actor, owner_unit, units)
    _check_activity({**values, "survey": survey})
    if survey is not None and survey.municipality_id != owner_unit.municipality_id:
        raise ServiceError("survey_outside", _("Choose a survey from your municipality."), field="survey")
    fields = {k: v for k, v in values.items() if k in ACTIVITY_FIELDS}
    with transaction.atomic():
        activity = Activity.objects.create(
            municipality_id=owner_unit.municipality_id, owner_unit=owner_unit, survey=survey, **fields
        )
        activity.units.set(units or [owner_unit])
        audit_record(
            actor=actor,
            municipality=owner_unit.municipality,
            action="activity.created",
            obj=activity,
            data={"kind": activity.kind, "ladder": activity.ladder},
        )
    return activity


def activity_update(
    *,
    actor: Any,
    activity: Activity,
    units: Iterable[OrgUnit] | None = None,
    survey: Any = None,
    **values: Any,
) -> Activity:
    """Change an activity's plan (kind, dates, ladder level, accommodations, linked survey, publication)."""
    _require(actor, activity.owner_unit)
    if survey is not None and survey.municipality_id != activity.municipality_id:
        raise ServiceError("survey_outside", _("Choose a survey from your municipality."), field="survey")
    fields = {k: v for k, v in values.items() if k in ACTIVITY_FIELDS}
    merged = {f: getattr(activity, f) for f in ACTIVITY_FIELDS} | fields
    _check_activity(merged)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(activity, name, value)
        activity.survey = survey
        activity.save()
        if units is not None:
            activity.units.set(_check_units(actor, activity.owner_unit, units) or [activity.owner_unit])
        audit_record(
            actor=actor,
            municipality=activity.owner_unit.municipality,
            action="activity.updated",
            obj=activity,
            data={"fields": sorted(fields)},
        )
    return activity


def activity_document(
    *,
    actor: Any,
    activity: Activity,
    participants: int | None,
    composition: Mapping[str, Mapping[str, Any]] | None = None,
    minutes: str = "",
    staff_evaluation: str = "",
) -> Activity:
    """Record what happened: participants, their aggregated composition, minutes and our evaluation."""
    _require(actor, activity.owner_unit)
    if participants is not None and participants < 0:
        raise ServiceError("participants_invalid", _("Enter zero or more."), field="participants")
    cleaned = clean_composition(composition or {}, participants)
    with transaction.atomic():
        activity.participants = participants
        activity.composition = cleaned
        activity.minutes = minutes
        activity.staff_evaluation = staff_evaluation
        activity.save(update_fields=["participants", "composition", "minutes", "staff_evaluation"])
        audit_record(
            actor=actor,
            municipality=activity.owner_unit.municipality,
            action="activity.documented",
            obj=activity,
            data={"participants": participants},
        )
    return activity


def activity_add_notes(*, actor: Any, activity: Activity, prompt: str, notes: str) -> Activity:
    """Append reflection notes (with the prompt they answer) to the activity's minutes."""
    _require(actor, activity.owner_unit)
    notes = notes.strip()
    if not notes:
        raise ServiceError("notes_required", _("Write down what was said."), field="notes")
    entry = f"{prompt.strip()}\n{notes}" if prompt.strip() else notes
    with transaction.atomic():
        activity.minutes = f"{activity.minutes.rstrip()}\n\n{entry}".strip()
        activity.save(update_fields=["minutes"])
        audit_record(
            actor=actor,
            municipality=activity.owner_unit.municipality,
            action="activity.documented",
            obj=activity,
            data={"notes": True},
        )
    return activity


def attachment_add(*, actor: Any, activity: Activity, upload: Any) -> ActivityAttachment:
    """Store a checked file (PDF, docx, odt, PNG, JPEG; at most 10 MB) with the activity."""
    _require(actor, activity.owner_unit)
    name, content_type = check_upload(upload)
    with transaction.atomic():
        attachment = ActivityAttachment(
            municipality_id=activity.municipality_id,
            activity=activity,
            name=name,
            content_type=content_type,
            size=upload.size,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        audit_record(
            actor=actor,
            municipality=activity.owner_unit.municipality,
            action="activity.attachment_added",
            obj=activity,
            data={"name": name, "size": upload.size},
        )
    return attachment


def finding_create(
    *,
    actor: Any,
    unit: OrgUnit,
    statement: str,
    activity: Activity | None = None,
    survey: Any = None,
    published: bool = False,
) -> Finding:
    """Record a finding for a unit, linked to an activity or a survey as its evidence."""
    _require(actor, unit)
    statement = statement.strip()
    if not statement:
        raise ServiceError(
            "statement_required", _("Write the finding in one or two sentences."), field="statement"
        )
    for evidence in (activity, survey):
        if evidence is not None and evidence.municipality_id != unit.municipality_id:
            raise ServiceError(
                "evidence_outside", _("Link evidence from your municipality."), field="activity"
            )
    with transaction.atomic():
        finding = Finding.objects.create(
            municipality_id=unit.municipality_id,
            unit=unit,
            statement=statement,
            activity=activity,
            survey=survey,
            published=published,
        )
        audit_record(actor=actor, municipality=unit.municipality, action="finding.created", obj=finding)
    return finding


def finding_update(*, actor: Any, finding: Finding, statement: str, published: bool) -> Finding:
    """Reword or (un)publish a finding."""
    _require(actor, finding.unit)
    if not statement.strip():
        raise ServiceError(
            "statement_required", _("Write the finding in one or two sentences."), field="statement"
        )
    with transaction.atomic():
        finding.statement, finding.published = statement.strip(), published
        finding.save(update_fields=["statement", "published"])
        audit_record(
            actor=actor,
            municipality=finding.unit.municipality,
            action="finding.updated",
            obj=finding,
            data={"published": published},
        )
    return finding


MEASURE_FIELDS = (
    "title",
    "description",
    "service_area",
    "decision_level",
    "within_budget",
    "due_on",
    "shareable",
    "published",
    "outcome",
)


def _check_owner(owner: Any, unit: OrgUnit) -> None:
    if owner is not None and owner.municipality_id != unit.municipality_id:
        raise ServiceError("owner_outside", _("Choose an owner from your municipality."), field="owner")


def measure_create(
    *, actor: Any, unit: OrgUnit, finding: Finding | None = None, owner: Any = None, **values: Any
) -> Measure:
    """Propose a measure for a unit, usually from a finding."""
    _require(actor, unit)
    if finding is not None and finding.municipality_id != unit.municipality_id:
        raise ServiceError("finding_outside", _("Choose a finding from your municipality."), field="finding")
    _check_owner(owner, unit)
    if not str(values.get("title", "")).strip():
        raise ServiceError("title_required", _("Give the measure a title."), field="title")
    fields = {k: v for k, v in values.items() if k in MEASURE_FIELDS}
    fields.setdefault("service_area", unit.service_area)
    with transaction.atomic():
        measure = Measure.objects.create(
            municipality_id=unit.municipality_id, unit=unit, finding=finding, owner=owner or actor, **fields
        )
        MeasureUpdate.objects.create(
            municipality_id=unit.municipality_id,
            measure=measure,
            author=actor,
            status=measure.status,
            progress=0,
            note=str(_("Proposed.")),
        )
        audit_record(actor=actor, municipality=unit.municipality, action="measure.created", obj=measure)
    return measure


def measure_update(*, actor: Any, measure: Measure, owner: Any = None, **values: Any) -> Measure:
    """Edit a measure's description, owner, decision level, budget fit, due date and sharing."""
    _require(actor, measure.unit)
    _check_owner(owner, measure.unit)
    fields = {k: v for k, v in values.items() if k in MEASURE_FIELDS}
    if "title" in fields and not str(fields["title"]).strip():
        raise ServiceError("title_required", _("Give the measure a title."), field="title")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(measure, name, value)
        if owner is not None:
            measure.owner = owner
        measure.save()
        audit_record(
            actor=actor,
            municipality=measure.unit.municipality,
            action="measure.updated",
            obj=measure,
            data={"fields": sorted(fields)},
        )
    return measure


def measure_set_status(
    *,
    actor: Any,
    measure: Measure,
    status: str,
    progress: int | None = None,
    note: str = "",
    reason: str = "",
) -> MeasureUpdate:
    """Move a measure along (with a log entry); a rejection needs a reason citizens can read."""
    _require(actor, measure.unit)
    if status not in MeasureStatus.values:
        raise ServiceError("status_invalid", _("Choose a status."), field="status")
    if status == MeasureStatus.REJECTED and not reason.strip():
        raise ServiceError("reason_required", _("Say why the measure was rejected."), field="reason")
    progress = measure.progress if progress is None else progress
    if not 0 <= progress <= 100:
        raise ServiceError("progress_invalid", _("Progress is a percentage from 0 to 100."), field="progress")
    if status == MeasureStatus.DONE:
        progress = 100
    with transaction.atomic():
        measure.status, measure.progress = status, progress
        if status == MeasureStatus.REJECTED:
            measure.reason = reason.strip()
        measure.save(update_fields=["status", "progress", "reason", "updated_on"])
        update = MeasureUpdate.objects.create(
            municipality_id=measure.municipality_id,
            measure=measure,
            author=actor,
            status=status,
            progress=progress,
            note=note.strip() or reason.strip(),
        )
        audit_record(
            actor=actor,
            municipality=measure.unit.municipality,
            action="measure.status_changed",
            obj=measure,
            data={"status": status, "progress": progress},
        )
    return update


def cycle_set(*, actor: Any, unit: OrgUnit, year: int, **flags: bool) -> CycleCheck:
    """Tick or untick a unit's yearly checklist items."""
    _require(actor, unit)
    allowed = {"council_met", "minorities_mapped", "report_published"}
    with transaction.atomic():
        check, _created = CycleCheck.objects.get_or_create(
            municipality_id=unit.municipality_id, unit=unit, year=year
        )
        for name, value in flags.items():
            if name in allowed:
                setattr(check, name, bool(value))
        check.save()
        audit_record(
            actor=actor,
            municipality=unit.municipality,
            action="cycle.updated",
            obj=check,
            data={k: bool(v) for k, v in flags.items() if k in allowed},
        )
    return check


def overdue_measures(*, today: datetime.date | None = None) -> Any:
    """Return open measures past their due date that have not been reminded today."""
    today = today or timezone.localdate()
    return (
        Measure.objects.filter(due_on__lt=today, owner__isnull=False)
        .exclude(status__in=[MeasureStatus.DONE, MeasureStatus.REJECTED])
        .exclude(reminded_on=today)
        .select_related("owner", "unit", "unit__municipality")
    )


def measure_mark_reminded(*, measure: Measure, today: datetime.date) -> None:
    """Note that the owner was reminded today (so a second run the same day sends nothing)."""
    with transaction.atomic():
        measure.reminded_on = today
        measure.save(update_fields=["reminded_on"])
        audit_record(
            actor=None, municipality=measure.unit.municipality, action="measure.reminded", obj=measure
        )
