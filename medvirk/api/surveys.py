"""Survey endpoints: definitions, distribution, and public submission of whole responses."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Body, Field, Router, Schema
from ninja.responses import Status

from medvirk.accounts.access import access_unit_by_id
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.errors import ServiceError
from medvirk.insights.selectors import DecidedCount, decided_unit_counts
from medvirk.orgs.models import OrgUnit
from medvirk.surveys import services
from medvirk.surveys.enums import SurveysErrorCode
from medvirk.surveys.models import Channel, SurveyStatus, SurveyUnit
from medvirk.surveys.selectors import (
    MAX_LOCAL_QUESTIONS,
    access_survey_by_id,
    access_survey_unit,
    answers_threshold,
    list_templates,
    load_template,
    submission_target,
    survey_units_for,
    surveys_for,
    unit_document,
)
from medvirk.surveys.types import missing_translations, parse_definition, storable

from .base import api, error_body, fields_of

router = Router(tags=["surveys"])


class SurveyOut(Schema):
    id: int
    title: dict[str, str]
    series: str
    round_label: str
    status: str
    owner_unit_id: int
    anonymity_mode: str
    threshold: int
    opens_on: date | None
    closes_on: date | None
    definition_version: int
    target_age_from: int | None
    target_age_to: int | None
    answered_by: str


class SurveyDetailOut(SurveyOut):
    definition: dict[str, Any]
    missing_translations: dict[str, list[str]]


class SurveyCreateIn(Schema):
    owner_unit_id: int
    unit_ids: list[int]
    round_label: str
    template: str | None = None
    definition: dict[str, Any] | None = None
    series: str | None = None
    languages: list[str] | None = None


class StatusIn(Schema):
    status: str | None = None
    opens_on: date | None = None
    closes_on: date | None = None
    # Who the survey is for (the equity report compares its respondents with them): ages where
    # standard age groups start and end (null: no limit), and "users" or "relatives".
    target_age_from: int | None = None
    target_age_to: int | None = None
    answered_by: str | None = None


class SurveyUnitOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    link_key: str
    user_count: int | None
    responses_complete: int | None = Field(
        description="Complete answers from the unit as the results' anonymity decision shows them"
        " (as on the survey's page and in the results): null where it hides them (responses_status)"
    )
    responses_status: str = Field(
        description="shown; primary: fewer than anonymity_threshold answers that count; secondary: hidden so"
        " that a smaller unit's answers cannot be worked out; pending: the results are being prepared"
    )
    anonymity_threshold: int


def _unit_out(su: SurveyUnit, counts: dict[int, DecidedCount], threshold: int) -> dict[str, Any]:
    decided = counts.get(su.unit_id, DecidedCount(None, "pending"))
    return {
        "id": su.pk,
        "unit_id": su.unit_id,
        "unit_name": su.unit.name,
        "link_key": su.link_key,
        "user_count": su.user_count,
        "responses_complete": decided.count,
        "responses_status": decided.status,
        "anonymity_threshold": threshold,
    }


class CountIn(Schema):
    count: int


class UserCountIn(Schema):
    user_count: int | None


class EmailsIn(Schema):
    emails: list[str]  # "address" or "address;language"
    language: str | None = None  # of the whole batch (one of the survey's); default its first


class SentOut(Schema):
    sent: int | None = Field(
        description="How many e-mails went; for reminders always null: invited − reminded would"
        " tell how many invited have answered, and reminding again when the next one did"
    )
    invalid: list[str] = []


class CodesOut(Schema):
    batch: int
    codes: list[str]


class SubmissionIn(Schema):
    idempotency_key: str
    language: str = "nb"
    answers: dict[str, Any]


class SubmissionOut(Schema):
    status: str  # "stored" or "duplicate"


def _survey_out(s: Any) -> dict[str, Any]:
    return fields_of(s, SurveyOut)


@router.get("/survey-templates", response=list[dict[str, Any]])
def templates(request: HttpRequest) -> list[dict[str, Any]]:
    """List the standard question bank templates."""
    return [{"key": key, "definition": load_template(key).to_dict()} for key in list_templates()]


@router.get("/surveys", response=list[SurveyOut])
def list_surveys(request: HttpRequest) -> list[dict[str, Any]]:
    """List surveys the caller designs or distributes."""
    return [_survey_out(s) for s in surveys_for(request.user)]


@router.post("/surveys", response={201: SurveyDetailOut})
def create_survey(request: StaffRequest, payload: SurveyCreateIn) -> Status[dict[str, Any]]:
    """Create a survey round from a question bank template or a full definition."""
    owner = access_unit_by_id(request.user, payload.owner_unit_id, Perm.SURVEY_DESIGN)
    units = [access_unit_by_id(request.user, uid, Perm.SURVEY_DESIGN) for uid in payload.unit_ids]
    if payload.definition is not None:
        document = payload.definition
    elif payload.template:
        if payload.template not in list_templates():
            raise ServiceError(SurveysErrorCode.TEMPLATE_UNKNOWN, "Unknown template.", field="template")
        document = load_template(payload.template).to_dict()
    else:
        raise ServiceError(
            SurveysErrorCode.DEFINITION_REQUIRED, "Give a template or a definition.", field="definition"
        )
    if payload.languages:
        document = {**document, "languages": payload.languages}
    survey = services.survey_create(
        actor=request.user,
        owner_unit=owner,
        document=document,
        units=units,
        round_label=payload.round_label,
        series=payload.series,
    )
    return Status(201, _detail(survey))


def _detail(survey: Any) -> dict[str, Any]:
    return {
        **_survey_out(survey),
        "definition": survey.definition,
        "missing_translations": missing_translations(parse_definition(survey.definition)),
    }


@router.get("/surveys/{survey_id}", response=SurveyDetailOut)
def get_survey(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    """Return a survey with its full definition (for export: lossless JSON)."""
    return _detail(access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE))


@router.put("/surveys/{survey_id}/definition", response=SurveyDetailOut)
def put_definition(
    request: StaffRequest,
    survey_id: int,
    payload: dict[str, Any] = Body(...),  # noqa: B008 — ninja idiom
) -> dict[str, Any]:
    """Replace the questions; keys keep their ids and removed items are hidden, not lost."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    return _detail(services.survey_update_definition(actor=request.user, survey=survey, document=payload))


@router.post("/surveys/{survey_id}/status", response=SurveyOut)
def set_status(request: StaffRequest, survey_id: int, payload: StatusIn) -> dict[str, Any]:
    """Open or close the survey (draft, open, closed) and/or set its opening and closing dates,
    and/or who it is for (``target_age_from``, ``target_age_to``, ``answered_by``: what the
    equity report compares its respondents with; a field left out keeps its value)."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    if "opens_on" in payload.model_fields_set or "closes_on" in payload.model_fields_set:
        survey = services.survey_set_dates(
            actor=request.user, survey=survey, opens_on=payload.opens_on, closes_on=payload.closes_on
        )
    target = {"target_age_from", "target_age_to", "answered_by"} & payload.model_fields_set
    if target:
        given = payload.model_dump(include=target)
        survey = services.survey_set_target(
            actor=request.user,
            survey=survey,
            age_from=given.get("target_age_from", survey.target_age_from),
            age_to=given.get("target_age_to", survey.target_age_to),
            answered_by=given.get("answered_by") or survey.answered_by,
        )
    if payload.status is not None:
        survey = services.survey_set_status(actor=request.user, survey=survey, status=payload.status)
    return _survey_out(survey)


@router.get("/surveys/{survey_id}/units", response=list[SurveyUnitOut])
def list_survey_units(request: HttpRequest, survey_id: int) -> list[dict[str, Any]]:
    """List the survey's units the caller distributes in, with links and response counts."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    threshold = answers_threshold(survey)
    counts = decided_unit_counts(user=request.user, survey=survey)
    return [_unit_out(su, counts, threshold) for su in survey_units_for(request.user, survey)]


@router.post("/surveys/{survey_id}/units/{survey_unit_id}/codes", response={201: CodesOut})
def create_codes(
    request: StaffRequest, survey_id: int, survey_unit_id: int, payload: CountIn
) -> Status[dict[str, Any]]:
    """Create a batch of single-use codes."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    su = access_survey_unit(request.user, survey, survey_unit_id)
    codes = services.codes_create(actor=request.user, survey_unit=su, count=payload.count)
    return Status(201, {"batch": codes[0].batch if codes else 0, "codes": [c.code for c in codes]})


@router.post("/surveys/{survey_id}/units/{survey_unit_id}/invitations", response=SentOut)
def send_invitations(
    request: StaffRequest, survey_id: int, survey_unit_id: int, payload: EmailsIn
) -> dict[str, Any]:
    """E-mail personal invitations in the batch's or each address's language (skips repeats)."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    su = access_survey_unit(request.user, survey, survey_unit_id)
    valid, invalid = services.parse_addresses("\n".join(payload.emails))
    sent = services.invitations_send(
        actor=request.user,
        survey_unit=su,
        emails=valid,
        base_url=request.build_absolute_uri("/").rstrip("/"),
        language=payload.language,
    )
    return {"sent": sent, "invalid": invalid}


@router.post("/surveys/{survey_id}/units/{survey_unit_id}/reminders", response=SentOut)
def send_reminders(request: StaffRequest, survey_id: int, survey_unit_id: int) -> dict[str, Any]:
    """Remind everyone invited who has not answered yet.

    ``sent`` is always null: invited − reminded is how many invited have answered, and a second
    reminder later told when the next one did. ``GET …/units`` says each unit's answers as the
    results count them.
    """
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    su = access_survey_unit(request.user, survey, survey_unit_id)
    services.reminders_send(
        actor=request.user, survey_unit=su, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    return {"sent": None}


@router.put("/surveys/{survey_id}/units/{survey_unit_id}/user-count", response=SurveyUnitOut)
def set_user_count(
    request: StaffRequest, survey_id: int, survey_unit_id: int, payload: UserCountIn
) -> dict[str, Any]:
    """Record how many users the unit has (for the response rate)."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    su = services.user_count_set(
        actor=request.user,
        survey_unit=access_survey_unit(request.user, survey, survey_unit_id),
        count=payload.user_count,
    )
    counts = decided_unit_counts(user=request.user, survey=survey)
    return _unit_out(su, counts, answers_threshold(survey))


# --- a unit's own (local) questions ----------------------------------------------------------


class LocalQuestionsOut(Schema):
    max: int  # visible local questions a unit may have
    questions: list[dict[str, Any]]  # definition format; removed ones carry "hidden": true


def _local_unit(request: HttpRequest, survey_id: int, survey_unit_id: int) -> SurveyUnit:
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    return access_survey_unit(request.user, survey, survey_unit_id, Perm.SURVEY_DESIGN)


def _local_out(su: SurveyUnit) -> dict[str, Any]:
    su.refresh_from_db(fields=["local_questions"])
    return {"max": MAX_LOCAL_QUESTIONS, "questions": su.local_questions}


@router.get("/surveys/{survey_id}/units/{survey_unit_id}/local-questions", response=LocalQuestionsOut)
def list_local_questions(request: HttpRequest, survey_id: int, survey_unit_id: int) -> dict[str, Any]:
    """List the unit's own questions (asked only in this unit, never compared across units)."""
    return _local_out(_local_unit(request, survey_id, survey_unit_id))


@router.post("/surveys/{survey_id}/units/{survey_unit_id}/local-questions", response={201: LocalQuestionsOut})
def add_local_question(
    request: StaffRequest,
    survey_id: int,
    survey_unit_id: int,
    payload: dict[str, Any] = Body(...),  # noqa: B008 — ninja idiom
) -> Status[dict[str, Any]]:
    """Add a question in definition format (type rating, single, multiple or textarea; no key)."""
    su = _local_unit(request, survey_id, survey_unit_id)
    services.local_question_add(actor=request.user, survey_unit=su, question=payload)
    return Status(201, _local_out(su))


@router.put("/surveys/{survey_id}/units/{survey_unit_id}/local-questions/{key}", response=LocalQuestionsOut)
def put_local_question(
    request: StaffRequest,
    survey_id: int,
    survey_unit_id: int,
    key: str,
    payload: dict[str, Any] = Body(...),  # noqa: B008 — ninja idiom
) -> dict[str, Any]:
    """Change a local question's wording, translations or options; its key and answers stay."""
    su = _local_unit(request, survey_id, survey_unit_id)
    services.local_question_update(actor=request.user, survey_unit=su, key=key, question=payload)
    return _local_out(su)


@router.delete(
    "/surveys/{survey_id}/units/{survey_unit_id}/local-questions/{key}", response=LocalQuestionsOut
)
def delete_local_question(
    request: StaffRequest, survey_id: int, survey_unit_id: int, key: str
) -> dict[str, Any]:
    """Remove a local question from the form (hidden; answers already given are kept)."""
    su = _local_unit(request, survey_id, survey_unit_id)
    services.local_question_remove(actor=request.user, survey_unit=su, key=key)
    return _local_out(su)


# --- public (no login): respondents' own apps, kiosks and bulk paper entry tools -----------

public = Router(tags=["public"], auth=None)


def _open_unit(link_key: str) -> SurveyUnit:
    if not storable(link_key):  # NUL or a lone surrogate: no such link, and no 500
        raise Http404
    su = SurveyUnit.objects.select_related("survey", "unit").filter(link_key=link_key).first()
    if su is None or su.survey.status == SurveyStatus.DRAFT:
        raise Http404
    return su


@public.get("/public/surveys/{link_key}", response=dict[str, Any])
def public_definition(request: HttpRequest, link_key: str) -> dict[str, Any]:
    """Return the definition behind an open link (what a respondent app renders)."""
    su = _open_unit(link_key)
    unit = OrgUnit.objects.get(pk=su.unit_id)
    return {
        "unit": unit.name,
        "accepting": services.survey_is_accepting(su.survey),
        "definition": unit_document(su),  # with the unit's own questions, if any
    }


@public.post("/public/surveys/{link_key}/responses", response={201: SubmissionOut, 200: SubmissionOut})
def public_submit(request: HttpRequest, link_key: str, payload: SubmissionIn) -> HttpResponse:
    """Submit a whole response. Resending the same ``idempotency_key`` never stores it twice."""
    key = payload.idempotency_key[:64]
    target = submission_target(link_key=link_key, idempotency_key=key)  # one statement
    if target is None or target.status == SurveyStatus.DRAFT:
        raise Http404
    if not services.survey_is_accepting(target):
        raise ServiceError(SurveysErrorCode.SURVEY_CLOSED, "This survey is closed.")
    # Acknowledged after one INSERT of the whole, validated response; the job worker stores its
    # answer rows moments later (services.response_receive).
    created = services.response_receive(
        actor=services.RESPONDENT,
        target=target,
        answers=_decode(payload.answers),
        language=payload.language,
        channel=Channel.API,
        idempotency_key=key,
    )
    return _submitted(request, 201, "stored") if created else _submitted(request, 200, "duplicate")


_SUBMISSION_BODIES: dict[str, Any] = {}


def _submitted(request: HttpRequest, code: int, status: str) -> HttpResponse:
    """Return a submission's answer as ninja renders ``SubmissionOut``.

    There are two bodies ("stored", "duplicate"), so each is rendered once per process instead
    of validated and encoded again on every submission, the busiest request (bench/submit).
    """
    body = _SUBMISSION_BODIES.get(status)
    if body is None:
        out = SubmissionOut(status=status).model_dump()
        body = _SUBMISSION_BODIES[status] = api.renderer.render(request, out, response_status=code)
    return HttpResponse(body, status=code, content_type=api.get_content_type())


def _decode(answers: dict[str, Any]) -> dict[str, Any]:
    """JSON has no tuples: multiple-choice answers arrive as lists."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in answers.items()}


@api.exception_handler(services.AnswerErrors)
def _answer_errors(request: HttpRequest, exc: services.AnswerErrors) -> Any:
    fields = [{"question": e.question, "code": e.code, "params": dict(e.params)} for e in exc.errors]
    return api.create_response(request, error_body(exc.code, str(exc.message), fields=fields), status=422)
