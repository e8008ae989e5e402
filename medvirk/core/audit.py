"""Write and describe audit events. Every staff change goes through ``audit_record``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

# Registry of audit actions and their human labels; modules add their own actions here.
ACTION_LABELS: dict[str, Any] = {
    "unit.created": _("Unit created"),
    "unit.updated": _("Unit updated"),
    "unit.moved": _("Unit moved"),
    "role.granted": _("Role granted"),
    "role.revoked": _("Role revoked"),
    "user.created": _("Staff user created"),
    "token.created": _("API token created"),
    "token.revoked": _("API token revoked"),
    "survey.created": _("Survey created"),
    "survey.definition_changed": _("Survey questions changed"),
    "survey.status_changed": _("Survey opened or closed"),
    "survey.codes_created": _("Single-use codes created"),
    "survey.invitations_sent": _("Invitations sent"),
    "survey.reminders_sent": _("Reminders sent"),
    "survey.user_count_set": _("Number of users entered"),
    "population.imported": _("Population table imported"),
    "population.mapping_corrected": _("Population mapping corrected"),
    "population.deleted": _("Population table deleted"),
    "population.user_counts_set": _("Service-user counts entered"),
    "results.raw_exported": _("Response-level results exported"),
}


def audit_record(
    *,
    actor: Any,
    municipality: Any,
    action: str,
    obj: Any,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Store one audit event for ``obj``; call inside the service's transaction."""
    if action not in ACTION_LABELS:
        raise ValueError(f"Unregistered audit action {action!r}")
    return AuditEvent.objects.create(
        municipality=municipality,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )


def action_label(action: str) -> str:
    """Return the translated label for an audit action (the raw code if unknown)."""
    return str(ACTION_LABELS.get(action, action))
