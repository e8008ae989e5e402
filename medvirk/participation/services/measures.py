"""Writes for findings, measures and the yearly participation cycle.

Each function is one complete, audited change and checks its actor itself
(``PARTICIPATION_MANAGE`` on the unit); reminders are marked by Medvirk itself.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import Actor, acting_user
from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import OrgUnit

from ..enums import ParticipationAuditAction, ParticipationErrorCode
from ..models import Activity, CycleCheck, Finding, Measure, MeasureStatus, MeasureUpdate
from .activities import ensure_manage, refuse_national_ids, save_fields


def finding_create(
    *,
    actor: Actor,
    unit: OrgUnit,
    statement: str,
    activity: Activity | None = None,
    survey: Any = None,
    published: bool = False,
) -> Finding:
    """Record a finding for a unit, linked to an activity or a survey as its evidence."""
    ensure_manage(actor, unit)
    statement = statement.strip()
    if not statement:
        raise ServiceError(
            ParticipationErrorCode.STATEMENT_REQUIRED,
            _("Write the finding in one or two sentences."),
            field="statement",
        )
    refuse_national_ids({"statement": statement})
    for evidence in (activity, survey):
        if evidence is not None and evidence.municipality_id != unit.municipality_id:
            raise ServiceError(
                ParticipationErrorCode.EVIDENCE_OUTSIDE,
                _("Link evidence from your municipality."),
                field="activity",
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
        audit_record(
            actor=actor,
            action=ParticipationAuditAction.FINDING_CREATED,
            obj=finding,
        )
    return finding


def finding_update(*, actor: Actor, finding: Finding, statement: str, published: bool) -> Finding:
    """Reword or (un)publish a finding."""
    ensure_manage(actor, finding.unit)
    if not statement.strip():
        raise ServiceError(
            ParticipationErrorCode.STATEMENT_REQUIRED,
            _("Write the finding in one or two sentences."),
            field="statement",
        )
    refuse_national_ids({"statement": statement})
    with transaction.atomic():
        finding.statement, finding.published = statement.strip(), published
        finding.save(update_fields=["statement", "published"])
        audit_record(
            actor=actor,
            action=ParticipationAuditAction.FINDING_UPDATED,
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
        raise ServiceError(
            ParticipationErrorCode.OWNER_OUTSIDE, _("Choose an owner from your municipality."), field="owner"
        )


def measure_create(
    *, actor: Actor, unit: OrgUnit, finding: Finding | None = None, owner: Any = None, **values: Any
) -> Measure:
    """Propose a measure for a unit, usually from a finding."""
    ensure_manage(actor, unit)
    if finding is not None and finding.municipality_id != unit.municipality_id:
        raise ServiceError(
            ParticipationErrorCode.FINDING_OUTSIDE,
            _("Choose a finding from your municipality."),
            field="finding",
        )
    _check_owner(owner, unit)
    if not str(values.get("title", "")).strip():
        raise ServiceError(
            ParticipationErrorCode.TITLE_REQUIRED, _("Give the measure a title."), field="title"
        )
    fields = {k: v for k, v in values.items() if k in MEASURE_FIELDS}
    refuse_national_ids(fields)
    fields.setdefault("service_area", unit.service_area)
    with transaction.atomic():
        measure = Measure.objects.create(
            municipality_id=unit.municipality_id,
            unit=unit,
            finding=finding,
            owner=owner or acting_user(actor),
            **fields,
        )
        MeasureUpdate.objects.create(
            municipality_id=unit.municipality_id,
            measure=measure,
            author=acting_user(actor),
            status=measure.status,
            progress=0,
            # No note: the page says the status in the reader's language. A note written here
            # was in the creator's language for every later reader ("Proposed." on a bokmål
            # page), and said "Proposed." for a measure created in another status.
            note="",
        )
        audit_record(
            actor=actor,
            action=ParticipationAuditAction.MEASURE_CREATED,
            obj=measure,
        )
    return measure


def measure_update(*, actor: Actor, measure: Measure, owner: Any = None, **values: Any) -> Measure:
    """Edit a measure's description, owner, decision level, budget fit, due date and sharing."""
    ensure_manage(actor, measure.unit)
    _check_owner(owner, measure.unit)
    fields = {k: v for k, v in values.items() if k in MEASURE_FIELDS}
    if "title" in fields and not str(fields["title"]).strip():
        raise ServiceError(
            ParticipationErrorCode.TITLE_REQUIRED, _("Give the measure a title."), field="title"
        )
    refuse_national_ids(fields)
    with transaction.atomic():
        if owner is not None:
            measure.owner = owner
        save_fields(actor, measure, fields, ParticipationAuditAction.MEASURE_UPDATED)
    return measure


def measure_set_status(
    *,
    actor: Actor,
    measure: Measure,
    status: str,
    progress: int | None = None,
    note: str = "",
    reason: str = "",
) -> MeasureUpdate:
    """Move a measure along (with a log entry); a rejection needs a reason citizens can read."""
    ensure_manage(actor, measure.unit)
    if status not in MeasureStatus.values:
        raise ServiceError(ParticipationErrorCode.STATUS_INVALID, _("Choose a status."), field="status")
    if status == MeasureStatus.REJECTED and not reason.strip():
        raise ServiceError(
            ParticipationErrorCode.REASON_REQUIRED, _("Say why the measure was rejected."), field="reason"
        )
    progress = measure.progress if progress is None else progress
    if not 0 <= progress <= 100:
        raise ServiceError(
            ParticipationErrorCode.PROGRESS_INVALID,
            _("Progress is a percentage from 0 to 100."),
            field="progress",
        )
    if status == MeasureStatus.DONE:
        progress = 100
    refuse_national_ids(
        {"note": note, "reason": reason}, ("note", "reason")
    )  # a rejection's reason is public
    with transaction.atomic():
        measure.status, measure.progress = status, progress
        if status == MeasureStatus.REJECTED:
            measure.reason = reason.strip()
        measure.save(update_fields=["status", "progress", "reason", "updated_on"])
        update = MeasureUpdate.objects.create(
            municipality_id=measure.municipality_id,
            measure=measure,
            author=acting_user(actor),
            status=status,
            progress=progress,
            note=note.strip() or reason.strip(),
        )
        audit_record(
            actor=actor,
            action=ParticipationAuditAction.MEASURE_STATUS_CHANGED,
            obj=measure,
            data={"status": status, "progress": progress},
        )
    return update


def cycle_set(*, actor: Actor, unit: OrgUnit, year: int, **flags: bool) -> CycleCheck:
    """Tick or untick a unit's yearly checklist items."""
    ensure_manage(actor, unit)
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
            action=ParticipationAuditAction.CYCLE_UPDATED,
            obj=check,
            data={k: bool(v) for k, v in flags.items() if k in allowed},
        )
    return check


def measure_mark_reminded(*, actor: SystemActor, measure: Measure, today: datetime.date) -> None:
    """Note that the owner was reminded today (so a second run the same day sends nothing)."""
    ensure_system(actor, "Marking a reminder")
    with transaction.atomic():
        measure.reminded_on = today
        measure.save(update_fields=["reminded_on"])
        audit_record(actor=actor, action=ParticipationAuditAction.MEASURE_REMINDED, obj=measure)


def cycle_mark_reminded(*, actor: SystemActor, unit: OrgUnit, today: datetime.date) -> None:
    """Note that the unit's leaders were reminded today."""
    ensure_system(actor, "Marking a reminder")
    with transaction.atomic():
        check, _created = CycleCheck.objects.get_or_create(
            municipality_id=unit.municipality_id, unit=unit, year=today.year
        )
        check.reminded_on = today
        check.save(update_fields=["reminded_on"])
        audit_record(
            actor=actor,
            action=ParticipationAuditAction.CYCLE_REMINDED,
            obj=check,
        )
