"""The equity report's pages: who is reached, who is not and who is served worse (``/population/equity/``).

Built from population data (``population.selectors``) and a survey round's answers under the
round's one anonymity decision (``insights.disclosure``), so it lives in ``insights``, above both.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from medvirk.accounts.access import access_unit_by_id, can, municipality_id_of, units_for
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.csv_export import csv_response
from medvirk.core.views import staff_view, year_param
from medvirk.orgs.models import OrgUnit, UnitKind
from medvirk.population import selectors as population_selectors

from . import analysis_words, equity, equity_ahead, equity_outcomes
from .equity_charts import ratio_chart
from .views import _prepared


def _language() -> str:
    return "en" if (get_language() or "nb").startswith("en") else "nb"


@staff_view
def equity_index(request: StaffRequest) -> HttpResponse:
    """List the areas and units whose equity report the user may read."""
    units = list(units_for(request.user, Perm.RESULTS_VIEW))
    if not units:
        raise Http404
    areas = [u for u in units if u.kind in (UnitKind.MUNICIPALITY, UnitKind.DISTRICT)]
    others = [u for u in units if u not in areas]
    root = OrgUnit.objects.filter(municipality_id=municipality_id_of(request.user), parent=None).first()
    context = {
        "areas": areas,
        "units": others,
        "can_manage": root is not None and can(request.user, Perm.POPULATION_MANAGE, root),
    }
    return render(request, "insights/equity_index.html", context)


def _report_for(request: HttpRequest, unit: OrgUnit) -> tuple[Any, Any, Any, Any]:
    """Return (survey or None, representation, outcomes or None, the worker's report or None) from
    ?survey= or ?year=; else 404. A round's report is made ahead in the worker
    (``equity_ahead``); raises ``jobs.ResultsPending`` while its first one is made."""
    if request.GET.get("survey"):
        survey = equity.access_survey_for_unit(unit, request.GET["survey"])
        prepared = equity_ahead.prepared_equity(
            user=request.user, survey=survey, unit=unit, next_url=request.get_full_path()
        )
        return survey, prepared.representation, prepared.outcomes, prepared
    year = year_param(request)
    if year is None:
        raise Http404
    return None, equity.user_representation(unit=unit, year=year, language=_language()), None, None


@staff_view
@_prepared
def equity_export(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Download the shown figures of an equity report as CSV (the same groups the page shows)."""
    unit = access_unit_by_id(request.user, unit_id, Perm.RESULTS_VIEW)
    _survey, report, outcomes, _prepared_report = _report_for(request, unit)
    rows: list[list[Any]] = [
        ["section", "dimension", "group", "n", "share", "population", "population_share",
         "ratio", "ratio_low", "ratio_high", "p_adjusted", "partial_r"],
    ]  # fmt: skip
    for d in report.dimensions:
        for r in d.rows:
            interval = r.ratio_interval or ("", "")
            rows.append(["representation", d.dimension, r.key, r.n, r.share, r.population,
                         r.population_share, r.ratio, *interval, r.p_adjusted, r.partial_r])  # fmt: skip
    for g in outcomes.gaps if outcomes else []:
        rows.append(["gap", g.dimension, g.group, g.n, g.top_box, "", "", g.gap, *g.interval, g.p_adjusted,
                     g.question])  # fmt: skip
    rows.append(["credit", "", "; ".join(report.credits), "", "", "", "", "", "", "", "", ""])
    return csv_response(rows, filename=f"equity-{unit.pk}.csv", delimiter=";")


def _can_design(request: HttpRequest, survey: Any) -> bool:
    """Whether the user may change the round's target group (its owner unit read by municipality,
    so the statement routes to one shard)."""
    owner = OrgUnit.objects.filter(pk=survey.owner_unit_id, municipality_id=survey.municipality_id).first()
    return owner is not None and can(request.user, Perm.SURVEY_DESIGN, owner)


@staff_view
@_prepared
def equity_report(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Show who is reached, who is not and who is served worse for a unit, district or municipality."""
    unit = access_unit_by_id(request.user, unit_id, Perm.RESULTS_VIEW)
    surveys = list(equity.surveys_for_unit(unit))
    years = population_selectors.user_count_years(unit=unit)
    context: dict[str, Any] = {
        "unit": unit,
        "surveys": surveys,
        "years": years,
        "can_enter_users": can(request.user, Perm.USER_COUNTS_EDIT, unit),
    }
    if not (request.GET.get("survey") or request.GET.get("year")):
        return render(request, "insights/equity_report.html", context)
    survey, report, outcomes, prepared = _report_for(request, unit)
    # The analysis core's notes (why weighting or a check could not be done) in the page's words.
    report, outcomes = (
        analysis_words.representation_in_words(report),
        analysis_words.outcomes_in_words(outcomes),
    )
    if survey is None:
        context["year"] = year_param(request)
    charts = [(d, ratio_chart(d.rows)) for d in report.dimensions if d.shown]
    context.update(
        can_design_survey=survey is not None and _can_design(request, survey),
        prepared=prepared,
        survey=survey,
        report=report,
        charts=charts,
        outcomes=outcomes,
        steps=equity_outcomes.next_steps(report, outcomes),
    )
    return render(request, "insights/equity_report.html", context)
