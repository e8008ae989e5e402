"""Checked vocabulary of ``surveys``: its error codes and audit actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.audit import AuditAction
from medvirk.core.errors import ErrorCode


class SurveysErrorCode(ErrorCode):
    """Codes of the errors ``surveys``'s services raise (the API returns them as ``code``)."""

    ALREADY_SUBMITTED = "already_submitted"
    ANSWERS_INVALID = "answers_invalid"
    BUILDER_REFUSED = "builder_refused"
    COUNT_INVALID = "count_invalid"
    DATES_INVALID = "dates_invalid"
    DEFINITION_INVALID = "definition_invalid"
    DEFINITION_REQUIRED = "definition_required"
    FILE_INVALID = "file_invalid"
    FILE_REQUIRED = "file_required"
    FILE_TOO_LARGE = "file_too_large"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    LANGUAGE_INVALID = "language_invalid"
    LOCAL_LIMIT = "local_limit"
    LOCAL_UNKNOWN = "local_unknown"
    REQUIRED_MISSING = "required_missing"
    ROUND_EXISTS = "round_exists"
    ROUND_FINAL = "round_final"
    ROUND_REQUIRED = "round_required"
    SECTION_UNKNOWN = "section_unknown"
    STATUS_INVALID = "status_invalid"
    TARGET_INVALID = "target_invalid"
    SURVEY_CLOSED = "survey_closed"
    TEMPLATE_UNKNOWN = "template_unknown"
    THRESHOLD_LOW = "threshold_low"
    TYPE_CHANGE = "type_change"
    TYPE_INVALID = "type_invalid"
    UNIT_OUTSIDE = "unit_outside"
    UNITS_REQUIRED = "units_required"


class SurveysAuditAction(AuditAction):
    """What ``surveys`` writes to the audit log; the label is what the audit page shows."""

    SURVEY_CODES_CREATED = "survey.codes_created", _("Single-use codes created")
    SURVEY_CREATED = "survey.created", _("Survey created")
    SURVEY_DEFINITION_CHANGED = "survey.definition_changed", _("Survey questions changed")
    SURVEY_QUESTION_REWORDED = "survey.question_reworded", _("Wording of an answered question changed")
    SURVEY_LANGUAGE_PUBLISHED = "survey.language_published", _("Language offered with texts missing")
    SURVEY_INVITATIONS_SENT = "survey.invitations_sent", _("Invitations sent")
    SURVEY_REMINDERS_SENT = "survey.reminders_sent", _("Reminders sent")
    SURVEY_STATUS_CHANGED = "survey.status_changed", _("Survey opened or closed")
    SURVEY_TARGET_CHANGED = "survey.target_changed", _("Survey's target group changed")
    SURVEY_USER_COUNT_SET = "survey.user_count_set", _("Number of users entered")
