"""Instruments (load, import, paste licensed texts), services and retention policies."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import acting_user
from medvirk.accounts.permissions import Perm
from medvirk.common import languages
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import OrgUnit
from medvirk.orgs.selectors import municipality_root

from .. import instruments as catalogue
from ..enums import FeedbackAuditAction as Action
from ..enums import FeedbackErrorCode as Code
from ..models import (
    Instrument,
    Purpose,
    RetentionPolicy,
    Service,
)
from ._common import (
    Actor,
    _audit,
    check_text,
    ensure_can,
)

# --- instruments ------------------------------------------------------------------------------


def instrument_load(*, actor: Actor, municipality: Any, key: str) -> Instrument:
    """Load a shipped definition (PHQ-9, ORS scoring-only, …) into the municipality."""
    ensure_can(actor, Perm.FEEDBACK_MANAGE, municipality_root(municipality=municipality))
    raw = catalogue.catalogue_raw().get(key)
    if raw is None:
        raise ServiceError(
            Code.UNKNOWN_INSTRUMENT, _("Medvirk has no instrument with that name."), field="key"
        )
    return _instrument_store(actor, municipality, raw)


def instrument_import(*, actor: Actor, municipality: Any, definition: Mapping[str, Any]) -> Instrument:
    """Load a definition document (``medvirk-instrument/1``, e.g. read from a FHIR Questionnaire)."""
    ensure_can(actor, Perm.FEEDBACK_MANAGE, municipality_root(municipality=municipality))
    try:
        catalogue.parse_instrument(definition)
    except catalogue.InstrumentError as exc:
        raise ServiceError(
            Code.INSTRUMENT_INVALID,
            _("The definition has problems: %(problems)s") % {"problems": "; ".join(exc.problems[:10])},
            field="definition",
        ) from exc
    return _instrument_store(actor, municipality, dict(definition))


def _instrument_store(actor: Actor, municipality: Any, raw: Mapping[str, Any]) -> Instrument:
    parsed = catalogue.parse_instrument(raw)
    if Instrument.objects.filter(municipality=municipality, key=parsed.key, version=parsed.version).exists():
        raise ServiceError(
            Code.INSTRUMENT_EXISTS, _("This instrument is already loaded in your municipality."), field="key"
        )
    with transaction.atomic():
        instrument = Instrument.objects.create(
            municipality=municipality,
            key=parsed.key,
            version=parsed.version,
            purpose=parsed.purpose,
            definition=dict(raw),
            loaded_by=acting_user(actor),
        )
        _audit(actor, instrument, Action.INSTRUMENT_LOADED, {"key": parsed.key, "version": parsed.version})
    return instrument


def instrument_texts_set(
    *, actor: Actor, instrument: Instrument, version: str, language: str, texts: Mapping[str, str]
) -> Instrument:
    """Store a licence holder's texts for one version and language (empty texts remove a text).

    Only keys the definition has are accepted (items, instruction, end labels or options).
    """
    ensure_can(actor, Perm.FEEDBACK_MANAGE, municipality_root(municipality=instrument.municipality))
    parsed = catalogue.parse_instrument(instrument.definition)
    if version not in {v.key for v in parsed.versions}:
        raise ServiceError(Code.TEXT_INVALID, _("Choose one of the instrument's versions."), field="version")
    if not languages.get(language) and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", language):
        raise ServiceError(Code.LANGUAGE_INVALID, _("Choose a language."), field="language")
    allowed = set(parsed.text_keys())
    unknown = sorted(set(texts) - allowed)
    if unknown:
        raise ServiceError(Code.TEXT_INVALID, _("The instrument has no such item."), field=unknown[0])
    for key, text in texts.items():
        check_text(text, key)
        if len(text) > 1000:
            raise ServiceError(Code.TEXT_INVALID, _("Each text may be at most 1,000 characters."), field=key)
    stored = {
        v: {lang: dict(t) for lang, t in langs.items()} for v, langs in (instrument.texts or {}).items()
    }
    slot = stored.setdefault(version, {}).setdefault(language, {})
    for key, text in texts.items():
        if text.strip():
            slot[key] = text.strip()
        else:
            slot.pop(key, None)
    with transaction.atomic():
        instrument.texts = stored
        instrument.texts_by = acting_user(actor)
        instrument.texts_at = timezone.now()
        instrument.save(update_fields=["texts", "texts_by", "texts_at"])
        instrument.__dict__.pop("parsed", None)
        _audit(actor, instrument, Action.INSTRUMENT_TEXTS_PASTED, {"version": version, "language": language})
    return instrument


# --- services ---------------------------------------------------------------------------------


def service_create(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str,
    outcome: Instrument,
    alliance: Instrument | None = None,
    goals: bool = True,
    link_hours: int = 24,
    no_change_after: int = 4,
) -> Service:
    """Set up client feedback for a unit with its outcome measure and session feedback."""
    ensure_can(actor, Perm.FEEDBACK_MANAGE, unit)
    name = check_text(name, "name").strip()
    if not name:
        raise ServiceError(Code.NAME_REQUIRED, _("Give the service a name."), field="name")
    _check_instruments(unit, outcome, alliance)
    _check_settings(link_hours, no_change_after)
    if Service.objects.filter(municipality_id=unit.municipality_id, unit=unit, name=name).exists():
        raise ServiceError(
            Code.SERVICE_EXISTS, _("The unit already has a service with that name."), field="name"
        )
    with transaction.atomic():
        service = Service.objects.create(
            municipality_id=unit.municipality_id,
            unit=unit,
            name=name,
            outcome=outcome,
            alliance=alliance,
            goals=goals,
            link_hours=link_hours,
            no_change_after=no_change_after,
        )
        _audit(actor, service, Action.SERVICE_CREATED)
    return service


def _check_instruments(unit: OrgUnit, outcome: Instrument, alliance: Instrument | None) -> None:
    for instrument, purpose, field in (
        (outcome, Purpose.OUTCOME, "outcome"),
        (alliance, Purpose.ALLIANCE, "alliance"),
    ):
        if instrument is None:
            continue
        if instrument.municipality_id != unit.municipality_id:
            raise ServiceError(
                Code.INSTRUMENT_OUTSIDE, _("Choose an instrument of your municipality."), field=field
            )
        if instrument.purpose != purpose:
            raise ServiceError(
                Code.INSTRUMENT_PURPOSE, _("This instrument measures something else."), field=field
            )


def _check_settings(link_hours: int, no_change_after: int) -> None:
    if not 1 <= link_hours <= 24 * 14:
        raise ServiceError(
            Code.SETTING_INVALID, _("Links can be valid for 1 hour to 14 days."), field="link_hours"
        )
    if not 2 <= no_change_after <= 30:
        raise ServiceError(
            Code.SETTING_INVALID, _("Choose between 2 and 30 sessions."), field="no_change_after"
        )


# --- retention --------------------------------------------------------------------------------


def retention_set(*, actor: Actor, unit: OrgUnit, months: int) -> RetentionPolicy:
    """Set how many months after closing a unit's episodes are anonymised (1–120)."""
    ensure_can(actor, Perm.FEEDBACK_MANAGE, unit)
    if not 1 <= months <= 120:
        raise ServiceError(Code.RETENTION_INVALID, _("Choose between 1 and 120 months."), field="months")
    with transaction.atomic():
        policy, _created = RetentionPolicy.objects.update_or_create(
            municipality_id=unit.municipality_id, unit=unit, defaults={"months": months}
        )
        _audit(actor, policy, Action.RETENTION_SET, {"months": months})
    return policy
