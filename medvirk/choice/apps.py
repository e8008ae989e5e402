from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChoiceConfig(AppConfig):
    name = "medvirk.choice"
    verbose_name = _("Choice of provider")

    def ready(self) -> None:
        from medvirk.core.audit import audit_values_register, field_labels, local_date

        from .enums import ChoiceAuditAction
        from .models import ChoiceService, Provider
        from .types import ProviderKind

        # The audit log says dates as dates, a provider's kind and changed fields by name; ids of
        # providers and units are left out (the event's object says what it is about).
        every = [action.value for action in ChoiceAuditAction]
        for key in ("starts_on", "effective_on", "last_day", "until"):
            audit_values_register(key=key, describe=local_date, actions=every)
        audit_values_register(key="from", describe=local_date, actions=["approval.saved"])
        for key in ("from", "to"):
            audit_values_register(key=key, describe=lambda value: None, actions=["switch.registered"])
        audit_values_register(
            key="kind", describe=dict(ProviderKind.choices), actions=["provider.registered"]
        )
        audit_values_register(key="unit", describe=lambda value: None, actions=["provider.registered"])
        audit_values_register(key="fields", describe=field_labels(Provider), actions=["provider.updated"])
        audit_values_register(
            key="fields", describe=field_labels(ChoiceService), actions=["choice_service.updated"]
        )
        audit_values_register(key="value", describe=staff_per_client_words, actions=["continuity.reported"])


def staff_per_client_words(value: Any) -> str:
    """Say a continuity report's figure ("8.4", as stored) in words and the language's decimals."""
    from decimal import Decimal

    from django.utils.formats import number_format
    from django.utils.translation import gettext

    return gettext("%(value)s different staff per client in four weeks (average)") % {
        "value": number_format(Decimal(value), 1)
    }
