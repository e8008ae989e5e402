"""Council meetings, recorded as participation activities of kind "council meeting".

Participation owns activities; this module creates and links them only through
``participation.services.activity_create`` and the participation selectors, and keeps the link
(``CouncilMeeting.activity``) on its own side.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.accounts.access import units_for
from medvirk.accounts.permissions import Perm
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.core.forms import DsForm
from medvirk.orgs.models import OrgUnit
from medvirk.participation import services as participation
from medvirk.participation.models import Activity, ActivityKind, Invited, Ladder, Level
from medvirk.participation.selectors import activities_for

from .models import Council, CouncilMeeting


def meeting_add(
    *,
    actor: Any,
    council: Council,
    date: datetime.date,
    title: str,
    agenda: str = "",
    record_for: OrgUnit | None = None,
) -> CouncilMeeting:
    """Add a meeting; with ``record_for`` also record it as that unit's participation activity.

    The activity starts as a representative dialogue with organisations' delegates; participation
    pages refine and document it afterwards. The actor needs ``PARTICIPATION_MANAGE`` on the unit.
    """
    if not title.strip():
        raise ServiceError("title_required", _("Give the meeting a title."), field="title")
    with transaction.atomic():
        activity = None
        if record_for is not None:
            activity = participation.activity_create(
                actor=actor,
                owner_unit=record_for,
                title=title.strip(),
                kind=ActivityKind.COUNCIL_MEETING,
                starts_on=date,
                purpose=agenda,
                ladder=Ladder.DIALOGUE,
                level=Level.REPRESENTATIVE,
                invited=Invited.ORGANISATIONS,
            )
        meeting = CouncilMeeting.objects.create(
            municipality_id=council.municipality_id,
            council=council,
            date=date,
            title=title.strip(),
            agenda=agenda,
            activity=activity,
        )
        audit_record(
            actor=actor,
            municipality=council.municipality,
            action="panels.council_meeting_added",
            obj=council,
            data={"meeting": meeting.pk, "activity": activity.pk if activity else None},
        )
    return meeting


def meeting_link(*, actor: Any, meeting: CouncilMeeting, activity: Activity) -> CouncilMeeting:
    """Link a meeting to an existing council-meeting activity (fetched with an access check)."""
    if activity.municipality_id != meeting.municipality_id:
        raise ServiceError(
            "activity_outside", _("Choose an activity of your municipality."), field="activity"
        )
    if activity.kind != ActivityKind.COUNCIL_MEETING:
        raise ServiceError(
            "not_council_meeting", _("Choose an activity of the kind “council meeting”."), field="activity"
        )
    with transaction.atomic():
        meeting.activity = activity
        meeting.save(update_fields=["activity"])
        audit_record(
            actor=actor,
            municipality=meeting.council.municipality,
            action="panels.council_meeting_linked",
            obj=meeting.council,
            data={"meeting": meeting.pk, "activity": activity.pk},
        )
    return meeting


def linkable_activities(user: Any) -> QuerySet[Activity]:
    """Return the council-meeting activities the user may manage (candidates for a link)."""
    return activities_for(user, Perm.PARTICIPATION_MANAGE).filter(kind=ActivityKind.COUNCIL_MEETING)


class MeetingForm(DsForm):
    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    agenda = forms.CharField(
        label=gettext_lazy("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    record_for = forms.ModelChoiceField(
        label=gettext_lazy("Record as a participation activity of"),
        help_text=gettext_lazy("The meeting then counts in the unit's participation overview and reports."),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("Do not record it"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record_for"].queryset = units_for(user, Perm.PARTICIPATION_MANAGE).order_by("path")


class MeetingLinkForm(DsForm):
    meeting = forms.ModelChoiceField(label=gettext_lazy("Meeting"), queryset=CouncilMeeting.objects.none())
    activity = forms.ModelChoiceField(
        label=gettext_lazy("Participation activity (kind “council meeting”)"),
        queryset=Activity.objects.none(),
    )

    def __init__(self, *args: Any, user: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = council.meetings.filter(activity__isnull=True)
        self.fields["activity"].queryset = linkable_activities(user)
