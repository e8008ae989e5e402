"""Writes of survey design: create a round, change its questions, open, close and date it."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import Actor, ensure_can, ensure_open_for_new_work
from medvirk.accounts.permissions import Perm
from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import OrgUnit

from .. import qtypes
from ..enums import SurveysAuditAction, SurveysErrorCode
from ..models import (
    Answer,
    ClosedTreeUnit,
    Response,
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveyStatus,
    SurveyUnit,
)
from ..sql import district_codes
from .definition import LOCAL_PREFIX, Definition
from .parser import parse_definition
from .readiness import suggested_dates
from .refusal import parse_or_refuse
from .target import default_target, target_problem

if TYPE_CHECKING:
    from ..answering.answer_store import SubmissionTarget


def _today() -> Any:
    return timezone.localdate()


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
                    SurveysErrorCode.TYPE_CHANGE,
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
        wanted = qtypes.get(question.type).option_keys(question, districts)
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
    actor: Actor,
    owner_unit: OrgUnit,
    document: Mapping[str, Any],
    units: Iterable[OrgUnit],
    round_label: str,
    series: str | None = None,
    threshold: int | None = None,
) -> Survey:
    """Create a survey round from a definition for one or many units the actor may design for.

    A module that fixes a survey's questions itself (participants' evaluation) creates it as
    Medvirk (a ``SystemActor`` on behalf of its user) after checking its own permission.
    """
    ensure_can(
        actor,
        Perm.SURVEY_DESIGN,
        owner_unit,
        _("You cannot create surveys for this unit."),
        field="owner_unit",
    )
    ensure_open_for_new_work(owner_unit, field="owner_unit")
    units = list(units)
    if not units:
        raise ServiceError(SurveysErrorCode.UNITS_REQUIRED, _("Choose at least one unit."), field="units")
    for unit in units:
        ensure_open_for_new_work(unit, field="units")
        if not owner_unit.is_ancestor_of(unit):
            raise ServiceError(
                SurveysErrorCode.UNIT_OUTSIDE,
                _("%(unit)s is not below %(owner)s.") % {"unit": unit, "owner": owner_unit},
                field="units",
            )
    round_label = round_label.strip()
    if not round_label:
        raise ServiceError(
            SurveysErrorCode.ROUND_REQUIRED,
            _("Give the round a name, for example the year."),
            field="round_label",
        )
    definition = parse_or_refuse(document)
    series = (series or definition.key).strip()
    minimum = owner_unit.municipality.anonymity_threshold
    if threshold is not None and threshold < minimum:
        raise ServiceError(
            SurveysErrorCode.THRESHOLD_LOW,
            _("The anonymity threshold cannot be lower than %(n)s.") % {"n": minimum},
            field="threshold",
        )
    if Survey.objects.filter(
        municipality_id=owner_unit.municipality_id, series=series, round_label=round_label
    ).exists():
        raise ServiceError(
            SurveysErrorCode.ROUND_EXISTS,
            _("This survey already has a round with that name."),
            field="round_label",
        )
    target = default_target(definition.service_area)
    with transaction.atomic():
        survey = Survey.objects.create(
            target_age_from=target.age_from,
            target_age_to=target.age_to,
            answered_by=target.answered_by,
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
            action=SurveysAuditAction.SURVEY_CREATED,
            obj=survey,
            data={"series": series, "round": round_label, "units": len(units)},
        )
    return survey


def ensure_design(actor: Actor, survey: Survey) -> None:
    """Refuse an actor who may not change ``survey``'s design, dates or status (``SURVEY_DESIGN``)."""
    ensure_can(actor, Perm.SURVEY_DESIGN, survey.owner_unit, _("You cannot change this survey."))


def survey_update_definition(*, actor: Actor, survey: Survey, document: Mapping[str, Any]) -> Survey:
    """Replace the survey's questions; keys keep their ids, removed items are hidden, not lost."""
    ensure_design(actor, survey)
    new = parse_or_refuse(document)
    old = parse_definition(survey.definition) if survey.definition else None
    merged = parse_or_refuse(_carry_hidden(old, new))
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        _sync_registry(locked, merged)
        if old is not None:
            _log_rewording(actor, locked, old, merged)
        locked.definition = merged.to_dict()
        locked.title = dict(merged.title)
        locked.definition_version += 1
        locked.save(update_fields=["definition", "title", "definition_version"])
        audit_record(
            actor=actor,
            action=SurveysAuditAction.SURVEY_DEFINITION_CHANGED,
            obj=locked,
            data={"version": locked.definition_version},
        )
    return locked


def reworded(old: Definition, new: Definition) -> dict[str, list[str]]:
    """Return, per question or statement key, the languages whose existing text changed.

    A text added in a new language (a translation) is not a change of wording.
    """
    before = {q.key: q.text for q in old.questions()}
    changed: dict[str, list[str]] = {}
    for q in new.questions():
        old_text = before.get(q.key) or {}
        langs = [
            lang
            for lang, text in old_text.items()
            if text.strip() and q.text.get(lang, "").strip() and q.text[lang].strip() != text.strip()
        ]
        if langs:
            changed[q.key] = langs
    return changed


def _log_rewording(actor: Actor, survey: Survey, old: Definition, new: Definition) -> None:
    """Date and audit each wording change of a question that already has answers."""
    changed = reworded(old, new)
    if not changed:
        return
    today = _today()
    answered = Exists(Answer.objects.filter(question=OuterRef("pk")))
    rows = SurveyQuestion.objects.filter(answered, survey=survey, key__in=changed)
    for row in rows:
        row.reworded_on = today
        row.save(update_fields=["reworded_on"])
        audit_record(
            actor=actor,
            action=SurveysAuditAction.SURVEY_QUESTION_REWORDED,
            obj=survey,
            data={"question": row.key, "on": today.isoformat(), "languages": changed[row.key]},
        )


def survey_set_status(*, actor: Actor, survey: Survey, status: str) -> Survey:
    """Open or close a survey.

    A round that closed with answers stays closed. Its results, the equity report and the
    response-level export are read as final once it closes; opening it again and closing it
    after one more answer would let anyone compare the two sets of figures and read that one
    answer (the difference). More answers go into a new round.

    Closing stores first every response the round has received and the worker has not stored
    yet (``answering.answer_store.store_received_of_round``), so a round is final the moment it
    closes: stored moments after the close, one answer moved the closed round's figures (red team,
    2026-12-07, third session). It keeps the round's organisation tree too (``round_tree``): a unit
    moved after the close no longer moves the closed round's figures (red team 5).
    """
    if status not in SurveyStatus.values:
        raise ServiceError(SurveysErrorCode.STATUS_INVALID, _("Unknown status."), field="status")
    ensure_design(actor, survey)
    with transaction.atomic():
        old = Survey.objects.select_for_update().values_list("status", flat=True).get(pk=survey.pk)
        if old == SurveyStatus.CLOSED and status != old and _has_answers(survey):
            raise ServiceError(
                SurveysErrorCode.ROUND_FINAL,
                _(
                    "This round has closed with answers, so it cannot be opened again: comparing its "
                    "results before and after would show what the new answers were. Start a new "
                    "round instead."
                ),
                field="status",
            )
        if status == SurveyStatus.CLOSED:
            from ..answering.answer_store import store_received_of_round

            store_received_of_round(survey)
            _keep_closed_tree(survey)  # its figures are read on the tree as it stands now, for good
        survey.status = status
        fields = ["status"]
        if status == SurveyStatus.OPEN and not (survey.opens_on and survey.closes_on):
            # A round never opens without dates: missing ones get the suggested dates.
            opens_on, closes_on = suggested_dates(_today())
            survey.opens_on = survey.opens_on or opens_on
            survey.closes_on = survey.closes_on or max(closes_on, survey.opens_on)
            fields += ["opens_on", "closes_on"]
        survey.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=SurveysAuditAction.SURVEY_STATUS_CHANGED,
            obj=survey,
            data={"from": old, "to": status},
        )
    return survey


def _keep_closed_tree(survey: Survey) -> None:
    """Keep the round's organisation tree as it stands now, as it closes (``surveys/round_tree.py``)."""
    from ..round_tree import tree_today

    mine = survey.municipality_id
    ClosedTreeUnit.objects.filter(municipality_id=mine, survey=survey).delete()
    ClosedTreeUnit.objects.bulk_create(
        ClosedTreeUnit(
            municipality_id=mine,
            survey=survey,
            unit=t.unit,
            parent_id_at_close=t.parent_id,
            path=t.path,
            depth=t.depth,
            is_survey_unit=t.is_survey_unit,
        )
        for t in tree_today(survey)
    )


def rounds_close_ended(*, actor: SystemActor, today: Any = None) -> list[Survey]:
    """Close every open round whose closing date has passed, in every municipality; return them.

    Run daily (``manage.py close_ended_rounds``): a round stops taking answers after its closing
    date, and its results are shown only once it is closed (``insights.release``), so without
    this the people waiting for them would wait until someone remembered to press "Close".
    """
    ensure_system(actor, "Closing the survey rounds whose closing date has passed")
    today = today or _today()
    due = Survey.objects.filter(status=SurveyStatus.OPEN, closes_on__lt=today).order_by(
        "municipality_id", "pk"
    )
    return [survey_set_status(actor=actor, survey=survey, status=SurveyStatus.CLOSED) for survey in due]


def _has_answers(survey: Survey) -> bool:
    mine = {"municipality_id": survey.municipality_id}
    return Response.objects.filter(survey=survey, complete=True, **mine).exists()


def closed_for_good(survey: Survey) -> bool:
    """Return whether a round closed with complete answers (and so never opens again)."""
    return survey.status == SurveyStatus.CLOSED and _has_answers(survey)


def survey_set_dates(*, actor: Actor, survey: Survey, opens_on: Any, closes_on: Any) -> Survey:
    """Set the first and last day respondents may answer (either may be empty)."""
    ensure_design(actor, survey)
    if opens_on and closes_on and closes_on < opens_on:
        raise ServiceError(
            SurveysErrorCode.DATES_INVALID,
            _("The closing date must be on or after the opening date."),
            field="closes_on",
        )
    with transaction.atomic():
        before = {"opens_on": str(survey.opens_on or ""), "closes_on": str(survey.closes_on or "")}
        survey.opens_on, survey.closes_on = opens_on, closes_on
        survey.save(update_fields=["opens_on", "closes_on"])
        audit_record(
            actor=actor,
            action=SurveysAuditAction.SURVEY_STATUS_CHANGED,
            obj=survey,
            data={"dates": [before, {"opens_on": str(opens_on or ""), "closes_on": str(closes_on or "")}]},
        )
    return survey


def survey_set_target(
    *, actor: Actor, survey: Survey, age_from: int | None, age_to: int | None, answered_by: str
) -> Survey:
    """Set who the survey is for (ages, None: no bound) and who answers it (``surveys.design.target``).

    Only the equity report reads it (who the respondents are compared with), so it may change after
    the round has closed.
    """
    ensure_design(actor, survey)
    problem = target_problem(age_from, age_to, answered_by)
    if problem is not None:
        raise ServiceError(SurveysErrorCode.TARGET_INVALID, problem[1], field=problem[0])
    fields = ["target_age_from", "target_age_to", "answered_by"]
    with transaction.atomic():
        before = {f: getattr(survey, f) for f in fields}
        survey.target_age_from, survey.target_age_to, survey.answered_by = age_from, age_to, answered_by
        survey.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=SurveysAuditAction.SURVEY_TARGET_CHANGED,
            obj=survey,
            data={"target": [before, {f: getattr(survey, f) for f in fields}]},
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
