"""Local questions: a unit's own few questions added to a survey round run in many units.

A round from the question bank is one definition for every unit, so results stay comparable.
A unit leader (``Perm.SURVEY_DESIGN`` on the unit) may add up to ``MAX_LOCAL_QUESTIONS`` of
their own. They are stored on the ``SurveyUnit`` (not in the survey's definition, so editing or
exporting the template never touches them) under keys ``local_<unit id>_<n>``, which a template
may not use (``definition.LOCAL_PREFIX``). Respondents of that unit see them in a last section
headed "Questions from <unit>"; nobody else does. They get registry rows like any question
(stable ids; removing hides), but results read them only for that unit, never in comparisons.
The writes are in ``local_services``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from medvirk.core.tenancy import co_located

from ..models import Response, Survey, SurveyUnit
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


def visible_local_questions(survey_unit: SurveyUnit) -> list[dict[str, Any]]:
    """Return the unit's local questions respondents see, in order (definition format)."""
    return [q for q in survey_unit.local_questions or [] if not q.get("hidden")]
