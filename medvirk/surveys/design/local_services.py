"""The writes of local questions (``local``): add, change and remove a unit's own questions.

Each checks its actor (``Perm.SURVEY_DESIGN`` on the unit), stores the unit's questions, gives
new keys registry ids and audits the change.
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
from medvirk.surveys.enums import SurveysAuditAction, SurveysErrorCode

from .. import qtypes
from ..models import Answer, Survey, SurveyQuestion, SurveyUnit
from ..qtypes import Edit
from .local import (
    LOCAL_TYPES,
    MAX_LOCAL_QUESTIONS,
    REGISTRY_POSITION,
    question_key,
    section_key,
    unit_document,
)


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
    from .refusal import parse_or_refuse
    from .services import _sync_registry

    probe = SurveyUnit(pk=su.pk, survey=su.survey, unit=su.unit, local_questions=items)
    definition = parse_or_refuse(unit_document(probe))
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
        su, items = _locked(survey_unit)
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
        su, items = _locked(survey_unit)
        index = _index_of(items, key)
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
        su, items = _locked(survey_unit)
        index = _index_of(items, key)
        items[index]["hidden"] = True
        _store(actor, su, items, {"removed": key})
    survey_unit.local_questions = items


def _locked(survey_unit: SurveyUnit) -> tuple[SurveyUnit, list[dict[str, Any]]]:
    """The unit's row, locked for this transaction, and a copy of its own questions to change."""
    su = SurveyUnit.objects.select_for_update().select_related("survey", "unit").get(pk=survey_unit.pk)
    return su, [dict(q) for q in su.local_questions or []]


def _index_of(items: list[dict[str, Any]], key: str) -> int:
    """Where the question ``key`` stands among the shown ones; refuse one removed or unknown."""
    index = next((i for i, q in enumerate(items) if q["key"] == key and not q.get("hidden")), None)
    if index is None:
        raise ServiceError(SurveysErrorCode.LOCAL_UNKNOWN, _("This question does not exist (any more)."))
    return index


def _has_answers(su: SurveyUnit, key: str) -> bool:
    return Answer.objects.filter(survey_id=su.survey_id, question__key=key).exists()
