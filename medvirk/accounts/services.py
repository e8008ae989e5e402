"""Writes for staff accounts, roles and API tokens, and each municipality's retention periods and
their daily purge; each one audited.

The retention kinds and their purge functions are registered by the apps (``core.retention``);
the administrator's setting and the purge over every municipality (``manage.py
purge_personal_data``) need municipalities and people, so they live here.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.audit import audit_record
from medvirk.core.crypto import keyed_digest, token_hash
from medvirk.core.errors import CoreErrorCode, ServiceError
from medvirk.core.models import RetentionPeriod
from medvirk.core.retention import PurgeOutcome, purge_municipality, retention_amounts, retention_kinds
from medvirk.orgs.models import Municipality, MunicipalityLogo, OrgUnit

from .access import (
    Actor,
    can,
    clear_scope_cache,
    ensure_can,
    ensure_can_anywhere,
    ensure_can_municipality,
    ensure_open_for_new_work,
)
from .branding import check_colour, check_logo, check_statement_url
from .enums import AccountsAuditAction, AccountsErrorCode, BrandingErrorCode
from .models import ApiToken, LoginFailure, Role, RoleAssignment, User
from .permissions import Perm

TOKEN_PREFIX = "mvk_"  # noqa: S105 — a public marker, not a secret


def user_create(
    *,
    actor: Actor,
    municipality: Municipality,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
) -> User:
    """Create a staff user in ``municipality``; without a password the user cannot log in yet.

    The actor needs ``ROLES_MANAGE`` somewhere in that municipality.
    """
    ensure_can_anywhere(
        actor, Perm.ROLES_MANAGE, municipality.pk, _("You can only add staff to your own municipality.")
    )
    username = username.strip()
    if not username:
        raise ServiceError(
            AccountsErrorCode.USERNAME_REQUIRED, _("Give the user a username."), field="username"
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(
            AccountsErrorCode.USERNAME_TAKEN, _("This username is already taken."), field="username"
        )
    user = User(
        username=username,
        email=email.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        municipality=municipality,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError(
                AccountsErrorCode.PASSWORD_WEAK, " ".join(exc.messages), field="password"
            ) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
        audit_record(
            actor=actor, action=AccountsAuditAction.USER_CREATED, obj=user, data={"username": user.username}
        )
    return user


def role_grant(*, actor: Actor, user: User, unit: OrgUnit, role: str) -> RoleAssignment:
    """Give ``user`` a role on ``unit``'s subtree; the actor must manage roles on ``unit``."""
    if role not in Role.values:
        raise ServiceError(AccountsErrorCode.ROLE_INVALID, _("Choose one of the listed roles."), field="role")
    ensure_can(
        actor,
        Perm.ROLES_MANAGE,
        unit,
        _("You can only give roles within your own part of the organisation."),
        field="unit",
    )
    if user.municipality_id != unit.municipality_id:
        raise ServiceError(
            AccountsErrorCode.USER_INVALID, _("Choose a user in your own municipality."), field="user"
        )
    ensure_open_for_new_work(unit, field="unit")
    existing = RoleAssignment.objects.filter(
        municipality_id=unit.municipality_id, user=user, unit=unit, role=role
    ).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                municipality_id=unit.municipality_id,
                user=user,
                unit=unit,
                role=role,
                granted_by=actor if isinstance(actor, User) else None,
            )
            audit_record(
                actor=actor,
                action=AccountsAuditAction.ROLE_GRANTED,
                obj=assignment,
                data={"user": user.username, "unit": unit.name, "unit_id": unit.pk, "role": role},
            )
    except IntegrityError:  # granted concurrently: the role exists, which is what was asked
        return RoleAssignment.objects.get(
            municipality_id=unit.municipality_id, user=user, unit=unit, role=role
        )
    clear_scope_cache(user)
    return assignment


def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    """Remove a role assignment; an administrator cannot remove their own last admin role."""
    ensure_can(
        actor,
        Perm.ROLES_MANAGE,
        assignment.unit,
        _("You can only remove roles within your own part of the organisation."),
    )
    if assignment.user_id == actor.pk and assignment.role == Role.ADMIN:
        others = RoleAssignment.objects.filter(user=actor, role=Role.ADMIN).exclude(pk=assignment.pk)
        if not others.exists():
            raise ServiceError(
                AccountsErrorCode.LAST_ADMIN_ROLE, _("You cannot remove your own last administrator role.")
            )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AccountsAuditAction.ROLE_REVOKED,
            obj=assignment,
            data={
                "user": assignment.user.username,
                "unit": assignment.unit.name,
                "unit_id": assignment.unit_id,
                "role": assignment.role,
            },
        )
        assignment.delete()
    clear_scope_cache(assignment.user)


def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token for ``actor``; return it and the secret, which is shown only once."""
    name = name.strip()
    if not name:
        raise ServiceError(AccountsErrorCode.NAME_REQUIRED, _("Give the token a name."), field="name")
    if actor.municipality_id is None:
        raise ServiceError(
            AccountsErrorCode.NO_MUNICIPALITY, _("Only municipality staff can create API tokens.")
        )
    if ApiToken.objects.filter(user=actor, name=name, revoked_at__isnull=True).exists():
        raise ServiceError(
            AccountsErrorCode.NAME_TAKEN, _("You already have a token with this name."), field="name"
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.filter(user=actor, name=name).delete()  # a revoked token's name may be reused
        token = ApiToken.objects.create(
            municipality_id=actor.municipality_id,
            user=actor,
            name=name,
            prefix=key[:10],
            key_hash=token_hash(key),
        )
        audit_record(
            actor=actor,
            action=AccountsAuditAction.TOKEN_CREATED,
            obj=token,
            data={"name": name},
        )
    return token, key


def token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke one of the actor's own tokens."""
    if token.user_id != actor.pk:
        raise ServiceError(CoreErrorCode.FORBIDDEN, _("You can only revoke your own tokens."))
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AccountsAuditAction.TOKEN_REVOKED,
            obj=token,
            data={"name": token.name},
        )


def token_authenticate(*, key: str) -> User | None:
    """Return the active staff user owning the (unrevoked) token ``key``, or None."""
    if not key.startswith(TOKEN_PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active or token.user.municipality_id != token.municipality_id:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def login_is_throttled(*, username: str, client: str) -> bool:
    """Return whether too many recent failures block another login try for this username or client."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(created_at__gte=since)
    limit = settings.LOGIN_MAX_FAILURES
    return (
        recent.filter(username=username.lower()).count() >= limit
        or recent.filter(client_hash=keyed_digest(client, scope="login")).count() >= limit * 4
    )


def login_failure_record(*, username: str, client: str) -> None:
    """Remember a failed login (only a keyed hash of the client address is kept)."""
    LoginFailure.objects.create(
        username=username.lower()[:150], client_hash=keyed_digest(client, scope="login")
    )
    cutoff = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS * 4)
    LoginFailure.objects.filter(created_at__lt=cutoff).delete()


def login_failures_clear(*, username: str) -> None:
    """Forget failures for a username after a successful login."""
    LoginFailure.objects.filter(username=username.lower()).delete()


# --- retention periods ---------------------------------------------------------------------


def retention_periods_set(*, actor: Actor, municipality: Municipality, amounts: Mapping[str, int]) -> None:
    """Set the municipality's retention period of each kind in ``amounts`` (administrators only)."""
    ensure_can_municipality(
        actor,
        Perm.ORG_MANAGE,
        municipality,
        _("Only administrators of the whole municipality set how long personal data is kept."),
    )
    kinds = {kind.key: kind for kind in retention_kinds()}
    before = retention_amounts(municipality.pk)
    for key, amount in amounts.items():
        kind = kinds.get(key)
        if kind is None:
            raise ServiceError(AccountsErrorCode.RETENTION_INVALID, _("Unknown kind of data."), field=key)
        if not kind.minimum <= amount <= kind.maximum:
            raise ServiceError(
                AccountsErrorCode.RETENTION_INVALID,
                _("Choose between %(min)d and %(max)d.") % {"min": kind.minimum, "max": kind.maximum},
                field=key,
            )
    changed = {key: amount for key, amount in amounts.items() if before.get(key) != amount}
    if not changed:
        return
    with transaction.atomic():
        for key, amount in changed.items():
            RetentionPeriod.objects.update_or_create(
                municipality=municipality, kind=key, defaults={"amount": amount}
            )
        audit_record(
            actor=actor,
            municipality=municipality,
            action=AccountsAuditAction.RETENTION_CHANGED,
            obj=municipality,
            data={key: [before.get(key), amount] for key, amount in changed.items()},
        )


def personal_data_purge(
    *,
    actor: SystemActor,
    dry_run: bool = False,
    kinds: list[str] | None = None,
    municipality: str | None = None,
) -> list[tuple[Municipality, PurgeOutcome]]:
    """Run every kind's purge for every municipality (or one, by number or slug); audit what went.

    Returns each municipality's outcome per kind. A dry run changes and audits nothing.
    """
    ensure_system(actor, "Purging personal data after its retention period")
    municipalities = Municipality.objects.all()
    if municipality:
        municipalities = municipalities.filter(Q(code=municipality) | Q(slug=municipality))
    results: list[tuple[Municipality, PurgeOutcome]] = []
    for each in municipalities:
        with transaction.atomic():
            outcomes = purge_municipality(actor=actor, municipality_id=each.pk, dry_run=dry_run, kinds=kinds)
            removed = {outcome.kind.key: outcome.count for outcome in outcomes if outcome.count}
            if removed and not dry_run:
                audit_record(
                    actor=actor,
                    municipality=each,
                    action=AccountsAuditAction.PERSONAL_DATA_PURGED,
                    obj=each,
                    data=removed,
                )
        results.extend((each, outcome) for outcome in outcomes)
    return results


# --- a municipality's public face (checks in ``branding``) ------------------------------------


def municipality_branding_update(
    *,
    actor: Actor,
    municipality: Municipality,
    brand_colour: str,
    accessibility_statement_url: str,
    privacy_contact: str,
    privacy_statement: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Municipality:
    """Change the municipality's public face; only an administrator of the whole municipality may."""
    root = OrgUnit.objects.filter(municipality=municipality, parent__isnull=True).first()
    if root is None or not can(actor, Perm.ORG_MANAGE, root):  # can() also checks the municipality
        raise ServiceError(
            BrandingErrorCode.FORBIDDEN, _("Only the municipality's administrators may do this."), status=403
        )
    values: dict[str, Any] = {
        "brand_colour": check_colour(brand_colour) if brand_colour.strip() else "",
        "accessibility_statement_url": check_statement_url(accessibility_statement_url),
        "privacy_contact": privacy_contact.strip(),
        "privacy_statement": privacy_statement.strip(),
    }
    if logo:
        values["logo_type"] = check_logo(logo)
    elif remove_logo:
        values["logo_type"] = ""
    changed = sorted(k for k, v in values.items() if getattr(municipality, k) != v and k != "logo_type")
    if logo or (remove_logo and municipality.logo_type):
        changed = sorted([*changed, "logo"])
    with transaction.atomic():
        for key, value in values.items():
            setattr(municipality, key, value)
        municipality.save()
        if logo:
            MunicipalityLogo.objects.update_or_create(municipality=municipality, defaults={"data": logo})
        elif remove_logo:
            MunicipalityLogo.objects.filter(municipality=municipality).delete()
        if changed:
            audit_record(
                actor=actor,
                municipality=municipality,
                action=AccountsAuditAction.MUNICIPALITY_BRANDING_UPDATED,
                obj=municipality,
                data={"changed": changed},
            )
    return municipality
