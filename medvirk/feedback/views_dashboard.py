"""Aggregates for unit leaders and analysts: the outcome dashboard and "what matters to our users"."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.accounts.access import access_unit_by_id, can, municipality_of, units_for
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.forms import form_submitted
from medvirk.core.views import staff_view

from . import selectors, services
from .dashboard import BoardPending, Period, dashboard, policy_for
from .forms import FindingForm
from .themes import ThemesPending, periods_for, what_matters


@staff_view
def outcomes(request: StaffRequest) -> HttpResponse:
    """Closed episodes per service and unit for a half-year that has ended, and by background."""
    paths, period, periods = selectors.access_outcomes(
        request.user, Period.parse(request.GET.get("period", ""))
    )
    try:
        board = dashboard(
            municipality=municipality_of(request.user),
            period=period,
            scope=paths,
            selected=request.GET.get("node"),
            lang=request.LANGUAGE_CODE,
            user=request.user,
            next_url=request.get_full_path(),
        )
    except BoardPending as pending:  # the half-year's first figures: show the worker's progress
        return redirect(pending.job)
    return render(
        request,
        "feedback/dashboard.html",
        {"board": board, "periods": periods, "k": policy_for(municipality_of(request.user)).threshold},
    )


@staff_view
def themes(request: StaffRequest) -> HttpResponse:
    """What matters to a unit's users, as themes; a coordinator can turn it into a finding."""
    units = list(units_for(request.user, Perm.FEEDBACK_STATS))
    if not units:
        raise Http404
    unit = access_unit_by_id(request.user, request.GET.get("unit") or units[0].pk, Perm.FEEDBACK_STATS)
    periods = periods_for(unit.municipality_id, timezone.localdate())
    wanted = Period.parse(request.GET.get("period", ""))
    if request.GET.get("period") and wanted not in periods:
        raise Http404  # a running half-year, or one the purge has begun on, is never shown
    try:
        result = what_matters(unit, wanted, user=request.user, next_url=request.get_full_path())
    except ThemesPending as pending:  # the municipality's first themes: show the worker's progress
        return redirect(pending.job)
    can_finding = can(request.user, Perm.PARTICIPATION_MANAGE, unit)
    form = FindingForm(request.POST or None)
    if request.method == "POST" and not can_finding:
        raise Http404
    if done := form_submitted(
        request,
        form,
        _("The finding is saved. Turn it into a measure from its page."),
        lambda: services.goals_finding_create(
            actor=request.user, unit=unit, statement=form.cleaned_data["statement"]
        ),
    ):
        return redirect("participation:finding_edit", done.result.pk)
    return render(
        request,
        "feedback/themes.html",
        {
            "unit": unit,
            "units": units,
            "periods": periods,
            "result": result,
            "form": form,
            "can_finding": can_finding,
        },
    )
