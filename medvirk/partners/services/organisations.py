"""Writes for the organisations register: organisations, contact persons, contact log, invitations.

The register belongs to the whole municipality: changing it needs ``PARTNERS_MANAGE`` on some
unit of the municipality. A unit's contact log and invitations need ``CONTACT_LOG`` on the unit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.accounts.access import Actor, acting_user, ensure_can, ensure_can_anywhere
from medvirk.accounts.permissions import Perm
from medvirk.common.norway import normalise_phone, validate_org_number
from medvirk.core import plaintext
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import Municipality, OrgUnit, UnitKind, org_number_problem

from ..enums import PartnersAuditAction, PartnersErrorCode
from ..models import ContactKind, ContactLogEntry, ContactPerson, Organisation
from ..types import COUNTRY_KEYS, LANGUAGE_KEYS, Competence, Group, OrganisationData, OrganisationKind


def ensure_partners(actor: Actor, municipality_id: int | None) -> None:
    """Refuse (403) unless the actor may change the municipality's organisations register."""
    ensure_can_anywhere(
        actor, Perm.PARTNERS_MANAGE, municipality_id, _("You cannot change the organisations register.")
    )


def ensure_contact_log(actor: Actor, unit: OrgUnit) -> None:
    """Refuse (403) unless the actor may keep the unit's contact log."""
    ensure_can(actor, Perm.CONTACT_LOG, unit, _("You cannot keep this unit's contact log."), field="unit")


def clean_phone(raw: str) -> str:
    """Return a phone number in E.164 form, "" for empty; raise ServiceError when it is not a number."""
    if not (raw or "").strip():
        return ""
    result = normalise_phone(raw, norwegian_only=False)
    if result.e164 is None:
        raise ServiceError(
            PartnersErrorCode.INVALID_PHONE, _("This is not a valid phone number."), field="phone"
        )
    return result.e164


def clean_org_number(raw: str) -> str:
    """Return the nine digits of a valid organisation number, "" for empty; raise ServiceError otherwise."""
    if not (raw or "").strip():
        return ""
    result = validate_org_number(raw)
    if result.number is None:
        raise ServiceError(
            PartnersErrorCode.INVALID_ORG_NUMBER, org_number_problem(result.error), field="org_number"
        )
    return result.number


def _validate(municipality: Municipality, data: OrganisationData, *, exclude_pk: int | None = None) -> None:
    data.name = data.name.strip()
    if not data.name:
        raise ServiceError(PartnersErrorCode.NAME_REQUIRED, _("Give the organisation's name."), field="name")
    data.org_number = clean_org_number(data.org_number)
    if data.org_number:
        clash = Organisation.objects.filter(municipality=municipality, org_number=data.org_number)
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            raise ServiceError(
                PartnersErrorCode.DUPLICATE_ORG_NUMBER,
                _("An organisation with this organisation number is already registered."),
                field="org_number",
            )
    if data.kind not in OrganisationKind.values:
        raise ServiceError(PartnersErrorCode.INVALID_KIND, _("Choose a kind of organisation."), field="kind")
    for name, allowed in (
        ("competences", set(Competence.values)),
        ("languages", LANGUAGE_KEYS),
        ("groups", set(Group.values)),
        ("countries", COUNTRY_KEYS),
    ):
        values = getattr(data, name)
        if set(values) - allowed:
            raise ServiceError(PartnersErrorCode.INVALID_CHOICE, _("Choose from the list."), field=name)
        setattr(data, name, sorted(set(values)))
    if data.partner_from and data.partner_until and data.partner_until < data.partner_from:
        raise ServiceError(
            PartnersErrorCode.INVALID_PERIOD,
            _("The period cannot end before it starts."),
            field="partner_until",
        )
    found = set(
        OrgUnit.objects.filter(
            municipality=municipality, kind=UnitKind.DISTRICT, pk__in=data.district_ids
        ).values_list("pk", flat=True)
    )
    if found != set(data.district_ids):
        raise ServiceError(
            PartnersErrorCode.INVALID_DISTRICT, _("Choose districts of this municipality."), field="districts"
        )


def _apply(organisation: Organisation, data: OrganisationData) -> None:
    for key, value in data.__dict__.items():
        if key != "district_ids":
            setattr(organisation, key, value)
    organisation.save()
    organisation.districts.set(
        data.district_ids, through_defaults={"municipality_id": organisation.municipality_id}
    )


@transaction.atomic
def organisation_create(
    *, actor: Actor, municipality: Municipality, data: OrganisationData, source: str = "form"
) -> Organisation:
    """Register an organisation (validated organisation number, unique in the municipality)."""
    ensure_partners(actor, municipality.pk)
    _validate(municipality, data)
    organisation = Organisation(municipality=municipality)
    _apply(organisation, data)
    audit_record(
        actor=actor,
        action=PartnersAuditAction.ORGANISATION_CREATED,
        obj=organisation,
        data={"name": organisation.name, "source": source},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: Actor, organisation: Organisation, data: OrganisationData, source: str = "form"
) -> Organisation:
    """Change an organisation's details."""
    ensure_partners(actor, organisation.municipality_id)
    municipality = organisation.municipality
    _validate(municipality, data, exclude_pk=organisation.pk)
    before = {k: getattr(organisation, k) for k in ("name", "org_number", "kind")}
    _apply(organisation, data)
    changed = sorted(k for k, v in before.items() if getattr(organisation, k) != v)
    audit_record(
        actor=actor,
        action=PartnersAuditAction.ORGANISATION_UPDATED,
        obj=organisation,
        data={"changed": changed, "source": source},
    )
    return organisation


@transaction.atomic
def contact_person_add(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    email: str = "",
    phone: str = "",
    consent: bool,
    consent_purpose: str,
    consent_on: date | None = None,
) -> ContactPerson:
    """Store a contact person; refused unless they gave consent for a stated purpose."""
    ensure_partners(actor, organisation.municipality_id)
    if not consent:
        raise ServiceError(
            PartnersErrorCode.CONSENT_REQUIRED,
            _("Contact details can only be stored when the person has consented."),
            field="consent",
        )
    if not consent_purpose.strip():
        raise ServiceError(
            PartnersErrorCode.PURPOSE_REQUIRED,
            _("Say what the contact details will be used for."),
            field="consent_purpose",
        )
    if not name.strip():
        raise ServiceError(PartnersErrorCode.NAME_REQUIRED, _("Give the person's name."), field="name")
    if not (email.strip() or phone.strip()):
        raise ServiceError(
            PartnersErrorCode.CONTACT_REQUIRED, _("Give an e-mail address or a phone number."), field="email"
        )
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
        action=PartnersAuditAction.CONTACT_PERSON_ADDED,
        obj=contact,
        data={"organisation": organisation.pk},
    )
    return contact


@transaction.atomic
def contact_person_remove(*, actor: Actor, contact: ContactPerson) -> None:
    """Delete a contact person for good (consent withdrawn or no longer relevant)."""
    ensure_partners(actor, contact.municipality_id)
    audit_record(
        actor=actor,
        action=PartnersAuditAction.CONTACT_PERSON_REMOVED,
        obj=contact,
        data={"organisation": contact.organisation_id},
    )
    contact.delete()


@transaction.atomic
def contact_log_add(
    *,
    actor: Actor,
    unit: OrgUnit,
    organisation: Organisation,
    on: date,
    kind: str,
    contribution: str = "",
    activity_reference: str = "",
    activity: Any = None,
) -> ContactLogEntry:
    """Record what a unit did with an organisation (optionally as part of a participation activity)."""
    ensure_contact_log(actor, unit)
    if organisation.municipality_id != unit.municipality_id:
        raise ServiceError(PartnersErrorCode.NOT_FOUND, _("Not found."), field="organisation")
    if activity is not None and activity.municipality_id != unit.municipality_id:
        raise ServiceError(PartnersErrorCode.NOT_FOUND, _("Not found."), field="activity")
    if kind not in ContactKind.values:
        raise ServiceError(PartnersErrorCode.INVALID_KIND, _("Choose a kind of contact."), field="kind")
    entry = ContactLogEntry.objects.create(
        municipality_id=unit.municipality_id,
        unit=unit,
        organisation=organisation,
        date=on,
        kind=kind,
        contribution=contribution.strip(),
        activity_reference=activity_reference.strip(),
        activity=activity,
        created_by=acting_user(actor),
    )
    audit_record(
        actor=actor,
        action=PartnersAuditAction.CONTACT_LOGGED,
        obj=entry,
        data={"unit": unit.pk, "organisation": organisation.pk, "kind": kind},
    )
    return entry


@transaction.atomic
def organisation_invite(
    *,
    actor: Actor,
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
    ensure_contact_log(actor, unit)
    if not subject.strip() or not message.strip():
        raise ServiceError(
            PartnersErrorCode.MESSAGE_REQUIRED, _("Write a subject and a message."), field="message"
        )
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
        action=PartnersAuditAction.ORGANISATION_INVITED,
        obj=organisation,
        data={"unit": unit.pk, "recipients": len(recipients), "nominate": nominate},
    )
    if recipients:
        reply_to = getattr(actor, "email", "") or settings.DEFAULT_FROM_EMAIL
        body = message.strip() + "\n\n— " + unit.name + (f" <{reply_to}>" if reply_to else "")

        def _send() -> None:
            for address in recipients:  # one e-mail each, so addresses are not shared
                send_mail(plaintext.one_line(subject).strip(), body, settings.DEFAULT_FROM_EMAIL, [address])

        transaction.on_commit(_send)
    return entry, len(recipients)


@transaction.atomic
def organisations_import(
    *, actor: Actor, municipality: Municipality, rows: list[dict[str, Any]]
) -> tuple[int, int]:
    """Create the confirmed rows; rows registered in the meantime are skipped. Returns (created, skipped)."""
    ensure_partners(actor, municipality.pk)
    created = skipped = 0
    for r in rows:
        if Organisation.objects.filter(municipality=municipality, org_number=r["org_number"]).exists():
            skipped += 1
            continue
        data = OrganisationData(
            name=r["name"], org_number=r["org_number"], kind=r["kind"], listed_publicly=False
        )
        organisation_create(actor=actor, municipality=municipality, data=data, source="import")
        created += 1
    audit_record(
        actor=actor,
        municipality=municipality,
        action=PartnersAuditAction.ORGANISATION_IMPORTED,
        obj=municipality,
        data={"created": created, "skipped": skipped},
    )
    return created, skipped
