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
    "municipality.branding_updated": _("Public pages' name, logo, colour or statements changed"),
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
    "activity.created": _("Participation activity created"),
    "activity.updated": _("Participation activity updated"),
    "activity.documented": _("Participation activity documented"),
    "activity.attachment_added": _("Attachment added to an activity"),
    "activity.evaluation_created": _("Participants' evaluation created"),
    "finding.created": _("Finding created"),
    "finding.updated": _("Finding updated"),
    "measure.created": _("Measure created"),
    "measure.updated": _("Measure updated"),
    "measure.status_changed": _("Measure status or progress updated"),
    "measure.reminded": _("Measure owner reminded"),
    "cycle.updated": _("Yearly participation checklist updated"),
    "cycle.reminded": _("Unit leaders reminded of the yearly participation checklist"),
    "activity.survey_linked": _("Survey round recorded as a participation activity"),
    "participation.sharing_granted": _("Participation figures shared with another municipality"),
    "participation.sharing_revoked": _("Sharing of participation figures stopped"),
    "partners.organisation_created": _("Organisation registered"),
    "partners.organisation_updated": _("Organisation updated"),
    "partners.organisations_imported": _("Organisations imported"),
    "partners.contact_person_added": _("Contact person added"),
    "partners.contact_person_removed": _("Contact person removed"),
    "partners.contact_logged": _("Contact with organisation logged"),
    "partners.invitation_sent": _("Organisation invited"),
    "partners.proposal_accepted": _("Organisation proposal accepted"),
    "partners.proposal_rejected": _("Organisation proposal rejected"),
    "partners.mapping_saved": _("Yearly organisation mapping saved"),
    "panels.volunteers_imported": _("Volunteers imported"),
    "panels.panel_created": _("Panel created"),
    "panels.panel_updated": _("Panel or quotas changed"),
    "panels.selected": _("Panel selected by lot"),
    "panels.member_replaced": _("Panel member replaced"),
    "panels.council_created": _("Council created"),
    "panels.council_member_added": _("Council member added"),
    "panels.council_decision_added": _("Council decision logged"),
    "panels.council_meeting_added": _("Council meeting added"),
    "panels.council_meeting_linked": _("Council meeting linked to a participation activity"),
    "panels.volunteer_updated": _("Volunteer's details changed by staff"),
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
