"""The survey builder's one write: apply an operation (``builder``) to a survey's questions.

The operation is a pure function of the stored document; the result is stored by
``services.survey_update_definition``, the JSON path's own service, so the builder keeps every
guarantee it has: removed questions and options stay hidden with their answers, an answered
question keeps its type, keys keep their ids, a wording change of an answered question is
logged with its date.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import Actor
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError

from ..enums import SurveysAuditAction, SurveysErrorCode
from ..models import Survey
from . import builder
from .services import ensure_design, survey_update_definition


def survey_build(*, actor: Actor, survey: Survey, operation: builder.Operation) -> tuple[Survey, str | None]:
    """Apply ``operation`` to the survey's questions and store them; return the survey and the key
    of the question (or page) the operation made or changed."""
    ensure_design(actor, survey)
    lang = getattr(operation, "lang", None)
    if lang is not None and lang not in (survey.definition.get("languages") or ["nb"]):
        raise ServiceError(
            SurveysErrorCode.LANGUAGE_INVALID, _("The survey is not offered in this language."), field="lang"
        )
    with transaction.atomic():
        # Read the latest questions under the lock: two designers' edits apply one after the other.
        locked = (
            Survey.objects.select_for_update().select_related("owner_unit__municipality").get(pk=survey.pk)
        )
        document, key = operation.apply(locked.definition)
        builder.check(document)
        stored = survey_update_definition(actor=actor, survey=locked, document=document)
    return stored, key


def survey_publish_fallback(*, actor: Actor, survey: Survey, language: str, publish: bool) -> Survey:
    """Offer (or stop offering) ``language`` to respondents although texts are missing in it.

    The missing texts are then shown in the survey's first language, marked with its ``lang``
    and ``dir``; the check before opening lists the language with the number of such texts.
    """
    ensure_design(actor, survey)
    languages = survey.definition.get("languages") or ["nb"]
    if language not in languages[1:]:
        raise ServiceError(
            SurveysErrorCode.LANGUAGE_INVALID,
            _("The survey is not offered in this language."),
            field="language",
        )
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        chosen = [lang for lang in locked.fallback_languages if lang != language and lang in languages]
        if publish:
            chosen.append(language)
        locked.fallback_languages = chosen
        locked.save(update_fields=["fallback_languages"])
        audit_record(
            actor=actor,
            action=SurveysAuditAction.SURVEY_LANGUAGE_PUBLISHED,
            obj=locked,
            data={"language": language, "with_fallback": publish},
        )
    return locked
