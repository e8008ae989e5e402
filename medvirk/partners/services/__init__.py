"""Writes of the organisations register: each function is one complete change that checks its actor.

Organisations, contact persons, the contact log, invitations and imports (``organisations``),
the public's proposals (``proposals``), a unit's yearly mapping (``mapping``).
"""

from .mapping import mapping_save
from .organisations import (
    OrganisationData,
    clean_org_number,
    clean_phone,
    contact_log_add,
    contact_person_add,
    contact_person_remove,
    ensure_contact_log,
    ensure_partners,
    organisation_create,
    organisation_invite,
    organisation_update,
    organisations_import,
)
from .proposals import contact_details_purge_expired, proposal_accept, proposal_reject, proposal_submit

__all__ = [
    "OrganisationData",
    "clean_org_number",
    "clean_phone",
    "contact_details_purge_expired",
    "contact_log_add",
    "contact_person_add",
    "contact_person_remove",
    "ensure_contact_log",
    "ensure_partners",
    "mapping_save",
    "organisation_create",
    "organisation_invite",
    "organisation_update",
    "organisations_import",
    "proposal_accept",
    "proposal_reject",
    "proposal_submit",
]
