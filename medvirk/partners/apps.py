from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "medvirk.partners"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from medvirk.core.audit import audit_values_register, field_labels

        from .enums import PartnersAuditAction as Action
        from .mapping import group_name
        from .models import ContactKind, Organisation

        # The audit log says kinds of contact, changed fields and groups by name; unit ids are left out.
        audit_values_register(key="kind", describe=dict(ContactKind.choices), actions=[Action.CONTACT_LOGGED])
        audit_values_register(
            key="changed", describe=field_labels(Organisation), actions=[Action.ORGANISATION_UPDATED]
        )
        audit_values_register(
            key="gaps",
            describe=lambda keys: [group_name(k) for k in keys],
            actions=[Action.MAPPING_SAVED],
        )
        sources = {
            "demo": _("demo data"),
            "import": _("CSV import"),
            "api": _("API"),
            "proposal": _("proposal from the public page"),
            "form": _("form"),
        }
        every = list(Action)
        audit_values_register(key="source", describe=sources, actions=every)
        audit_values_register(key="unit", describe=lambda value: None, actions=every)
