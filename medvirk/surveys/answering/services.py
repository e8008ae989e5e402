"""Writes of answering: start, save, submit and store responses (web, kiosk, codes, paper, API)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import Actor, ensure_can
from medvirk.accounts.permissions import Perm
from medvirk.common.dimensions import PREFER_NOT_TO_SAY
from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.crypto import keyed_digest, token_hash
from medvirk.core.errors import ServiceError
from medvirk.core.tenancy import co_located
from medvirk.orgs.models import OrgUnit
from medvirk.surveys.enums import SurveysErrorCode

from .. import qtypes
from ..design.definition import Definition
from ..design.local import definition_for_response
from ..design.parser import parse_definition
from ..models import (
    BG_FIELDS,
    AccessCode,
    Answer,
    Channel,
    Invitation,
    ReceivedResponse,
    Response,
    Survey,
    SurveyOption,
    SurveyStatus,
    SurveyUnit,
)
from ..sql import district_codes
from . import engine
from .answer_store import (
    Registry,
    SubmissionTarget,
    expand_received,
    receive_response,
    received_municipalities,
    store_response,
    stored_response_id,
)
from .expansion import expansion_queue, expansion_waits, expansion_wanted

#: Respondents answer as Medvirk itself: the link, code or invitation they hold is what allows it.
RESPONDENT = SystemActor("a respondent answering through a link, code or invitation")


def _ensure_entry(actor: Actor, unit_id: int) -> None:
    """Refuse staff who may not enter answers in the unit (paper forms need ``SURVEY_DISTRIBUTE``).

    Respondents (``RESPONDENT``) pass without a query: this sits on the submission path.
    """
    if isinstance(actor, SystemActor):
        return
    unit = OrgUnit.objects.get(pk=unit_id)  # staff keying paper: off the respondents' path
    ensure_can(actor, Perm.SURVEY_DISTRIBUTE, unit, _("You cannot enter answers for this unit."))


def _today() -> Any:
    return timezone.localdate()


def resume_token_for(*, survey_id: int, idempotency_key: str) -> str:
    """Derive the resume token, so a repeated start returns the same link without storing it."""
    return keyed_digest(f"{survey_id}:{idempotency_key}", scope="resume")[:40]


def response_start(
    *,
    actor: Actor,
    survey_unit: SurveyUnit,
    channel: str,
    language: str,
    idempotency_key: str,
    invitation: Invitation | None = None,
) -> tuple[Response, str]:
    """Start (or, for a repeated request, return) an in-progress response and its resume token."""
    _ensure_entry(actor, survey_unit.unit_id)
    survey = survey_unit.survey
    definition = parse_definition(survey.definition)
    if language not in definition.languages:
        language = definition.languages[0]
    if not idempotency_key or len(idempotency_key) > 64 or not engine.storable(idempotency_key):
        raise ServiceError(
            SurveysErrorCode.IDEMPOTENCY_KEY_INVALID, _("The form has expired. Please start again.")
        )
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
                resume_hash=token_hash(token),
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
    return (
        Response.objects.select_related("survey", "survey__municipality", "unit")
        .filter(co_located("survey", "unit"), resume_hash=token_hash(token))
        .first()
    )


def stored_answers(response: Response) -> engine.Answers:
    """Return a response's answers as engine values."""
    answers: engine.Answers = {}
    # In the order stored (a multiple choice's options as answered): without an order,
    # PostgreSQL may return the rows in any order once its plan changes.
    mine = {"municipality_id": response.municipality_id}  # every statement names it (docs/scaling.md)
    rows = list(
        Answer.objects.filter(co_located("question"), response=response, **mine)
        .select_related("question")
        .order_by("pk")
    )
    option_ids = {row.option_id for row in rows if row.option_id is not None}
    options = SurveyOption.objects.filter(pk__in=option_ids, **mine) if option_ids else None
    option_keys = dict(options.values_list("pk", "key")) if options is not None else {}
    for row in rows:
        q = row.question
        option_key = option_keys[row.option_id] if row.option_id is not None else None
        answers[q.key] = qtypes.get(q.qtype).stored_value(
            answers.get(q.key), option_key, row.value_num, row.value_text
        )
    return answers


def _answers_of(response: Response, registry: Registry, keys: Iterable[str]) -> Any:
    """The response's answers to the questions ``keys`` (by id: no join, the municipality named)."""
    ids = [registry.questions[k].pk for k in keys if k in registry.questions]
    mine = {"municipality_id": response.municipality_id}
    return Answer.objects.filter(response=response, question_id__in=ids, **mine)


def _update(response: Response, fields: list[str]) -> None:
    """Store ``fields`` of a response by its municipality and id (``save()`` names the id only)."""
    Response.objects.filter(municipality_id=response.municipality_id, pk=response.pk).update(
        **{name: getattr(response, name) for name in fields}
    )


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
        if q.dimension in BG_FIELDS and q.key in answers:  # only background questions have one
            value = answers[q.key]
            setattr(response, BG_FIELDS[q.dimension], "" if value == PREFER_NOT_TO_SAY else value)
            changed.append(BG_FIELDS[q.dimension])
    return changed


def response_save_section(
    *, actor: Actor, response: Response, section_key: str, answers: Mapping[str, Any]
) -> None:
    """Replace the answers of one section (the page was validated by the engine)."""
    _ensure_entry(actor, response.unit_id)
    if response.complete:
        raise ServiceError(SurveysErrorCode.ALREADY_SUBMITTED, _("These answers have already been sent."))
    definition = definition_for_response(response)
    section = next((s for s in definition.sections if s.key == section_key), None)
    if section is None:
        raise ServiceError(SurveysErrorCode.SECTION_UNKNOWN, _("Unknown page."))
    keys = engine.section_keys(section)
    with transaction.atomic():
        registry = Registry(response.survey_id, response.municipality_id)
        _answers_of(response, registry, keys).delete()
        Answer.objects.bulk_create(
            _answer_rows(response, {k: v for k, v in answers.items() if k in keys}, registry)
        )
        fields = _set_background(response, definition, {k: answers.get(k, PREFER_NOT_TO_SAY) for k in keys})
        if fields:
            _update(response, fields)


def response_submit(*, actor: Actor, response: Response) -> Response:
    """Finish a response: drop answers to questions that ended up hidden, check required ones."""
    _ensure_entry(actor, response.unit_id)
    if response.complete:
        return response
    definition = definition_for_response(response)
    answers = stored_answers(response)
    missing = engine.missing_required(definition, answers)
    if missing:
        raise ServiceError(
            SurveysErrorCode.REQUIRED_MISSING,
            _("Some required questions are not answered."),
            field=missing[0],
        )
    _sections, visible, _effective = engine.visible_answers(definition, answers)
    with transaction.atomic():
        stale = [k for k in answers if k not in visible]
        if stale:
            registry = Registry(response.survey_id, response.municipality_id)
            _answers_of(response, registry, stale).delete()
        mine = {"municipality_id": response.municipality_id}  # every statement names it (docs/scaling.md)
        if response.invitation_id:
            Invitation.objects.filter(pk=response.invitation_id, **mine).update(completed=True)
        response.complete = True
        response.submitted_on = _today()
        response.invitation = None  # anonymity: nothing ties the submitted answers to a person
        _update(response, ["complete", "submitted_on", "invitation"])
        # An older response became complete: the highest complete id may not move, so tell the
        # results caches the data changed (see ``Survey.responses_revision``).
        Survey.objects.filter(pk=response.survey_id, **mine).update(
            responses_revision=F("responses_revision") + 1
        )
    return response


def _check_key(idempotency_key: str) -> None:
    if not idempotency_key or len(idempotency_key) > 64 or not engine.storable(idempotency_key):
        # an empty key would merge responses
        raise ServiceError(
            SurveysErrorCode.IDEMPOTENCY_KEY_INVALID, _("The form has expired. Please start again.")
        )


def _validated(
    target: SubmissionTarget,
    answers: Mapping[str, Any] | None,
    form: Mapping[str, Sequence[str]] | None,
    language: str,
    channel: str,
    idempotency_key: str,
) -> tuple[Response, list[tuple[int, int | None, float | None, str]]]:
    """Parse and validate a whole response as the web form does; return it (not saved) and its
    answer rows. Raise ``AnswerErrors`` when anything is invalid."""
    prepared, registry = Registry.for_target(target)
    definition = prepared.definition
    data = form if form is not None else engine.answers_to_form(answers or {})
    districts = district_codes(municipality_id=target.municipality_id) if prepared.asks_district else []
    parsed: engine.Answers = {}
    errors: list[engine.FieldError] = []
    for section in definition.sections:
        if not engine.condition_holds(section.condition, parsed):
            continue
        a, e = engine.parse_section(definition, section, data, parsed, districts=districts)
        parsed.update(a)
        errors.extend(e)
    known = prepared.field_names
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
    return response, registry.values(effective)


def response_submit_complete(
    *,
    actor: Actor,
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

    A closed round takes no more (``SURVEY_CLOSED``): what reads a closed round relies on it
    never changing, and a paper form keyed in after the close moved its results by one person
    (red team, 2026-12-07, third session). Its retry still answers with the stored response.
    """
    target = survey_unit if isinstance(survey_unit, SubmissionTarget) else SubmissionTarget.of(survey_unit)
    _ensure_entry(actor, target.unit_id)
    _check_key(idempotency_key)
    existing = stored_response_id(target, idempotency_key)
    if existing is not None:
        return Response.objects.get(pk=existing), False
    if target.status == SurveyStatus.CLOSED:
        raise ServiceError(
            SurveysErrorCode.SURVEY_CLOSED,
            _("The survey is closed: no more answers can be added to it, on paper or otherwise."),
        )
    response, rows = _validated(target, answers, form, language, channel, idempotency_key)
    try:
        store_response(response, rows)
    except IntegrityError:  # a concurrent retry of the same submission stored it first
        return Response.objects.get(
            municipality_id=target.municipality_id,
            survey_id=target.survey_id,
            idempotency_key=idempotency_key,
        ), False
    return response, True


def response_receive(
    *,
    actor: Actor,
    target: SubmissionTarget,
    answers: Mapping[str, Any],
    language: str,
    channel: str = Channel.API,
    idempotency_key: str,
) -> bool:
    """Validate a whole response in full and store it as received; return whether it is new.

    The public API's path (bench/submit, issue 21): after one INSERT of the whole response (one
    row, its answer rows as JSON) it is durable and may be acknowledged; the job worker expands
    it into a response and its answer rows (``received_expand``). Until then nothing counts it:
    results, exports and the API see responses only. A retry under the same idempotency key,
    received or expanded, stores nothing (False).
    """
    _ensure_entry(actor, target.unit_id)
    _check_key(idempotency_key)
    if target.idempotency_key == idempotency_key and (target.stored_response_id or target.received_id):
        return False  # read with the target
    response, rows = _validated(target, answers, None, language, channel, idempotency_key)
    stored, queued = receive_response(response, rows, expansion_queue())
    if stored and not queued:
        expansion_wanted()
    return stored


def received_expand(*, actor: SystemActor, batch: int = 200) -> int:
    """Expand every received response into a response and its answer rows, ``batch`` at a time.

    Return how many responses were stored. Each batch is one transaction: a worker that dies
    mid-batch leaves the batch received, and the next run expands it (exactly once: a received
    response whose idempotency key is stored already is dropped). New responses get higher ids,
    so the round's data version moves and its anonymity decision is made again.
    """
    ensure_system(actor, "Expanding received responses")
    stored = 0
    for municipality_id in received_municipalities():
        while True:
            taken, done = expand_received(municipality_id, batch)
            stored += done
            if taken < batch:
                break
    return stored


def finished_expansions_prune(*, actor: SystemActor) -> int:
    """Delete finished expansion tasks older than ``KEEP_SUCCESSFUL`` (failed: ``KEEP_FAILED``),
    oldest first and at most ``PRUNE_AT_MOST``; return how many (``expansion`` has the periods).

    Every burst of submissions queues one task, and the database backend of ``django-tasks``
    keeps each finished task's row; without this the table would grow by thousands of rows a day.
    The package's ``prune_db_task_results`` command prunes all tasks by whole days in one
    unbounded DELETE; this prunes only the expansion's rows, bounded, from the task itself, so no
    extra scheduled process is needed (docs/operations.md runs the command daily for the rest).
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from . import expansion

    ensure_system(actor, "Deleting finished tasks that stored received responses")
    queue = expansion_queue()
    if queue is None:  # tasks are not kept in the database
        return 0
    now = timezone.now()
    old = DBTaskResult.objects.filter(task_path=queue[1]).filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lte=now - expansion.KEEP_SUCCESSFUL)
        | Q(status=TaskResultStatus.FAILED, finished_at__lte=now - expansion.KEEP_FAILED)
    )
    ids = list(old.order_by("finished_at").values_list("pk", flat=True)[: expansion.PRUNE_AT_MOST])
    if not ids:
        return 0
    return DBTaskResult.objects.filter(pk__in=ids).delete()[0]


def received_expand_later(*, actor: SystemActor) -> bool:
    """Queue the expansion of received responses when some wait and no expansion is queued.

    ``warm_results --watch`` calls it on every pass, so responses left received by a worker that
    died mid-task (its task started, so no submission queues another) wait one pass at most.
    Return whether a task was queued.
    """
    ensure_system(actor, "Queueing the storing of received responses")
    if not ReceivedResponse.objects.exists() or expansion_waits():
        return False
    expansion_wanted()
    return True


def response_start_with_code(*, actor: Actor, access: AccessCode, language: str) -> tuple[Response, str]:
    """Start (or resume) the response of a single-use code and mark the code used on its first start."""
    response, token = response_start(
        actor=actor,
        survey_unit=access.survey_unit,
        channel=Channel.CODE,
        language=language,
        idempotency_key=f"code:{access.code}",
    )
    if not response.complete and access.used_on is None:
        AccessCode.objects.filter(
            municipality_id=access.municipality_id, pk=access.pk, used_on__isnull=True
        ).update(used_on=response.created_on)
    return response, token


def response_set_language(*, actor: Actor, response: Response, language: str) -> None:
    """Let the respondent switch an unfinished response to another of the survey's languages."""
    _ensure_entry(actor, response.unit_id)
    if language not in definition_for_response(response).languages:
        raise ServiceError(SurveysErrorCode.LANGUAGE_INVALID, _("Choose one of the survey's languages."))
    mine = {"municipality_id": response.municipality_id}
    Response.objects.filter(pk=response.pk, **mine).update(language=language)


class AnswerErrors(ServiceError):
    """Answers that failed validation: one ``FieldError`` per problem; nothing was stored."""

    def __init__(self, errors: list[engine.FieldError]) -> None:
        super().__init__(
            SurveysErrorCode.ANSWERS_INVALID, _("Some answers are missing or invalid."), status=422
        )
        self.errors = errors
