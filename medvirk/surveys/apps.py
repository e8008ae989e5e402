from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "medvirk.surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from django.utils.translation import get_language

        from medvirk.core.audit import audit_values_register

        from .design.bank import list_templates, template_title
        from .models import SurveyStatus

        # The audit log says a survey's status and its question-bank template by name.
        for key in ("from", "to"):
            audit_values_register(
                key=key, describe=dict(SurveyStatus.choices), actions=["survey.status_changed"]
            )
        audit_values_register(
            key="series",
            describe=lambda key: (
                template_title(key, (get_language() or "nb")[:2]) if key in list_templates() else None
            ),
            actions=["survey.created"],
        )
        from . import signals  # noqa: F401 — connects the receivers
