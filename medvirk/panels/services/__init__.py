"""Writes of the panels module: each function is one complete change that checks its actor.

The volunteers' pool (``volunteers``), panels, quotas and the draw (``panels``), user councils
(``councils``).
"""

from .councils import (
    REMIND_DAYS,
    council_create,
    council_decision_add,
    council_meeting_add,
    council_meeting_link,
    council_member_add,
    council_member_remove,
    council_member_renew,
    council_terms_remind,
)
from .panels import (
    MAX_PANEL_SIZE,
    member_decline,
    panel_create,
    panel_members_export_record,
    panel_select,
    panel_select_start,
    panel_update,
    quotas_set,
)
from .volunteers import (
    CONFIRM_MAX_AGE,
    CONFIRM_SALT,
    IMPORT_CONSENT,
    VOLUNTEER_EDITABLE,
    VolunteerData,
    confirm_token,
    ensure_panels,
    token_hash,
    volunteer_confirm,
    volunteer_identity_link,
    volunteer_signup,
    volunteer_update,
    volunteer_withdraw,
    volunteers_import,
    volunteers_purge_expired,
)

__all__ = [
    "CONFIRM_MAX_AGE",
    "CONFIRM_SALT",
    "IMPORT_CONSENT",
    "MAX_PANEL_SIZE",
    "REMIND_DAYS",
    "VOLUNTEER_EDITABLE",
    "VolunteerData",
    "confirm_token",
    "council_create",
    "council_decision_add",
    "council_meeting_add",
    "council_meeting_link",
    "council_member_add",
    "council_member_remove",
    "council_member_renew",
    "council_terms_remind",
    "ensure_panels",
    "member_decline",
    "panel_create",
    "panel_members_export_record",
    "panel_select",
    "panel_select_start",
    "panel_update",
    "quotas_set",
    "token_hash",
    "volunteer_confirm",
    "volunteer_identity_link",
    "volunteer_signup",
    "volunteer_update",
    "volunteer_withdraw",
    "volunteers_import",
    "volunteers_purge_expired",
]
