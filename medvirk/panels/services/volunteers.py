"""Writes for the volunteers' pool: sign-up, confirm, withdraw, staff corrections, import, purge.

The pool belongs to the whole municipality: staff need ``PANELS_MANAGE`` on some unit of it.
The public sign-up, confirm and withdraw pages act as Medvirk itself (a ``SystemActor``): the
volunteer is no staff user, and the link or form already limits them to their own entry.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.accounts.access import Actor, ensure_can_anywhere
from medvirk.accounts.permissions import Perm
from medvirk.analysis.text import without_national_ids
from medvirk.common import languages
from medvirk.core import plaintext
from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.audit import audit_record
from medvirk.core.crypto import token_hash
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import Municipality

from ..choices import FEATURES, PREFER_NOT_TO_SAY, feature_choices
from ..enums import PanelsAuditAction, PanelsErrorCode
from ..models import Volunteer

CONFIRM_SALT = "medvirk.panels.confirm"
CONFIRM_MAX_AGE = 14 * 24 * 3600
MAX_PANEL_SIZE = 500


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


def ensure_panels(actor: Actor, municipality_id: int | None) -> None:
    """Refuse (403) unless the actor may manage the municipality's pool and panels."""
    ensure_can_anywhere(
        actor, Perm.PANELS_MANAGE, municipality_id, _("You cannot manage panels in this municipality.")
    )


def volunteer_signup(
    *, actor: Actor, municipality: Municipality, data: VolunteerData, consent_text: str, consent: bool
) -> tuple[Volunteer, str, bool]:
    """Store a volunteer (unconfirmed) or refresh an existing one; return it, a withdraw token, created.

    Signing up again with the same e-mail updates the answers and issues a new withdraw link, so
    nobody learns from the page whether an address is already in the pool.
    """
    ensure_panels(actor, municipality.pk)
    if not consent:
        raise ServiceError(
            PanelsErrorCode.CONSENT_REQUIRED, _("You must agree before you can sign up."), field="consent"
        )
    token = secrets.token_urlsafe(24)
    email = data.email.strip().lower()
    values = {
        # From anyone on the internet, read by coordinators: no override may turn the page around.
        "name": without_national_ids(languages.without_bidi_controls(data.name)).strip(),
        "age_band": data.age_band,
        "gender": data.gender,
        "district": data.district,
        "immigrant_background": data.immigrant_background,
        "social_background": data.social_background,
        "languages": list(data.languages),
        "accessibility_needs": without_national_ids(
            languages.without_bidi_controls(data.accessibility_needs)
        ).strip(),
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


def volunteer_confirm(*, actor: Actor, municipality: Municipality, token: str) -> Volunteer | None:
    """Mark the e-mail address confirmed; None when the link is invalid, expired or withdrawn."""
    ensure_panels(actor, municipality.pk)
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


def volunteer_withdraw(*, actor: Actor, volunteer: Volunteer) -> None:
    """Delete the volunteer for real (their panel memberships go too). No audit row: no personal data."""
    ensure_panels(actor, volunteer.municipality_id)
    volunteer.delete()


def volunteer_identity_link(*, actor: Actor, volunteer: Volunteer, digest: str) -> Volunteer:
    """Link the volunteer to an ID-porten login (a keyed digest of its pseudonymous subject).

    After logging in they see and can withdraw their registration. A login linked to another
    volunteer of the municipality before (a new sign-up) moves to this one.
    """
    ensure_panels(actor, volunteer.municipality_id)
    Volunteer.objects.filter(municipality_id=volunteer.municipality_id, identity_digest=digest).exclude(
        pk=volunteer.pk
    ).update(identity_digest="")
    volunteer.identity_digest = digest
    volunteer.save(update_fields=["identity_digest"])
    return volunteer


def volunteers_purge_expired(
    *, actor: SystemActor, municipality_id: int, cutoff: Any, dry_run: bool = False
) -> int:
    """Delete the municipality's volunteers who consented before ``cutoff``; return how many.

    Their panel memberships go with them; a draw's record (``SelectionRun``) keeps only the
    pseudonymous ids ``v<pk>`` it was drawn with, so the draw can still be proven.
    """
    ensure_system(actor, "Deleting volunteers after the retention period")
    due = Volunteer.objects.filter(municipality_id=municipality_id, consent_at__lt=cutoff)
    if dry_run:
        return due.count()
    count, _by_model = due.delete()
    return count


VOLUNTEER_EDITABLE = (*FEATURES, "languages", "accessibility_needs", "household_key")


@transaction.atomic
def volunteer_update(*, actor: Actor, volunteer: Volunteer, **changes: Any) -> Volunteer:
    """Correct a volunteer's attributes on their behalf (staff); audited without the values.

    Attributes must be category keys of the municipality or "prefer not to say". Panels already
    drawn keep the attributes they were drawn with (the selection run stores its own snapshot).
    """
    ensure_panels(actor, volunteer.municipality_id)
    unknown = set(changes) - set(VOLUNTEER_EDITABLE)
    if unknown:
        raise ServiceError(
            PanelsErrorCode.UNKNOWN_FIELD,
            _("These details cannot be changed here."),
            field=sorted(unknown)[0],
        )
    choices = feature_choices(volunteer.municipality)
    for feature in FEATURES:
        if feature in changes:
            allowed = {key for key, _label in choices[feature]} | {PREFER_NOT_TO_SAY}
            if changes[feature] not in allowed:
                raise ServiceError(
                    PanelsErrorCode.INVALID_VALUE, _("Choose one of the listed values."), field=feature
                )
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
        actor=actor, action=PanelsAuditAction.VOLUNTEER_UPDATED, obj=volunteer, data={"fields": changed}
    )
    return volunteer


IMPORT_CONSENT = "Imported by a coordinator, who confirmed that consent was collected outside Medvirk."


@transaction.atomic
def volunteers_import(
    *,
    actor: Actor,
    municipality: Municipality,
    rows: list[dict[str, Any]],
    consent_text: str = IMPORT_CONSENT,
    source: str = "import",
) -> tuple[int, int]:
    """Create confirmed volunteers from checked rows; addresses already in the pool are skipped.

    Return (created, skipped). Rows hold ``name``, ``email``, ``household_key``, the quota
    attributes and optionally ``languages``.
    """
    ensure_panels(actor, municipality.pk)
    existing = set(Volunteer.objects.filter(municipality=municipality).values_list("email", flat=True))
    now = timezone.now()
    new = []
    for r in rows:
        if r["email"] in existing:
            continue
        existing.add(r["email"])
        new.append(
            Volunteer(
                municipality=municipality,
                consent_text=consent_text,
                consent_at=now,
                email_confirmed=True,
                source=source,
                languages=list(r.get("languages") or []),
                **{k: r.get(k, "") for k in ("name", "email", "household_key", *FEATURES)},
            )
        )
    plaintext.clean_all(new)  # bulk_create sends no pre_save
    Volunteer.objects.bulk_create(new)
    skipped = len(rows) - len(new)
    audit_record(
        actor=actor,
        municipality=municipality,
        action=PanelsAuditAction.VOLUNTEER_IMPORTED,
        obj=municipality,
        data={"created": len(new), "skipped": skipped},
    )
    return len(new), skipped
