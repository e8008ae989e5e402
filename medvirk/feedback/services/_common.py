"""Checks and validation shared by the feedback services (actors, membership, input)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import Actor, can
from medvirk.accounts.permissions import Perm
from medvirk.common import languages
from medvirk.common.dimensions import GENDER, HOME_LANGUAGE, IMMIGRANT_BACKGROUND
from medvirk.core.actors import SystemActor
from medvirk.core.audit import audit_record
from medvirk.core.errors import CoreErrorCode, ServiceError, refuse_national_id
from medvirk.orgs.models import OrgUnit
from medvirk.surveys.types import storable

from ..enums import FeedbackAuditAction as Action
from ..enums import FeedbackErrorCode as Code
from ..models import (
    Episode,
    EpisodeMember,
    EpisodeStatus,
)

MAX_GOALS = 5
DIMENSIONS = {
    "gender": GENDER.keys(),
    "immigrant_background": IMMIGRANT_BACKGROUND.keys(),
    "home_language": HOME_LANGUAGE.keys(),
}


# --- checks ------------------------------------------------------------------------------------


def _forbidden() -> ServiceError:
    return ServiceError(CoreErrorCode.FORBIDDEN, _("You do not have access to do this."))


def ensure_can(actor: Actor, perm: Perm, unit: OrgUnit) -> None:
    """Refuse ``actor`` unless it holds ``perm`` on ``unit`` (Medvirk itself always may)."""
    if isinstance(actor, SystemActor):
        return
    if not can(actor, perm, unit):
        raise _forbidden()


def ensure_member(actor: Actor, episode: Episode) -> None:
    """Refuse anyone but a practitioner on the episode who still works in its unit."""
    if isinstance(actor, SystemActor):
        return
    if not can(actor, Perm.FEEDBACK_PRACTICE, episode.unit):
        raise _forbidden()
    if not EpisodeMember.objects.filter(episode=episode, user=actor).exists():
        raise _forbidden()


def half_year_start(day: date) -> date:
    """Return the first day of the calendar half-year ``day`` is in (the periods figures are shown for)."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def ensure_running_half_year(day: date, field: str) -> None:
    """Refuse a date before the running half-year.

    The outcome dashboard and the goal themes publish a half-year once it has ended; an episode
    or conversation counted in it later would move its figures by exactly that one person (the
    versions before and after give the person's outcome or goals away), so a half-year's
    figures never change once shown.
    """
    start = half_year_start(timezone.localdate())
    if day < start:
        raise ServiceError(
            Code.DATE_INVALID,
            _(
                "The figures of the half-year this date is in have been published already. "
                "Give a date from %(day)s on."
            )
            % {"day": date_format(start, "DATE_FORMAT")},
            field=field,
        )


def _audit(actor: Actor, obj: Any, action: Action, data: dict[str, Any] | None = None) -> None:
    audit_record(actor=actor, action=action, obj=obj, data=data)


def _open(episode: Episode) -> None:
    if episode.status != EpisodeStatus.OPEN:
        raise ServiceError(Code.EPISODE_CLOSED, _("The episode is closed."))


def check_text(text: str, field: str) -> str:
    """Refuse NUL and lone surrogates (they cannot be stored, on PostgreSQL least of all)."""
    if not storable(text):
        raise ServiceError(
            Code.TEXT_INVALID, _("The text contains characters that cannot be stored."), field=field
        )
    return text


def _check_alias(alias: str) -> str:
    alias = " ".join(check_text(alias, "alias").split())
    if not alias:
        raise ServiceError(Code.ALIAS_REQUIRED, _("Give the client an alias."), field="alias")
    refuse_national_id(alias, Code.ALIAS_IS_ID)
    if len(alias) > 60:
        raise ServiceError(Code.ALIAS_REQUIRED, _("Keep the alias under 60 characters."), field="alias")
    return alias


def _check_background(values: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for key, allowed in DIMENSIONS.items():
        value = (values.get(key) or "").strip()
        if value and value not in allowed:
            raise ServiceError(Code.CATEGORY_INVALID, _("Choose one of the categories."), field=key)
        out[key] = value
    return out


def _check_contact(email: str, phone: str) -> tuple[str, str]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from medvirk.common.norway import normalise_phone

    email, phone = email.strip(), phone.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(
                Code.CONTACT_INVALID, _("Enter a valid e-mail address."), field="contact_email"
            ) from None
    if phone:
        result = normalise_phone(phone, norwegian_only=False)
        if not result.valid or not result.e164:
            raise ServiceError(Code.CONTACT_INVALID, _("Enter a valid mobile number."), field="contact_phone")
        phone = result.e164
    return email, phone


def _check_language(language: str) -> str:
    if not languages.get(language):
        raise ServiceError(Code.LANGUAGE_INVALID, _("Choose a language."), field="language")
    return language


def one_decimal(value: float) -> float:
    """Round to one decimal, halves up (as the 0–10 line's step: 3.25 is the point 3.3)."""
    return float(Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
