"""Staff pages for findings, measures, the yearly report, the measure bank and the yearly cycle."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirk.accounts.access import (
    access_unit_by_id,
    can,
    can_anywhere,
    municipality_id_of,
    pk_or_404,
    units_for,
    units_for_new_work,
)
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.forms import form_submitted, form_submitted_to
from medvirk.core.ordering import Norwegian
from medvirk.core.views import staff_view, year_param
from medvirk.surveys.models import Survey
from medvirk.surveys.selectors import question_wording

from . import services
from .cycle import CYCLE_ITEMS, cycle_rows, item_due
from .forms import BankSearchForm, CycleForm, FindingEditForm, FindingForm, MeasureForm, StatusForm
from .models import Finding
from .report import build_report
from .selectors import (
    access_finding_by_id,
    access_measure_by_id,
    activities_for,
    findings_for,
    measure_bank,
    measures_for,
)
from .sharing import can_compare


def _owners(user: Any) -> Any:
    return (
        get_user_model()
        .objects.filter(municipality_id=user.municipality_id, is_active=True, roles__isnull=False)
        .distinct()
        .order_by(Norwegian("first_name"), Norwegian("last_name"), "username")
    )


def _measure_values(request: StaffRequest, form: MeasureForm) -> dict[str, Any]:
    """Return a valid measure form's values for the service, the owner as a user of the municipality."""
    data = dict(form.cleaned_data)
    data["owner"] = _owners(request.user).filter(pk=data["owner"]).first()
    return data


def _year(request: HttpRequest) -> int:
    """Return the report's ``?year=`` (2000–2100); this year when absent or not such a year."""
    this_year = datetime.date.today().year
    return year_param(request, default=this_year, years=range(2000, 2101), lenient=True) or this_year


@staff_view
def finding_list(request: HttpRequest) -> HttpResponse:
    if not can_anywhere(request.user, Perm.RESULTS_VIEW):
        raise Http404
    findings = findings_for(request.user).prefetch_related("measures")[:500]
    can_manage = can_anywhere(request.user, Perm.PARTICIPATION_MANAGE)
    return render(
        request, "participation/finding_list.html", {"findings": findings, "can_manage": can_manage}
    )


@staff_view
def finding_create(request: StaffRequest) -> HttpResponse:
    """Record a finding, optionally from an activity (``?activity=``), for a unit (``?unit=``) or
    from a survey's question on the results page (``?survey=&question=``: "Make a measure")."""
    units = list(units_for_new_work(request.user, Perm.PARTICIPATION_MANAGE))
    if not units:
        raise Http404
    initial: dict[str, Any] = {}
    if request.GET.get("unit"):
        initial["unit"] = access_unit_by_id(request.user, request.GET["unit"], Perm.PARTICIPATION_MANAGE).pk
    initial.update(_from_results(request))
    activities = activities_for(request.user, Perm.PARTICIPATION_MANAGE).order_by("-starts_on")[:200]
    if request.GET.get("activity"):
        activity = (
            activities_for(request.user, Perm.PARTICIPATION_MANAGE).filter(pk=request.GET["activity"]).first()
        )
        if activity is None:
            raise Http404
        initial.update(activity=activity.pk, unit=activity.owner_unit_id)
    surveys = Survey.objects.filter(municipality_id=municipality_id_of(request.user)).order_by("-id")[:200]
    form = FindingForm(
        request.POST or None, units=units, activities=activities, surveys=surveys, initial=initial
    )

    def create() -> Finding:
        unit = access_unit_by_id(request.user, form.cleaned_data["unit"], Perm.PARTICIPATION_MANAGE)
        activity = activities_for(request.user).filter(pk=form.cleaned_data["activity"]).first()
        survey = Survey.objects.filter(
            pk=form.cleaned_data["survey"], municipality_id=unit.municipality_id
        ).first()
        return services.finding_create(
            actor=request.user,
            unit=unit,
            statement=form.cleaned_data["statement"],
            activity=activity,
            survey=survey,
            published=form.cleaned_data["published"],
        )

    if done := form_submitted(
        request, form, _("The finding was saved. Now decide what to do about it."), create
    ):
        return redirect("participation:finding_edit", done.result.pk)
    context = {"form": form, "title": _("New finding"), "from_results": "statement" in initial}
    return render(request, "participation/form.html", context)


def _from_results(request: StaffRequest) -> dict[str, Any]:
    """Return what the results page's "Make a measure" fills in: the survey as the evidence and
    the question as the start of the finding (the leader writes what was learnt)."""
    if not request.GET.get("survey"):
        return {}
    survey = Survey.objects.filter(
        pk=pk_or_404(request.GET["survey"]), municipality_id=municipality_id_of(request.user)
    ).first()
    if survey is None:
        return {}
    wording = question_wording(survey=survey, key=request.GET.get("question", ""))
    if not wording:
        return {"survey": survey.pk}
    statement = _("About “%(question)s”: ") % {"question": Truncator(wording).chars(200)}
    return {"survey": survey.pk, "statement": statement}


@staff_view
def finding_edit(request: StaffRequest, finding_id: int) -> HttpResponse:
    """Reword or publish a finding, and see its measures."""
    finding = access_finding_by_id(request.user, finding_id, Perm.PARTICIPATION_MANAGE)
    form = FindingEditForm(
        request.POST or None, initial={"statement": finding.statement, "published": finding.published}
    )
    if form_submitted_to(
        request, form, _("The changes were saved."), services.finding_update, finding=finding
    ):
        return redirect("participation:finding_edit", finding.pk)
    return render(
        request,
        "participation/finding.html",
        {"form": form, "finding": finding, "measures": finding.measures.select_related("owner")},
    )


@staff_view
def measure_list(request: HttpRequest) -> HttpResponse:
    if not can_anywhere(request.user, Perm.RESULTS_VIEW):
        raise Http404
    measures = measures_for(request.user).order_by("status", "due_on", "-id")[:500]
    return render(
        request, "participation/measure_list.html", {"measures": measures, "today": datetime.date.today()}
    )


@staff_view
def measure_create(request: StaffRequest, finding_id: int) -> HttpResponse:
    """Turn a finding into a measure (tiltak)."""
    finding = access_finding_by_id(request.user, finding_id, Perm.PARTICIPATION_MANAGE)
    initial = {
        "title": finding.statement[:200],
        "owner": request.user.pk,
        "service_area": finding.unit.service_area,
        "decision_level": "unit_leader",
        "within_budget": "yes",
    }
    form = MeasureForm(request.POST or None, owners=_owners(request.user), initial=initial)
    if done := form_submitted(
        request,
        form,
        _("The measure was created."),
        lambda: services.measure_create(
            actor=request.user, unit=finding.unit, finding=finding, **_measure_values(request, form)
        ),
    ):
        return redirect("participation:measure_detail", done.result.pk)
    title = _("New measure")
    return render(request, "participation/form.html", {"form": form, "title": title, "finding": finding})


@staff_view
def measure_detail(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = access_measure_by_id(request.user, measure_id, Perm.RESULTS_VIEW)
    can_manage = can(request.user, Perm.PARTICIPATION_MANAGE, measure.unit)
    status_form = (
        StatusForm(initial={"status": measure.status, "progress": measure.progress}) if can_manage else None
    )
    return render(
        request,
        "participation/measure_detail.html",
        {
            "measure": measure,
            "updates": measure.updates.select_related("author"),
            "can_manage": can_manage,
            "status_form": status_form,
        },
    )


@staff_view
def measure_edit(request: StaffRequest, measure_id: int) -> HttpResponse:
    measure = access_measure_by_id(request.user, measure_id, Perm.PARTICIPATION_MANAGE)
    initial = {name: getattr(measure, name) for name in MeasureForm.base_fields if hasattr(measure, name)}
    initial["owner"] = measure.owner_id
    initial["within_budget"] = "yes" if measure.within_budget else "no"
    form = MeasureForm(request.POST or None, owners=_owners(request.user), initial=initial)
    if form_submitted(
        request,
        form,
        _("The changes were saved."),
        lambda: services.measure_update(
            actor=request.user, measure=measure, **_measure_values(request, form)
        ),
    ):
        return redirect("participation:measure_detail", measure.pk)
    title = _("Edit %(name)s") % {"name": measure.title}
    return render(request, "participation/form.html", {"form": form, "title": title, "measure": measure})


@staff_view
@require_POST
def measure_status(request: StaffRequest, measure_id: int) -> HttpResponse:
    """Record a status or progress change in the measure's log."""
    measure = access_measure_by_id(request.user, measure_id, Perm.PARTICIPATION_MANAGE)
    form = StatusForm(request.POST)
    if form_submitted_to(
        request, form, _("The update was logged."), services.measure_set_status, measure=measure
    ):
        return redirect("participation:measure_detail", measure.pk)
    return render(
        request,
        "participation/measure_detail.html",
        {"measure": measure, "updates": measure.updates.all(), "can_manage": True, "status_form": form},
        status=400,
    )


@staff_view
def report(request: HttpRequest) -> HttpResponse:
    """The yearly participation report for a unit, district or the municipality (``?unit=&year=``)."""
    units = list(units_for(request.user, Perm.RESULTS_VIEW))
    if not units:
        raise Http404
    unit = (
        access_unit_by_id(request.user, request.GET["unit"], Perm.RESULTS_VIEW)
        if request.GET.get("unit")
        else units[0]
    )
    year = _year(request)
    services.survey_rounds_sync(actor=services.ROUNDS_ACTOR, municipality_id=unit.municipality_id)
    context = {
        "report": build_report(unit=unit, year=year),
        "units": units,
        "years": range(year - 3, year + 2),
        "can_compare": can_compare(request.user),
    }
    return render(request, "participation/report.html", context)


@staff_view
def bank(request: HttpRequest) -> HttpResponse:
    """Search shareable measures from every municipality."""
    if not can_anywhere(request.user, Perm.RESULTS_VIEW):
        raise Http404
    form = BankSearchForm(request.GET or None)
    query, area = "", ""
    if form.is_valid():
        query, area = form.cleaned_data["q"], form.cleaned_data["area"]
    return render(
        request,
        "participation/bank.html",
        {"form": form, "measures": measure_bank(query=query, service_area=area)[:100]},
    )


@staff_view
def cycle_overview(request: HttpRequest) -> HttpResponse:
    """Who is behind on this year's participation cycle, unit by unit."""
    units = list(units_for(request.user, Perm.RESULTS_VIEW))
    if not units:
        raise Http404
    year = _year(request)
    rows = cycle_rows(units=units, year=year)
    manage = {u.pk for u in units_for(request.user, Perm.PARTICIPATION_MANAGE)}
    return render(
        request,
        "participation/cycle.html",
        {
            "rows": rows,
            "year": year,
            "manage": manage,
            "behind": sum(1 for r in rows if not r.complete),
            "due": {key: item_due(key, year) for key, _due, _label in CYCLE_ITEMS},
        },
    )


@staff_view
def cycle_edit(request: StaffRequest, unit_id: int) -> HttpResponse:
    """Tick a unit's checklist items for the year."""
    unit = access_unit_by_id(request.user, unit_id, Perm.PARTICIPATION_MANAGE)
    year = _year(request)
    row = cycle_rows(units=[unit], year=year)[0]
    form = CycleForm(
        request.POST or None,
        initial={
            "council_met": row.check.council_met if row.check else False,
            "minorities_mapped": row.minorities_mapped,
            "report_published": row.report_published,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.cycle_set(actor=request.user, unit=unit, year=year, **form.cleaned_data)
        messages.success(request, _("The checklist was saved."))
        return redirect(f"{request.path}?year={year}")
    return render(
        request, "participation/cycle_edit.html", {"form": form, "unit": unit, "year": year, "row": row}
    )
