from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "medvirk.feedback"
    verbose_name = _("Client feedback")

    def ready(self) -> None:
        from . import signals  # noqa: F401 — moves the dashboard's data version
