"""Checked vocabulary of ``insights``: its error codes and audit actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.audit import AuditAction
from medvirk.core.errors import ErrorCode


class InsightsErrorCode(ErrorCode):
    """Codes of the errors ``insights``'s services raise (the API returns them as ``code``)."""

    ANONYMITY_MODE = "anonymity_mode"
    EXPORT_NOT_ALLOWED = "export_not_allowed"
    EXPORT_TOO_LARGE = "export_too_large"
    INVALID_FORMAT = "invalid_format"
    #: An open round's answer figures are asked for: they are released when it closes (409).
    ROUND_OPEN = "round_open"
    SURVEY_GONE = "survey_gone"
    TOO_FEW_RESPONSES = "too_few_responses"


class InsightsAuditAction(AuditAction):
    """What ``insights`` writes to the audit log; the label is what the audit page shows."""

    RESULTS_RAW_EXPORTED = "results.raw_exported", _("Response-level results exported")
