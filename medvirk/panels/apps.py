from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PanelsConfig(AppConfig):
    name = "medvirk.panels"
    verbose_name = _("Panels and councils")

    def ready(self) -> None:
        from medvirk.core.audit import audit_values_register, field_labels

        from .choices import PanelMethod
        from .enums import PanelsAuditAction as Action
        from .models import Volunteer

        # The audit log says the drawing method and a volunteer's changed fields by name.
        audit_values_register(
            key="method", describe=dict(PanelMethod.choices), actions=[Action.PANEL_SELECTED]
        )
        audit_values_register(
            key="fields", describe=field_labels(Volunteer), actions=[Action.VOLUNTEER_UPDATED]
        )
