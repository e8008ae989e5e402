from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "medvirk.insights"
    verbose_name = _("Results and equity")

    def ready(self) -> None:
        from medvirk.core.audit import audit_values_register

        # The audit log names the export's format; the unit is the event's object already.
        audit_values_register(
            key="format",
            describe={"csv": "CSV", "xlsx": "Excel", "sav": "SPSS"},
            actions=["results.raw_exported"],
        )
        audit_values_register(key="unit", describe=lambda value: None, actions=["results.raw_exported"])
