"""The write of single sign-on: a municipality's OpenID Connect settings (``sso`` holds the reads,
the issuer check and the login adapters)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple, TypeVar

from allauth.socialaccount.models import SocialAccount, SocialApp
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import Municipality, OrgUnit

from .access import Actor, can
from .enums import AccountsAuditAction, SsoErrorCode
from .idporten import Flow, provider_id_for
from .models import IdPorten, IdPortenLevel, MatchClaim, SingleSignOn
from .operators import ensure_operator
from .permissions import Perm
from .sso import PROVIDER, check_issuer, secret_of, sso_of, store_secret

Client = TypeVar("Client", SingleSignOn, IdPorten)


def sso_configure(
    *,
    actor: Actor,
    municipality: Municipality,
    issuer: str,
    client_id: str,
    client_secret: str,
    match_claim: str,
    create_users: bool,
    local_passwords_off: bool,
    enabled: bool,
) -> SingleSignOn:
    """Create or change the municipality's single sign-on; an empty secret keeps the stored one."""
    _ensure_admin(actor, municipality)
    if match_claim not in MatchClaim.values:
        raise ServiceError(
            SsoErrorCode.CLAIM_INVALID, _("Choose how staff are recognised."), field="match_claim"
        )
    current = sso_of(municipality)
    client_id, issuer = _checked_client(client_id, client_secret, issuer, first=current is None)
    if local_passwords_off and enabled:
        signed_in = SocialAccount.objects.filter(user=actor, provider=municipality.slug).exists()
        if not signed_in:
            raise ServiceError(
                SsoErrorCode.LOCKOUT,
                _(
                    "Log in once with single sign-on yourself before you switch local passwords off, so "
                    "that nobody is locked out."
                ),
                field="local_passwords_off",
            )
    settings = {
        "match_claim": match_claim,
        "create_users": create_users,
        "local_passwords_off": local_passwords_off,
        "enabled": enabled,
    }
    app = _App(municipality.slug, municipality.name, client_id, client_secret, issuer)
    return _save_client(
        actor, SingleSignOn, municipality, current, app, settings, AccountsAuditAction.SSO_CHANGED
    )


class _App(NamedTuple):
    """What a sign-on setting tells allauth's OpenID Connect client."""

    provider_id: str
    name: str
    client_id: str
    client_secret: str
    issuer: str


def _save_client(
    actor: Actor,
    model: type[Client],
    municipality: Municipality | None,
    current: Client | None,
    wanted: _App,
    settings: dict[str, Any],
    action: AccountsAuditAction,
) -> Client:
    """Store the client (single sign-on or ID-porten) and its settings; audit what changed."""
    before = _snapshot(current, settings)
    with transaction.atomic():
        app = _save_app(current.app if current else None, wanted)
        row, _created = model.objects.update_or_create(
            municipality=municipality, defaults={"app": app, **settings}
        )
        _audit_changes(actor, action, row, before, _snapshot(row, settings))
    return row


def _save_app(app: SocialApp | None, wanted: _App) -> SocialApp:
    """allauth's OpenID Connect client (an empty secret keeps the stored one)."""
    app = app or SocialApp(provider=PROVIDER, provider_id=wanted.provider_id)
    app.name = wanted.name
    app.client_id = wanted.client_id
    if wanted.client_secret:
        store_secret(app, wanted.client_secret)
    app.settings = {**(app.settings or {}), "server_url": wanted.issuer}
    app.save()
    return app


def _ensure_admin(actor: Actor, municipality: Municipality) -> None:
    root = OrgUnit.objects.filter(municipality=municipality, parent__isnull=True).first()
    if root is None or not can(actor, Perm.SSO_MANAGE, root):
        raise ServiceError(
            SsoErrorCode.FORBIDDEN, _("Only the municipality's administrators may do this."), status=403
        )


def _checked_client(client_id: str, client_secret: str, issuer: str, *, first: bool) -> tuple[str, str]:
    """The client ID (trimmed) and the issuer once its discovery document was read."""
    client_id = client_id.strip()
    if not client_id:
        raise ServiceError(
            SsoErrorCode.CLIENT_REQUIRED, _("Write the client ID the provider gave."), field="client_id"
        )
    if not client_secret and first:
        raise ServiceError(
            SsoErrorCode.SECRET_REQUIRED,
            _("Write the client secret the provider gave."),
            field="client_secret",
        )
    return client_id, check_issuer(issuer)


def _audit_changes(
    actor: Actor,
    action: AccountsAuditAction,
    row: Any,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """Audit the names of the settings that changed (a changed secret by name, never its value)."""
    changed = [key for key in after if key != "secret" and before.get(key) != after[key]]
    if before and before.get("secret") != after.get("secret"):
        changed.append("client_secret")
    if changed:
        audit_record(actor=actor, action=action, obj=row, data={"changed": sorted(changed)})


def _snapshot(row: Client | None, settings: Iterable[str]) -> dict[str, Any]:
    """The client's settings as the audit compares them (the secret only to see that it changed)."""
    if row is None:
        return {}
    return {
        "issuer": row.app.settings.get("server_url", ""),
        "client_id": row.app.client_id,
        "secret": secret_of(row.app),
        **{key: getattr(row, key) for key in settings},
    }


def idporten_configure(
    *,
    actor: Actor,
    municipality: Municipality | None,
    issuer: str,
    client_id: str,
    client_secret: str,
    level_choice_request: str,
    level_volunteer: str,
    enabled: bool,
) -> IdPorten:
    """Create or change the municipality's ID-porten client; an empty secret keeps the stored one.

    ``municipality`` None: the installation's client, for every municipality without its own
    (operators only). An empty level means the flow asks nobody to log in.
    """
    if municipality is None:
        ensure_operator(actor)
    else:
        _ensure_admin(actor, municipality)
    levels = {Flow.CHOICE_REQUEST: level_choice_request, Flow.VOLUNTEER: level_volunteer}
    for flow, level in levels.items():
        if level and level not in IdPortenLevel.values:
            raise ServiceError(
                SsoErrorCode.CLAIM_INVALID, _("Choose one of the levels."), field=flow.level_field
            )
    current = IdPorten.objects.filter(municipality=municipality).select_related("app").first()
    client_id, issuer = _checked_client(client_id, client_secret, issuer, first=current is None)
    settings = {
        "level_choice_request": level_choice_request,
        "level_volunteer": level_volunteer,
        "enabled": enabled,
    }
    name = f"ID-porten ({municipality.name})" if municipality else "ID-porten"
    app = _App(provider_id_for(municipality), name, client_id, client_secret, issuer)
    return _save_client(
        actor, IdPorten, municipality, current, app, settings, AccountsAuditAction.IDPORTEN_CHANGED
    )


# --- allauth's hooks ------------------------------------------------------------------------------
