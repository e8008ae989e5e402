from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PopulationConfig(AppConfig):
    name = "medvirk.population"
    verbose_name = _("Population data")

    def ready(self) -> None:
        from medvirk.core.audit import audit_values_register

        from .selectors import category_name, dimension_name

        # The audit log says dimensions and categories by name.
        audit_values_register(
            key="dimension", describe=dimension_name, actions=["population.user_counts_set"]
        )
        for key in ("from", "to"):
            audit_values_register(key=key, describe=category_name, actions=["population.mapping_corrected"])
