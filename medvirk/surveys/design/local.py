"""Local questions: a unit's own few questions added to a survey round run in many units.

A round from the question bank is one definition for every unit, so results stay comparable.
A unit leader (``Perm.SURVEY_DESIGN`` on the unit) may add up to ``MAX_LOCAL_QUESTIONS`` of
their own. They are stored on the ``SurveyUnit`` (not in the survey's definition, so editing or
exporting the template never touches them) under keys ``local_<unit id>_<n>``, which a template
may not use (``definition.LOCAL_PREFIX``). Respondents of that unit see them in a last section
headed "Questions from <unit>"; nobody else does. They get registry rows like any question
(stable ids; removing hides), but results read them only for that unit, never in comparisons.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import Actor, ensure_can
from medvirk.accounts.permissions import Perm
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.core.tenancy import co_located
from medvirk.surveys.enums import SurveysAuditAction, SurveysErrorCode

from .. import qtypes
from ..models import Answer, Response, Survey, SurveyQuestion, SurveyUnit
from ..qtypes import Edit
from .definition import LOCAL_PREFIX, Definition, QType
from .parser import parse_definition
from .respondent_text import ui

MAX_LOCAL_QUESTIONS = 3  # visible local questions per unit and round ("a few")
LOCAL_TYPES = (QType.RATING, QType.SINGLE, QType.MULTIPLE, QType.TEXTAREA)
REGISTRY_POSITION = 100_000  # registry rows of local questions sort after the template's


def section_key(unit_id: int) -> str:
    """Return the key of a unit's local section."""
    return f"{LOCAL_PREFIX}{unit_id}"


def question_key(unit_id: int, number: int) -> str:
    """Return the key of a unit's ``number``-th local question (numbers are never reused)."""
    return f"{LOCAL_PREFIX}{unit_id}_{number}"


def is_local_key(key: str) -> bool:
    return key.startswith(LOCAL_PREFIX)


def _section(survey: Survey, unit_id: int, unit_name: str, questions: list[Any]) -> dict[str, Any]:
    languages = survey.definition.get("languages") or ["nb"]
    overrides = survey.definition.get("ui")
    return {
        "key": section_key(unit_id),
        "title": {lang: ui("local_section", lang, overrides, unit=unit_name) for lang in languages},
        "description": {lang: ui("local_section_note", lang, overrides) for lang in languages},
        "questions": list(questions),
    }


def unit_document(survey_unit: SurveyUnit) -> Mapping[str, Any]:
    """Return the definition respondents of this unit answer: the survey's plus the local section.

    The local section is left out while the unit has no visible local question.
    """
    survey = survey_unit.survey
    local = survey_unit.local_questions or []
    if not any(not q.get("hidden") for q in local):
        return survey.definition
    section = _section(survey, survey_unit.unit_id, survey_unit.unit.name, local)
    return {**survey.definition, "sections": [*survey.definition.get("sections", []), section]}


def definition_for_unit(survey_unit: SurveyUnit) -> Definition:
    """Return the parsed definition respondents of this survey unit answer."""
    return parse_definition(unit_document(survey_unit))


def survey_unit_of(response: Response) -> SurveyUnit | None:
    """Return the survey unit a response was given in."""
    return (
        SurveyUnit.objects.select_related("survey", "unit")
        .filter(
            co_located("survey", "unit"),
            municipality_id=response.municipality_id,
            survey_id=response.survey_id,
            unit_id=response.unit_id,
        )
        .first()
    )


def definition_for_response(response: Response) -> Definition:
    """Return the definition a response answers (with its unit's local questions)."""
    su = survey_unit_of(response)
    if su is None:
        return parse_definition(response.survey.definition)
    su.survey = response.survey
    return definition_for_unit(su)


def local_definition(*, survey: Survey, unit_id: int) -> Definition | None:
    """Return a definition holding only the unit's local section (for results), or None."""
    su = SurveyUnit.objects.select_related("unit").filter(survey=survey, unit_id=unit_id).first()
    if su is None or not su.local_questions:
        return None
    su.survey = survey
    section = _section(survey, unit_id, su.unit.name, su.local_questions)
    document = {**survey.definition, "sections": [section]}
    return parse_definition(document)


# --- writes ----------------------------------------------------------------------------------


def _check(actor: Actor, survey_unit: SurveyUnit) -> None:
    ensure_can(actor, Perm.SURVEY_DESIGN, survey_unit.unit, _("You cannot add questions for this unit."))


def _number(key: str) -> int:
    try:
        return int(key.rsplit("_", 1)[1])
    except (IndexError, ValueError):
        return 0


def _carry_hidden_options(old: Mapping[str, Any], new: dict[str, Any]) -> None:
    """Keep options that disappeared as hidden, so answers to them stay readable."""
    qtype = qtypes.find(new.get("type"))
    if qtype is None or Edit.OPTIONS not in qtype.edits:
        return  # no longer a choice question (allowed only without answers): nothing to keep
    present = {o.get("key") for o in new.get("options") or []}
    for option in old.get("options") or []:
        if option.get("key") not in present:
            new.setdefault("options", []).append({**option, "hidden": True})


def _store(actor: Actor, su: SurveyUnit, items: list[dict[str, Any]], event: dict[str, Any]) -> None:
    """Validate the unit's definition with ``items``, give new keys ids, save, bump the version."""
    from .services import _parse, _sync_registry

    probe = SurveyUnit(pk=su.pk, survey=su.survey, unit=su.unit, local_questions=items)
    definition = _parse(unit_document(probe))
    local_sections = tuple(s for s in definition.sections if s.key == section_key(su.unit_id))
    if local_sections:
        only_local = dataclasses.replace(definition, sections=local_sections)
        _sync_registry(su.survey, only_local, hide_missing=False, start=REGISTRY_POSITION)
    hidden = [q["key"] for q in items if q.get("hidden")]
    if hidden:
        SurveyQuestion.objects.filter(survey_id=su.survey_id, key__in=hidden).update(hidden=True)
    su.local_questions = items
    su.save(update_fields=["local_questions"])
    # A new version refreshes every cache keyed by it (answer registry, results).
    Survey.objects.filter(pk=su.survey_id).update(definition_version=F("definition_version") + 1)
    audit_record(
        actor=actor,
        municipality=su.unit.municipality,
        action=SurveysAuditAction.SURVEY_DEFINITION_CHANGED,
        obj=su.survey,
        data={"unit": su.unit.name, "local": event},
    )


def _clean(question: Mapping[str, Any]) -> dict[str, Any]:
    if question.get("type") not in LOCAL_TYPES:
        raise ServiceError(
            SurveysErrorCode.TYPE_INVALID,
            _("A unit's own question can be a rating scale, single or multiple choice, or free text."),
            field="type",
        )
    allowed = {"type", "text", "help", "required", "options", "scale", "max_length"}
    item = {k: v for k, v in question.items() if k in allowed and v not in (None, {}, [])}
    item["local"] = True
    return item


def local_question_add(*, actor: Actor, survey_unit: SurveyUnit, question: Mapping[str, Any]) -> str:
    """Add one of the unit's own questions (definition format, without key); return its key."""
    _check(actor, survey_unit)
    item = _clean(question)
    with transaction.atomic():
        su = SurveyUnit.objects.select_for_update().select_related("survey", "unit").get(pk=survey_unit.pk)
        items = [dict(q) for q in su.local_questions or []]
        if sum(1 for q in items if not q.get("hidden")) >= MAX_LOCAL_QUESTIONS:
            raise ServiceError(
                SurveysErrorCode.LOCAL_LIMIT,
                _("A unit can add at most %(n)s questions of its own.") % {"n": MAX_LOCAL_QUESTIONS},
            )
        key = question_key(su.unit_id, max((_number(q["key"]) for q in items), default=0) + 1)
        items.append({"key": key, **item})
        _store(actor, su, items, {"added": key})
    survey_unit.local_questions = items
    return key


def local_question_update(
    *, actor: Actor, survey_unit: SurveyUnit, key: str, question: Mapping[str, Any]
) -> None:
    """Change a local question's wording, translations or options; the key and answers stay."""
    _check(actor, survey_unit)
    item = _clean(question)
    with transaction.atomic():
        su = SurveyUnit.objects.select_for_update().select_related("survey", "unit").get(pk=survey_unit.pk)
        items = [dict(q) for q in su.local_questions or []]
        index = next((i for i, q in enumerate(items) if q["key"] == key and not q.get("hidden")), None)
        if index is None:
            raise ServiceError(SurveysErrorCode.LOCAL_UNKNOWN, _("This question does not exist (any more)."))
        old = items[index]
        if old["type"] != item["type"] and _has_answers(su, key):
            raise ServiceError(
                SurveysErrorCode.TYPE_CHANGE,
                _(
                    "This question already has answers, so its type cannot change. "
                    "Add a new question instead."
                ),
                field="type",
            )
        _carry_hidden_options(old, item)
        items[index] = {"key": key, **item}
        _store(actor, su, items, {"changed": key})
    survey_unit.local_questions = items


def local_question_remove(*, actor: Actor, survey_unit: SurveyUnit, key: str) -> None:
    """Remove a local question from the form; it is hidden, so answers already given are kept."""
    _check(actor, survey_unit)
    with transaction.atomic():
        su = SurveyUnit.objects.select_for_update().select_related("survey", "unit").get(pk=survey_unit.pk)
        items = [dict(q) for q in su.local_questions or []]
        index = next((i for i, q in enumerate(items) if q["key"] == key and not q.get("hidden")), None)
        if index is None:
            raise ServiceError(SurveysErrorCode.LOCAL_UNKNOWN, _("This question does not exist (any more)."))
        items[index]["hidden"] = True
        _store(actor, su, items, {"removed": key})
    survey_unit.local_questions = items


def _has_answers(su: SurveyUnit, key: str) -> bool:
    return Answer.objects.filter(survey_id=su.survey_id, question__key=key).exists()


def visible_local_questions(survey_unit: SurveyUnit) -> list[dict[str, Any]]:
    """Return the unit's local questions respondents see, in order (definition format)."""
    return [q for q in survey_unit.local_questions or [] if not q.get("hidden")]
