"""Pages of user councils (brukerråd): members with roles and terms, meetings, the decisions log."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.accounts.access import municipality_id_of, municipality_of
from medvirk.accounts.requests import StaffRequest
from medvirk.core.forms import form_submitted_to
from medvirk.core.views import staff_view

from . import services
from .forms import (
    CouncilDecisionForm,
    CouncilForm,
    CouncilMemberForm,
    CouncilTermForm,
    MeetingForm,
    MeetingLinkForm,
)
from .models import Council
from .selectors import access_council_by_id, require_panels


@staff_view
def council_list(request: StaffRequest) -> HttpResponse:
    """List councils and create one."""
    require_panels(request.user)
    form = CouncilForm(request.POST or None)
    if done := form_submitted_to(
        request,
        form,
        _("The council was created."),
        services.council_create,
        municipality=municipality_of(request.user),
    ):
        return redirect("panels:council_detail", done.result.pk)
    councils = Council.objects.filter(municipality_id=municipality_id_of(request.user))
    return render(request, "panels/council_list.html", {"councils": councils, "form": form})


@staff_view
def council_detail(request: StaffRequest, council_id: int) -> HttpResponse:
    """Members with terms (each renewed or removed from its row), meetings, the decisions log,
    and forms to add to each."""
    council = access_council_by_id(request.user, council_id)
    post = request.POST
    member_form = CouncilMemberForm(post if "add_member" in post else None, prefix="m")
    decision_form = CouncilDecisionForm(post if "add_decision" in post else None, prefix="d")
    meeting_form = MeetingForm(post if "add_meeting" in post else None, prefix="g", user=request.user)
    link_form = MeetingLinkForm(
        post if "link_meeting" in post else None, prefix="l", user=request.user, council=council
    )
    if "add_member" in post and form_submitted_to(
        request, member_form, _("The member was added."), services.council_member_add, council=council
    ):
        return redirect("panels:council_detail", council.pk)
    renewing = post.get("renew_member", "")
    term_form = CouncilTermForm(post if renewing else None, prefix="t")
    if renewing:
        member = get_object_or_404(council.members, pk=renewing if renewing.isdigit() else 0)
        if form_submitted_to(
            request, term_form, _("The term was renewed."), services.council_member_renew, member=member
        ):
            return redirect("panels:council_detail", council.pk)
    if removing := post.get("remove_member", ""):
        member = get_object_or_404(council.members, pk=removing if removing.isdigit() else 0)
        services.council_member_remove(actor=request.user, member=member)
        messages.success(request, _("%(name)s was removed from the council.") % {"name": member.name})
        return redirect("panels:council_detail", council.pk)
    if "add_decision" in post and form_submitted_to(
        request, decision_form, _("The decision was logged."), services.council_decision_add, council=council
    ):
        return redirect("panels:council_detail", council.pk)
    if "add_meeting" in post and form_submitted_to(
        request, meeting_form, _("The meeting was added."), services.council_meeting_add, council=council
    ):
        return redirect("panels:council_detail", council.pk)
    if "link_meeting" in post and form_submitted_to(
        request, link_form, _("The meeting was linked to the activity."), services.council_meeting_link
    ):
        return redirect("panels:council_detail", council.pk)
    today = timezone.localdate()
    context = {
        "council": council,
        "members": council.members.all(),
        "decisions": council.decisions.all(),
        "meetings": council.meetings.select_related("activity"),
        "member_form": member_form,
        "term_form": term_form,
        "renewing": int(renewing) if renewing.isdigit() else None,
        "decision_form": decision_form,
        "meeting_form": meeting_form,
        "link_form": link_form,
        "today": today,
        "soon": today + datetime.timedelta(days=services.REMIND_DAYS),
    }
    return render(request, "panels/council_detail.html", context)
