from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "medvirk.participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from medvirk.core.audit import audit_values_register, field_labels

        from .models import Activity, ActivityKind, Ladder, Measure, MeasureStatus

        # The audit log says kinds, ladder levels, statuses and changed fields by name.
        audit_values_register(key="kind", describe=dict(ActivityKind.choices), actions=["activity."])
        audit_values_register(key="ladder", describe=dict(Ladder.choices), actions=["activity."])
        audit_values_register(key="fields", describe=field_labels(Activity), actions=["activity.updated"])
        audit_values_register(key="status", describe=dict(MeasureStatus.choices), actions=["measure."])
        audit_values_register(key="fields", describe=field_labels(Measure), actions=["measure.updated"])
