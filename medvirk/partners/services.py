"""Writes for the organisations register; each one a complete, audited state change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.common.norway import IdentifierError, normalise_phone, validate_org_number
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import Municipality, OrgUnit, UnitKind

from .models import ContactKind, ContactLogEntry, ContactPerson, Organisation
from .types import COUNTRY_KEYS, LANGUAGE_KEYS, Competence, Group, OrganisationKind


def org_number_message(error: IdentifierError | None) -> str:
    """Return a readable message for a rejected organisation number."""
    if error in (IdentifierError.WRONG_CONTROL_DIGIT, IdentifierError.IMPOSSIBLE_CONTROL_DIGIT):
        return _("The check digit does not match. Check the organisation number for typos.")
    if error is IdentifierError.WRONG_LENGTH:
        return _("An organisation number has nine digits.")
    return _("An organisation number has nine digits and nothing else.")


def clean_phone(raw: str) -> str:
    """Return a phone number in E.164 form, "" for empty; raise ServiceError when it is not a number."""
    if not (raw or "").strip():
        return ""
    result = normalise_phone(raw, norwegian_only=False)
    if result.e164 is None:
        raise ServiceError("invalid_phone", _("This is not a valid phone number."), field="phone")
    return result.e164


def clean_org_number(raw: str) -> str:
    """Return the nine digits of a valid organisation number, "" for empty; raise ServiceError otherwise."""
    if not (raw or "").strip():
        return ""
    result = validate_org_number(raw)
    if result.number is None:
        raise ServiceError("invalid_org_number", org_number_message(result.error), field="org_number")
    return result.number


@dataclass
class OrganisationData:
    """The editable fields of an organisation, as forms, the API, import and proposals give them."""

    name: str
    org_number: str = ""
    kind: str = OrganisationKind.VOLUNTARY
    description: str = ""
    district_ids: list[int] = field(default_factory=list)
    competences: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    website: str = ""
    listed_publicly: bool = True
    is_competence_partner: bool = False
    partner_from: date | None = None
    partner_until: date | None = None
    partner_support: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OrganisationData:
        """Build from a dict with the same keys (unknown keys ignored; dates as ISO strings)."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("partner_from", "partner_until"):
            if isinstance(known.get(key), str):
                known[key] = date.fromisoformat(known[key]) if known[key] else None
        return cls(**known)

    def as_json(self) -> dict[str, Any]:
        """Return a JSON-safe dict (dates as ISO strings)."""
        out = dict(self.__dict__)
        for key in ("partner_from", "partner_until"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


def _validate(municipality: Municipality, data: OrganisationData, *, exclude_pk: int | None = None) -> None:
    data.name = data.name.strip()
    if not data.name:
        raise ServiceError("name_required", _("Give the organisation's name."), field="name")
    data.org_number = clean_org_number(data.org_number)
    if data.org_number:
        clash = Organisation.objects.filter(municipality=municipality, org_number=data.org_number)
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            raise ServiceError(
                "duplicate_org_number",
                _("An organisation with this organisation number is already registered."),
                field="org_number",
            )
    if data.kind not in OrganisationKind.values:
        raise ServiceError("invalid_kind", _("Choose a kind of organisation."), field="kind")
    for name, allowed in (
        ("competences", set(Competence.values)),
        ("languages", LANGUAGE_KEYS),
        ("groups", set(Group.values)),
        ("countries", COUNTRY_KEYS),
    ):
        values = getattr(data, name)
        if set(values) - allowed:
            raise ServiceError("invalid_choice", _("Choose from the list."), field=name)
        setattr(data, name, sorted(set(values)))
    if data.partner_from and data.partner_until and data.partner_until < data.partner_from:
        raise ServiceError(
            "invalid_period", _("The period cannot end before it starts."), field="partner_until"
        )
    found = set(
        OrgUnit.objects.filter(
            municipality=municipality, kind=UnitKind.DISTRICT, pk__in=data.district_ids
        ).values_list("pk", flat=True)
    )
    if found != set(data.district_ids):
        raise ServiceError("invalid_district", _("Choose districts of this municipality."), field="districts")


def _apply(organisation: Organisation, data: OrganisationData) -> None:
    for key, value in data.__dict__.items():
        if key != "district_ids":
            setattr(organisation, key, value)
    organisation.save()
    organisation.districts.set(data.district_ids)


@transaction.atomic
def organisation_create(
    *, actor: Any, municipality: Municipality, data: OrganisationData, source: str = "form"
) -> Organisation:
    """Register an organisation (validated organisation number, unique in the municipality)."""
    _validate(municipality, data)
    organisation = Organisation(municipality=municipality)
    _apply(organisation, data)
    audit_record(
        actor=actor,
        municipality=municipality,
        action="partners.organisation_created",
        obj=organisation,
        data={"name": organisation.name, "source": source},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: Any, organisation: Organisation, data: OrganisationData, source: str = "form"
) -> Organisation:
    """Change an organisation's details."""
    municipality = organisation.municipality
    _validate(municipality, data, exclude_pk=organisation.pk)
    before = {k: getattr(organisation, k) for k in ("name", "org_number", "kind")}
    _apply(organisation, data)
    changed = sorted(k for k, v in before.items() if getattr(organisation, k) != v)
    audit_record(
        actor=actor,
        municipality=municipality,
        action="partners.organisation_updated",
        obj=organisation,
        data={"changed": changed, "source": source},
    )
    return organisation


@transaction.atomic
def contact_person_add(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    email: str = "",
    phone: str = "",
    consent: bool,
    consent_purpose: str,
    consent_on: date | None = None,
) -> ContactPerson:
    """Store a contact person; refused unless they gave consent for a stated purpose."""
    if not consent:
        raise ServiceError(
            "consent_required",
            _("Contact details can only be stored when the person has consented."),
            field="consent",
        )
    if not consent_purpose.strip():
        raise ServiceError(
            "purpose_required", _("Say what the contact details will be used for."), field="consent_purpose"
        )
    if not name.strip():
        raise ServiceError("name_required", _("Give the person's name."), field="name")
    if not (email.strip() or phone.strip()):
        raise ServiceError("contact_required", _("Give an e-mail address or a phone number."), field="email")
    phone = clean_phone(phone)
    contact = ContactPerson.objects.create(
        municipality_id=organisation.municipality_id,
        organisation=organisation,
        name=name.strip(),
        email=email.strip(),
        phone=phone,
        consent_on=consent_on or timezone.localdate(),
        consent_purpose=consent_purpose.strip(),
    )
    # The audit log keeps no personal data: only which organisation got a contact person.
    audit_record(
        actor=actor,
        municipality=organisation.municipality,
        action="partners.contact_person_added",
        obj=contact,
        data={"organisation": organisation.pk},
    )
    return contact


@transaction.atomic
def contact_person_remove(*, actor: Any, contact: ContactPerson) -> None:
    """Delete a contact person for good (consent withdrawn or no longer relevant)."""
    audit_record(
        actor=actor,
        municipality=contact.organisation.municipality,
        action="partners.contact_person_removed",
        obj=contact,
        data={"organisation": contact.organisation_id},
    )
    contact.delete()


@transaction.atomic
def contact_log_add(
    *,
    actor: Any,
    unit: OrgUnit,
    organisation: Organisation,
    on: date,
    kind: str,
    contribution: str = "",
    activity_reference: str = "",
    activity: Any = None,
) -> ContactLogEntry:
    """Record what a unit did with an organisation (optionally as part of a participation activity)."""
    if organisation.municipality_id != unit.municipality_id:
        raise ServiceError("not_found", _("Not found."), field="organisation")
    if activity is not None and activity.municipality_id != unit.municipality_id:
        raise ServiceError("not_found", _("Not found."), field="activity")
    if kind not in ContactKind.values:
        raise ServiceError("invalid_kind", _("Choose a kind of contact."), field="kind")
    entry = ContactLogEntry.objects.create(
        municipality_id=unit.municipality_id,
        unit=unit,
        organisation=organisation,
        date=on,
        kind=kind,
        contribution=contribution.strip(),
        activity_reference=activity_reference.strip(),
        activity=activity,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        municipality=unit.municipality,
        action="partners.contact_logged",
        obj=entry,
        data={"unit": unit.pk, "organisation": organisation.pk, "kind": kind},
    )
    return entry


@transaction.atomic
def organisation_invite(
    *,
    actor: Any,
    unit: OrgUnit,
    organisation: Organisation,
    subject: str,
    message: str,
    nominate: bool = False,
    activity_reference: str = "",
) -> tuple[ContactLogEntry, int]:
    """Invite an organisation (or ask it to nominate members): log the contact and e-mail its contacts.

    Only contact persons with an e-mail address are written to; all of them have consented to
    being contacted, as no contact person is stored otherwise. Returns the log entry and the
    number of e-mails sent (sent after the transaction commits).
    """
    if not subject.strip() or not message.strip():
        raise ServiceError("message_required", _("Write a subject and a message."), field="message")
    recipients = list(organisation.contacts.exclude(email="").values_list("email", flat=True))
    entry = contact_log_add(
        actor=actor,
        unit=unit,
        organisation=organisation,
        on=timezone.localdate(),
        kind=ContactKind.NOMINATION if nominate else ContactKind.INVITED,
        contribution="",
        activity_reference=activity_reference or subject.strip(),
    )
    audit_record(
        actor=actor,
        municipality=unit.municipality,
        action="partners.invitation_sent",
        obj=organisation,
        data={"unit": unit.pk, "recipients": len(recipients), "nominate": nominate},
    )
    if recipients:
        reply_to = getattr(actor, "email", "") or settings.DEFAULT_FROM_EMAIL
        body = message.strip() + "\n\n— " + unit.name + (f" <{reply_to}>" if reply_to else "")

        def _send() -> None:
            for address in recipients:  # one e-mail each, so addresses are not shared
                send_mail(subject.strip(), body, settings.DEFAULT_FROM_EMAIL, [address])

        transaction.on_commit(_send)
    return entry, len(recipients)
