"""Checked vocabulary of ``partners``: its error codes and audit actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.audit import AuditAction
from medvirk.core.errors import ErrorCode


class PartnersErrorCode(ErrorCode):
    """Codes of the errors ``partners``'s services raise (the API returns them as ``code``)."""

    ALREADY_DECIDED = "already_decided"
    CONSENT_REQUIRED = "consent_required"
    CONTACT_REQUIRED = "contact_required"
    DUPLICATE_ORG_NUMBER = "duplicate_org_number"
    INVALID_CHOICE = "invalid_choice"
    INVALID_DISTRICT = "invalid_district"
    INVALID_KIND = "invalid_kind"
    INVALID_ORG_NUMBER = "invalid_org_number"
    INVALID_ORGANISATION = "invalid_organisation"
    INVALID_PERIOD = "invalid_period"
    INVALID_PHONE = "invalid_phone"
    INVALID_YEAR = "invalid_year"
    MESSAGE_REQUIRED = "message_required"
    NAME_REQUIRED = "name_required"
    NOT_FOUND = "not_found"
    PURPOSE_REQUIRED = "purpose_required"
    RATE_LIMITED = "rate_limited"
    UNKNOWN_GROUP = "unknown_group"


class PartnersAuditAction(AuditAction):
    """What ``partners`` writes to the audit log; the label is what the audit page shows."""

    CONTACT_LOGGED = "contact.logged", _("Contact with organisation logged")
    CONTACT_PERSON_ADDED = "contact_person.added", _("Contact person added")
    CONTACT_PERSON_REMOVED = "contact_person.removed", _("Contact person removed")
    MAPPING_SAVED = "mapping.saved", _("Yearly organisation mapping saved")
    ORGANISATION_CREATED = "organisation.created", _("Organisation registered")
    ORGANISATION_IMPORTED = "organisation.imported", _("Organisations imported")
    ORGANISATION_INVITED = "organisation.invited", _("Organisation invited")
    ORGANISATION_UPDATED = "organisation.updated", _("Organisation updated")
    PROPOSAL_ACCEPTED = "proposal.accepted", _("Organisation proposal accepted")
    PROPOSAL_REJECTED = "proposal.rejected", _("Organisation proposal rejected")
