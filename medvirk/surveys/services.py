"""Writes for surveys: design, distribution and answering. Each function is one complete change."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import can
from medvirk.accounts.permissions import Perm
from medvirk.common.dimensions import PREFER_NOT_TO_SAY
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import OrgUnit, UnitKind

from . import engine
from .answer_store import (
    Registry,
    SubmissionTarget,
    sql_column,
    sql_table,
    store_response,
    stored_response_id,
)
from .definition import LOCAL_PREFIX, Definition, DefinitionError, QType, parse_definition
from .local import definition_for_response
from .models import (
    BG_FIELDS,
    Answer,
    Channel,
    Invitation,
    Response,
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveyStatus,
    SurveyUnit,
)


def _today() -> Any:
    return timezone.localdate()


def district_codes(*, municipality_id: int) -> list[str]:
    """Return the municipality's city-district region codes (the 'district' background options).

    Plain SQL: every submission to a survey asking for the district reads them.
    """
    with connection.cursor() as cursor:
        cursor.execute(_district_sql(connection.vendor), [municipality_id, UnitKind.DISTRICT])
        return [code for (code,) in cursor.fetchall()]


@functools.cache
def _district_sql(vendor: str) -> str:
    code = sql_column(OrgUnit, "region_code")
    return (
        f"SELECT {code} FROM {sql_table(OrgUnit)} WHERE {sql_column(OrgUnit, 'municipality')} = %s "  # noqa: S608 - no input in the SQL text
        f"AND {sql_column(OrgUnit, 'kind')} = %s AND {code} <> '' ORDER BY {code}"
    )


def _option_keys(question: Any, districts: Sequence[str]) -> list[str]:
    if question.type in QType.WITH_OPTIONS:
        return [o.key for o in question.options]
    if question.type == QType.BACKGROUND:
        return engine.background_keys(question, districts)
    if question.type == QType.RATING and question.scale:
        keys = [str(v) for v in question.scale.values()]
        return [*keys, engine.DONT_KNOW] if question.scale.dont_know else keys
    if question.type == QType.NPS:
        return [str(v) for v in range(11)]
    return []


def _sync_registry(
    survey: Survey, definition: Definition, *, hide_missing: bool = True, start: int = 0
) -> None:
    """Give every question and option key a stable id; hide what disappeared, never delete.

    Units' local questions are not in the survey's definition and are left alone
    (``hide_missing=False`` syncs only the questions given, see ``local.py``).
    """
    districts = district_codes(municipality_id=survey.municipality_id)
    existing = {q.key: q for q in SurveyQuestion.objects.filter(survey=survey)}
    seen: set[str] = set()
    for position, question in enumerate(definition.questions(), start=start):
        seen.add(question.key)
        row = existing.get(question.key)
        if row is None:
            row = SurveyQuestion.objects.create(
                municipality_id=survey.municipality_id,
                survey=survey,
                key=question.key,
                qtype=question.type,
                dimension=question.dimension or "",
                position=position,
                hidden=question.hidden,
            )
        else:
            if row.qtype != question.type and row.answers.exists():
                raise ServiceError(
                    "type_change",
                    _(
                        "Question %(key)s already has answers, so its type cannot change. "
                        "Add a new question instead."
                    )
                    % {"key": question.key},
                )
            row.qtype, row.position, row.hidden = question.type, position, question.hidden
            row.dimension = question.dimension or ""
            row.save(update_fields=["qtype", "position", "hidden", "dimension"])
        options = {o.key: o for o in row.options.all()}
        wanted = _option_keys(question, districts)
        hidden_keys = {o.key for o in question.options if o.hidden}
        for opos, okey in enumerate(wanted):
            if okey in options:
                SurveyOption.objects.filter(pk=options[okey].pk).update(
                    position=opos, hidden=okey in hidden_keys
                )
            else:
                SurveyOption.objects.create(
                    municipality_id=survey.municipality_id,
                    question=row,
                    key=okey,
                    position=opos,
                    hidden=okey in hidden_keys,
                )
        gone = set(options) - set(wanted)
        if gone:
            SurveyOption.objects.filter(question=row, key__in=gone).update(hidden=True)
    if hide_missing:
        SurveyQuestion.objects.filter(survey=survey).exclude(key__in=seen).exclude(
            key__startswith=LOCAL_PREFIX
        ).update(hidden=True)


def _parse(document: Mapping[str, Any]) -> Definition:
    try:
        return parse_definition(document)
    except DefinitionError as exc:
        lines = "; ".join(f"{where}: {what}" for where, what in exc.problems[:20])
        raise ServiceError(
            "definition_invalid", _("The survey definition has problems: %(problems)s") % {"problems": lines}
        ) from exc


def _carry_hidden(old: Definition | None, new: Definition) -> Mapping[str, Any]:
    """Keep removed questions and options in the document as hidden, so old answers stay readable."""
    document = new.to_dict()
    if old is None:
        return document
    new_keys = {q.key for q in new.questions()}
    for section_old in old.sections:
        for q in section_old.questions:
            if q.key in new_keys:
                continue
            target = next(
                (s for s in document["sections"] if s["key"] == section_old.key), document["sections"][-1]
            )
            target["questions"].append({**q.to_dict(), "hidden": True})
    old_options = {q.key: q.options for q in old.questions()}
    for section in document["sections"]:
        for q in section["questions"]:
            if q.get("options") is not None and q["key"] in old_options:
                present = {o["key"] for o in q["options"]}
                for o in old_options[q["key"]]:
                    if o.key not in present:
                        q["options"].append({**o.to_dict(), "hidden": True})
    return document


def survey_create(
    *,
    actor: Any,
    owner_unit: OrgUnit,
    document: Mapping[str, Any],
    units: Iterable[OrgUnit],
    round_label: str,
    series: str | None = None,
    threshold: int | None = None,
    checked: bool = False,  # the calling module authorised a survey whose content it fixes itself
) -> Survey:
    """Create a survey round from a definition for one or many units the actor may design for."""
    if not checked and not can(actor, Perm.SURVEY_DESIGN, owner_unit):
        raise ServiceError("forbidden", _("You cannot create surveys for this unit."), field="owner_unit")
    units = list(units)
    if not units:
        raise ServiceError("units_required", _("Choose at least one unit."), field="units")
    for unit in units:
        if not owner_unit.is_ancestor_of(unit):
            raise ServiceError(
                "unit_outside",
                _("%(unit)s is not below %(owner)s.") % {"unit": unit, "owner": owner_unit},
                field="units",
            )
    round_label = round_label.strip()
    if not round_label:
        raise ServiceError(
            "round_required", _("Give the round a name, for example the year."), field="round_label"
        )
    definition = _parse(document)
    series = (series or definition.key).strip()
    minimum = owner_unit.municipality.anonymity_threshold
    if threshold is not None and threshold < minimum:
        raise ServiceError(
            "threshold_low",
            _("The anonymity threshold cannot be lower than %(n)s.") % {"n": minimum},
            field="threshold",
        )
    if Survey.objects.filter(
        municipality_id=owner_unit.municipality_id, series=series, round_label=round_label
    ).exists():
        raise ServiceError(
            "round_exists", _("This survey already has a round with that name."), field="round_label"
        )
    with transaction.atomic():
        survey = Survey.objects.create(
            municipality_id=owner_unit.municipality_id,
            title=dict(definition.title),
            series=series,
            round_label=round_label,
            template_key=definition.key,
            definition=definition.to_dict(),
            owner_unit=owner_unit,
            threshold=threshold or minimum,
        )
        _sync_registry(survey, definition)
        SurveyUnit.objects.bulk_create(
            SurveyUnit(
                municipality_id=survey.municipality_id,
                survey=survey,
                unit=unit,
                link_key=secrets.token_urlsafe(12)[:16],
            )
            for unit in units
        )
        audit_record(
            actor=actor,
            municipality=owner_unit.municipality,
            action="survey.created",
            obj=survey,
            data={"series": series, "round": round_label, "units": len(units)},
        )
    return survey


def survey_update_definition(*, actor: Any, survey: Survey, document: Mapping[str, Any]) -> Survey:
    """Replace the survey's questions; keys keep their ids, removed items are hidden, not lost."""
    if not can(actor, Perm.SURVEY_DESIGN, survey.owner_unit):
        raise ServiceError("forbidden", _("You cannot change this survey."))
    new = _parse(document)
    old = parse_definition(survey.definition) if survey.definition else None
    merged = _parse(_carry_hidden(old, new))
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        _sync_registry(locked, merged)
        locked.definition = merged.to_dict()
        locked.title = dict(merged.title)
        locked.definition_version += 1
        locked.save(update_fields=["definition", "title", "definition_version"])
        audit_record(
            actor=actor,
            municipality=survey.owner_unit.municipality,
            action="survey.definition_changed",
            obj=locked,
            data={"version": locked.definition_version},
        )
    return locked


def survey_set_status(*, actor: Any, survey: Survey, status: str, checked: bool = False) -> Survey:
    """Open or close a survey (``checked``: as in ``survey_create``)."""
    if status not in SurveyStatus.values:
        raise ServiceError("status_invalid", _("Unknown status."), field="status")
    if not checked and not can(actor, Perm.SURVEY_DESIGN, survey.owner_unit):
        raise ServiceError("forbidden", _("You cannot change this survey."))
    with transaction.atomic():
        old = survey.status
        survey.status = status
        survey.save(update_fields=["status"])
        audit_record(
            actor=actor,
            municipality=survey.owner_unit.municipality,
            action="survey.status_changed",
            obj=survey,
            data={"from": old, "to": status},
        )
    return survey


def survey_set_dates(*, actor: Any, survey: Survey, opens_on: Any, closes_on: Any) -> Survey:
    """Set the first and last day respondents may answer (either may be empty)."""
    if not can(actor, Perm.SURVEY_DESIGN, survey.owner_unit):
        raise ServiceError("forbidden", _("You cannot change this survey."))
    if opens_on and closes_on and closes_on < opens_on:
        raise ServiceError(
            "dates_invalid", _("The closing date must be on or after the opening date."), field="closes_on"
        )
    with transaction.atomic():
        before = {"opens_on": str(survey.opens_on or ""), "closes_on": str(survey.closes_on or "")}
        survey.opens_on, survey.closes_on = opens_on, closes_on
        survey.save(update_fields=["opens_on", "closes_on"])
        audit_record(
            actor=actor,
            municipality=survey.owner_unit.municipality,
            action="survey.status_changed",
            obj=survey,
            data={"dates": [before, {"opens_on": str(opens_on or ""), "closes_on": str(closes_on or "")}]},
        )
    return survey


def survey_is_accepting(survey: Survey | SubmissionTarget) -> bool:
    """Return whether respondents may answer today."""
    today = _today()
    if survey.status != SurveyStatus.OPEN:
        return False
    if survey.opens_on and today < survey.opens_on:
        return False
    return not (survey.closes_on and today > survey.closes_on)


# --- answering ----------------------------------------------------------------------------


def resume_token_for(*, survey_id: int, idempotency_key: str) -> str:
    """Derive the resume token, so a repeated start returns the same link without storing it."""
    mac = hmac.new(
        settings.SECRET_KEY.encode(), f"resume:{survey_id}:{idempotency_key}".encode(), hashlib.sha256
    )
    return mac.hexdigest()[:40]


def hash_token(token: str) -> str:
    """Return the stored form of a resume or invitation token."""
    return hashlib.sha256(token.encode()).hexdigest()


def response_start(
    *,
    survey_unit: SurveyUnit,
    channel: str,
    language: str,
    idempotency_key: str,
    invitation: Invitation | None = None,
) -> tuple[Response, str]:
    """Start (or, for a repeated request, return) an in-progress response and its resume token."""
    survey = survey_unit.survey
    definition = parse_definition(survey.definition)
    if language not in definition.languages:
        language = definition.languages[0]
    if not idempotency_key or len(idempotency_key) > 64 or not engine.storable(idempotency_key):
        raise ServiceError("idempotency_key_invalid", _("The form has expired. Please start again."))
    token = resume_token_for(survey_id=survey.pk, idempotency_key=idempotency_key)
    existing = Response.objects.filter(
        municipality_id=survey.municipality_id, survey=survey, idempotency_key=idempotency_key
    ).first()  # the municipality makes it a lookup in the unique index
    if existing:
        return existing, token
    try:
        with transaction.atomic():
            response = Response.objects.create(
                municipality_id=survey.municipality_id,
                survey=survey,
                unit_id=survey_unit.unit_id,
                language=language,
                channel=channel,
                created_on=_today(),
                idempotency_key=idempotency_key,
                resume_hash=hash_token(token),
                invitation=invitation,
            )
    except IntegrityError:  # the same start arrived twice at once
        response = Response.objects.get(
            municipality_id=survey.municipality_id, survey=survey, idempotency_key=idempotency_key
        )
    return response, token


def response_by_token(token: str) -> Response | None:
    """Return the response a resume token belongs to."""
    if not token or len(token) > 64:
        return None
    return Response.objects.select_related("survey", "unit").filter(resume_hash=hash_token(token)).first()


def stored_answers(response: Response) -> engine.Answers:
    """Return a response's answers as engine values."""
    answers: engine.Answers = {}
    rows = Answer.objects.filter(response=response).select_related("question", "option")
    for row in rows:
        q = row.question
        if q.qtype == QType.MULTIPLE:
            answers[q.key] = (*answers.get(q.key, ()), row.option.key)  # type: ignore[union-attr]
        elif q.qtype in (QType.SINGLE, QType.BACKGROUND):
            answers[q.key] = row.option.key  # type: ignore[union-attr]
        elif q.qtype in (QType.RATING, QType.NPS):
            answers[q.key] = engine.DONT_KNOW if row.value_num is None else int(row.value_num)
        elif q.qtype == QType.NUMBER:
            value = row.value_num
            answers[q.key] = int(value) if value is not None and value.is_integer() else value
        elif q.qtype == QType.CONSENT:
            answers[q.key] = True
        else:
            answers[q.key] = row.value_text
    return answers


def _answer_rows(response: Response, answers: Mapping[str, Any], registry: Registry) -> list[Answer]:
    base = {
        "municipality_id": response.municipality_id,
        "response": response,
        "survey_id": response.survey_id,
        "unit_id": response.unit_id,
    }
    return [
        Answer(**base, question_id=qid, option_id=oid, value_num=num, value_text=text)
        for qid, oid, num, text in registry.values(answers)
    ]


def _set_background(response: Response, definition: Definition, answers: Mapping[str, Any]) -> list[str]:
    changed = []
    for q in definition.questions(include_rows=False):
        if q.type == QType.BACKGROUND and q.dimension in BG_FIELDS and q.key in answers:
            value = answers[q.key]
            setattr(response, BG_FIELDS[q.dimension], "" if value == PREFER_NOT_TO_SAY else value)
            changed.append(BG_FIELDS[q.dimension])
    return changed


def response_save_section(*, response: Response, section_key: str, answers: Mapping[str, Any]) -> None:
    """Replace the answers of one section (the page was validated by the engine)."""
    if response.complete:
        raise ServiceError("already_submitted", _("These answers have already been sent."))
    definition = definition_for_response(response)
    section = next((s for s in definition.sections if s.key == section_key), None)
    if section is None:
        raise ServiceError("section_unknown", _("Unknown page."))
    keys = engine.section_keys(section)
    with transaction.atomic():
        registry = Registry(response.survey_id)
        Answer.objects.filter(response=response, question__key__in=keys).delete()
        Answer.objects.bulk_create(
            _answer_rows(response, {k: v for k, v in answers.items() if k in keys}, registry)
        )
        fields = _set_background(response, definition, {k: answers.get(k, PREFER_NOT_TO_SAY) for k in keys})
        if fields:
            response.save(update_fields=fields)


def response_submit(*, response: Response) -> Response:
    """Finish a response: drop answers to questions that ended up hidden, check required ones."""
    if response.complete:
        return response
    definition = definition_for_response(response)
    answers = stored_answers(response)
    missing = engine.missing_required(definition, answers)
    if missing:
        raise ServiceError(
            "required_missing", _("Some required questions are not answered."), field=missing[0]
        )
    _sections, visible, _effective = engine.visible_answers(definition, answers)
    with transaction.atomic():
        stale = [k for k in answers if k not in visible]
        if stale:
            Answer.objects.filter(response=response, question__key__in=stale).delete()
        if response.invitation_id:
            Invitation.objects.filter(pk=response.invitation_id).update(completed=True)
        response.complete = True
        response.submitted_on = _today()
        response.invitation = None  # anonymity: nothing ties the submitted answers to a person
        response.save(update_fields=["complete", "submitted_on", "invitation"])
        # An older response became complete: the highest complete id may not move, so tell the
        # results caches the data changed (see ``Survey.responses_revision``).
        Survey.objects.filter(pk=response.survey_id).update(responses_revision=F("responses_revision") + 1)
    return response


def response_submit_complete(
    *,
    survey_unit: SurveyUnit | SubmissionTarget,
    answers: Mapping[str, Any] | None = None,
    form: Mapping[str, Sequence[str]] | None = None,
    language: str,
    channel: str = Channel.API,
    idempotency_key: str,
) -> tuple[Response, bool]:
    """Validate and store a whole response at once (API, paper entry); return it and whether it is new.

    Either ``answers`` (engine values) or ``form`` (raw form values) is given; both go through
    the same parsing and validation as the web form. Nothing is stored when anything is invalid.
    The survey unit is a model (loaded with its survey) or a ``submission_target``.
    """
    target = survey_unit if isinstance(survey_unit, SubmissionTarget) else SubmissionTarget.of(survey_unit)
    if not idempotency_key or len(idempotency_key) > 64 or not engine.storable(idempotency_key):
        # an empty key would merge responses
        raise ServiceError("idempotency_key_invalid", _("The form has expired. Please start again."))
    existing = stored_response_id(target, idempotency_key)
    if existing is not None:
        return Response.objects.get(pk=existing), False
    definition, registry = Registry.for_target(target)
    data = form if form is not None else engine.answers_to_form(answers or {})
    needs_districts = any(
        q.type == QType.BACKGROUND and q.dimension == "district" for q in definition.questions()
    )
    districts = district_codes(municipality_id=target.municipality_id) if needs_districts else []
    parsed: engine.Answers = {}
    errors: list[engine.FieldError] = []
    for section in definition.sections:
        if not engine.condition_holds(section.condition, parsed):
            continue
        a, e = engine.parse_section(definition, section, data, parsed, districts=districts)
        parsed.update(a)
        errors.extend(e)
    known = {engine.field_name(q.key) for q in definition.questions()}
    unknown = [k for k in data if k.startswith(engine.FIELD_PREFIX) and k not in known]
    errors.extend(engine.FieldError(k[len(engine.FIELD_PREFIX) :], "unknown_question") for k in unknown)
    if errors:
        raise AnswerErrors(errors)
    _sections, _visible, effective = engine.visible_answers(definition, parsed)
    if language not in definition.languages:
        language = definition.languages[0]
    today = _today()
    response = Response(
        municipality_id=target.municipality_id,
        unit_id=target.unit_id,
        language=language,
        channel=channel,
        created_on=today,
        submitted_on=today,
        complete=True,
        idempotency_key=idempotency_key,
    )
    if target.survey is not None:
        response.survey = target.survey
    else:
        response.survey_id = target.survey_id
    _set_background(response, definition, effective)  # one INSERT, no UPDATE afterwards
    try:
        store_response(response, registry.values(effective))
    except IntegrityError:  # a concurrent retry of the same submission stored it first
        return Response.objects.get(
            municipality_id=target.municipality_id,
            survey_id=target.survey_id,
            idempotency_key=idempotency_key,
        ), False
    return response, True


class AnswerErrors(ServiceError):
    """Answers that failed validation: one ``FieldError`` per problem; nothing was stored."""

    def __init__(self, errors: list[engine.FieldError]) -> None:
        super().__init__("answers_invalid", _("Some answers are missing or invalid."))
        self.errors = errors
