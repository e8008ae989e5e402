from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "medvirk.accounts"
    label = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self) -> None:
        from medvirk.core.audit import audit_values_register, changed_from_to, field_labels
        from medvirk.orgs.models import Municipality, ServiceArea, UnitKind

        from .models import Role

        # The audit log says roles, kinds of unit and service areas by name.
        audit_values_register(key="role", describe=dict(Role.choices), actions=["role."])
        audit_values_register(key="kind", describe=dict(UnitKind.choices), actions=["unit.created"])
        # an edit stores [before, after] for each field it changed
        for key, labels in (("kind", dict(UnitKind.choices)), ("service_area", dict(ServiceArea.choices))):
            audit_values_register(key=key, describe=changed_from_to(labels), actions=["unit.updated"])
        for key in ("name", "region_code", "org_number", "unit_code"):
            audit_values_register(key=key, describe=changed_from_to({}), actions=["unit.updated"])
        audit_values_register(
            key="changed",
            describe=field_labels(Municipality) | {"logo": _("logo")},
            actions=["municipality."],
        )
        for key in ("from", "to"):  # a move stores the old and new parent's ids
            audit_values_register(key=key, describe=lambda value: None, actions=["unit.moved"])
