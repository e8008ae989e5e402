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
from .models import MatchClaim, SingleSignOn
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
    root = OrgUnit.objects.filter(municipality=municipality, parent__isnull=True).first()
    if root is None or not can(actor, Perm.SSO_MANAGE, root):
        raise ServiceError(
            SsoErrorCode.FORBIDDEN, _("Only the municipality's administrators may do this."), status=403
        )
    if match_claim not in MatchClaim.values:
        raise ServiceError(
            SsoErrorCode.CLAIM_INVALID, _("Choose how staff are recognised."), field="match_claim"
        )
    client_id = client_id.strip()
    if not client_id:
        raise ServiceError(
            SsoErrorCode.CLIENT_REQUIRED, _("Write the client ID the provider gave."), field="client_id"
        )
    current = sso_of(municipality)
    if not client_secret and current is None:
        raise ServiceError(
            SsoErrorCode.SECRET_REQUIRED,
            _("Write the client secret the provider gave."),
            field="client_secret",
        )
    issuer = check_issuer(issuer)
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
        app = current.app if current else SocialApp(provider=PROVIDER, provider_id=municipality.slug)
        app.name = municipality.name
        app.client_id = client_id
        if client_secret:
            store_secret(app, client_secret)
        app.settings = {**(app.settings or {}), "server_url": issuer}
        app.save()
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
        after = _snapshot(row)
        changed = sorted(key for key in after if before.get(key) != after[key])
        if client_secret and current is not None and client_secret != before.get("secret"):
            changed.append("client_secret")
        changed = [key for key in changed if key != "secret"]
        if changed:
            audit_record(
                actor=actor,
                municipality=municipality,
                action=AccountsAuditAction.SSO_CHANGED,
                obj=row,
                data={"changed": sorted(changed)},
            )
    return row


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


# --- allauth's hooks ------------------------------------------------------------------------------
