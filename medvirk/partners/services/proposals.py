"""Writes for self-service proposals from the public: submit, accept (applies it) or reject.

Moderating needs ``PARTNERS_MANAGE`` in the municipality; accepting applies the proposal through
the same services as the register's own pages, so it is audited and checked the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.accounts.access import Actor, acting_user
from medvirk.analysis.text import without_national_ids
from medvirk.common import languages
from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import Municipality

from ..enums import PartnersAuditAction, PartnersErrorCode
from ..models import ContactPerson, Organisation, Proposal, ProposalStatus
from ..proposals import CONSENT_PURPOSE, client_hash, proposal_is_throttled
from .organisations import (
    OrganisationData,
    clean_org_number,
    contact_person_add,
    ensure_partners,
    organisation_create,
    organisation_update,
)


@transaction.atomic
def proposal_submit(
    *,
    actor: Actor,
    municipality: Municipality,
    organisation: Organisation | None,
    data: OrganisationData,
    contact: dict[str, Any] | None,
    consent: bool,
    message: str,
    client: str,
) -> Proposal:
    """Store a proposal for moderation; contact details are kept only with consent.

    The public propose page acts as Medvirk itself (a ``SystemActor``): the proposer is no staff
    user, and nothing changes in the register until a moderator accepts the proposal.
    """
    ensure_partners(actor, municipality.pk)
    if organisation is not None and organisation.municipality_id != municipality.pk:
        raise ServiceError(PartnersErrorCode.NOT_FOUND, _("Not found."))
    if proposal_is_throttled(municipality=municipality, client=client):
        raise ServiceError(
            PartnersErrorCode.RATE_LIMITED,
            _("You have sent several proposals in a short time. Please try again later."),
        )
    data.org_number = clean_org_number(data.org_number)
    # From anyone on the internet, kept as JSON until a moderator accepts it (the receiver in
    # core/plaintext.py cleans columns, not JSON): no override to turn the moderator's page around
    # and no national identity number (the name, description and website become public).
    for name in ("name", "description", "website", "partner_support"):
        text = getattr(data, name)
        setattr(data, name, without_national_ids(languages.without_bidi_controls(text)))
    contact = {k: (v or "").strip() for k, v in (contact or {}).items() if (v or "").strip()}
    if contact and not consent:
        raise ServiceError(
            PartnersErrorCode.CONSENT_REQUIRED,
            _("Tick the box to let us store the contact details, or leave them empty."),
            field="consent",
        )
    return Proposal.objects.create(
        municipality=municipality,
        organisation=organisation,
        data=data.as_json(),
        contact=contact if consent else {},
        message=without_national_ids(message).strip(),  # staff read it; Medvirk keeps no fødselsnummer
        client_hash=client_hash(client),
    )


def _decide(proposal: Proposal, actor: Actor, status: str, note: str) -> None:
    ensure_partners(actor, proposal.municipality_id)
    if proposal.status != ProposalStatus.PENDING:
        raise ServiceError(PartnersErrorCode.ALREADY_DECIDED, _("This proposal has already been moderated."))
    proposal.status = status
    proposal.decided_by = acting_user(actor)
    proposal.decided_at = timezone.now()
    proposal.decision_note = note.strip()


@transaction.atomic
def proposal_accept(*, actor: Actor, proposal: Proposal, note: str = "") -> Organisation:
    """Apply a proposal to the register (new entry or update) and add its consenting contact."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _decide(proposal, actor, ProposalStatus.ACCEPTED, note)
    data = OrganisationData.from_dict(proposal.data)
    if proposal.organisation is not None:
        organisation = organisation_update(
            actor=actor, organisation=proposal.organisation, data=data, source="proposal"
        )
    else:
        organisation = organisation_create(
            actor=actor, municipality=proposal.municipality, data=data, source="proposal"
        )
        proposal.organisation = organisation
    contact = proposal.contact
    if contact.get("name") and (contact.get("email") or contact.get("phone")):
        contact_person_add(
            actor=actor,
            organisation=organisation,
            name=contact["name"],
            email=contact.get("email", ""),
            phone=contact.get("phone", ""),
            consent=True,
            consent_purpose=CONSENT_PURPOSE,
            consent_on=timezone.localdate(proposal.created_at),
        )
    proposal.contact = {}  # now stored as a contact person; no second copy
    proposal.save()
    audit_record(
        actor=actor,
        action=PartnersAuditAction.PROPOSAL_ACCEPTED,
        obj=proposal,
        data={"organisation": organisation.pk},
    )
    return organisation


@transaction.atomic
def proposal_reject(*, actor: Actor, proposal: Proposal, note: str = "") -> Proposal:
    """Reject a proposal and delete the contact details it carried."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _decide(proposal, actor, ProposalStatus.REJECTED, note)
    proposal.contact = {}
    proposal.save()
    audit_record(actor=actor, action=PartnersAuditAction.PROPOSAL_REJECTED, obj=proposal)
    return proposal


def contact_details_purge_expired(
    *, actor: SystemActor, municipality_id: int, cutoff: datetime, dry_run: bool = False
) -> int:
    """Delete contact persons whose consent is older than ``cutoff``, and clear the contact details
    of proposals sent before it; return how many records (the daily purge does this).

    Organisations and their contact log stay: they describe organisations, not people.
    """
    ensure_system(actor, "Deleting contact persons after the retention period")
    persons = ContactPerson.objects.filter(municipality_id=municipality_id, consent_on__lt=cutoff.date())
    proposals = Proposal.objects.filter(municipality_id=municipality_id, created_at__lt=cutoff).exclude(
        contact={}
    )
    if dry_run:
        return persons.count() + proposals.count()
    deleted, _by_model = persons.delete()
    cleared = proposals.update(contact={})
    return deleted + cleared
