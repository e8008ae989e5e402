"""Writes of the panels module: volunteers (sign-up, confirm, withdraw), panels and quotas."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import Municipality

from .choices import FEATURES, PREFER_NOT_TO_SAY, PanelMethod, PanelStatus, feature_choices
from .models import Panel, PanelQuota, Volunteer

CONFIRM_SALT = "medvirk.panels.confirm"
CONFIRM_MAX_AGE = 14 * 24 * 3600
MAX_PANEL_SIZE = 500


def token_hash(token: str) -> str:
    """Return the stored hash of a withdraw token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class VolunteerData:
    """What a volunteer tells us (attributes use stable keys or 'prefer_not_to_say')."""

    name: str
    email: str
    age_band: str
    gender: str
    district: str
    immigrant_background: str
    social_background: str
    languages: list[str] = field(default_factory=list)
    accessibility_needs: str = ""
    household_key: str = ""


def volunteer_signup(
    *, municipality: Municipality, data: VolunteerData, consent_text: str, consent: bool
) -> tuple[Volunteer, str, bool]:
    """Store a volunteer (unconfirmed) or refresh an existing one; return it, a withdraw token, created.

    Signing up again with the same e-mail updates the answers and issues a new withdraw link, so
    nobody learns from the page whether an address is already in the pool.
    """
    if not consent:
        raise ServiceError("consent_required", _("You must agree before you can sign up."), field="consent")
    token = secrets.token_urlsafe(24)
    email = data.email.strip().lower()
    values = {
        "name": data.name.strip(),
        "age_band": data.age_band,
        "gender": data.gender,
        "district": data.district,
        "immigrant_background": data.immigrant_background,
        "social_background": data.social_background,
        "languages": list(data.languages),
        "accessibility_needs": data.accessibility_needs.strip(),
        "household_key": data.household_key.strip(),
        "consent_text": consent_text,
        "consent_at": timezone.now(),
        "withdraw_token_hash": token_hash(token),
    }
    with transaction.atomic():
        volunteer, created = Volunteer.objects.update_or_create(
            municipality=municipality, email=email, defaults=values
        )
    return volunteer, token, created


def confirm_token(volunteer: Volunteer) -> str:
    """Return the signed token of a volunteer's confirmation link."""
    return signing.dumps({"v": volunteer.pk, "h": volunteer.withdraw_token_hash[:12]}, salt=CONFIRM_SALT)


def volunteer_confirm(*, municipality: Municipality, token: str) -> Volunteer | None:
    """Mark the e-mail address confirmed; None when the link is invalid, expired or withdrawn."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    volunteer = Volunteer.objects.filter(municipality=municipality, pk=data.get("v")).first()
    if volunteer is None or volunteer.withdraw_token_hash[:12] != data.get("h"):
        return None
    if not volunteer.email_confirmed:
        volunteer.email_confirmed = True
        volunteer.save(update_fields=["email_confirmed"])
    return volunteer


def volunteer_by_withdraw_token(*, municipality: Municipality, token: str) -> Volunteer | None:
    """Return the volunteer a withdraw link belongs to, or None."""
    if not token:
        return None
    return Volunteer.objects.filter(municipality=municipality, withdraw_token_hash=token_hash(token)).first()


def volunteer_withdraw(*, volunteer: Volunteer) -> None:
    """Delete the volunteer for real (their panel memberships go too). No audit row: no personal data."""
    volunteer.delete()


def volunteers_purge_expired(*, years: int = 3, now: Any = None) -> int:
    """Delete volunteers whose consent is older than the retention period; return how many."""
    now = now or timezone.now()
    cutoff = (
        now.replace(year=now.year - years)
        if not (now.month == 2 and now.day == 29)
        else now.replace(year=now.year - years, day=28)
    )
    count, _by_model = Volunteer.objects.filter(consent_at__lt=cutoff).delete()
    return count


def _check_panel(name: str, size: int) -> None:
    if not name.strip():
        raise ServiceError("name_required", _("Give the panel a name."), field="name")
    if not 1 <= size <= MAX_PANEL_SIZE:
        raise ServiceError(
            "bad_size",
            _("The panel must have between 1 and %(n)d seats.") % {"n": MAX_PANEL_SIZE},
            field="size",
        )


@transaction.atomic
def panel_create(
    *,
    actor: Any,
    municipality: Municipality,
    name: str,
    purpose: str,
    size: int,
    method: str = PanelMethod.LEXIMIN,
    one_per_household: bool = False,
) -> Panel:
    """Create a panel in draft."""
    _check_panel(name, size)
    panel = Panel.objects.create(
        municipality=municipality,
        name=name.strip(),
        purpose=purpose.strip(),
        size=size,
        method=method,
        one_per_household=one_per_household,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, municipality=municipality, action="panels.panel_created", obj=panel)
    return panel


@transaction.atomic
def panel_update(*, actor: Any, panel: Panel, **changes: Any) -> Panel:
    """Change a draft panel's name, purpose, size, method or household rule."""
    if panel.status != PanelStatus.DRAFT:
        raise ServiceError("not_draft", _("A panel that has been selected cannot be changed."))
    for key in ("name", "purpose", "size", "method", "one_per_household"):
        if key in changes and changes[key] is not None:
            setattr(panel, key, changes[key])
    _check_panel(panel.name, panel.size)
    panel.save()
    audit_record(actor=actor, municipality=panel.municipality, action="panels.panel_updated", obj=panel)
    return panel


@transaction.atomic
def quotas_set(*, actor: Any, panel: Panel, quotas: list[tuple[str, str, int, int]]) -> list[PanelQuota]:
    """Replace the panel's quotas with ``(feature, value, min, max)`` rows."""
    if panel.status != PanelStatus.DRAFT:
        raise ServiceError("not_draft", _("A panel that has been selected cannot be changed."))
    seen = set()
    for feature, value, low, high in quotas:
        if feature not in FEATURES:
            raise ServiceError("bad_feature", _("Unknown quota category %(f)s.") % {"f": feature})
        if (feature, value) in seen:
            raise ServiceError(
                "duplicate_quota", _("%(f)s=%(v)s appears twice.") % {"f": feature, "v": value}
            )
        seen.add((feature, value))
        if low < 0 or high < low:
            raise ServiceError(
                "bad_bounds",
                _("%(f)s=%(v)s: the minimum must be between 0 and the maximum.") % {"f": feature, "v": value},
            )
    panel.quotas.all().delete()
    rows = PanelQuota.objects.bulk_create(
        PanelQuota(municipality_id=panel.municipality_id, panel=panel, feature=f, value=v, min=lo, max=hi)
        for f, v, lo, hi in quotas
    )
    audit_record(
        actor=actor,
        municipality=panel.municipality,
        action="panels.panel_updated",
        obj=panel,
        data={"quotas": len(rows)},
    )
    return rows


VOLUNTEER_EDITABLE = (*FEATURES, "languages", "accessibility_needs", "household_key")


@transaction.atomic
def volunteer_update(*, actor: Any, volunteer: Volunteer, **changes: Any) -> Volunteer:
    """Correct a volunteer's attributes on their behalf (staff); audited without the values.

    Attributes must be category keys of the municipality or "prefer not to say". Panels already
    drawn keep the attributes they were drawn with (the selection run stores its own snapshot).
    """
    unknown = set(changes) - set(VOLUNTEER_EDITABLE)
    if unknown:
        raise ServiceError(
            "unknown_field", _("These details cannot be changed here."), field=sorted(unknown)[0]
        )
    choices = feature_choices(volunteer.municipality)
    for feature in FEATURES:
        if feature in changes:
            allowed = {key for key, _label in choices[feature]} | {PREFER_NOT_TO_SAY}
            if changes[feature] not in allowed:
                raise ServiceError("invalid_value", _("Choose one of the listed values."), field=feature)
    if "languages" in changes:
        changes["languages"] = sorted({str(code) for code in changes["languages"] or []})
    for key in ("accessibility_needs", "household_key"):
        if key in changes:
            changes[key] = str(changes[key] or "").strip()
    changed = sorted(f for f, value in changes.items() if getattr(volunteer, f) != value)
    if not changed:
        return volunteer
    for f in changed:
        setattr(volunteer, f, changes[f])
    volunteer.save(update_fields=changed)
    # Only which fields changed: the audit log is kept for good and holds no personal data.
    audit_record(
        actor=actor,
        municipality=volunteer.municipality,
        action="panels.volunteer_updated",
        obj=volunteer,
        data={"fields": changed},
    )
    return volunteer
