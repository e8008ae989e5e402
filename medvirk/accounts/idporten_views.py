"""ID-porten for citizens: start a login, come back from it, log out (``idporten`` holds the rules)."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base.constants import AuthProcess
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from django.core.signing import BadSignature
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from medvirk.orgs.models import Municipality

from . import idporten
from .models import IdPorten

AFTER_LOGOUT_KEY = "medvirk_citizen_after_logout"


@require_safe
def login(request: HttpRequest) -> HttpResponse:
    """Send the citizen to ID-porten, asking for the level the flow needs.

    A plain link (GET): starting a login changes nothing here, and the public pages that link to it
    keep no cookie, so they carry no CSRF token. allauth's state (kept in the session) protects the
    way back.
    """
    municipality = get_object_or_404(Municipality, slug=request.GET.get("municipality", ""))
    try:
        flow = idporten.Flow(request.GET.get("flow", ""))
    except ValueError:
        raise Http404 from None
    config = idporten.config_for(municipality)
    level = idporten.required_level(config, flow)
    if config is None or not level:
        raise Http404
    provider = idporten.IdPortenProvider(request, app=config.app)
    language = (get_language() or "nb")[:2]
    # allauth's OpenID Connect client sends no nonce: Medvirk adds one, kept in allauth's state
    # (server-side) and compared with the ID token's in idporten.accept_login.
    nonce = secrets.token_urlsafe(24)
    return provider.redirect(
        request,
        AuthProcess.LOGIN,
        next_url=idporten.safe_next(request, request.GET.get("next", "")),
        scope=["openid"],  # the pseudonymous sub is all Medvirk uses (no profile, no e-mail)
        auth_params={
            "acr_values": level,
            "ui_locales": language if language in ("nb", "nn", "en") else "nb",
            "nonce": nonce,
        },
        medvirk_level=level,
        medvirk_nonce=nonce,
        medvirk_flow=flow.value,
        medvirk_municipality=municipality.pk,
    )


def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """ID-porten sends the citizen back here; allauth completes the login, ``idporten`` checks it."""
    if not idporten.is_idporten(provider_id):
        raise Http404
    try:
        view = OAuth2CallbackView.adapter_view(idporten.IdPortenAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@csrf_exempt  # the button stands on public pages that keep no cookie; a forged logout only logs out
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Forget the citizen here and end the ID-porten session (RP-initiated logout)."""
    idporten.forget_citizen(request)
    request.session[AFTER_LOGOUT_KEY] = idporten.safe_next(request, request.POST.get("next", ""))
    try:
        stored = request.get_signed_cookie(idporten.HINT_COOKIE, default="", salt=idporten.HINT_SALT) or ""
    except BadSignature:
        stored = ""
    provider_id, _space, hint = stored.partition(" ")
    after = reverse("idporten:logged_out")
    config = (
        IdPorten.objects.filter(app__provider_id=provider_id).select_related("app").first()
        if idporten.is_idporten(provider_id)
        else None
    )
    target = after
    if config is not None and hint:
        adapter = idporten.IdPortenAdapter(request, config.app.provider_id)
        end_session = adapter.openid_config.get("end_session_endpoint")
        if end_session:
            query = {
                "id_token_hint": hint,
                "post_logout_redirect_uri": request.build_absolute_uri(after),
                "state": secrets.token_urlsafe(16),
            }
            target = f"{end_session}?{urlencode(query)}"
    response = HttpResponseRedirect(target)
    response.delete_cookie(idporten.HINT_COOKIE, path=reverse("idporten:logout"))
    return response


@require_safe
def logged_out(request: HttpRequest) -> HttpResponse:
    """Where ID-porten sends the citizen after its logout."""
    next_url = request.session.pop(AFTER_LOGOUT_KEY, "") or ""
    return render(request, "accounts/idporten_logged_out.html", {"next_url": next_url})
