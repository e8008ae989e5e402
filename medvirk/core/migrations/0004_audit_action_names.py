"""Audit actions use one naming scheme, ``<object>.<verb>`` (issue 15).

Events stored under the older ``<module>.<object>_<verb>`` names are renamed, so the audit page
shows their labels and the API returns one name per action. The mapping is written out here
(migrations do not import the modules' enums, which may change later).
"""

from django.db import migrations

RENAMED = {
    "participation.sharing_granted": "sharing.granted",
    "participation.sharing_revoked": "sharing.revoked",
    "partners.organisation_created": "organisation.created",
    "partners.organisation_updated": "organisation.updated",
    "partners.organisations_imported": "organisation.imported",
    "partners.contact_person_added": "contact_person.added",
    "partners.contact_person_removed": "contact_person.removed",
    "partners.contact_logged": "contact.logged",
    "partners.invitation_sent": "organisation.invited",
    "partners.proposal_accepted": "proposal.accepted",
    "partners.proposal_rejected": "proposal.rejected",
    "partners.mapping_saved": "mapping.saved",
    "panels.volunteers_imported": "volunteer.imported",
    "panels.panel_created": "panel.created",
    "panels.panel_updated": "panel.updated",
    "panels.selected": "panel.selected",
    "panels.member_replaced": "panel.member_replaced",
    "panels.council_created": "council.created",
    "panels.council_member_added": "council.member_added",
    "panels.council_decision_added": "council.decision_added",
    "panels.council_meeting_added": "council.meeting_added",
    "panels.council_meeting_linked": "council.meeting_linked",
    "panels.volunteer_updated": "volunteer.updated",
}


def _rename(apps, mapping):
    AuditEvent = apps.get_model("core", "AuditEvent")
    for old, new in mapping.items():
        AuditEvent.objects.filter(action=old).update(action=new)


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_job_updated_at"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
