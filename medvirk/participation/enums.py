"""Checked vocabulary of ``participation``: its error codes and audit actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.audit import AuditAction
from medvirk.core.errors import ErrorCode


class ParticipationErrorCode(ErrorCode):
    """Codes of the errors ``participation``'s services raise (the API returns them as ``code``)."""

    ALREADY_SHARED = "already_shared"
    COMPOSITION_INVALID = "composition_invalid"
    COMPOSITION_TOO_MANY = "composition_too_many"
    DATES_ORDER = "dates_order"
    EVALUATION_EXISTS = "evaluation_exists"
    EVIDENCE_OUTSIDE = "evidence_outside"
    FILE_CONTENT = "file_content"
    FILE_REQUIRED = "file_required"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE = "file_type"
    FINDING_OUTSIDE = "finding_outside"
    NATIONAL_ID = "national_id"
    NOTES_REQUIRED = "notes_required"
    OWNER_OUTSIDE = "owner_outside"
    PARTICIPANTS_INVALID = "participants_invalid"
    PARTNER_SELF = "partner_self"
    PROGRESS_INVALID = "progress_invalid"
    REASON_REQUIRED = "reason_required"
    STATEMENT_REQUIRED = "statement_required"
    STATUS_INVALID = "status_invalid"
    SURVEY_OUTSIDE = "survey_outside"
    TITLE_REQUIRED = "title_required"
    TOO_FEW = "too_few"
    UNIT_OUTSIDE = "unit_outside"
    YEAR_INVALID = "year_invalid"


class ParticipationAuditAction(AuditAction):
    """What ``participation`` writes to the audit log; the label is what the audit page shows."""

    ACTIVITY_ATTACHMENT_ADDED = "activity.attachment_added", _("Attachment added to an activity")
    ACTIVITY_CREATED = "activity.created", _("Participation activity created")
    ACTIVITY_DOCUMENTED = "activity.documented", _("Participation activity documented")
    ACTIVITY_EVALUATION_CREATED = "activity.evaluation_created", _("Participants' evaluation created")
    ACTIVITY_SURVEY_LINKED = "activity.survey_linked", _("Survey round recorded as a participation activity")
    ACTIVITY_UPDATED = "activity.updated", _("Participation activity updated")
    CYCLE_REMINDED = "cycle.reminded", _("Unit leaders reminded of the yearly participation checklist")
    CYCLE_UPDATED = "cycle.updated", _("Yearly participation checklist updated")
    FINDING_CREATED = "finding.created", _("Finding created")
    FINDING_UPDATED = "finding.updated", _("Finding updated")
    MEASURE_CREATED = "measure.created", _("Measure created")
    MEASURE_REMINDED = "measure.reminded", _("Measure owner reminded")
    MEASURE_STATUS_CHANGED = "measure.status_changed", _("Measure status or progress updated")
    MEASURE_UPDATED = "measure.updated", _("Measure updated")
    SHARING_GRANTED = "sharing.granted", _("Participation figures shared with another municipality")
    SHARING_REVOKED = "sharing.revoked", _("Sharing of participation figures stopped")
