"""Results pages: fetch with access check (404 when missing or forbidden), compute, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirk.accounts.access import can, can_anywhere
from medvirk.accounts.permissions import Perm, role_names_with
from medvirk.accounts.requests import StaffRequest
from medvirk.core.errors import ServiceError
from medvirk.core.views import staff_view

from . import exports, jobs, reports, selectors
from .benchmark import MIN_OTHER_MUNICIPALITIES, every_minutes, prepared_benchmark
from .charts import distribution_chart, top_box_chart
from .disclosure import NotReady, policy_for
from .numbers import survey_numbers
from .questions import QuestionInfo, TextQuestionInfo
from .rankings import survey_rankings
from .release import RoundOpen, ensure_released, when_released, why_later
from .tables import SurveyResults, access_results
from .text_themes import text_themes


def _load(request: HttpRequest, survey_id: int) -> tuple[SurveyResults, int]:
    """Return the round's results and the unit; raise ``ResultsPending`` while none are prepared
    and ``RoundOpen`` while the round is open (its figures come when it closes)."""
    results, node_id = access_results(request.user, survey_id, request.GET.get("unit"))
    ensure_released(results.survey, node_id)
    return _prepare(request)(results), node_id


def _prepare(request: HttpRequest) -> Callable[[SurveyResults], SurveyResults]:
    """Return what swaps fresh results for those whose decisions are at hand (never deciding here)."""
    return lambda results: jobs.prepared_results(
        user=request.user, results=results, next_url=request.get_full_path()
    )


Q = TypeVar("Q", QuestionInfo, TextQuestionInfo)


def _asked(request: HttpRequest, questions: list[Q]) -> Q:
    """Return the question ``?question=`` names among the page's (the first by default); 404 for none."""
    if not questions:
        raise Http404
    return {q.key: q for q in questions}.get(request.GET.get("question", ""), questions[0])


def _prepared(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Send the user to the progress page of the work that prepares a round's first results; say
    when an open round's results come instead of any of its figures."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except RoundOpen as still_open:
            return _round_open(request, still_open)
        except jobs.ResultsPending as pending:
            return redirect(pending.job)
        except NotReady as gone:  # the earlier decisions shown lost a part: never 500
            job = jobs.recover(user=request.user, survey=gone.survey, next_url=request.get_full_path())
            return redirect(job) if job is not None else view(request, *args, **kwargs)

    return wrapper


def _round_open(request: HttpRequest, still_open: RoundOpen) -> HttpResponse:
    """Say when the round's results come and why, with how many have answered so far."""
    survey = still_open.survey
    tree = selectors.survey_tree(survey=survey)
    progress = selectors.round_progress(user=request.user, survey=survey, node_id=still_open.node_id)
    context = {
        "survey": survey,
        "node": tree.nodes[still_open.node_id] if progress and still_open.node_id is not None else None,
        "when": when_released(survey),
        "why": why_later(),
        "progress": progress,
        "threshold": policy_for(survey).threshold,
        "can_close": can(request.user, Perm.SURVEY_DESIGN, survey.owner_unit),
        "unit_choices": reports.unit_choices(request.user, tree),
    }
    return render(request, "insights/round_open.html", context)


@staff_view
def survey_list(request: HttpRequest) -> HttpResponse:
    """List the survey rounds the user may see results for."""
    if not can_anywhere(request.user, Perm.RESULTS_VIEW):
        raise Http404
    surveys = selectors.surveys_with_results(user=request.user)
    return render(request, "insights/survey_list.html", {"surveys": surveys})


@staff_view
@_prepared
def survey_results(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Show one round's results for a unit: per question, comparisons, trend and themes."""
    results, node_id = _load(request, survey_id)
    bench = prepared_benchmark(user=request.user, results=results, next_url=request.get_full_path())
    overview = reports.overview(request.user, results, node_id, bench=bench)
    can_export_raw = exports.raw_export_allowed(request.user, results, node_id)
    numbers, rankings = survey_numbers(results, node_id), survey_rankings(results, node_id)
    # A unit whose figures are all hidden gets a short page: why, what to do, and how the district
    # and the municipality answered each question they show (and how many questions they do not).
    level_rows = [v for v in overview.questions if any(level.shown for level in v.level_shares)]
    not_listed = len(overview.questions) + len(numbers) + len(rankings) - len(level_rows)
    context = {
        "survey": results.survey,
        "o": overview,
        "benchmark": bench,
        "min_other_municipalities": MIN_OTHER_MUNICIPALITIES,
        "national_every_minutes": every_minutes(),
        "threshold": results.policy.threshold,
        "can_export_raw": can_export_raw,
        # Large XLSX and SPSS files are offered only in the background (CSV always streams).
        "raw_direct_large": can_export_raw and not exports.raw_direct_allowed(results, node_id, "xlsx"),
        "direct_max": exports.DIRECT_EXPORT_MAX_RESPONSES,
        "numbers": numbers,
        "report_in_background": jobs.report_in_background(results, node_id),
        "rankings": rankings,
        "not_listed": not_listed if overview.all_hidden else 0,
        "level_rows": level_rows,
        # "Make a measure" from a question (participation's own finding form, filled in), or who may.
        "measure_url": _measure_url(request, results, node_id),
        "measure_roles": ", ".join(role_names_with(Perm.PARTICIPATION_MANAGE)),
        "level_hidden": any(not level.shown for v in level_rows for level in v.level_shares),
    }
    return render(request, "insights/survey_results.html", context)


def _measure_url(request: HttpRequest, results: SurveyResults, node_id: int) -> str:
    """Return where a measure is started from this unit's results ("" where the user may not)."""
    if not can(request.user, Perm.PARTICIPATION_MANAGE, results.tree.nodes[node_id].unit):
        return ""
    return f"{reverse('participation:finding_create')}?unit={node_id}&survey={results.survey.pk}"


@staff_view
@_prepared
def crosstab(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Break one question down by units or by a background question."""
    results, node_id = _load(request, survey_id)
    questions = [*results.questions, *reports.own_unit_questions(results, node_id)[0]]
    question = _asked(request, questions)
    dimensions = reports.dimension_choices(results.definition)
    by = request.GET.get("by", "unit")
    if by != "unit" and by not in dict(dimensions):
        by = "unit"
    table = reports.crosstab(results, question, node_id, by)
    rows = [(row.label, row.figures) for row in table.rows]
    context = {
        "survey": results.survey,
        "node": results.tree.nodes[node_id],
        "question": question,
        "questions": questions,
        "dimensions": dimensions,
        "by": by,
        "table": table,
        "total": results.figures(question, node_id),
        "charts": [(label, distribution_chart(f"x-{i}", f)) for i, (label, f) in enumerate(rows)],
        "top_chart": top_box_chart("x-top", rows) if question.scaled else None,
        "unit_choices": reports.unit_choices(request.user, results.tree),
        "threshold": results.policy.threshold,
        "results": results,
    }
    return render(request, "insights/crosstab.html", context)


@staff_view
@_prepared
def text_answers(request: HttpRequest, survey_id: int) -> HttpResponse:
    """List free-text answers (personal data masked) for a unit, searchable."""
    results, node_id = _load(request, survey_id)
    questions = [*results.text_questions, *reports.own_unit_questions(results, node_id)[1]]
    question = _asked(request, questions)
    query = request.GET.get("q", "")[:200]
    texts = results.texts(request.user, question, node_id, query)
    context = {
        # Themes summarise all answers, so they are shown while browsing, not beside a search.
        "themes": None if query.strip() else text_themes(results, request.user, question, node_id, texts),
        "survey": results.survey,
        "node": results.tree.nodes[node_id],
        "question": question,
        "questions": questions,
        "texts": texts,
        "query": query,
        "unit_choices": reports.unit_choices(request.user, results.tree),
        "text_threshold": results.policy.text_threshold,
    }
    return render(request, "insights/text_answers.html", context)


@staff_view
@_prepared
def export_aggregated(request: HttpRequest, survey_id: int) -> HttpResponseBase:
    """Download the suppressed summary table of a unit and its comparison units (CSV or XLSX)."""
    results, node_id = _load(request, survey_id)
    return exports.aggregated_response(request.user, results, node_id, request.GET.get("format", "csv"))


@staff_view
@_prepared
def export_raw(request: HttpRequest, survey_id: int) -> HttpResponseBase:
    """Download response-level data; anonymous surveys and permitted roles only."""
    results, node_id = exports.access_raw_export(
        request.user, survey_id, request.GET.get("unit"), _prepare(request)
    )
    fmt = request.GET.get("format", "csv")
    fmt = fmt if fmt in exports.RAW_FORMATS else "csv"
    if not exports.raw_direct_allowed(results, node_id, fmt):
        messages.info(request, exports.raw_direct_refusal())
        return redirect(_results_url(results, node_id))
    return exports.raw_response(request.user, results, node_id, fmt)


def _results_url(results: SurveyResults, node_id: int) -> str:
    return f"{reverse('insights:survey_results', args=[results.survey.pk])}?unit={node_id}"


@staff_view
@require_POST
@_prepared
def export_raw_start(request: StaffRequest, survey_id: int) -> HttpResponse:
    """Start preparing response-level data in the background; the job's page shows progress."""
    results, node_id = exports.access_raw_export(
        request.user, survey_id, request.GET.get("unit"), _prepare(request)
    )
    try:
        job = jobs.export_start(
            actor=request.user, results=results, node_id=node_id, fmt=request.POST.get("format", "")
        )
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect(_results_url(results, node_id))
    return redirect(job)


@staff_view
@_prepared
def report_pdf(request: StaffRequest, survey_id: int) -> HttpResponse:
    """Download the unit report as PDF (a district's or the municipality's is prepared in the background).

    A unit's PDF is read when it is kept (the worker lays them out ahead); else it is laid out
    here when it shows few figures, and otherwise by the report job, whose page shows progress
    (issue 21: never a request that waits seconds).
    """
    from . import pdf

    results, node_id = _load(request, survey_id)
    if jobs.report_in_background(results, node_id):
        messages.info(request, _report_refusal())
        return redirect(_results_url(results, node_id))
    bench = prepared_benchmark(user=request.user, results=results, next_url="")
    overview = reports.overview(request.user, results, node_id, bench=bench)
    threshold = results.policy.threshold
    pdf.note_asked(results.survey, node_id)  # its next versions are laid out ahead (pdf.warm)
    kept = pdf.kept_pdf(overview, threshold, request)
    if kept is None and not pdf.laid_out_in_request(overview):
        return redirect(jobs.report_start(actor=request.user, results=results, node_id=node_id))
    return pdf.report_pdf(request, overview, threshold, kept)


def _report_refusal() -> str:
    return str(
        _(
            "The report of a district or the whole municipality is prepared in the background: "
            "use the button “Prepare the report (PDF)”."
        )
    )


@staff_view
@require_POST
@_prepared
def report_pdf_start(request: StaffRequest, survey_id: int) -> HttpResponse:
    """Start preparing the report (PDF) of a district or the municipality; its job's page shows progress."""
    results, node_id = _load(request, survey_id)
    if not jobs.report_in_background(results, node_id):
        return redirect(f"{reverse('insights:report_pdf', args=[survey_id])}?unit={node_id}")
    return redirect(jobs.report_start(actor=request.user, results=results, node_id=node_id))
