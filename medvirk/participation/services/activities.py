"""Writes for participation activities: plan, document, attach files, evaluate.

Each function is one complete, audited change and checks its actor itself
(``PARTICIPATION_MANAGE`` on the activity's unit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import Actor, acting_user, can, ensure_can
from medvirk.accounts.permissions import Perm
from medvirk.analysis.text import PiiKind, mask_pii
from medvirk.core.actors import SystemActor
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import OrgUnit
from medvirk.surveys import services as survey_services
from medvirk.surveys.models import Survey

from ..composition import clean_composition
from ..enums import ParticipationAuditAction, ParticipationErrorCode
from ..evaluation import SERIES as EVALUATION_SERIES
from ..evaluation import evaluation_definition, round_label_for
from ..models import Activity, ActivityAttachment, ActivityKind, Measure
from ..uploads import check_upload

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


#: The texts of participation that can reach the public pages, other municipalities (the measure
#: bank) or a meeting's minutes: none of them ever needs a national identity number.
TEXT_FIELDS = ("title", "place", "purpose", "question", "invited", "description", "outcome", "statement")


def refuse_national_ids(values: Mapping[str, Any], fields: Iterable[str] = TEXT_FIELDS) -> None:
    """Refuse a valid national identity number in any of ``fields`` of ``values``.

    A finding, a measure or an activity may be published on the municipality's public pages or
    shared with other municipalities, and minutes are read by everyone with participation rights:
    Medvirk keeps no fødselsnummer (docs/security.md). Refused, not masked, since staff can
    remove it and should know why; only valid numbers (``analysis.text.mask_pii``), so an order
    or account number is not refused.
    """
    for name in fields:
        value = values.get(name)
        if isinstance(value, str) and mask_pii(value, kinds=(PiiKind.NATIONAL_ID,)).replacements:
            raise ServiceError(
                ParticipationErrorCode.NATIONAL_ID,
                _(
                    "This looks like a national identity number (fødselsnummer). It could be "
                    "published or shared with other municipalities: remove it, and write about the "
                    "service, not about one person."
                ),
                field=name,
            )


def ensure_manage(actor: Actor, unit: OrgUnit, field: str = "unit") -> None:
    """Refuse (403) unless the actor may manage participation for ``unit``."""
    ensure_can(
        actor,
        Perm.PARTICIPATION_MANAGE,
        unit,
        _("You cannot manage participation for this unit."),
        field=field,
    )


def _check_units(actor: Actor, owner: OrgUnit, units: Iterable[OrgUnit]) -> list[OrgUnit]:
    units = list(units)
    for unit in units:
        if not can(actor, Perm.RESULTS_VIEW, unit) or unit.municipality_id != owner.municipality_id:
            raise ServiceError(
                ParticipationErrorCode.UNIT_OUTSIDE,
                _("You cannot add %(unit)s.") % {"unit": unit},
                field="units",
            )
    return units


def _link_row(activity: Activity) -> dict[str, Any]:
    """The link rows to an activity's units carry its municipality (every tenant table does)."""
    return {"municipality_id": activity.municipality_id}


def _check_activity(values: Mapping[str, Any]) -> None:
    if not str(values.get("title", "")).strip():
        raise ServiceError(
            ParticipationErrorCode.TITLE_REQUIRED, _("Give the activity a title."), field="title"
        )
    ends_on, starts_on = values.get("ends_on"), values.get("starts_on")
    if ends_on and starts_on and ends_on < starts_on:
        raise ServiceError(
            ParticipationErrorCode.DATES_ORDER,
            _("The last date cannot be before the first."),
            field="ends_on",
        )
    if values.get("kind") == ActivityKind.SURVEY_ROUND and not values.get("survey"):
        return  # a survey round may be linked later


def _check_survey(survey: Any, municipality_id: int) -> None:
    """Refuse a linked survey of another municipality (None: no survey linked)."""
    if survey is not None and survey.municipality_id != municipality_id:
        raise ServiceError(
            ParticipationErrorCode.SURVEY_OUTSIDE,
            _("Choose a survey from your municipality."),
            field="survey",
        )


def activity_create(
    *, actor: Actor, owner_unit: OrgUnit, units: Iterable[OrgUnit] = (), survey: Any = None, **values: Any
) -> Activity:
    """Plan an activity for a unit the actor manages participation for."""
    ensure_manage(actor, owner_unit, "owner_unit")
    units = _check_units(actor, owner_unit, units)
    _check_activity({**values, "survey": survey})
    refuse_national_ids(values)
    _check_survey(survey, owner_unit.municipality_id)
    fields = {k: v for k, v in values.items() if k in ACTIVITY_FIELDS}
    with transaction.atomic():
        activity = Activity.objects.create(
            municipality_id=owner_unit.municipality_id, owner_unit=owner_unit, survey=survey, **fields
        )
        activity.units.set(units or [owner_unit], through_defaults=_link_row(activity))
        audit_record(
            actor=actor,
            action=ParticipationAuditAction.ACTIVITY_CREATED,
            obj=activity,
            data={"kind": activity.kind, "ladder": activity.ladder},
        )
    return activity


def activity_update(
    *,
    actor: Actor,
    activity: Activity,
    units: Iterable[OrgUnit] | None = None,
    survey: Any = None,
    **values: Any,
) -> Activity:
    """Change an activity's plan (kind, dates, ladder level, accommodations, linked survey, publication)."""
    ensure_manage(actor, activity.owner_unit)
    _check_survey(survey, activity.municipality_id)
    fields = {k: v for k, v in values.items() if k in ACTIVITY_FIELDS}
    merged = {f: getattr(activity, f) for f in ACTIVITY_FIELDS} | fields
    _check_activity(merged)
    refuse_national_ids(fields)
    with transaction.atomic():
        activity.survey = survey
        save_fields(actor, activity, fields, ParticipationAuditAction.ACTIVITY_UPDATED)
        if units is not None:
            activity.units.set(
                _check_units(actor, activity.owner_unit, units) or [activity.owner_unit],
                through_defaults=_link_row(activity),
            )
    return activity


def save_fields(
    actor: Actor, row: Activity | Measure, fields: Mapping[str, Any], action: ParticipationAuditAction
) -> None:
    """Set ``fields`` on ``row``, save it and audit their names (inside the caller's transaction)."""
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    audit_record(actor=actor, action=action, obj=row, data={"fields": sorted(fields)})


def activity_document(
    *,
    actor: Actor,
    activity: Activity,
    participants: int | None,
    composition: Mapping[str, Mapping[str, Any]] | None = None,
    minutes: str = "",
    staff_evaluation: str = "",
) -> Activity:
    """Record what happened: participants, their aggregated composition, minutes and our evaluation."""
    ensure_manage(actor, activity.owner_unit)
    if participants is not None and participants < 0:
        raise ServiceError(
            ParticipationErrorCode.PARTICIPANTS_INVALID, _("Enter zero or more."), field="participants"
        )
    refuse_national_ids(
        {"minutes": minutes, "staff_evaluation": staff_evaluation}, ("minutes", "staff_evaluation")
    )
    cleaned = clean_composition(composition or {}, participants)
    with transaction.atomic():
        activity.participants = participants
        activity.composition = cleaned
        activity.minutes = minutes
        activity.staff_evaluation = staff_evaluation
        activity.save(update_fields=["participants", "composition", "minutes", "staff_evaluation"])
        audit_record(
            actor=actor,
            action=ParticipationAuditAction.ACTIVITY_DOCUMENTED,
            obj=activity,
            data={"participants": participants},
        )
    return activity


def activity_add_notes(*, actor: Actor, activity: Activity, prompt: str, notes: str) -> Activity:
    """Append reflection notes (with the prompt they answer) to the activity's minutes."""
    ensure_manage(actor, activity.owner_unit)
    notes = notes.strip()
    if not notes:
        raise ServiceError(
            ParticipationErrorCode.NOTES_REQUIRED, _("Write down what was said."), field="notes"
        )
    entry = f"{prompt.strip()}\n{notes}" if prompt.strip() else notes
    with transaction.atomic():
        activity.minutes = f"{activity.minutes.rstrip()}\n\n{entry}".strip()
        activity.save(update_fields=["minutes"])
        audit_record(
            actor=actor,
            action=ParticipationAuditAction.ACTIVITY_DOCUMENTED,
            obj=activity,
            data={"notes": True},
        )
    return activity


def attachment_add(*, actor: Actor, activity: Activity, upload: Any) -> ActivityAttachment:
    """Store a checked file (PDF, docx, odt, PNG, JPEG; at most 10 MB) with the activity."""
    ensure_manage(actor, activity.owner_unit)
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
            action=ParticipationAuditAction.ACTIVITY_ATTACHMENT_ADDED,
            obj=activity,
            data={"name": name, "size": upload.size},
        )
    return attachment


def _evaluation_round_label(activity: Activity) -> str:
    """The evaluation's round label (``evaluation.round_label_for``) among the municipality's."""
    limit = Survey._meta.get_field("round_label").max_length or 32
    taken = set(
        Survey.objects.filter(municipality_id=activity.municipality_id, series=EVALUATION_SERIES).values_list(
            "round_label", flat=True
        )
    )
    return round_label_for(activity.title, taken, limit)


def evaluation_create(*, actor: Actor, activity: Activity) -> Any:
    """Create the standard evaluation survey for the activity's unit, open it and link it.

    Needs ``PARTICIPATION_MANAGE`` on the activity's unit, not ``SURVEY_DESIGN``: the questions are
    fixed here, so nobody designs anything. The survey opens at once; sharing its link needs
    ``SURVEY_DISTRIBUTE`` as for any survey (coordinators and unit leaders hold both).
    """
    ensure_manage(actor, activity.owner_unit)
    if activity.evaluation_survey_id:
        raise ServiceError(
            ParticipationErrorCode.EVALUATION_EXISTS, _("This activity already has an evaluation.")
        )
    # The questions are fixed here, so Medvirk creates the survey, on behalf of the person who asked.
    medvirk = SystemActor(
        "participants' evaluation: questions fixed by Medvirk", on_behalf_of=acting_user(actor)
    )
    with transaction.atomic():
        survey = survey_services.survey_create(
            actor=medvirk,
            owner_unit=activity.owner_unit,
            document=evaluation_definition(),
            units=[activity.owner_unit],
            round_label=_evaluation_round_label(activity),
            series=EVALUATION_SERIES,
        )
        survey = survey_services.survey_set_status(actor=medvirk, survey=survey, status="open")
        activity.evaluation_survey = survey
        activity.save(update_fields=["evaluation_survey"])
        audit_record(
            actor=actor,
            action=ParticipationAuditAction.ACTIVITY_EVALUATION_CREATED,
            obj=activity,
            data={"survey": survey.pk},
        )
    return survey
