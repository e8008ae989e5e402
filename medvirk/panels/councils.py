"""User councils (brukerråd): members with roles and terms, a decisions log, renewal reminders."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.core.forms import DsForm
from medvirk.core.views import staff_view

from .meetings import MeetingForm, MeetingLinkForm, meeting_add, meeting_link
from .models import Council, CouncilDecision, CouncilMember, CouncilMemberKind, CouncilRole
from .selectors import require_panels

REMIND_DAYS = 60


class CouncilForm(DsForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    mandate = forms.CharField(
        label=gettext_lazy("Mandate"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_email = forms.EmailField(label=gettext_lazy("E-mail for term reminders"), required=False)


class MemberForm(DsForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    kind = forms.ChoiceField(label=gettext_lazy("Represents"), choices=CouncilMemberKind.choices)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=CouncilRole.choices, initial=CouncilRole.MEMBER
    )
    organisation = forms.CharField(label=gettext_lazy("Organisation"), max_length=200, required=False)
    term_start = forms.DateField(
        label=gettext_lazy("Term starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    term_end = forms.DateField(
        label=gettext_lazy("Term ends"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("term_start") and data.get("term_end") and data["term_end"] < data["term_start"]:
            self.add_error("term_end", _("The term must end after it starts."))
        return data


class DecisionForm(DsForm):
    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=gettext_lazy("Decision or advice"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(
        label=gettext_lazy("Follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


@transaction.atomic
def council_create(
    *, actor: Any, municipality: Any, name: str, mandate: str = "", contact_email: str = ""
) -> Council:
    if Council.objects.filter(municipality=municipality, name=name.strip()).exists():
        raise ServiceError("duplicate_name", _("A council with this name exists."), field="name")
    council = Council.objects.create(
        municipality=municipality, name=name.strip(), mandate=mandate, contact_email=contact_email
    )
    audit_record(actor=actor, municipality=municipality, action="panels.council_created", obj=council)
    return council


@transaction.atomic
def member_add(*, actor: Any, council: Council, **data: Any) -> CouncilMember:
    member = CouncilMember.objects.create(municipality_id=council.municipality_id, council=council, **data)
    audit_record(
        actor=actor, municipality=council.municipality, action="panels.council_member_added", obj=council
    )
    return member


@transaction.atomic
def decision_add(*, actor: Any, council: Council, **data: Any) -> CouncilDecision:
    decision = CouncilDecision.objects.create(
        municipality_id=council.municipality_id, council=council, **data
    )
    audit_record(
        actor=actor, municipality=council.municipality, action="panels.council_decision_added", obj=council
    )
    return decision


def send_term_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail each council's contact about terms ending within 60 days (once per member)."""
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
        lines = "\n".join(f"- {m.name} ({m.get_role_display()}): {m.term_end.isoformat()}" for m in members)
        send_mail(
            _("Council terms ending soon: %(name)s") % {"name": council.name},
            _("These terms on %(name)s end soon. Renew them or find new members:\n\n%(lines)s\n")
            % {"name": council.name, "lines": lines},
            settings.DEFAULT_FROM_EMAIL,
            [council.contact_email],
        )
        CouncilMember.objects.filter(pk__in=[m.pk for m in members]).update(reminded_on=today)
    return sum(len(m) for m in by_council.values())


def _council(user: Any, council_id: Any) -> Council:
    require_panels(user)
    council = Council.objects.filter(pk=int(council_id), municipality_id=user.municipality_id).first()
    if council is None:
        raise Http404
    return council


@staff_view
def council_list(request: HttpRequest) -> HttpResponse:
    """List councils and create one."""
    require_panels(request.user)
    form = CouncilForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            council = council_create(
                actor=request.user, municipality=request.user.municipality, **form.cleaned_data
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The council was created."))
            return redirect("panels:council_detail", council.pk)
    councils = Council.objects.filter(municipality_id=request.user.municipality_id)
    return render(request, "panels/council_list.html", {"councils": councils, "form": form})


@staff_view
def council_detail(request: HttpRequest, council_id: int) -> HttpResponse:
    """Members with terms, meetings, the decisions log, and forms to add to each."""
    council = _council(request.user, council_id)
    post = request.POST if request.method == "POST" else None
    member_form = MemberForm(post if post and "add_member" in post else None, prefix="m")
    decision_form = DecisionForm(post if post and "add_decision" in post else None, prefix="d")
    meeting_form = MeetingForm(
        post if post and "add_meeting" in post else None, prefix="g", user=request.user
    )
    link_form = MeetingLinkForm(
        post if post and "link_meeting" in post else None, prefix="l", user=request.user, council=council
    )
    if request.method == "POST":
        if "add_member" in request.POST and member_form.is_valid():
            member_add(actor=request.user, council=council, **member_form.cleaned_data)
            messages.success(request, _("The member was added."))
            return redirect("panels:council_detail", council.pk)
        if "add_decision" in request.POST and decision_form.is_valid():
            decision_add(actor=request.user, council=council, **decision_form.cleaned_data)
            messages.success(request, _("The decision was logged."))
            return redirect("panels:council_detail", council.pk)
        if "add_meeting" in request.POST and meeting_form.is_valid():
            try:
                meeting_add(actor=request.user, council=council, **meeting_form.cleaned_data)
            except ServiceError as error:
                meeting_form.add_service_error(error)
            else:
                messages.success(request, _("The meeting was added."))
                return redirect("panels:council_detail", council.pk)
        if "link_meeting" in request.POST and link_form.is_valid():
            try:
                meeting_link(actor=request.user, **link_form.cleaned_data)
            except ServiceError as error:
                link_form.add_service_error(error)
            else:
                messages.success(request, _("The meeting was linked to the activity."))
                return redirect("panels:council_detail", council.pk)
    today = timezone.localdate()
    context = {
        "council": council,
        "members": council.members.all(),
        "decisions": council.decisions.all(),
        "meetings": council.meetings.select_related("activity"),
        "member_form": member_form,
        "decision_form": decision_form,
        "meeting_form": meeting_form,
        "link_form": link_form,
        "today": today,
        "soon": today + datetime.timedelta(days=REMIND_DAYS),
    }
    return render(request, "panels/council_detail.html", context)
