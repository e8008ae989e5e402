"""Staff pages for activities: plan, document afterwards, attach files, reflect, evaluate."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirk.accounts.access import access_unit_by_id, can, can_anywhere, units_for
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.errors import ServiceError
from medvirk.core.forms import form_submitted
from medvirk.core.views import service_done, staff_view
from medvirk.orgs.models import OrgUnit
from medvirk.surveys.models import Survey

from . import services
from .disclosure import decide_year
from .forms import (
    ActivityForm,
    AttachmentForm,
    DocumentForm,
    ReflectionForm,
    activity_initial,
    document_initial,
)
from .models import Activity
from .reflection import PROMPTS_BY_KEY, draw
from .selectors import access_activity_by_id, access_attachment_by_id, activities_for


def _surveys(user: object) -> list[Survey]:
    municipality_id = getattr(user, "municipality_id", None)
    if municipality_id is None:
        return []
    return list(Survey.objects.filter(municipality_id=municipality_id).order_by("-id")[:200])


@staff_view
def activity_list(request: StaffRequest) -> HttpResponse:
    """List the activities of every unit the user may see."""
    if not can_anywhere(request.user, Perm.RESULTS_VIEW):
        raise Http404
    services.survey_rounds_sync(actor=services.ROUNDS_ACTOR, municipality_id=request.user.municipality_id)
    activities = activities_for(request.user).order_by("-starts_on", "-id")[:500]
    return render(
        request,
        "participation/activity_list.html",
        {"activities": activities, "can_manage": can_anywhere(request.user, Perm.PARTICIPATION_MANAGE)},
    )


def _units_for_form(user: object) -> list[OrgUnit]:
    return list(units_for(user, Perm.PARTICIPATION_MANAGE))


@staff_view
def activity_create(request: StaffRequest) -> HttpResponse:
    """Plan a new activity."""
    units = _units_for_form(request.user)
    if not units:
        raise Http404
    initial: dict[str, object] = {"ladder": "dialogue", "level": "group", "invited": "open"}
    if request.GET.get("unit"):
        unit = access_unit_by_id(request.user, request.GET["unit"], Perm.PARTICIPATION_MANAGE)
        initial.update(owner_unit=unit.pk, service_area=unit.service_area)
    form = ActivityForm(request.POST or None, units=units, surveys=_surveys(request.user), initial=initial)

    def create() -> Activity:
        owner = access_unit_by_id(request.user, form.cleaned_data["owner_unit"], Perm.PARTICIPATION_MANAGE)
        others = [access_unit_by_id(request.user, pk, Perm.RESULTS_VIEW) for pk in form.cleaned_data["units"]]
        survey = Survey.objects.filter(
            pk=form.cleaned_data["survey"], municipality_id=owner.municipality_id
        ).first()
        return services.activity_create(
            actor=request.user, owner_unit=owner, units=[owner, *others], survey=survey, **form.values()
        )

    if done := form_submitted(request, form, _("The activity was created."), create):
        return redirect("participation:activity_detail", done.result.pk)
    return render(request, "participation/form.html", {"form": form, "title": _("New activity")})


@staff_view
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Show an activity's plan, documentation, attachments, findings and evaluation."""
    activity = access_activity_by_id(request.user, activity_id, Perm.RESULTS_VIEW)
    composition = (
        decide_year(
            municipality_id=activity.municipality_id,
            year=activity.starts_on.year,
            threshold=activity.owner_unit.municipality.anonymity_threshold,
        ).tables(f"a{activity.pk}")
        if activity.participants
        else []
    )
    context = {
        "activity": activity,
        "units": activity.units.all(),
        "composition": composition,
        "attachments": activity.attachments.all(),
        "findings": activity.findings.all(),
        "can_manage": can(request.user, Perm.PARTICIPATION_MANAGE, activity.owner_unit),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "participation/activity_detail.html", context)


@staff_view
def activity_edit(request: StaffRequest, activity_id: int) -> HttpResponse:
    """Change an activity's plan."""
    activity = access_activity_by_id(request.user, activity_id, Perm.PARTICIPATION_MANAGE)
    units = _units_for_form(request.user)
    form = ActivityForm(
        request.POST or None, units=units, surveys=_surveys(request.user), initial=activity_initial(activity)
    )
    form.fields["owner_unit"].disabled = True

    def update() -> None:
        others = [access_unit_by_id(request.user, pk, Perm.RESULTS_VIEW) for pk in form.cleaned_data["units"]]
        survey = Survey.objects.filter(
            pk=form.cleaned_data["survey"], municipality_id=activity.municipality_id
        ).first()
        services.activity_update(
            actor=request.user,
            activity=activity,
            units=[activity.owner_unit, *others],
            survey=survey,
            **form.values(),
        )

    if form_submitted(request, form, _("The changes were saved."), update):
        return redirect("participation:activity_detail", activity.pk)
    title = _("Edit %(name)s") % {"name": activity.title}
    return render(request, "participation/form.html", {"form": form, "title": title, "activity": activity})


@staff_view
def activity_document(request: StaffRequest, activity_id: int) -> HttpResponse:
    """Document an activity afterwards."""
    activity = access_activity_by_id(request.user, activity_id, Perm.PARTICIPATION_MANAGE)
    form = DocumentForm(request.POST or None, initial=document_initial(activity))
    if form_submitted(
        request,
        form,
        _("The documentation was saved."),
        lambda: services.activity_document(
            actor=request.user,
            activity=activity,
            participants=form.cleaned_data["participants"],
            composition=form.composition(),
            minutes=form.cleaned_data["minutes"],
            staff_evaluation=form.cleaned_data["staff_evaluation"],
        ),
    ):
        return redirect("participation:activity_detail", activity.pk)
    return render(
        request,
        "participation/document.html",
        {
            "form": form,
            "activity": activity,
            "threshold": activity.owner_unit.municipality.anonymity_threshold,
        },
    )


@staff_view
@require_POST
def attachment_add(request: StaffRequest, activity_id: int) -> HttpResponse:
    """Upload a checked attachment."""
    activity = access_activity_by_id(request.user, activity_id, Perm.PARTICIPATION_MANAGE)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        service_done(
            request,
            _("The file was added."),
            lambda: services.attachment_add(
                actor=request.user, activity=activity, upload=form.cleaned_data["file"]
            ),
        )
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("file", [])))
    return redirect("participation:activity_detail", activity.pk)


@staff_view
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """Send an attachment to staff who may see its activity."""
    attachment = access_attachment_by_id(request.user, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


@staff_view
def activity_reflection(request: StaffRequest, activity_id: int) -> HttpResponse:
    """The reflection kit: draw or choose a prompt and capture what was said into the minutes."""
    activity = access_activity_by_id(request.user, activity_id, Perm.PARTICIPATION_MANAGE)
    seed = request.GET.get("seed") or secrets.token_hex(4)
    drawn = draw(seed)
    form = ReflectionForm(request.POST or None, initial={"prompt": drawn.key})
    if form_submitted(
        request,
        form,
        _("The notes were added to the minutes."),
        lambda: services.activity_add_notes(
            actor=request.user,
            activity=activity,
            prompt=PROMPTS_BY_KEY[form.cleaned_data["prompt"]].text(),
            notes=form.cleaned_data["notes"],
        ),
    ):
        return redirect("participation:activity_reflection", activity.pk)
    return render(
        request,
        "participation/reflection.html",
        {"form": form, "activity": activity, "drawn": drawn, "next_seed": secrets.token_hex(4)},
    )


@staff_view
@require_POST
def activity_evaluation(request: StaffRequest, activity_id: int) -> HttpResponse:
    """Create the participants' standard evaluation survey for the activity."""
    activity = access_activity_by_id(request.user, activity_id, Perm.PARTICIPATION_MANAGE)
    try:
        survey = services.evaluation_create(actor=request.user, activity=activity)
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect("participation:activity_detail", activity.pk)
    messages.success(request, _("The evaluation is open. Share its link with the participants."))
    return redirect("surveys:detail", survey.pk)
