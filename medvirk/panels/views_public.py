"""Public volunteer pages under ``/v/<municipality slug>/``: sign up, confirm, withdraw (no login).

Like the survey pages (``medvirk/surveys/respond.py``) these are ``csrf_exempt`` and need no
cookie: they work on a library PC that keeps nothing (only the shared language switch in the page
header uses the CSRF cookie). A forged sign-up achieves nothing without
the e-mail confirmation, and the confirm and withdraw links carry unguessable tokens in the URL
(which defeats cross-site forgery on their own). Withdrawing is a POST behind the link so that
mail scanners that open links cannot delete anyone. The client address is never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.accounts import idporten
from medvirk.core.actors import SystemActor
from medvirk.core.forms import form_act
from medvirk.core.throttle import over_limit
from medvirk.core.views import cookieless_view
from medvirk.orgs.models import Municipality

from . import services
from .forms import SignupForm, consent_text
from .models import Volunteer
from .selectors import volunteer_by_identity, volunteer_by_withdraw_token

#: Volunteers are no staff users: their own form or link is what allows each change.
PUBLIC_ACTOR = SystemActor("volunteer sign-up, confirmation or withdrawal")


SIGNUPS_PER_HOUR = 20


def _throttled(request: HttpRequest) -> bool:
    """Count sign-ups per client for an hour under a keyed hash; the address itself is never kept."""
    limit = getattr(settings, "PANELS_SIGNUPS_PER_HOUR", SIGNUPS_PER_HOUR)
    return over_limit(request, scope="panels-signup", limit=limit)


def _send_links(request: HttpRequest, municipality: Municipality, volunteer: Volunteer, token: str) -> None:
    slug = municipality.slug
    confirm = request.build_absolute_uri(
        reverse("panels_public:confirm", args=[slug, services.confirm_token(volunteer)])
    )
    withdraw = request.build_absolute_uri(reverse("panels_public:withdraw", args=[slug, token]))
    body = _(
        "Hello %(name)s,\n\nThank you for volunteering for user panels in %(municipality)s.\n\n"
        "Confirm your e-mail address with this link:\n%(confirm)s\n\n"
        "You can withdraw at any time; everything about you is then deleted:\n%(withdraw)s\n\n"
        "If you did not sign up, do nothing: unconfirmed sign-ups are never drawn for a panel.\n"
    ) % {"name": volunteer.name, "municipality": municipality.name, "confirm": confirm, "withdraw": withdraw}
    send_mail(
        _("Confirm that you volunteer for user panels"),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [volunteer.email],
    )


@cookieless_view
def signup(request: HttpRequest, slug: str) -> HttpResponse:
    """The sign-up form: consent, quota attributes, languages, accessibility needs."""
    municipality = get_object_or_404(Municipality, slug=slug)
    form = SignupForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("nickname"):
            return redirect("panels_public:thanks", slug)  # a bot filled the hidden field: store nothing
        if _throttled(request):
            form.add_error(None, _("Too many sign-ups from this connection. Please try again in an hour."))
            return render(request, "panels/public/signup.html", {"municipality": municipality, "form": form})
    if done := form_act(
        request,
        form,
        lambda: services.volunteer_signup(
            actor=PUBLIC_ACTOR,
            municipality=municipality,
            data=form.data_object(),
            consent_text=consent_text(municipality),
            consent=form.cleaned_data["consent"],
        ),
    ):
        volunteer, token, _created = done.result
        _send_links(request, municipality, volunteer, token)
        return redirect("panels_public:thanks", slug)
    return render(request, "panels/public/signup.html", {"municipality": municipality, "form": form})


@cookieless_view
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask the volunteer to confirm by e-mail (the same answer whether or not the address was known)."""
    municipality = get_object_or_404(Municipality, slug=slug)
    return _message(request, municipality, "check_email")


@cookieless_view
def confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Confirm the e-mail address."""
    municipality = get_object_or_404(Municipality, slug=slug)
    volunteer = services.volunteer_confirm(actor=PUBLIC_ACTOR, municipality=municipality, token=token)
    return _message(request, municipality, "expired" if volunteer is None else "in_pool")


#: What the public pages that only say something say: title, text and HTTP status.
_MESSAGES = {
    "check_email": (
        gettext_lazy("Check your e-mail"),
        gettext_lazy("We have sent you an e-mail. Open the link in it to confirm your sign-up."),
        200,
    ),
    "expired": (
        gettext_lazy("The link does not work"),
        gettext_lazy("The link has expired or you have withdrawn. You are welcome to sign up again."),
        404,
    ),
    "in_pool": (
        gettext_lazy("Thank you, you are in the pool"),
        gettext_lazy(
            "We may invite you when a panel is drawn. "
            "You can withdraw at any time with the link in the e-mail."
        ),
        200,
    ),
    "dead_link": (  # a withdraw link that names no volunteer (any more)
        gettext_lazy("The link does not work"),
        gettext_lazy("You may already have withdrawn. Nothing about you is stored under this link."),
        404,
    ),
    "withdrawn": (
        gettext_lazy("You have withdrawn"),
        gettext_lazy("Everything we stored about you has been deleted."),
        200,
    ),
}


def _message(request: HttpRequest, municipality: Municipality, which: str) -> HttpResponse:
    """A public page that only says one of ``_MESSAGES`` (and links to the sign-up page)."""
    title, text, status = _MESSAGES[which]
    return render(
        request,
        "panels/public/message.html",
        {"municipality": municipality, "title": title, "text": text},
        status=status,
    )


@cookieless_view
def withdraw(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Show what withdrawing means; on POST delete the volunteer for real."""
    municipality = get_object_or_404(Municipality, slug=slug)
    volunteer = volunteer_by_withdraw_token(municipality=municipality, token=token)
    if request.method == "POST" and volunteer is not None:
        services.volunteer_withdraw(actor=PUBLIC_ACTOR, volunteer=volunteer)
        return _message(request, municipality, "withdrawn")
    if volunteer is None:
        return _message(request, municipality, "dead_link")
    return render(
        request,
        "panels/public/withdraw.html",
        {"municipality": municipality, "link_url": _link_url(municipality, token)},
    )


def _link_url(municipality: Municipality, token: str) -> str:
    """The page that links the registration to ID-porten, when the municipality offers it ("" if not)."""
    level = idporten.required_level(idporten.config_for(municipality), idporten.Flow.VOLUNTEER)
    return reverse("panels_public:link", args=[municipality.slug, token]) if level else ""


def _identified(
    request: HttpRequest, municipality: Municipality
) -> tuple[idporten.Citizen | None, dict[str, object]]:
    """The volunteer's ID-porten login at the level the municipality asks for (404 when it asks none),
    and what the page shows of it: whether there is one, the address that starts one, and whether
    an earlier one has expired."""
    config = idporten.config_for(municipality)
    level = idporten.required_level(config, idporten.Flow.VOLUNTEER)
    if not level:
        raise Http404
    person = idporten.citizen(request, config)
    if person is not None and not person.satisfies(level):
        person = None
    return person, {
        "identified": person is not None,
        "login_url": idporten.login_url(municipality, idporten.Flow.VOLUNTEER, request.get_full_path()),
        "expired": person is None and idporten.citizen_expired(request),
    }


@cookieless_view
def link(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Link the registration behind a withdraw link to the volunteer's ID-porten login.

    The POST needs both the link's token and the ID-porten login in this browser's session (whose
    cookie a cross-site form does not carry: SameSite=Lax).
    """
    municipality = get_object_or_404(Municipality, slug=slug)
    volunteer = volunteer_by_withdraw_token(municipality=municipality, token=token)
    if volunteer is None:
        return _message(request, municipality, "dead_link")
    person, identity = _identified(request, municipality)
    if person is not None and request.method == "POST":
        services.volunteer_identity_link(
            actor=PUBLIC_ACTOR, volunteer=volunteer, digest=idporten.subject_digest(person.subject)
        )
        return redirect("panels_public:mine", slug=municipality.slug)
    context = {"municipality": municipality, "volunteer": volunteer, **identity}
    return render(request, "panels/public/link.html", context)


@cookieless_view
def mine(request: HttpRequest, slug: str) -> HttpResponse:
    """A volunteer logged in with ID-porten sees their registration and may withdraw."""
    municipality = get_object_or_404(Municipality, slug=slug)
    person, identity = _identified(request, municipality)
    volunteer = (
        volunteer_by_identity(municipality=municipality, digest=idporten.subject_digest(person.subject))
        if person is not None
        else None
    )
    if volunteer is not None and request.method == "POST":
        services.volunteer_withdraw(actor=PUBLIC_ACTOR, volunteer=volunteer)
        return _message(request, municipality, "withdrawn")
    context = {"municipality": municipality, "volunteer": volunteer, **identity}
    return render(request, "panels/public/mine.html", context | {"here": request.get_full_path()})
