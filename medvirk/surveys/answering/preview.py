"""Preview a survey as a respondent sees it, page by page, in each of its languages (issue 17).

A staff page in the respondent's frame: nothing is stored, navigation is by links, every question
is shown (those with a rule carry the rule in words, since no answers decide them here), and
"narrow" shows the page 320 px wide, as on a small phone.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.common import languages
from medvirk.core.views import staff_view

from ..design import builder
from ..design.parser import parse_definition
from ..selectors import access_survey_by_id
from .render import SectionRenderer, marked
from .views import RespondentTexts


@staff_view
def survey_preview(request: StaffRequest, survey_id: int) -> HttpResponse:
    """Show one page of the survey as respondents see it, without storing anything."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    definition = parse_definition(survey.definition)
    lang = request.GET.get("lang", "")
    if lang not in definition.languages:
        lang = definition.languages[0]
    sections = definition.sections
    try:
        number = min(max(int(request.GET.get("page", "1")), 1), len(sections))
    except ValueError:
        number = 1
    section = sections[number - 1]
    renderer = SectionRenderer(definition, lang)
    document = survey.definition
    first = definition.languages[0]  # rules are staff text: questions named in the first language
    fields = [
        (
            renderer.field(q, {}, {}),
            builder.condition_sentence(q.condition.to_dict(), document, first) if q.condition else "",
        )
        for q in section.questions
        if not q.hidden and q.specifies is None  # an "other" text is a field of its choice question
    ]
    narrow = request.GET.get("narrow") == "1"
    base = reverse("surveys:preview", args=[survey.pk])

    def link(page: int, language: str = lang, small: bool = narrow) -> str:
        return f"{base}?page={page}&lang={language}" + ("&narrow=1" if small else "")

    context = {
        "lang": lang,
        "dir": languages.direction(lang),
        "survey": survey,
        "municipality": survey.municipality,
        "title": marked(definition.title, lang, definition.languages),
        "t": RespondentTexts(lang, None),
        "section_title": renderer.t(section.title),
        "section_description": renderer.t(section.description),
        "section_logic": builder.condition_sentence(section.condition.to_dict(), document, first)
        if section.condition
        else "",
        "fields": fields,
        "number": number,
        "total": len(sections),
        "previous": link(number - 1) if number > 1 else "",
        "next": link(number + 1) if number < len(sections) else "",
        "languages": [(code, languages.endonym(code), link(number, code)) for code in definition.languages],
        "narrow": narrow,
        "staff_lang": request.LANGUAGE_CODE,
        "staff_dir": languages.direction(request.LANGUAGE_CODE),
        "narrow_link": link(number, lang, not narrow),
        "build_url": reverse("surveys:build", args=[survey.pk]),
        "check_url": reverse("surveys:check", args=[survey.pk]),
    }
    return render(request, "surveys/respond/preview.html", context)
