"""Checked vocabulary of ``feedback``: its error codes and audit actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.audit import AuditAction
from medvirk.core.errors import ErrorCode


class FeedbackErrorCode(ErrorCode):
    """Codes of the errors ``feedback``'s services raise (the API returns them as ``code``)."""

    ALIAS_REQUIRED = "alias_required"
    ALIAS_IS_ID = "alias_is_id"
    BIRTH_YEAR_INVALID = "birth_year_invalid"
    CATEGORY_INVALID = "category_invalid"
    CONTACT_INVALID = "contact_invalid"
    DATE_INVALID = "date_invalid"
    EPISODE_CLOSED = "episode_closed"
    END_REASON_INVALID = "end_reason_invalid"
    GOAL_REQUIRED = "goal_required"
    GOAL_TOO_MANY = "goal_too_many"
    INSTRUMENT_INVALID = "instrument_invalid"
    INSTRUMENT_EXISTS = "instrument_exists"
    INSTRUMENT_NOT_READY = "instrument_not_ready"
    INSTRUMENT_PURPOSE = "instrument_purpose"
    INSTRUMENT_OUTSIDE = "instrument_outside"
    LANGUAGE_INVALID = "language_invalid"
    LINK_INVALID = "link_invalid"
    MEMBER_EXISTS = "member_exists"
    MEMBER_LAST = "member_last"
    MEMBER_NOT_PRACTITIONER = "member_not_practitioner"
    NAME_REQUIRED = "name_required"
    RATER_INVALID = "rater_invalid"
    RATING_EXISTS = "rating_exists"
    RATING_INVALID = "rating_invalid"
    RETENTION_INVALID = "retention_invalid"
    SERVICE_EXISTS = "service_exists"
    SETTING_INVALID = "setting_invalid"
    STATEMENT_REQUIRED = "statement_required"
    TEXT_INVALID = "text_invalid"
    UNKNOWN_INSTRUMENT = "unknown_instrument"


class FeedbackAuditAction(AuditAction):
    """What ``feedback`` writes to the audit log; the label is what the audit page shows.

    Reads of individual records are audited too (``episode.read``): who read which client's
    record, when and on which page, so a client's access log can be given on request.
    """

    CONVERSATION_RECORDED = "conversation.recorded", _("'What matters to you?' conversation recorded")
    EPISODE_ANONYMISED = (
        "episode.anonymised",
        _("Client feedback episode anonymised after its retention period"),
    )
    EPISODE_CLOSED = "episode.closed", _("Client feedback episode closed")
    EPISODE_EXPORTED = "episode.exported", _("Client's record exported on request")
    EPISODE_MEMBER_ADDED = "episode.member_added", _("Practitioner added to an episode")
    EPISODE_MEMBER_REMOVED = "episode.member_removed", _("Practitioner removed from an episode")
    EPISODE_OPENED = "episode.opened", _("Client feedback episode opened")
    EPISODE_READ = "episode.read", _("Client's record read")
    EPISODE_UPDATED = "episode.updated", _("Client feedback episode changed")
    FEEDBACK_FINDING_CREATED = (
        "feedback.finding_created",
        _("Finding created from 'What matters to you?' goals"),
    )
    GOAL_CHANGED = "goal.changed", _("Client's goals changed")
    INSTRUMENT_LOADED = "instrument.loaded", _("Instrument definition loaded")
    INSTRUMENT_TEXTS_PASTED = "instrument.texts_pasted", _("Licensed instrument texts pasted")
    LINK_CREATED = "link.created", _("Client link created")
    LINK_REVOKED = "link.revoked", _("Client link revoked")
    RATER_ADDED = "rater.added", _("Collateral rater added")
    RATING_RECORDED = "rating.recorded", _("Client rating recorded")
    RETENTION_SET = "retention.set", _("Retention period for client feedback set")
    SERVICE_CREATED = "service.created", _("Client feedback service created")
    SERVICE_UPDATED = "service.updated", _("Client feedback service changed")
    SESSION_RECORDED = "session.recorded", _("Session recorded")
