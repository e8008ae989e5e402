"""Staff pages for distributing a survey in one unit: links, QR poster, codes, invitations, paper forms."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import segno
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from medvirk.accounts.access import can
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.common.languages import name
from medvirk.core.errors import ServiceError
from medvirk.core.views import staff_view
from medvirk.orgs.selectors import district_names

from ..answering import engine
from ..answering import services as answering
from ..answering.render import SectionRenderer, error_text
from ..answering.views import RespondentTexts
from ..design import local
from ..design.forms import page_language
from ..design.local import definition_for_unit
from ..design.parser import parse_definition
from ..design.views import display_title
from ..models import AccessCode, Channel, Survey, SurveyUnit
from ..selectors import access_survey_by_id, access_survey_unit, answers_threshold
from . import services as distribution
from .forms import CountForm, InviteForm, UserCountForm


def _named(codes: list[str]) -> str:
    """Return language codes a user typed with their names: ``somali (so), xx``."""
    ui = page_language()
    return ", ".join(code if name(code, ui) == code else f"{name(code, ui)} ({code})" for code in codes)


def distribute_page(
    request: StaffRequest,
    survey_id: int,
    survey_unit_id: int,
    answers: Callable[[Survey, SurveyUnit], Any],
) -> HttpResponse:
    """Distribution for one unit: links, QR poster, codes, invitations, number of users.

    ``answers(survey, survey_unit)`` is the unit's answers as the results count them (the
    round's decided count: ``medvirk/site/survey_page.py`` gives it, from above ``insights``).
    The page never says how many of those invited have answered, nor how many reminders went
    (invited − reminded): live and exact, "6 invited, 5 have answered" read again told when
    the one reminded answered (red team, 2026-12-07).
    """
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    su = access_survey_unit(request.user, survey, survey_unit_id)
    count_form = CountForm(prefix="codes")
    languages = parse_definition(survey.definition).languages
    invite_form = InviteForm(prefix="invite", languages=languages)
    users_form = UserCountForm(prefix="users", initial={"user_count": su.user_count})
    base = request.build_absolute_uri("/").rstrip("/")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "codes":
                count_form = CountForm(request.POST, prefix="codes")
                if count_form.is_valid():
                    made = distribution.codes_create(
                        actor=request.user, survey_unit=su, count=count_form.cleaned_data["count"]
                    )
                    messages.success(request, _("%(n)s codes were created.") % {"n": len(made)})
                    return redirect("surveys:codes", survey.pk, su.pk, made[0].batch)
            elif action == "invite":
                invite_form = InviteForm(request.POST, prefix="invite", languages=languages)
                if invite_form.is_valid():
                    valid, invalid = distribution.parse_addresses(invite_form.cleaned_data["emails"])
                    unknown = sorted({lang for _e, lang in valid if lang and lang not in languages})
                    if invalid:
                        invite_form.add_error(
                            "emails",
                            _("These addresses are not valid: %(list)s") % {"list": ", ".join(invalid[:10])},
                        )
                    elif unknown:
                        invite_form.add_error(
                            "emails",
                            _("The survey is not offered in: %(list)s") % {"list": _named(unknown)},
                        )
                    else:
                        sent = distribution.invitations_send(
                            actor=request.user,
                            survey_unit=su,
                            emails=valid,
                            base_url=base,
                            language=invite_form.cleaned_data["language"],
                        )
                        messages.success(request, _("%(n)s invitations were sent.") % {"n": sent})
                        return redirect("surveys:distribute", survey.pk, su.pk)
            elif action == "remind":
                distribution.reminders_send(actor=request.user, survey_unit=su, base_url=base)
                messages.success(request, _("Reminders were sent to everyone invited who has not answered."))
                return redirect("surveys:distribute", survey.pk, su.pk)
            elif action == "users":
                users_form = UserCountForm(request.POST, prefix="users")
                if users_form.is_valid():
                    distribution.user_count_set(
                        actor=request.user, survey_unit=su, count=users_form.cleaned_data["user_count"]
                    )
                    messages.success(request, _("The number of users was saved."))
                    return redirect("surveys:distribute", survey.pk, su.pk)
        except ServiceError as error:
            messages.error(request, str(error.message))
    link = base + reverse("respond:landing", args=[su.link_key])
    invitations = su.invitations.all()
    context = {
        "survey": survey,
        "title": display_title(survey.title),
        "su": su,
        "link": link,
        "kiosk_link": base + reverse("respond:kiosk", args=[su.link_key]),
        "count_form": count_form,
        "invite_form": invite_form,
        "users_form": users_form,
        # order_by: the model's ordering (batch, code) would make each code a distinct row, one link each.
        "batches": AccessCode.objects.filter(survey_unit=su)
        .order_by("batch")
        .values_list("batch", flat=True)
        .distinct(),
        "invited": invitations.count(),
        "answers": answers(survey, su),
        "threshold": answers_threshold(survey),
        "can_design_unit": can(request.user, Perm.SURVEY_DESIGN, su.unit),
        "local_count": len(local.visible_local_questions(su)),
    }
    return render(request, "surveys/distribute.html", context)


@staff_view
def unit_poster(request: HttpRequest, survey_id: int, survey_unit_id: int) -> HttpResponse:
    """A printable A4 poster with the survey's QR code and short link."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    su = access_survey_unit(request.user, survey, survey_unit_id)
    link = request.build_absolute_uri(reverse("respond:landing", args=[su.link_key]))
    qr = segno.make(link, error="m").svg_inline(scale=8, title=_("QR code for the survey"))
    return render(
        request,
        "surveys/poster.html",
        {"survey": survey, "title": display_title(survey.title), "su": su, "link": link, "qr": qr},
    )


@staff_view
def unit_codes(request: HttpRequest, survey_id: int, survey_unit_id: int, batch: int) -> HttpResponse:
    """A printable list of one batch of single-use codes."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    su = access_survey_unit(request.user, survey, survey_unit_id)
    codes = AccessCode.objects.filter(survey_unit=su, batch=batch)
    if not codes.exists():
        raise Http404
    code_url = request.build_absolute_uri(reverse("respond:code"))
    return render(
        request,
        "surveys/codes.html",
        {
            "survey": survey,
            "title": display_title(survey.title),
            "su": su,
            "codes": codes,
            "batch": batch,
            "code_url": code_url,
        },
    )


@staff_view
def unit_paper(request: StaffRequest, survey_id: int, survey_unit_id: int) -> HttpResponse:
    """Fast keying of paper forms: every question on one page, then a blank form for the next."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    su = access_survey_unit(request.user, survey, survey_unit_id)
    definition = definition_for_unit(su)
    lang = definition.languages[0]
    districts = district_names(municipality_id=survey.municipality_id)
    data: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = {k: request.POST.getlist(k) for k in request.POST if k.startswith(engine.FIELD_PREFIX)}
        try:
            _response, created = answering.response_submit_complete(
                actor=request.user,
                survey_unit=su,
                form=data,
                language=lang,
                channel=Channel.PAPER,
                idempotency_key=request.POST.get("idempotency_key", "")[:64] or secrets.token_urlsafe(24),
            )
        except answering.AnswerErrors as exc:
            errors = {e.question: error_text(e, lang, None) for e in exc.errors}
        except ServiceError as error:  # the round has closed
            messages.error(request, str(error.message))
            return redirect("surveys:paper", survey.pk, su.pk)
        else:
            if created:
                messages.success(request, _("The paper form was saved. Key in the next one."))
            else:
                messages.info(request, _("This form was already saved (sent twice)."))
            return redirect("surveys:paper", survey.pk, su.pk)
    renderer = SectionRenderer(definition, lang, district_labels=districts)
    sections = []
    for section in definition.sections:
        fields = [renderer.field(q, data, errors) for q in section.questions if not q.hidden]
        sections.append({"title": renderer.t(section.title), "fields": fields})
    context = {
        "survey": survey,
        "title": display_title(survey.title),
        "su": su,
        "sections": sections,
        "t": RespondentTexts(lang, None),
        "idempotency_key": secrets.token_urlsafe(24),
        "has_errors": bool(errors),
    }
    return render(request, "surveys/paper.html", context, status=400 if errors else 200)
