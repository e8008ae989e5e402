"""Public pages where citizens answer: no login, no cookies, no JavaScript needed.

Every page is ``csrf_exempt`` on purpose: forms carry an unguessable resume token in the URL
(which already defeats cross-site forgery), and a kiosk must keep nothing in the browser — no
CSRF or session cookie. Responses are sent with ``Cache-Control: no-store``.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from medvirk.common import languages
from medvirk.core.crypto import token_hash
from medvirk.core.errors import ServiceError
from medvirk.core.tenancy import co_located
from medvirk.core.views import cookieless_view
from medvirk.orgs.selectors import district_names
from medvirk.surveys.enums import SurveysErrorCode

from ..design import services as design
from ..design.definition import Definition
from ..design.local import definition_for_response, definition_for_unit
from ..design.parser import parse_definition
from ..design.readiness import open_languages
from ..design.respondent_text import ui
from ..models import AccessCode, Channel, Invitation, Response, Survey, SurveyUnit
from . import engine, navigation, services
from .navigation import Move
from .render import SectionRenderer, error_summary, error_text, marked


def _chrome(definition: Definition, lang: str, survey: Survey, **extra: Any) -> dict[str, Any]:
    overrides = (survey.definition or {}).get("ui")
    return {
        "lang": lang,
        "dir": languages.direction(lang),
        "survey": survey,
        "municipality": survey.municipality,  # whose page this is: name, logo and colour
        "definition": definition,
        "title": marked(definition.title, lang, definition.languages),
        "t": RespondentTexts(lang, overrides),
        "languages": [(code, languages.endonym(code)) for code in offered(survey)],
        **extra,
    }


def offered(survey: Survey) -> list[str]:
    """Return the languages respondents are offered (``readiness.open_languages``): complete ones
    and those published with the first language's texts. Kept on the survey object for the
    request (a parse and a walk over the texts, about 2 ms for a bank template)."""
    found: list[str] | None = getattr(survey, "_offered_languages", None)
    if found is None:
        found = open_languages(parse_definition(survey.definition), survey.fallback_languages or [])
        survey._offered_languages = found
    return found


class RespondentTexts:
    """Template access to respondent texts: ``{{ t.next }}``."""

    def __init__(self, lang: str, overrides: Any) -> None:
        self.lang, self.overrides = lang, overrides

    def __getattr__(self, key: str) -> str:
        return ui(key, self.lang, self.overrides)


def _pick_language(request: HttpRequest, definition: Definition, survey: Survey) -> str:
    available = offered(survey)
    wanted = request.GET.get("lang") or request.POST.get("lang") or ""
    if wanted in available:
        return wanted
    accept = request.headers.get("Accept-Language", "")
    for part in accept.split(","):
        code = part.split(";")[0].strip().lower()
        for candidate in (code, code.split("-")[0], "nb" if code in ("no", "nb-no", "no-no") else ""):
            if candidate in available:
                return candidate
    return definition.languages[0]


def _survey_unit(link_key: str) -> SurveyUnit:
    su = (
        SurveyUnit.objects.select_related("survey", "survey__municipality", "unit")
        .filter(co_located("survey", "unit"), link_key=link_key)
        .first()
    )
    if su is None or su.survey.status == "draft":
        raise Http404
    return su


def _closed_page(request: HttpRequest, survey: Survey, definition: Definition, lang: str) -> HttpResponse:
    context = _chrome(definition, lang, survey)
    if survey.opens_on and survey.status == "open" and not design.survey_is_accepting(survey):
        from django.utils import timezone

        if survey.opens_on > timezone.localdate():
            context["message"] = ui("not_open_yet", lang, None, date=survey.opens_on.strftime("%d.%m.%Y"))
            return render(request, "surveys/respond/message.html", context)
    context["message"] = context["t"].closed
    return render(request, "surveys/respond/message.html", context)


@cookieless_view
@require_http_methods(["GET"])
def landing(request: HttpRequest, link_key: str, kiosk: bool = False) -> HttpResponse:
    """Show the survey's introduction and a start button (open link, QR poster, kiosk)."""
    su = _survey_unit(link_key)
    definition = parse_definition(su.survey.definition)
    lang = _pick_language(request, definition, su.survey)
    if not design.survey_is_accepting(su.survey):
        return _closed_page(request, su.survey, definition, lang)
    context = _chrome(
        definition,
        lang,
        su.survey,
        unit=su.unit,
        kiosk=kiosk,
        intro=marked(definition.intro, lang, definition.languages),
        idempotency_key=secrets.token_urlsafe(24),
        start_url=reverse("respond:start", args=[link_key]),
        switch_url=request.path,
    )
    return render(request, "surveys/respond/landing.html", context)


@cookieless_view
@require_http_methods(["POST"])
def start(request: HttpRequest, link_key: str) -> HttpResponse:
    """Start a response; a repeated click with the same form returns the same response."""
    su = _survey_unit(link_key)
    definition = definition_for_unit(su)
    if not design.survey_is_accepting(su.survey):
        return _closed_page(request, su.survey, definition, _pick_language(request, definition, su.survey))
    kiosk = request.POST.get("kiosk") == "1"
    try:
        response, token = services.response_start(
            actor=services.RESPONDENT,
            survey_unit=su,
            channel=Channel.KIOSK if kiosk else Channel.LINK,
            language=_pick_language(request, definition, su.survey),
            idempotency_key=request.POST.get("idempotency_key", ""),
        )
    except ServiceError:
        return redirect(request.path.replace("/start/", "/") + ("kiosk/" if kiosk else ""))
    return redirect("respond:section", token=token, number=_first_section(definition, response))


def _first_section(definition: Definition, response: Response) -> int:
    answers = services.stored_answers(response)
    return navigation.target(definition, answers, 1, Move.HERE) or 1


def code_languages() -> list[str]:
    """Return the languages the code page offers: every language Medvirk ships page texts in
    (a letter's code may open a round in any of them), bokmål first."""
    return [lang.code for lang in languages.LANGUAGES.values() if lang.respondent_texts]


@cookieless_view
@require_http_methods(["GET", "POST"])
def code_entry(request: HttpRequest) -> HttpResponse:
    """Let someone with a single-use code from a letter start their response, in their language."""
    error = ""
    code = ""
    wanted = request.POST.get("lang") or request.GET.get("lang") or "nb"
    page_lang = wanted if wanted in code_languages() else "nb"
    if request.method == "POST" and "change_language" not in request.POST:
        code = "".join(ch for ch in request.POST.get("code", "").upper() if ch.isalnum())[:16]
        access = (
            AccessCode.objects.select_related("survey_unit__survey__municipality", "survey_unit__unit")
            .filter(co_located("survey_unit", "survey_unit__survey", "survey_unit__unit"), code=code)
            .first()
        )
        if access and design.survey_is_accepting(access.survey_unit.survey):
            available = offered(access.survey_unit.survey)
            response, token = services.response_start_with_code(
                actor=services.RESPONDENT,
                access=access,
                language=page_lang if page_lang in available else available[0],
            )
            if response.complete:
                return redirect("respond:done", token=token)
            definition = definition_for_unit(access.survey_unit)
            return redirect("respond:section", token=token, number=_first_section(definition, response))
        error = ui("code_invalid", page_lang)
    return render(
        request,
        "surveys/respond/code.html",
        {
            "error": error,
            "code": code,
            "lang": page_lang,
            "dir": languages.direction(page_lang),
            "t": RespondentTexts(page_lang, None),
            "languages": [(c, languages.endonym(c)) for c in code_languages()],
            "action": request.path,
        },
    )


@cookieless_view
@require_http_methods(["GET"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Open a personal invitation link: one response per invitation, unlinked once sent."""
    inv = (
        Invitation.objects.select_related("survey_unit__survey__municipality", "survey_unit__unit")
        .filter(
            co_located("survey_unit", "survey_unit__survey", "survey_unit__unit"),
            token_hash=token_hash(token),
        )
        .first()
    )
    if inv is None:
        raise Http404
    survey = inv.survey_unit.survey
    definition = definition_for_unit(inv.survey_unit)
    lang = (
        inv.language
        if inv.language in offered(survey) and not request.GET.get("lang")
        else _pick_language(request, definition, survey)
    )
    if inv.completed:
        return render(
            request,
            "surveys/respond/message.html",
            _chrome(definition, lang, survey, message=ui("already_sent", lang)),
        )
    if not design.survey_is_accepting(survey):
        return _closed_page(request, survey, definition, lang)
    response, resume = services.response_start(
        actor=services.RESPONDENT,
        survey_unit=inv.survey_unit,
        channel=Channel.EMAIL,
        language=lang,
        idempotency_key=f"inv:{inv.pk}",
        invitation=inv,
    )
    return redirect("respond:section", token=resume, number=_first_section(definition, response))


@cookieless_view
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, token: str, number: int) -> HttpResponse:
    """Show one section (page); on POST validate it, save it and move on (``navigation``)."""
    response = services.response_by_token(token)
    if response is None:
        raise Http404
    definition = definition_for_response(response)
    if response.complete:
        return redirect("respond:done", token=token)
    post = request.POST
    switching = "change_language" in post and post.get("lang") in offered(response.survey)
    if request.method == "POST" and switching:
        services.response_set_language(actor=services.RESPONDENT, response=response, language=post["lang"])
        return redirect("respond:section", token=token, number=number)
    if not design.survey_is_accepting(response.survey):
        return _closed_page(request, response.survey, definition, response.language)
    if not 1 <= number <= len(definition.sections):
        raise Http404
    page = Page(request, response, token, definition, number)
    shown = navigation.target(definition, page.stored, number, Move.HERE)
    if shown != number:  # skipped by logic: go to the next shown page
        return page.go(shown)
    if request.method == "POST":
        return page.submit()
    return page.render(engine.answers_to_form(page.stored), {}, page.effective)


class Page:
    """One shown page of a response: save what was sent, move on, or show it (with errors)."""

    def __init__(
        self, request: HttpRequest, response: Response, token: str, definition: Definition, number: int
    ) -> None:
        self.request, self.response, self.token = request, response, token
        self.definition, self.number = definition, number
        self.current = definition.sections[number - 1]
        self.stored = services.stored_answers(response)
        _sections, _keys, self.effective = engine.visible_answers(definition, self.stored)
        own = engine.section_keys(self.current)
        self.earlier = {k: v for k, v in self.effective.items() if k not in own}
        self.overrides = (response.survey.definition or {}).get("ui")

    @cached_property
    def districts(self) -> dict[str, str]:
        """Return the district labels (read only for a page that is shown or saved)."""
        return district_names(municipality_id=self.response.survey.municipality_id)

    def go(self, number: int | None) -> HttpResponse:
        """Redirect to page ``number``, or finish the response when there is none."""
        if number is None:
            return _finish(self.request, self.response, self.token, self.definition)
        return redirect("respond:section", token=self.token, number=number)

    def submit(self) -> HttpResponse:
        post = self.request.POST
        data = {k: post.getlist(k) for k in post if k.startswith(engine.FIELD_PREFIX)}
        answers, problems = engine.parse_section(
            self.definition, self.current, data, self.earlier, districts=list(self.districts)
        )
        services.response_save_section(
            actor=services.RESPONDENT, response=self.response, section_key=self.current.key, answers=answers
        )
        if post.get("nav") == "previous":
            return self.go(navigation.target(self.definition, self.stored, self.number, Move.PREVIOUS))
        if problems:
            errors = {e.question: error_text(e, self.response.language, self.overrides) for e in problems}
            return self.render(data, errors, {**self.earlier, **answers})
        if navigation.follow_up_appeared(self.current, self.earlier, self.stored, answers):
            return redirect(reverse("respond:section", args=[self.token, self.number]) + "?followup=1")
        after = services.stored_answers(self.response)
        return self.go(navigation.target(self.definition, after, self.number, Move.NEXT))

    def render(
        self, data: Mapping[str, list[str]], errors: dict[str, str], answers: Mapping[str, Any]
    ) -> HttpResponse:
        lang, request = self.response.language, self.request
        renderer = SectionRenderer(
            self.definition, lang, district_labels=self.districts, overrides=self.overrides
        )
        fields = renderer.fields(self.current, data, errors, answers)
        position, total = navigation.progress(self.definition, self.stored, self.number)
        here = reverse("respond:section", args=[self.token, self.number])
        context = _chrome(
            self.definition,
            lang,
            self.response.survey,
            fields=fields,
            section_title=renderer.t(self.current.title),
            section_description=renderer.t(self.current.description),
            errors=error_summary(fields),
            position=position,
            total=total,
            page_of=ui("page_of", lang, self.overrides, n=position, total=total),
            is_first=position == 1,
            is_last=position == total,
            kiosk=self.response.channel == Channel.KIOSK,
            followup=request.method == "GET" and request.GET.get("followup") == "1",
            resume_url=request.build_absolute_uri(here),
            action=here,
        )
        return render(request, "surveys/respond/section.html", context, status=400 if errors else 200)


def _finish(request: HttpRequest, response: Response, token: str, definition: Definition) -> HttpResponse:
    try:
        services.response_submit(actor=services.RESPONDENT, response=response)
    except ServiceError as error:
        if error.code == SurveysErrorCode.REQUIRED_MISSING and error.field:
            for index, sec in enumerate(definition.sections, start=1):
                if error.field in engine.section_keys(sec):
                    return redirect("respond:section", token=token, number=index)
        raise
    return redirect("respond:done", token=token)


@cookieless_view
@require_http_methods(["GET"])
def done(request: HttpRequest, token: str) -> HttpResponse:
    """Thank the respondent; in kiosk mode, return to the start for the next person."""
    response = services.response_by_token(token)
    if response is None or not response.complete:
        raise Http404
    survey = response.survey
    definition = parse_definition(survey.definition)
    kiosk_url = None
    if response.channel == Channel.KIOSK:
        su = SurveyUnit.objects.filter(
            municipality_id=response.municipality_id, survey=survey, unit_id=response.unit_id
        ).first()
        kiosk_url = reverse("respond:kiosk", args=[su.link_key]) if su else None
    thanks = marked(definition.thanks, response.language, definition.languages)
    return render(
        request,
        "surveys/respond/done.html",
        _chrome(definition, response.language, survey, thanks=thanks, kiosk_url=kiosk_url),
    )
