"""Checked vocabulary of ``choice``: its error codes and audit actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.audit import AuditAction
from medvirk.core.errors import ErrorCode


class ChoiceErrorCode(ErrorCode):
    """Codes of the errors ``choice``'s services raise (the API returns them as ``code``)."""

    ALIAS_IS_NATIONAL_ID = "alias_is_national_id"
    ALIAS_REQUIRED = "alias_required"
    ALIAS_TAKEN = "alias_taken"
    ALREADY_CHOSEN = "already_chosen"
    ALREADY_HANDLED = "already_handled"
    AREA_NOT_SERVED = "area_not_served"
    CAPACITY_FULL = "capacity_full"
    CLIENT_ENDED = "client_ended"
    DEADLINE_NOT_PASSED = "deadline_not_passed"
    DEADLINE_PASSED = "deadline_passed"
    INVALID_AREA = "invalid_area"
    INVALID_BACKGROUND = "invalid_background"
    INVALID_DATE = "invalid_date"
    INVALID_DAYS = "invalid_days"
    INVALID_LANGUAGE = "invalid_language"
    INVALID_REASON = "invalid_reason"
    INVALID_SPECIALISATION = "invalid_specialisation"
    INVALID_VALUE = "invalid_value"
    IMPORT_INVALID = "import_invalid"
    NAME_REQUIRED = "name_required"
    NAME_TAKEN = "name_taken"
    NO_CURRENT_PROVIDER = "no_current_provider"
    NO_DEFAULT_PROVIDER = "no_default_provider"
    NOT_APPROVED = "not_approved"
    NOT_CANCELLABLE = "not_cancellable"
    OTHER_MUNICIPALITY = "other_municipality"
    PROVIDER_EXISTS = "provider_exists"
    RATE_LIMITED = "rate_limited"
    SAME_PROVIDER = "same_provider"
    SWITCH_PENDING = "switch_pending"
    WRONG_SERVICE = "wrong_service"


class ChoiceAuditAction(AuditAction):
    """What ``choice`` writes to the audit log; the label is what the audit page shows."""

    APPROVAL_SAVED = "approval.saved", _("Provider approval saved")
    CHOICE_RECORDED = "choice.recorded", _("Client's choice of provider registered")
    CHOICE_SERVICE_CREATED = "choice_service.created", _("Service with choice created")
    CHOICE_SERVICE_UPDATED = "choice_service.updated", _("Service with choice changed")
    CLIENT_ENDED = "client.ended", _("Client's service ended")
    CLIENT_REGISTERED = "client.registered", _("Client registered for a service with choice")
    CLIENTS_IMPORTED = "client.imported", _("Current clients imported")
    CONTINUITY_REPORTED = "continuity.reported", _("Continuity reported by a provider")
    DEFAULT_APPLIED = "choice.default_applied", _("Default provider given (no choice in time)")
    FINDING_FROM_SWITCHES = "switch.finding_created", _("Finding made from switch reasons")
    PROVIDER_REGISTERED = "provider.registered", _("Provider registered")
    PROVIDER_UPDATED = "provider.updated", _("Provider changed")
    REQUEST_CLOSED = "choice_request.closed", _("Online choice request closed without a match")
    REQUEST_MATCHED = "choice_request.matched", _("Online choice request matched to a client")
    SWITCH_CANCELLED = "switch.cancelled", _("Switch of provider cancelled")
    SWITCH_REGISTERED = "switch.registered", _("Switch of provider registered")
