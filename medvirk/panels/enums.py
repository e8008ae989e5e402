"""Checked vocabulary of ``panels``: its error codes and audit actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.audit import AuditAction
from medvirk.core.errors import ErrorCode


class PanelsErrorCode(ErrorCode):
    """Codes of the errors ``panels``'s services raise (the API returns them as ``code``)."""

    ACTIVITY_OUTSIDE = "activity_outside"
    ALREADY_DECLINED = "already_declined"
    BAD_TERM = "bad_term"
    BAD_BOUNDS = "bad_bounds"
    BAD_FEATURE = "bad_feature"
    BAD_SIZE = "bad_size"
    CHOOSE_ONE = "choose_one"
    CONSENT_REQUIRED = "consent_required"
    DRAW_RUNNING = "draw_running"
    DRAW_UNFINISHED = "draw_unfinished"
    DUPLICATE_NAME = "duplicate_name"
    DUPLICATE_QUOTA = "duplicate_quota"
    INFEASIBLE = "infeasible"
    INVALID_VALUE = "invalid_value"
    NAME_REQUIRED = "name_required"
    NOT_COUNCIL_MEETING = "not_council_meeting"
    NOT_DRAFT = "not_draft"
    NOT_SELECTED = "not_selected"
    PANEL_CHANGED = "panel_changed"
    POOL_CHANGED = "pool_changed"
    POOL_TOO_LARGE = "pool_too_large"
    REPLACEMENT_FAILED = "replacement_failed"
    REPLACEMENT_UNFINISHED = "replacement_unfinished"
    SELECTION_FAILED = "selection_failed"
    TITLE_REQUIRED = "title_required"
    UNKNOWN_FIELD = "unknown_field"


class PanelsAuditAction(AuditAction):
    """What ``panels`` writes to the audit log; the label is what the audit page shows."""

    COUNCIL_CREATED = "council.created", _("Council created")
    COUNCIL_DECISION_ADDED = "council.decision_added", _("Council decision logged")
    COUNCIL_MEETING_ADDED = "council.meeting_added", _("Council meeting added")
    COUNCIL_MEETING_LINKED = "council.meeting_linked", _("Council meeting linked to a participation activity")
    COUNCIL_MEMBER_ADDED = "council.member_added", _("Council member added")
    COUNCIL_MEMBER_REMOVED = "council.member_removed", _("Council member removed")
    COUNCIL_MEMBER_RENEWED = "council.member_renewed", _("Council member's term renewed")
    PANEL_CREATED = "panel.created", _("Panel created")
    PANEL_MEMBER_REPLACED = "panel.member_replaced", _("Panel member replaced")
    PANEL_MEMBERS_EXPORTED = "panel.members_exported", _("List of drawn panel members downloaded")
    PANEL_SELECTED = "panel.selected", _("Panel selected by lot")
    PANEL_UPDATED = "panel.updated", _("Panel or quotas changed")
    VOLUNTEER_IMPORTED = "volunteer.imported", _("Volunteers imported")
    VOLUNTEER_UPDATED = "volunteer.updated", _("Volunteer's details changed by staff")
