"""Check before opening: what a round still lacks, and which of its languages respondents get.

A language whose texts are incomplete is not offered to respondents until a designer publishes
it explicitly (``Survey.fallback_languages``): then the missing texts are shown in the survey's
first language, each marked with that language's ``lang`` and ``dir``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from medvirk.common import languages

from ..models import Survey, SurveyUnit
from . import builder
from .definition import Definition, missing_translations
from .parser import parse_definition

OPEN_WEEKS = 4  # suggested length of a round


@dataclass(frozen=True)
class CheckItem:
    code: str  # dates_missing, closes_past, texts_missing, fallback_published, logic, no_channel
    message: Any  # a translated sentence
    blocking: bool
    language: str | None = None
    count: int = 0


@dataclass(frozen=True)
class CheckReport:
    items: list[CheckItem] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """Return whether the round can open (nothing blocking)."""
        return not any(item.blocking for item in self.items)


def open_languages(definition: Definition, fallback: list[str] | tuple[str, ...]) -> list[str]:
    """Return the languages respondents are offered: complete ones and those published with fallback."""
    missing = missing_translations(definition)
    first = definition.languages[0]
    return [lang for lang in definition.languages if lang == first or not missing[lang] or lang in fallback]


def suggested_dates(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """Return the dates a new round is offered: from today, for ``OPEN_WEEKS`` weeks."""
    today = today or timezone.localdate()
    return today, today + datetime.timedelta(weeks=OPEN_WEEKS)


def survey_check(survey: Survey, lang: str = "nb") -> CheckReport:
    """Return what the round lacks before it opens (blocking items) and what is worth a look."""
    definition = parse_definition(survey.definition)
    items: list[CheckItem] = []
    if not survey.opens_on or not survey.closes_on:
        items.append(
            CheckItem("dates_missing", _("Set the first and last day respondents can answer."), True)
        )
    elif survey.closes_on < timezone.localdate():
        items.append(CheckItem("closes_past", _("The last day to answer has passed."), True))
    for problem in builder.logic_problems(survey.definition, definition.languages[0]):
        items.append(CheckItem("logic", problem, True))
    missing = missing_translations(definition)
    for code in definition.languages[1:]:
        count = len(missing[code])
        if not count:
            continue
        name = languages.name(code, lang)
        if code in survey.fallback_languages:
            message = ngettext(
                "%(lang)s: %(n)s text is missing and is shown in %(first)s, marked as such.",
                "%(lang)s: %(n)s texts are missing and are shown in %(first)s, marked as such.",
                count,
            ) % {
                "lang": name.capitalize(),
                "n": count,
                "first": languages.name(definition.languages[0], lang),
            }
            items.append(CheckItem("fallback_published", message, False, code, count))
        else:
            message = ngettext(
                "%(lang)s: %(n)s text is missing, so respondents are not offered %(lang_lower)s yet.",
                "%(lang)s: %(n)s texts are missing, so respondents are not offered %(lang_lower)s yet.",
                count,
            ) % {"lang": name.capitalize(), "n": count, "lang_lower": name}
            items.append(CheckItem("texts_missing", message, False, code, count))
    for su in _units_without_channel(survey):
        items.append(
            CheckItem(
                "no_channel",
                _(
                    "%(unit)s has no codes or invitations yet: only its open link, which must be shared "
                    "(or its poster printed)."
                )
                % {"unit": su.unit.name},
                False,
            )
        )
    return CheckReport(items)


def _units_without_channel(survey: Survey) -> list[SurveyUnit]:
    return list(
        SurveyUnit.objects.filter(survey=survey)
        .select_related("unit")
        .annotate(n_codes=Count("codes", distinct=True), n_invitations=Count("invitations", distinct=True))
        .filter(n_codes=0, n_invitations=0)
    )
