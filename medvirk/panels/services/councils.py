"""Writes for user councils (brukerråd): councils, members, decisions, meetings, term reminders.

Councils belong to the whole municipality: the actor needs ``PANELS_MANAGE`` on some unit of it.
A meeting can be recorded as a participation activity of kind "council meeting"; participation
owns activities, so this goes through ``participation.services`` (which checks
``PARTICIPATION_MANAGE`` on the activity's unit) and the link stays on this side.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from medvirk.accounts.access import Actor
from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import Municipality, OrgUnit
from medvirk.participation import services as participation
from medvirk.participation.models import Activity, ActivityKind, Invited, Ladder, Level

from ..enums import PanelsAuditAction, PanelsErrorCode
from ..models import Council, CouncilDecision, CouncilMeeting, CouncilMember
from .volunteers import ensure_panels

REMIND_DAYS = 60


@transaction.atomic
def council_create(
    *, actor: Actor, municipality: Municipality, name: str, mandate: str = "", contact_email: str = ""
) -> Council:
    """Create a council of the municipality (names are unique within it)."""
    ensure_panels(actor, municipality.pk)
    if Council.objects.filter(municipality=municipality, name=name.strip()).exists():
        raise ServiceError(
            PanelsErrorCode.DUPLICATE_NAME, _("A council with this name exists."), field="name"
        )
    council = Council.objects.create(
        municipality=municipality, name=name.strip(), mandate=mandate, contact_email=contact_email
    )
    audit_record(actor=actor, action=PanelsAuditAction.COUNCIL_CREATED, obj=council)
    return council


@transaction.atomic
def council_member_add(*, actor: Actor, council: Council, **data: Any) -> CouncilMember:
    """Add a member with role and term (``name``, ``kind``, ``role``, ``organisation``, term dates)."""
    ensure_panels(actor, council.municipality_id)
    member = CouncilMember.objects.create(municipality_id=council.municipality_id, council=council, **data)
    audit_record(actor=actor, action=PanelsAuditAction.COUNCIL_MEMBER_ADDED, obj=council)
    return member


@transaction.atomic
def council_member_renew(*, actor: Actor, member: CouncilMember, term_end: datetime.date) -> CouncilMember:
    """Give a member a new term end (a renewal, or a correction); the reminder comes again before it."""
    ensure_panels(actor, member.municipality_id)
    if term_end < member.term_start:
        raise ServiceError(
            PanelsErrorCode.BAD_TERM, _("The term must end after it starts."), field="term_end"
        )
    old_end = member.term_end
    member.term_end = term_end
    member.reminded_on = None
    member.save(update_fields=["term_end", "reminded_on"])
    audit_record(
        actor=actor,
        action=PanelsAuditAction.COUNCIL_MEMBER_RENEWED,
        obj=member.council,
        data={"member": member.pk, "from": old_end.isoformat(), "to": term_end.isoformat()},
    )
    return member


@transaction.atomic
def council_member_remove(*, actor: Actor, member: CouncilMember) -> None:
    """Take a member off the council (e.g. when the term has ended and was not renewed)."""
    ensure_panels(actor, member.municipality_id)
    council = member.council
    audit_record(
        actor=actor, action=PanelsAuditAction.COUNCIL_MEMBER_REMOVED, obj=council, data={"member": member.pk}
    )
    member.delete()


@transaction.atomic
def council_decision_add(*, actor: Actor, council: Council, **data: Any) -> CouncilDecision:
    """Log a decision or advice (``date``, ``text``, ``follow_up``)."""
    ensure_panels(actor, council.municipality_id)
    decision = CouncilDecision.objects.create(
        municipality_id=council.municipality_id, council=council, **data
    )
    audit_record(actor=actor, action=PanelsAuditAction.COUNCIL_DECISION_ADDED, obj=council)
    return decision


def council_meeting_add(
    *,
    actor: Actor,
    council: Council,
    date: datetime.date,
    title: str,
    agenda: str = "",
    record_for: OrgUnit | None = None,
    activity: Activity | None = None,
) -> CouncilMeeting:
    """Add a meeting; record it as ``record_for``'s participation activity, or link ``activity``.

    A recorded activity starts as a representative dialogue with organisations' delegates;
    participation pages refine and document it afterwards. Either needs ``PARTICIPATION_MANAGE``
    on the activity's unit.
    """
    ensure_panels(actor, council.municipality_id)
    if record_for is not None and activity is not None:
        raise ServiceError(
            PanelsErrorCode.CHOOSE_ONE, _("Either record a new activity or link an existing one.")
        )
    if not title.strip():
        raise ServiceError(PanelsErrorCode.TITLE_REQUIRED, _("Give the meeting a title."), field="title")
    with transaction.atomic():
        recorded = None
        if record_for is not None:
            recorded = participation.activity_create(
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
            activity=recorded,
        )
        audit_record(
            actor=actor,
            action=PanelsAuditAction.COUNCIL_MEETING_ADDED,
            obj=council,
            data={"meeting": meeting.pk, "activity": recorded.pk if recorded else None},
        )
        if activity is not None:
            council_meeting_link(actor=actor, meeting=meeting, activity=activity)
    return meeting


def council_meeting_link(*, actor: Actor, meeting: CouncilMeeting, activity: Activity) -> CouncilMeeting:
    """Link a meeting to an existing council-meeting activity the actor manages."""
    ensure_panels(actor, meeting.municipality_id)
    if activity.municipality_id != meeting.municipality_id:
        raise ServiceError(
            PanelsErrorCode.ACTIVITY_OUTSIDE, _("Choose an activity of your municipality."), field="activity"
        )
    participation.ensure_manage(actor, activity.owner_unit, field="activity")
    if activity.kind != ActivityKind.COUNCIL_MEETING:
        raise ServiceError(
            PanelsErrorCode.NOT_COUNCIL_MEETING,
            _("Choose an activity of the kind “council meeting”."),
            field="activity",
        )
    with transaction.atomic():
        meeting.activity = activity
        meeting.save(update_fields=["activity"])
        audit_record(
            actor=actor,
            action=PanelsAuditAction.COUNCIL_MEETING_LINKED,
            obj=meeting.council,
            data={"meeting": meeting.pk, "activity": activity.pk},
        )
    return meeting


def council_terms_remind(*, actor: SystemActor, today: datetime.date | None = None) -> int:
    """E-mail each council's contact about terms ending within 60 days (once per member)."""
    ensure_system(actor, "Reminding councils of ending terms")
    today = today or timezone.localdate()
    due = CouncilMember.objects.filter(
        reminded_on__isnull=True,
        term_end__gte=today,
        term_end__lte=today + datetime.timedelta(days=REMIND_DAYS),
    ).select_related("council")
    by_council: dict[int, list[CouncilMember]] = {}
    for member in due:
        if member.council.contact_email:
            by_council.setdefault(member.council_id, []).append(member)
    for members in by_council.values():
        council = members[0].council
        # In the site's language, with the dates in words ("30. november 2026") and the page where
        # a term is renewed or the member removed.
        with translation.override(settings.LANGUAGE_CODE):
            lines = "\n".join(
                f"- {m.name} ({m.get_role_display()}): {date_format(m.term_end, 'DATE_FORMAT')}"
                for m in members
            )
            url = settings.MEDVIRK_BASE_URL.rstrip("/") + reverse("panels:council_detail", args=[council.pk])
            subject = _("Council terms ending soon: %(name)s") % {"name": council.name}
            body = _(
                "These terms on %(name)s end soon:\n\n%(lines)s\n\n"
                "Renew them on the council's page in Medvirk, or find new members and remove these:\n"
                "%(url)s\n"
            ) % {"name": council.name, "lines": lines, "url": url}
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [council.contact_email])
        CouncilMember.objects.filter(pk__in=[m.pk for m in members]).update(reminded_on=today)
    return sum(len(m) for m in by_council.values())
