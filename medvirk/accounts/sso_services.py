"""The write of single sign-on: a municipality's OpenID Connect settings (``sso`` holds the reads,
the issuer check and the login adapters)."""

from __future__ import annotations

from typing import Any

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
    before = _snapshot(current)
    with transaction.atomic():
        app = _save_app(
            current.app if current else None,
            municipality.slug,
            municipality.name,
            client_id,
            client_secret,
            issuer,
        )
        row, _created = SingleSignOn.objects.update_or_create(
            municipality=municipality,
            defaults={
                "app": app,
                "match_claim": match_claim,
                "create_users": create_users,
                "local_passwords_off": local_passwords_off,
                "enabled": enabled,
            },
        )
        _audit_changes(actor, municipality, AccountsAuditAction.SSO_CHANGED, row, before, _snapshot(row))
    return row


def _save_app(
    app: SocialApp | None, provider_id: str, name: str, client_id: str, client_secret: str, issuer: str
) -> SocialApp:
    """allauth's OpenID Connect client (an empty secret keeps the stored one)."""
    app = app or SocialApp(provider=PROVIDER, provider_id=provider_id)
    app.name = name
    app.client_id = client_id
    if client_secret:
        store_secret(app, client_secret)
    app.settings = {**(app.settings or {}), "server_url": issuer}
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
    municipality: Municipality | None,
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
        audit_record(
            actor=actor, municipality=municipality, action=action, obj=row, data={"changed": sorted(changed)}
        )


def _snapshot(row: SingleSignOn | None) -> dict[str, Any]:
    if row is None:
        return {}
    return {
        "issuer": row.app.settings.get("server_url", ""),
        "client_id": row.app.client_id,
        "secret": secret_of(row.app),
        "match_claim": row.match_claim,
        "create_users": row.create_users,
        "local_passwords_off": row.local_passwords_off,
        "enabled": row.enabled,
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
    before = _idporten_snapshot(current)
    with transaction.atomic():
        app = _save_app(
            current.app if current else None,
            provider_id_for(municipality),
            f"ID-porten ({municipality.name})" if municipality else "ID-porten",
            client_id,
            client_secret,
            issuer,
        )
        row, _created = IdPorten.objects.update_or_create(
            municipality=municipality,
            defaults={
                "app": app,
                "level_choice_request": level_choice_request,
                "level_volunteer": level_volunteer,
                "enabled": enabled,
            },
        )
        after = _idporten_snapshot(row)
        _audit_changes(actor, municipality, AccountsAuditAction.IDPORTEN_CHANGED, row, before, after)
    return row


def _idporten_snapshot(row: IdPorten | None) -> dict[str, Any]:
    if row is None:
        return {}
    return {
        "issuer": row.app.settings.get("server_url", ""),
        "client_id": row.app.client_id,
        "secret": secret_of(row.app),
        "level_choice_request": row.level_choice_request,
        "level_volunteer": row.level_volunteer,
        "enabled": row.enabled,
    }


# --- allauth's hooks ------------------------------------------------------------------------------
