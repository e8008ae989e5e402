from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PopulationConfig(AppConfig):
    name = "medvirk.population"
    label = "population"
    verbose_name = _("Population data")
