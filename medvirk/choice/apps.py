from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChoiceConfig(AppConfig):
    name = "medvirk.choice"
    label = "choice"
    verbose_name = _("Choice of provider")
