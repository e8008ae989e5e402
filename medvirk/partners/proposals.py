"""Self-service proposals from the public: submit (rate-limited), accept (applies it) or reject."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import Municipality

from . import services
from .models import Organisation, Proposal, ProposalStatus
from .services import OrganisationData

PROPOSALS_PER_HOUR = 5
CONSENT_PURPOSE = "Contact about the municipality's user participation (self-service proposal)"


def client_hash(address: str) -> str:
    """Return a keyed hash of a client address; the address itself is never stored."""
    return hmac.new(settings.SECRET_KEY.encode(), b"partners:" + address.encode(), hashlib.sha256).hexdigest()


def proposal_is_throttled(*, municipality: Municipality, client: str) -> bool:
    """Return whether this client has sent too many proposals in the last hour."""
    since = timezone.now() - timedelta(hours=1)
    limit = getattr(settings, "PARTNERS_PROPOSALS_PER_HOUR", PROPOSALS_PER_HOUR)
    recent = Proposal.objects.filter(created_at__gte=since, client_hash=client_hash(client))
    return recent.count() >= limit


@transaction.atomic
def proposal_submit(
    *,
    municipality: Municipality,
    organisation: Organisation | None,
    data: OrganisationData,
    contact: dict[str, Any] | None,
    consent: bool,
    message: str,
    client: str,
) -> Proposal:
    """Store a proposal for moderation; contact details are kept only with consent."""
    if organisation is not None and organisation.municipality_id != municipality.pk:
        raise ServiceError("not_found", _("Not found."))
    if proposal_is_throttled(municipality=municipality, client=client):
        raise ServiceError(
            "rate_limited", _("You have sent several proposals in a short time. Please try again later.")
        )
    data.org_number = services.clean_org_number(data.org_number)
    contact = {k: (v or "").strip() for k, v in (contact or {}).items() if (v or "").strip()}
    if contact and not consent:
        raise ServiceError(
            "consent_required",
            _("Tick the box to let us store the contact details, or leave them empty."),
            field="consent",
        )
    return Proposal.objects.create(
        municipality=municipality,
        organisation=organisation,
        data=data.as_json(),
        contact=contact if consent else {},
        message=message.strip(),
        client_hash=client_hash(client),
    )


def _decide(proposal: Proposal, actor: Any, status: str, note: str) -> None:
    if proposal.status != ProposalStatus.PENDING:
        raise ServiceError("already_decided", _("This proposal has already been moderated."))
    proposal.status = status
    proposal.decided_by = actor if getattr(actor, "pk", None) else None
    proposal.decided_at = timezone.now()
    proposal.decision_note = note.strip()


@transaction.atomic
def proposal_accept(*, actor: Any, proposal: Proposal, note: str = "") -> Organisation:
    """Apply a proposal to the register (new entry or update) and add its consenting contact."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _decide(proposal, actor, ProposalStatus.ACCEPTED, note)
    data = OrganisationData.from_dict(proposal.data)
    if proposal.organisation_id:
        organisation = services.organisation_update(
            actor=actor, organisation=proposal.organisation, data=data, source="proposal"
        )
    else:
        organisation = services.organisation_create(
            actor=actor, municipality=proposal.municipality, data=data, source="proposal"
        )
        proposal.organisation = organisation
    contact = proposal.contact
    if contact.get("name") and (contact.get("email") or contact.get("phone")):
        services.contact_person_add(
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
        municipality=proposal.municipality,
        action="partners.proposal_accepted",
        obj=proposal,
        data={"organisation": organisation.pk},
    )
    return organisation


@transaction.atomic
def proposal_reject(*, actor: Any, proposal: Proposal, note: str = "") -> Proposal:
    """Reject a proposal and delete the contact details it carried."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _decide(proposal, actor, ProposalStatus.REJECTED, note)
    proposal.contact = {}
    proposal.save()
    audit_record(
        actor=actor, municipality=proposal.municipality, action="partners.proposal_rejected", obj=proposal
    )
    return proposal
