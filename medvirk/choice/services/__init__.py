"""Writes of free choice of provider: each function is one complete change that checks its actor.

Services with choice, providers, approvals and continuity (``setup``); clients, choices,
defaults, switches and ending (``cases``) and their e-mails to providers (``notices``); a
confirmed CSV import (``imports``); requests from the public page (``requests``).
"""

from .cases import (
    Background,
    check_can_take,
    choice_record,
    clean_alias,
    clean_background,
    clean_reasons,
    client_end,
    client_register,
    clients_awaiting_default,
    default_apply,
    defaults_apply_all,
    defaults_apply_due,
    ensure_cases,
    switch_cancel,
    switch_register,
)
from .imports import clients_import
from .requests import (
    RequestData,
    VerifiedIdentity,
    online_request_close,
    online_request_match,
    online_request_submit,
)
from .setup import (
    SERVICE_FIELDS,
    ProviderData,
    approval_save,
    clean_areas,
    continuity_report,
    provider_register,
    provider_update,
    service_create,
    service_update,
)

__all__ = [
    "SERVICE_FIELDS",
    "Background",
    "ProviderData",
    "RequestData",
    "VerifiedIdentity",
    "approval_save",
    "check_can_take",
    "choice_record",
    "clean_alias",
    "clean_areas",
    "clean_background",
    "clean_reasons",
    "client_end",
    "client_register",
    "clients_awaiting_default",
    "clients_import",
    "continuity_report",
    "default_apply",
    "defaults_apply_all",
    "defaults_apply_due",
    "ensure_cases",
    "online_request_close",
    "online_request_match",
    "online_request_submit",
    "provider_register",
    "provider_update",
    "service_create",
    "service_update",
    "switch_cancel",
    "switch_register",
]
