"""ID-porten for citizens where a flow needs to know who someone is (docs/security.md, "ID-porten").

django-allauth's OpenID Connect provider runs the protocol (state, PKCE, code exchange, the ID
token's signature, issuer, audience and expiry); Medvirk hand-writes no token handling. What Medvirk
adds:

- Where: one OpenID Connect client for the installation or for a municipality (``IdPorten`` and
  allauth's ``SocialApp``; provider_id ``idporten`` or ``idporten-<slug>``), set up on a page.
- Replay: allauth's OpenID Connect client sends no ``nonce``; the login adds one, kept in allauth's
  server-side state, and the ID token must carry it.
- Which level: each flow (``Flow``) has its required level; the login asks for it in
  ``acr_values`` and the level is kept in allauth's server-side state, so the browser cannot lower
  it. At every login the ``acr`` of the verified ID token is checked against it
  (``accept_login``, called from ``sso.SocialAccountAdapter.pre_social_login``): a lower or missing
  level is refused with a page that says which level is needed.
- Who: only the pseudonymous ``sub`` (ID-porten gives each client its own) and the level are kept,
  in the browser's session for ``CITIZEN_SESSION_SECONDS``; no Django user is logged in, so a
  citizen's login never touches a staff session. The national identity number (``pid``) is
  neither read nor stored: the raw ID token, needed as ``id_token_hint`` to end the ID-porten
  session, stays in a signed HttpOnly cookie in the citizen's own browser, sent only to the logout
  address.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from medvirk.core.crypto import keyed_digest
from medvirk.orgs.models import Municipality

from .models import ID_PORTEN_LEVEL_ORDER, IdPorten, IdPortenLevel

INSTALLATION_PROVIDER_ID = "idporten"
SESSION_KEY = "medvirk_citizen"
HINT_COOKIE = "medvirk_idporten"
HINT_SALT = "medvirk.accounts.idporten.hint"
# ID-porten's own session lasts at most two hours; the hint to end it is kept as long.
HINT_MAX_AGE_SECONDS = 2 * 60 * 60


class Flow(StrEnum):
    """A citizen-facing flow that may need an identified person (the field holding its level)."""

    CHOICE_REQUEST = "choice_request"
    VOLUNTEER = "volunteer"

    @property
    def level_field(self) -> str:
        return f"level_{self.value}"


FLOW_LABELS = {
    Flow.CHOICE_REQUEST: _("Request to choose or switch provider"),
    Flow.VOLUNTEER: _("Volunteers managing their own registration"),
}


def is_idporten(provider_id: str) -> bool:
    """True for the provider ids of ID-porten clients (staff single sign-on uses a municipality's slug)."""
    return provider_id == INSTALLATION_PROVIDER_ID or provider_id.startswith(INSTALLATION_PROVIDER_ID + "-")


def provider_id_for(municipality: Municipality | None) -> str:
    return (
        INSTALLATION_PROVIDER_ID
        if municipality is None
        else f"{INSTALLATION_PROVIDER_ID}-{municipality.slug}"
    )


def callback_path(provider_id: str) -> str:
    """The redirect URI to register at ID-porten (its self-service), one per client."""
    return reverse("idporten:callback", kwargs={"provider_id": provider_id})


def config_for(municipality: Municipality) -> IdPorten | None:
    """The ID-porten client the municipality's citizens log in with: its own, else the installation's."""
    return (
        IdPorten.objects.filter(Q(municipality=municipality) | Q(municipality__isnull=True), enabled=True)
        .select_related("app")
        .order_by(F("municipality").asc(nulls_last=True))
        .first()
    )


def required_level(config: IdPorten | None, flow: Flow) -> str:
    """The level ``flow`` needs ("" when it needs no identified person or ID-porten is not set up)."""
    return str(getattr(config, flow.level_field)) if config is not None else ""


def level_rank(level: str) -> int:
    """0 for no known level, then 1 (substantial), 2 (high)."""
    return ID_PORTEN_LEVEL_ORDER.index(level) + 1 if level in ID_PORTEN_LEVEL_ORDER else 0


def level_label(level: str) -> str:
    return str(IdPortenLevel(level).label) if level in IdPortenLevel.values else ""


def short_level(level: str) -> str:
    """The level as stored with an identified request ("substantial" or "high")."""
    return level.removeprefix("idporten-loa-")


# --- the citizen's identity in the session -----------------------------------------------------------


def session_seconds() -> int:
    return int(getattr(settings, "MEDVIRK_CITIZEN_SESSION_SECONDS", 30 * 60))


@dataclass(frozen=True)
class Citizen:
    """A person logged in with ID-porten in this browser: a pseudonymous subject and its level."""

    provider_id: str
    subject: str  # ID-porten's pairwise ``sub``, never the national identity number
    level: str  # the ``acr`` the ID token carried
    until: float  # epoch seconds: the identity is forgotten after this

    def satisfies(self, level: str) -> bool:
        return level_rank(self.level) >= level_rank(level) > 0


def _stored(request: HttpRequest) -> Citizen | None:
    raw = request.session.get(SESSION_KEY)
    if not isinstance(raw, dict):
        return None
    try:
        return Citizen(str(raw["provider_id"]), str(raw["subject"]), str(raw["level"]), float(raw["until"]))
    except (KeyError, TypeError, ValueError):
        return None


def citizen(request: HttpRequest, config: IdPorten | None) -> Citizen | None:
    """The citizen logged in with ``config``'s client in this browser, while the short session lasts."""
    found = _stored(request)
    if found is None or config is None or found.provider_id != config.app.provider_id:
        return None
    if found.until < time.time():
        return None
    return found


def citizen_expired(request: HttpRequest) -> bool:
    """True when this browser had an ID-porten login that has run out (the page says so)."""
    found = _stored(request)
    return found is not None and found.until < time.time()


def identity_digest(provider: str, subject: str) -> str:
    """A keyed digest of the identifier ``provider`` vouches for (HMAC-SHA256 with ``SECRET_KEY``).

    What a record keeps instead of the identifier (``choice.services.VerifiedIdentity.digest``,
    a volunteer's linked login), so one person's records can be linked without keeping it.
    """
    return keyed_digest(subject, scope=provider)


def subject_digest(subject: str) -> str:
    """The keyed digest of ID-porten's subject: what a record keeps (``identity_digest``)."""
    return identity_digest(INSTALLATION_PROVIDER_ID, subject)


def forget_citizen(request: HttpRequest) -> Citizen | None:
    found = _stored(request)
    request.session.pop(SESSION_KEY, None)
    return found


def login_url(municipality: Municipality, flow: Flow, next_url: str) -> str:
    """Medvirk's address that sends the citizen to ID-porten for ``flow`` and back to ``next_url``."""
    query = urlencode({"municipality": municipality.slug, "flow": flow.value, "next": next_url})
    return f"{reverse('idporten:login')}?{query}"


def safe_next(request: HttpRequest, next_url: str) -> str:
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return "/"


# --- allauth: the client, the login, the check at the callback -------------------------------------


class IdPortenAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect adapter with ID-porten's own callback address.

    It also keeps the raw ID token of the login (allauth verifies it and passes on only its claims)
    for one purpose: the ``id_token_hint`` ID-porten requires to end its session at logout.
    """

    def get_callback_url(self, request: HttpRequest, app: Any) -> str:
        return str(build_absolute_uri(request, callback_path(self.provider_id), self.redirect_uri_protocol))

    def complete_login(self, request: HttpRequest, app: Any, token: Any, **kwargs: Any) -> SocialLogin:
        login = super().complete_login(request, app, token, **kwargs)
        login.account.extra_data["id_token_raw"] = kwargs["response"].get("id_token") or ""
        return login


class IdPortenProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, with ``IdPortenAdapter`` (not registered: used by these views)."""

    oauth2_adapter_class = IdPortenAdapter

    def get_callback_url(self) -> str:
        return callback_path(self.app.provider_id)


def refused(
    request: HttpRequest, reason: str, *, needed: str = "", got: str = "", next_url: str = ""
) -> HttpResponse:
    """Medvirk's page for an ID-porten login that identified nobody (``reason`` picks the words)."""
    context = {
        "reason": reason,
        "needed": level_label(needed),
        "got": level_label(got),
        "next_url": next_url,
    }
    return render(
        request, "accounts/idporten_refused.html", context, status=403 if reason == "level" else 401
    )


def accept_login(request: HttpRequest, sociallogin: SocialLogin) -> None:
    """Check an ID-porten login and keep the citizen in the session; always answers with a response.

    Called by allauth after it verified the ID token; raises ``ImmediateHttpResponse`` with a
    redirect back to the flow, or with a refusal: a login not started by Medvirk's ID-porten page,
    or an ``acr`` missing or below the level the flow asked for.
    """
    state = sociallogin.state or {}
    needed = str(state.get("medvirk_level") or "")
    next_url = str(state.get("next") or "/")
    if not needed:  # started elsewhere (e.g. allauth's own login address): no level was asked for
        raise ImmediateHttpResponse(refused(request, "failed"))
    extra = sociallogin.account.extra_data or {}
    # The level is read from the verified ID token only (the userinfo answer is not what ID-porten signs).
    claims = extra.get("id_token") or {}
    if not state.get("medvirk_nonce") or claims.get("nonce") != state.get("medvirk_nonce"):
        raise ImmediateHttpResponse(refused(request, "failed"))  # an ID token not made for this login
    got = str(claims.get("acr") or "")
    if level_rank(got) < level_rank(needed):
        raise ImmediateHttpResponse(
            refused(request, "level", needed=needed, got=got, next_url=login_retry_url(state, next_url))
        )
    subject = str(claims.get("sub") or "")
    if not subject:
        raise ImmediateHttpResponse(refused(request, "failed"))
    request.session.cycle_key()  # a new session id for the identified person (no fixation)
    request.session[SESSION_KEY] = {
        "provider_id": sociallogin.account.provider,
        "subject": subject,
        "level": got,
        "until": time.time() + session_seconds(),
    }
    response = HttpResponseRedirect(next_url)
    response.set_signed_cookie(
        HINT_COOKIE,
        f"{sociallogin.account.provider} {extra.get('id_token_raw') or ''}",
        salt=HINT_SALT,
        max_age=HINT_MAX_AGE_SECONDS,
        path=reverse("idporten:logout"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    raise ImmediateHttpResponse(response)


def login_retry_url(state: dict[str, Any], next_url: str) -> str:
    municipality = Municipality.objects.filter(pk=int(state.get("medvirk_municipality") or 0)).first()
    flow = state.get("medvirk_flow")
    if municipality is None or flow not in {f.value for f in Flow}:
        return ""
    return login_url(municipality, Flow(flow), next_url)
