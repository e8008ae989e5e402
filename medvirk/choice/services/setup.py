"""Writes that set choice up: services and their rules, providers, approvals, continuity reports.

Every function checks its actor: ``CHOICE_SETUP`` on the service's responsible unit or on the
provider's unit; continuity is reported by the provider's own staff (``CHOICE_CLIENTS``) or by
whoever keeps the providers (``CHOICE_SETUP``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from medvirk.accounts import unit_services as org_services
from medvirk.accounts.access import Actor, acting_user, can, ensure_can
from medvirk.accounts.permissions import Perm
from medvirk.common import languages
from medvirk.core.actors import SystemActor
from medvirk.core.audit import audit_record
from medvirk.core.errors import CoreErrorCode, ServiceError
from medvirk.orgs.models import OrgUnit, ServiceArea, UnitKind
from medvirk.partners import services as partner_services

from ..enums import ChoiceAuditAction, ChoiceErrorCode
from ..models import Approval, ChoiceService, ContinuityReport, Provider
from ..rules import MAX_CHOICE_DAYS, MAX_NOTICE_DAYS
from ..selectors import district_codes
from ..types import ProviderKind, ServiceKind, Specialisation


def clean_areas(areas: list[str], municipality_id: int, *, field_name: str = "areas") -> list[str]:
    """Return the areas sorted and without repeats; refuse codes that are not the municipality's districts."""
    known = set(district_codes(municipality_id))
    cleaned = sorted({a.strip() for a in areas if a and a.strip()})
    unknown = [a for a in cleaned if a not in known]
    if unknown:
        raise ServiceError(
            ChoiceErrorCode.INVALID_AREA,
            _("Choose areas among the municipality's city districts."),
            field=field_name,
        )
    return cleaned


def _clean_days(value: int, limit: int, field_name: str) -> int:
    if not isinstance(value, int) or not 0 <= value <= limit:
        raise ServiceError(
            ChoiceErrorCode.INVALID_DAYS,
            _("Give a number of days from 0 to %(limit)d.") % {"limit": limit},
            field=field_name,
        )
    return value


MAX_NAME = 150  # the columns' length
#: What a relative reads about a service or a provider on the public comparison, on an old phone
#: too: a description of a megabyte (the API took any length) would be the page (red team 4).
MAX_DESCRIPTION = 2000


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ServiceError(ChoiceErrorCode.NAME_REQUIRED, _("Give it a name."), field="name")
    if len(name) > MAX_NAME:
        raise ServiceError(
            ChoiceErrorCode.INVALID_VALUE,
            _("Keep the name to %(count)d characters.") % {"count": MAX_NAME},
            field="name",
        )
    return name


def _clean_description(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise ServiceError(
            ChoiceErrorCode.INVALID_VALUE,
            _("Keep the description to %(count)d characters: people read it on a phone.")
            % {"count": MAX_DESCRIPTION},
            field="description",
        )
    return text


def _check_choice(value: str, allowed: Any, code: ChoiceErrorCode, field_name: str) -> str:
    if value not in allowed.values:
        raise ServiceError(code, _("Choose one of the options."), field=field_name)
    return value


def _ensure_setup(actor: Actor, unit: OrgUnit) -> None:
    ensure_can(actor, Perm.CHOICE_SETUP, unit, _("You cannot set up choice of provider here."))


# --- services with choice -------------------------------------------------------------------


SERVICE_FIELDS = (
    "name",
    "kind",
    "description",
    "areas",
    "notice_days",
    "choice_days",
    "phone",
    "email",
    "published",
    "default_provider",
)


def _clean_service(service: ChoiceService, changes: dict[str, Any]) -> dict[str, Any]:
    """Validate the given fields of a service; return them cleaned."""
    out: dict[str, Any] = {}
    municipality_id = service.municipality_id
    for key, value in changes.items():
        if key not in SERVICE_FIELDS:
            raise TypeError(f"unknown service field {key!r}")
        if key == "name":
            out[key] = _clean_name(value)
        elif key == "kind":
            out[key] = _check_choice(value, ServiceKind, ChoiceErrorCode.INVALID_VALUE, "kind")
        elif key == "areas":
            out[key] = clean_areas(list(value or []), municipality_id)
        elif key == "notice_days":
            out[key] = _clean_days(value, MAX_NOTICE_DAYS, key)
        elif key == "choice_days":
            out[key] = _clean_days(value, MAX_CHOICE_DAYS, key)
        elif key == "phone":
            out[key] = partner_services.clean_phone(value or "")
        elif key == "default_provider":
            if value is not None and (
                service.pk is None or not Approval.objects.filter(service=service, provider=value).exists()
            ):
                raise ServiceError(
                    ChoiceErrorCode.NOT_APPROVED,
                    _("The default provider must be approved for this service."),
                    field="default_provider",
                )
            out[key] = value
        elif key == "description":
            out[key] = _clean_description(value)
        elif key == "email":
            out[key] = (value or "").strip()
        else:
            out[key] = bool(value)
    return out


@transaction.atomic
def service_create(*, actor: Actor, owner_unit: OrgUnit, name: str, kind: str, **rules: Any) -> ChoiceService:
    """Create a service with choice (its rules as keywords, see ``SERVICE_FIELDS``)."""
    _ensure_setup(actor, owner_unit)
    service = ChoiceService(municipality_id=owner_unit.municipality_id, owner_unit=owner_unit)
    rules.pop("default_provider", None)  # set once a provider is approved for the service
    cleaned = _clean_service(service, {"name": name, "kind": kind, **rules})
    if ChoiceService.objects.filter(
        municipality_id=service.municipality_id, name__iexact=cleaned["name"]
    ).exists():
        raise ServiceError(
            ChoiceErrorCode.NAME_TAKEN, _("Another service with choice has this name."), field="name"
        )
    for key, value in cleaned.items():
        setattr(service, key, value)
    service.save()
    audit_record(
        actor=actor,
        action=ChoiceAuditAction.CHOICE_SERVICE_CREATED,
        obj=service,
        data={"name": service.name},
    )
    return service


@transaction.atomic
def service_update(*, actor: Actor, service: ChoiceService, **changes: Any) -> ChoiceService:
    """Change a service's name, description or rules; the audit event lists what changed."""
    _ensure_setup(actor, service.owner_unit)
    cleaned = _clean_service(service, changes)
    if "name" in cleaned and (
        ChoiceService.objects.filter(municipality_id=service.municipality_id, name__iexact=cleaned["name"])
        .exclude(pk=service.pk)
        .exists()
    ):
        raise ServiceError(
            ChoiceErrorCode.NAME_TAKEN, _("Another service with choice has this name."), field="name"
        )
    changed = []
    for key, value in cleaned.items():
        current = service.default_provider_id if key == "default_provider" else getattr(service, key)
        new = value.pk if key == "default_provider" and value is not None else value
        if current != new:
            changed.append(key)
            setattr(service, key, value)
    if changed:
        service.save()
        audit_record(
            actor=actor,
            action=ChoiceAuditAction.CHOICE_SERVICE_UPDATED,
            obj=service,
            data={"fields": changed},
        )
    return service


# --- providers ------------------------------------------------------------------------------


@dataclass
class ProviderData:
    """A provider's details, as the form, the API and the demo give them."""

    name: str
    kind: str
    org_number: str
    contact_email: str
    languages: list[str] = field(default_factory=list)
    specialisations: list[str] = field(default_factory=list)
    description: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    website: str = ""


def _clean_provider(data: ProviderData) -> ProviderData:
    codes = []
    for code in data.languages:
        if languages.get(code) is None:
            raise ServiceError(
                ChoiceErrorCode.INVALID_LANGUAGE, _("Choose languages from the list."), field="languages"
            )
        if code not in codes:
            codes.append(code)
    for key in data.specialisations:
        if key not in Specialisation.values:
            raise ServiceError(
                ChoiceErrorCode.INVALID_SPECIALISATION,
                _("Choose specialisations from the list."),
                field="specialisations",
            )
    if not (data.contact_email or "").strip():
        raise ServiceError(
            ChoiceErrorCode.INVALID_VALUE,
            _("Give the e-mail address new and ending clients are announced to."),
            field="contact_email",
        )
    org_number = partner_services.clean_org_number(data.org_number)
    if not org_number:
        raise ServiceError(
            ChoiceErrorCode.INVALID_VALUE, _("Give the provider's organisation number."), field="org_number"
        )
    return ProviderData(
        name=_clean_name(data.name),
        kind=_check_choice(data.kind, ProviderKind, ChoiceErrorCode.INVALID_VALUE, "kind"),
        org_number=org_number,
        contact_email=data.contact_email.strip(),
        languages=codes,
        specialisations=sorted(set(data.specialisations)),
        description=_clean_description(data.description),
        contact_name=data.contact_name.strip(),
        contact_phone=partner_services.clean_phone(data.contact_phone),
        website=data.website.strip(),
    )


@transaction.atomic
def provider_register(
    *, actor: Actor, data: ProviderData, parent: OrgUnit | None = None, unit: OrgUnit | None = None
) -> Provider:
    """Register a provider: a new unit below ``parent``, or an existing ``unit`` (a municipal one).

    The actor needs ``CHOICE_SETUP`` on ``parent`` (or ``unit``). The unit is created by Medvirk
    on the actor's behalf: case handlers hold no right to reshape the organisation tree, but a
    provider has to be a unit so that survey rounds and provider staff's roles can name it; the
    provider's own audit event records who registered it.
    """
    place = unit if unit is not None else parent
    if place is None:
        raise TypeError("provider_register needs a parent or a unit")
    _ensure_setup(actor, place)
    data = _clean_provider(data)
    if Provider.objects.filter(municipality_id=place.municipality_id, org_number=data.org_number).exists():
        raise ServiceError(
            ChoiceErrorCode.PROVIDER_EXISTS,
            _("A provider with this organisation number is already registered."),
            field="org_number",
        )
    if unit is None:
        assert parent is not None
        unit = org_services.unit_create(
            actor=SystemActor("a provider's unit, registered through choice of provider"),
            parent=parent,
            name=data.name,
            kind=UnitKind.UNIT,
            service_area=ServiceArea.HOME_CARE,
        )
    elif Provider.objects.filter(municipality_id=unit.municipality_id, unit=unit).exists():
        raise ServiceError(
            ChoiceErrorCode.PROVIDER_EXISTS, _("This unit is already registered as a provider."), field="unit"
        )
    provider = Provider(municipality_id=unit.municipality_id, unit=unit)
    _apply_provider(provider, data)
    try:
        with transaction.atomic():
            provider.save()
    except IntegrityError as exc:  # a concurrent registration won
        raise ServiceError(
            ChoiceErrorCode.PROVIDER_EXISTS,
            _("A provider with this organisation number is already registered."),
            field="org_number",
        ) from exc
    audit_record(
        actor=actor,
        action=ChoiceAuditAction.PROVIDER_REGISTERED,
        obj=provider,
        data={"unit": unit.pk, "kind": provider.kind},
    )
    return provider


def _apply_provider(provider: Provider, data: ProviderData) -> None:
    provider.kind = data.kind
    provider.org_number = data.org_number
    provider.languages = data.languages
    provider.specialisations = data.specialisations
    provider.description = data.description
    provider.contact_name = data.contact_name
    provider.contact_email = data.contact_email
    provider.contact_phone = data.contact_phone
    provider.website = data.website


@transaction.atomic
def provider_update(*, actor: Actor, provider: Provider, data: ProviderData) -> Provider:
    """Change a provider's details (a new name renames its unit)."""
    _ensure_setup(actor, provider.unit)
    data = _clean_provider(data)
    clash = Provider.objects.filter(municipality_id=provider.municipality_id, org_number=data.org_number)
    if clash.exclude(pk=provider.pk).exists():
        raise ServiceError(
            ChoiceErrorCode.PROVIDER_EXISTS,
            _("A provider with this organisation number is already registered."),
            field="org_number",
        )
    if data.name != provider.unit.name:
        unit = provider.unit
        org_services.unit_update(
            actor=SystemActor("a provider's unit, renamed through choice of provider"),
            unit=unit,
            name=data.name,
            service_area=unit.service_area,
            region_code=unit.region_code,
        )
    _apply_provider(provider, data)
    provider.save()
    audit_record(actor=actor, action=ChoiceAuditAction.PROVIDER_UPDATED, obj=provider)
    return provider


@transaction.atomic
def approval_save(
    *,
    actor: Actor,
    provider: Provider,
    service: ChoiceService,
    approved_from: date,
    approved_until: date | None = None,
    suspended: bool = False,
    contract: str = "",
    capacity: int | None = None,
    areas: list[str] | None = None,
) -> Approval:
    """Approve a provider for a service, or change the approval (period, contract, capacity, areas).

    Approving is the service's business: the actor needs ``CHOICE_SETUP`` on the service's unit.
    """
    _ensure_setup(actor, service.owner_unit)
    if provider.municipality_id != service.municipality_id:
        raise ServiceError(
            ChoiceErrorCode.OTHER_MUNICIPALITY, _("Choose a provider of this municipality."), field="provider"
        )
    if approved_until is not None and approved_until < approved_from:
        raise ServiceError(
            ChoiceErrorCode.INVALID_DATE,
            _("The approval must end on or after the day it starts."),
            field="approved_until",
        )
    if capacity is not None and capacity < 0:
        raise ServiceError(ChoiceErrorCode.INVALID_VALUE, _("Give a number of clients."), field="capacity")
    cleaned_areas = clean_areas(list(areas or []), service.municipality_id)
    outside = [a for a in cleaned_areas if service.areas and a not in service.areas]
    if outside:
        raise ServiceError(
            ChoiceErrorCode.INVALID_AREA,
            _("A provider can only serve areas where the service has choice."),
            field="areas",
        )
    approval, created = Approval.objects.update_or_create(
        municipality_id=service.municipality_id,
        provider=provider,
        service=service,
        defaults={
            "approved_from": approved_from,
            "approved_until": approved_until,
            "suspended": suspended,
            "contract": contract.strip(),
            "capacity": capacity,
            "areas": cleaned_areas,
        },
    )
    audit_record(
        actor=actor,
        action=ChoiceAuditAction.APPROVAL_SAVED,
        obj=approval,
        data={"created": created, "from": str(approved_from), "until": str(approved_until or "")},
    )
    return approval


MAX_STAFF_PER_CLIENT = Decimal("99.9")


@transaction.atomic
def continuity_report(
    *, actor: Actor, provider: Provider, period_start: date, period_end: date, staff_per_client: Any
) -> ContinuityReport:
    """Store (or correct) the provider's continuity for a period: different staff per client in four weeks."""
    if not (can(actor, Perm.CHOICE_CLIENTS, provider.unit) or can(actor, Perm.CHOICE_SETUP, provider.unit)):
        raise ServiceError(CoreErrorCode.FORBIDDEN, _("You cannot report for this provider."))
    if period_end < period_start:
        raise ServiceError(
            ChoiceErrorCode.INVALID_DATE,
            _("The period must end on or after its first day."),
            field="period_end",
        )
    try:
        value = Decimal(str(staff_per_client).replace(",", ".")).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        value = Decimal(-1)
    if not Decimal(1) <= value <= MAX_STAFF_PER_CLIENT:
        raise ServiceError(
            ChoiceErrorCode.INVALID_VALUE,
            _("Give the average number of different staff per client, from 1 to 99.9."),
            field="staff_per_client",
        )
    report, _created = ContinuityReport.objects.update_or_create(
        municipality_id=provider.municipality_id,
        provider=provider,
        period_start=period_start,
        period_end=period_end,
        defaults={"staff_per_client": value, "reported_by": acting_user(actor)},
    )
    audit_record(
        actor=actor,
        action=ChoiceAuditAction.CONTINUITY_REPORTED,
        obj=report,
        data={"value": str(value)},
    )
    return report
