"""Staff single sign-on: one OpenID Connect provider per municipality, run by django-allauth.

django-allauth does the protocol (authorisation request with state and PKCE, code
exchange, ID-token signature, issuer and audience checks); Medvirk hand-writes no token handling.
What Medvirk adds, through allauth's adapter hooks:

- Each municipality's provider is a ``SocialApp`` (provider ``openid_connect``, ``provider_id`` =
  the municipality's slug) its administrator sets up on a page (``sso_services.sso_configure``), with a
  ``SingleSignOn`` row holding Medvirk's rules: the claim staff are recognised by, whether a first
  login without a Medvirk user creates one (without roles), whether local passwords are off.
- A login is accepted only for a user of the provider's own municipality. A first login is matched
  by the chosen claim to an active user of that municipality; without one, the person sees a
  polite "ask your administrator" page, or gets a user without roles when the municipality allows
  it. Roles always stay in Medvirk.
- Every failure (a tampered or expired state, an error from the provider, a refused login) shows
  one of Medvirk's own pages, never allauth's.
- The client secret of every ``SocialApp`` stored in the database is encrypted with the
  installation's Fernet keys, kept outside the database (``medvirk.core.crypto``): it is written
  with ``store_secret`` and decrypted in memory only when allauth loads the app for a login
  (``SocialAccountAdapter.list_apps``). Apps declared in settings are left as they are.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlparse

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.db import DatabaseError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medvirk.core import crypto
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.core.ordering import Norwegian
from medvirk.orgs.models import Municipality

from . import idporten
from .enums import AccountsAuditAction, SsoErrorCode
from .models import MatchClaim, SingleSignOn, User

PROVIDER = "openid_connect"
DISCOVERY = "/.well-known/openid-configuration"
DISCOVERY_TIMEOUT_SECONDS = 10


# --- who may log in how -------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginChoice:
    """A "Log in with <municipality>" button on the login page."""

    name: str
    url: str


def login_choices() -> list[LoginChoice]:
    """The municipalities whose staff log in with single sign-on, by name."""
    rows = (
        SingleSignOn.objects.filter(enabled=True)
        .select_related("municipality", "app")
        .order_by(Norwegian("municipality__name"))
    )
    try:
        return [
            LoginChoice(
                name=row.municipality.name,
                url=reverse("openid_connect_login", kwargs={"provider_id": row.app.provider_id}),
            )
            for row in rows
        ]
    except DatabaseError:
        # The password form must always show, also on a database not yet migrated (a fresh
        # installation, or the new code started before `manage.py migrate` in an upgrade).
        return []


def provider_logout_url(request: HttpRequest) -> str:
    """Where to end the session at the municipality's provider after a logout ("" when none).

    For a user logged in with single sign-on in this session (allauth's record of how they
    authenticated): the provider's ``end_session_endpoint`` (OpenID Connect RP-initiated logout)
    with ``client_id`` and ``post_logout_redirect_uri`` (the login page, to register at the
    provider). No ``id_token_hint``: Medvirk keeps no token of staff (``SOCIALACCOUNT_STORE_TOKENS``);
    Entra ID and the RP-initiated logout spec accept the client id instead. Called before the logout
    flushes the session.
    """
    from allauth.account.authentication import get_authentication_records
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

    provider_id = next(
        (
            str(record.get("provider") or "")
            for record in reversed(get_authentication_records(request, request.user))
            if record.get("method") == "socialaccount"
        ),
        "",
    )
    row = (
        SingleSignOn.objects.filter(app__provider_id=provider_id, enabled=True).select_related("app").first()
        if provider_id
        else None
    )
    if row is None:
        return ""
    try:
        end_session = OpenIDConnectOAuth2Adapter(request, provider_id).openid_config.get(
            "end_session_endpoint"
        )
    except (requests.RequestException, ValueError):
        return ""  # the provider is unreachable: the Medvirk session still ends
    if not end_session:
        return ""
    query = {
        "client_id": row.app.client_id,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:login")),
    }
    return f"{end_session}?{urlencode(query)}"


def local_password_allowed(user: Any) -> bool:
    """False when the user's municipality has switched local passwords off (single sign-on only)."""
    municipality_id = getattr(user, "municipality_id", None)
    if municipality_id is None:  # platform operators always log in with their password
        return True
    return not SingleSignOn.objects.filter(
        municipality_id=municipality_id, enabled=True, local_passwords_off=True
    ).exists()


def sso_of(municipality: Municipality) -> SingleSignOn | None:
    """The municipality's single sign-on settings, if any."""
    return SingleSignOn.objects.filter(municipality=municipality).select_related("app").first()


def callback_path(municipality: Municipality) -> str:
    """The path the provider sends staff back to (the redirect URI registered at the provider)."""
    return reverse("openid_connect_callback", kwargs={"provider_id": municipality.slug})


# --- the administrator's settings ---------------------------------------------------------------


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_issuer(issuer: str) -> str:
    """Return the issuer without a trailing slash once its discovery document has been read.

    The provider's own settings are fetched now, so a mistyped address is said at once rather than
    at the first staff member's login. Only https is accepted (http only on this machine, for tests
    and trials).
    """
    issuer = issuer.strip().rstrip("/")
    if issuer.endswith(DISCOVERY):
        issuer = issuer[: -len(DISCOVERY)]
    parsed = urlparse(issuer)
    if parsed.scheme != "https" and not (parsed.scheme == "http" and _loopback(parsed.hostname or "")):
        raise ServiceError(
            SsoErrorCode.ISSUER_INVALID,
            _("Write the provider's address starting with https://, as the provider gives it."),
            field="issuer",
        )
    try:
        response = requests.get(issuer + DISCOVERY, timeout=DISCOVERY_TIMEOUT_SECONDS)
        response.raise_for_status()
        config = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ServiceError(
            SsoErrorCode.ISSUER_UNREACHABLE,
            _(
                "Medvirk could not read the provider's settings at %(url)s. Check the address (for "
                "Microsoft Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0)."
            )
            % {"url": issuer + DISCOVERY},
            field="issuer",
        ) from error
    if not isinstance(config, dict) or str(config.get("issuer", "")).rstrip("/") != issuer:
        raise ServiceError(
            SsoErrorCode.ISSUER_MISMATCH,
            _("The provider calls itself %(other)s: use exactly that address.")
            % {"other": config.get("issuer", "–") if isinstance(config, dict) else "–"},
            field="issuer",
        )
    return issuer


def store_secret(app: SocialApp, secret: str) -> None:
    """Put ``secret`` on ``app`` encrypted (saved with the app)."""
    app.secret = crypto.encrypt(secret)


def secret_of(app: SocialApp) -> str:
    """The client secret of an app stored in the database, in clear."""
    return crypto.decrypt(app.secret)


def _claims(sociallogin: SocialLogin) -> dict[str, Any]:
    """The person's claims: the userinfo answer where fetched, else the (verified) ID token."""
    data = sociallogin.account.extra_data or {}
    claims: dict[str, Any] = {}
    claims.update(data.get("id_token") or {})
    claims.update(data.get("userinfo") or {})
    return claims


def refusal(request: HttpRequest, reason: str, *, municipality: Municipality | None = None) -> HttpResponse:
    """Medvirk's page for a single sign-on that did not log anyone in (``reason`` picks the words)."""
    status = 401 if reason == "failed" else 403
    return render(
        request, "accounts/sso_refused.html", {"reason": reason, "municipality": municipality}, status=status
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Turns a login at a municipality's provider into a login of that municipality's user."""

    def _settings(self, request: HttpRequest, sociallogin: SocialLogin) -> SingleSignOn:
        row = (
            SingleSignOn.objects.filter(app__provider_id=sociallogin.account.provider, enabled=True)
            .select_related("municipality")
            .first()
        )
        if row is None:
            raise ImmediateHttpResponse(refusal(request, "failed"))
        return row

    def list_apps(self, request: HttpRequest, provider: Any = None, client_id: Any = None) -> list[SocialApp]:
        """allauth's apps, with the secret of each one stored in the database decrypted (in memory:
        allauth never saves an app during a login)."""
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        for app in apps:
            if app.pk is not None:  # from the database; apps from settings have no primary key
                app.secret = secret_of(app)
        return apps

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if idporten.is_idporten(sociallogin.account.provider):
            idporten.accept_login(request, sociallogin)  # a citizen: never a Medvirk user (always raises)
        row = self._settings(request, sociallogin)
        municipality = row.municipality
        if sociallogin.is_existing:
            user = sociallogin.user
            if getattr(user, "municipality_id", None) != municipality.pk:
                raise ImmediateHttpResponse(refusal(request, "no_account", municipality=municipality))
            if not user.is_active:
                raise ImmediateHttpResponse(refusal(request, "inactive", municipality=municipality))
            return
        value = str(_claims(sociallogin).get(row.match_claim) or "").strip()
        matches = (
            list(
                User.objects.filter(municipality=municipality).filter(
                    Q(email__iexact=value)
                    if row.match_claim == MatchClaim.EMAIL
                    else Q(username__iexact=value) | Q(email__iexact=value)
                )[:2]
            )
            if value
            else []
        )
        if len(matches) == 1:
            user = matches[0]
            if not user.is_active:
                raise ImmediateHttpResponse(refusal(request, "inactive", municipality=municipality))
            sociallogin.connect(request, user)  # later logins find the user by the provider's subject
            return
        if len(matches) > 1 or not row.create_users:
            raise ImmediateHttpResponse(refusal(request, "no_account", municipality=municipality))
        # else allauth signs the person up: a new user of this municipality without roles (save_user)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return bool(self._settings(request, sociallogin).create_users)

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True  # never allauth's sign-up form: the provider's claims are the user's details

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        row = self._settings(request, sociallogin)
        user = sociallogin.user
        user.municipality = row.municipality
        saved = super().save_user(request, sociallogin, form)
        audit_record(
            actor=saved,
            municipality=row.municipality,
            action=AccountsAuditAction.SSO_USER_CREATED,
            obj=saved,
            data={},
        )
        return saved

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        # A cancelled login, an error from the provider, a state that does not match this browser's
        # session (tampered, or the session expired while the person was at the provider).
        reason = "cancelled" if error == "cancelled" else "failed"
        if idporten.is_idporten(str(getattr(getattr(provider, "app", None), "provider_id", ""))):
            raise ImmediateHttpResponse(idporten.refused(request, reason))
        raise ImmediateHttpResponse(refusal(request, reason))


class AccountAdapter(DefaultAccountAdapter):
    """allauth's account hooks: Medvirk's pages instead of allauth's, no sign-up without a provider."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # only through a municipality's provider (SocialAccountAdapter.is_open_for_signup)

    def respond_user_inactive(self, request: HttpRequest, user: Any) -> HttpResponse:
        return refusal(request, "inactive")

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse("site:dashboard")
