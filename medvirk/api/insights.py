"""Results endpoints: the same access helpers and the same suppressed tables as the pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from medvirk.accounts.requests import StaffRequest
from medvirk.api.base import Error, json_number
from medvirk.api.jobs import JobOut, job_out
from medvirk.core.errors import ServiceError
from medvirk.insights import exports, jobs, reports, selectors
from medvirk.insights.benchmark import MIN_OTHER_MUNICIPALITIES, prepared_benchmark
from medvirk.insights.disclosure import NotReady
from medvirk.insights.enums import InsightsErrorCode
from medvirk.insights.figures import QuestionFigures
from medvirk.insights.numbers import survey_numbers
from medvirk.insights.readings import top_option_keys
from medvirk.insights.release import ensure_released
from medvirk.insights.tables import SurveyResults, access_results
from medvirk.insights.text_themes import text_themes

router = Router(tags=["insights"])


class SurveyOut(Schema):
    id: int
    title: str
    series: str
    round_label: str
    status: str


class IntervalOut(Schema):
    estimate: float | None
    low: float | None
    high: float | None
    method: str


class OptionOut(Schema):
    key: str
    label: str
    count: int | None
    share: float | None


class FiguresOut(Schema):
    shown: bool
    status: str
    n: int | None = None
    mean: IntervalOut | None = None
    top_box: IntervalOut | None = None
    top_box_from: int | None = None
    # How many answered at the top of the scale (the count behind ``top_box``) and which
    # options it adds up, so the figure can be found among the option counts and
    # ``other_options_count`` (merged options have ``count`` null).
    top_box_count: int | None = None
    top_box_options: list[str] = []
    dont_know: int | None = None
    options: list[OptionOut] = []
    other_options_count: int | None = None


class QuestionOut(Schema):
    key: str
    text: str
    type: str
    unit: FiguresOut
    trend: str | None = None
    comparison: dict[str, FiguresOut] = {}
    benchmark: FiguresOut | None = None


class BenchmarkOut(Schema):
    template: bool
    available: bool
    municipalities: int | None = None
    other_municipalities: int | None = None
    min_other_municipalities: int
    # The worker is remaking the benchmark because a round of the template has closed, or answers
    # of a closed one were deleted (in any municipality): the figures are the last ones made (none
    # before the first).
    being_updated: bool = False


class GroupOut(Schema):
    unit_id: int
    unit: str
    shown: bool
    respondents: int | None
    invited: int | None
    response_rate: IntervalOut | None


class NumberOut(Schema):
    key: str
    text: str
    shown: bool
    status: str
    n: int | None = None
    mean: IntervalOut | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None


class SummaryOut(Schema):
    survey: SurveyOut
    threshold: int
    being_updated: bool = False
    group: GroupOut
    questions: list[QuestionOut]
    numbers: list[NumberOut] = []
    benchmark: BenchmarkOut


class CrosstabRowOut(Schema):
    key: str
    label: str
    figures: FiguresOut


class CrosstabOut(Schema):
    question: str
    by: str
    withheld: bool
    being_updated: bool = False
    rows: list[CrosstabRowOut]


class TextThemeOut(Schema):
    label: str
    keywords: list[str]
    other: bool
    count: int
    examples: list[str]


class TextAnswersOut(Schema):
    question: str
    text: str
    shown: bool
    status: str
    threshold: int
    total: int | None = None
    themes: list[TextThemeOut] | None = None
    answers: list[str] = []


def _interval(estimate: Any) -> IntervalOut | None:
    if estimate is None:
        return None
    low, high = estimate.interval
    return IntervalOut(
        estimate=json_number(estimate.estimate),
        low=json_number(low),
        high=json_number(high),
        method=estimate.method,
    )


def _figures(f: QuestionFigures) -> FiguresOut:
    if not f.shown:
        return FiguresOut(shown=False, status=f.status)
    return FiguresOut(
        shown=True,
        status=f.status,
        n=f.n,
        mean=_interval(f.mean),
        top_box=_interval(f.top_box),
        top_box_from=f.top_from,
        top_box_count=f.top_count if f.top_box is not None else None,
        top_box_options=top_option_keys(f) if f.top_box is not None else [],
        dont_know=f.dont_know,
        options=[OptionOut(key=o.key, label=o.label, count=o.count, share=o.share) for o in f.options],
        other_options_count=f.merged_count,
    )


def _survey_out(survey: Any) -> SurveyOut:
    return SurveyOut(
        id=survey.pk,
        title=str(survey),
        series=survey.series,
        round_label=survey.round_label,
        status=survey.status,
    )


def _load(request: HttpRequest, survey_id: int, unit_id: int | None) -> tuple[SurveyResults, int]:
    """Return the round's results (never deciding here); raise ``ResultsPending`` while none exist
    and ``RoundOpen`` (409 ``round_open``) while the round is open."""
    results, node_id = access_results(request.user, survey_id, unit_id)
    ensure_released(results.survey, node_id)
    next_url = f"/results/{results.survey.pk}/?unit={node_id}"
    return jobs.prepared_results(user=request.user, results=results, next_url=next_url), node_id


class PendingOut(Schema):
    """The round's first results are being prepared: poll the job, then ask again."""

    job_id: int
    job: JobOut


def _pending(pending: jobs.ResultsPending) -> Status[dict[str, object]]:
    return Status(202, {"job_id": pending.job.pk, "job": job_out(pending.job)})


def _never_waits(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer 202 with the job that decides the round where no decision can be shown; never 500.

    ``ResultsPending``: the round has no decision yet. ``NotReady``: the earlier decision being
    shown lost a part (evicted from the shared cache); it is made again at once where the task
    backend runs jobs immediately, else the caller polls the job.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, survey_id: int, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, survey_id, *args, **kwargs)
        except jobs.ResultsPending as pending:
            return _pending(pending)
        except NotReady as gone:
            job = jobs.recover(user=request.user, survey=gone.survey, next_url=f"/results/{survey_id}/")
            if job is None:
                return view(request, survey_id, *args, **kwargs)
            return _pending(jobs.ResultsPending(job))

    return wrapper


@router.get("/results/surveys", response=list[SurveyOut])
def list_surveys(request: HttpRequest) -> list[SurveyOut]:
    """List the survey rounds the caller may see results for."""
    return [_survey_out(s) for s in selectors.surveys_with_results(user=request.user)]


@router.get("/results/surveys/{survey_id}", response={200: SummaryOut, 202: PendingOut, 409: Error})
@_never_waits
def summary(request: HttpRequest, survey_id: int, unit_id: int | None = None) -> Any:
    """Return a unit's results: per question n, mean and top-box share with 95 % intervals.

    ``numbers`` holds number questions: n, mean (t interval), median and quartiles.
    ``benchmark`` per question pools all municipalities' closed rounds of the same question-bank
    template and round label (an open round joins it when it closes); it is null unless at least
    three other municipalities with together at least the threshold of answers contribute. It is
    made ahead in the background; while it is remade because a round closed or answers of a
    closed one were deleted (in any municipality), ``benchmark.being_updated`` is true and the
    last one made is returned (none before the first).

    Suppressed figures have ``shown: false`` and no numbers. Without ``unit_id`` the highest
    unit the caller may see is used.

    While the round is open (or a draft) the answer is 409 with ``code`` ``round_open`` and a
    ``message`` that says when the results come (the closing date) and why: figures that
    follow each new answer would show what the newest respondent answered. The same holds for
    the breakdown, export and free-text endpoints. How many have answered so far is on the
    home page and the survey's page.

    Results never wait for the anonymity decision (it runs in the background): after a closed
    round's answers change (some deleted) the previous figures are returned with
    ``being_updated: true``, computed from the answers they were decided for; before a round's
    first decision the answer is 202 with the job that makes it (poll ``GET /api/v1/jobs/{job_id}``,
    then ask again). The same holds for the breakdown, export and free-text endpoints.
    """
    results, node_id = _load(request, survey_id, unit_id)
    o = reports.overview(request.user, results, node_id)
    g = o.group
    bench = prepared_benchmark(user=request.user, results=results, next_url="")
    return SummaryOut(
        benchmark=BenchmarkOut(
            template=bench.template,
            available=bench.available,
            municipalities=bench.municipalities if bench.available else None,
            other_municipalities=bench.others if bench.available else None,
            min_other_municipalities=MIN_OTHER_MUNICIPALITIES,
            being_updated=bench.stale or bench.pending,
        ),
        survey=_survey_out(results.survey),
        threshold=results.policy.threshold,
        being_updated=results.stale,
        group=GroupOut(
            unit_id=node_id,
            unit=o.node.name,
            shown=g.shown,
            respondents=g.respondents,
            invited=g.invited,
            response_rate=_interval(g.rate),
        ),
        questions=[
            QuestionOut(
                key=v.question.key,
                text=v.question.text,
                type=v.question.qtype,
                unit=_figures(v.figures),
                trend=v.trend.direction if v.trend else None,
                comparison={label: _figures(f) for label, f in v.compare},
                benchmark=_figures(bench.figures[v.question.key])
                if v.question.key in bench.figures
                else None,
            )
            for v in o.questions
        ],
        numbers=[
            NumberOut(
                key=f.question.key,
                text=f.question.text,
                shown=f.shown,
                status=f.status,
                n=f.n,
                mean=_interval(f.mean),
                median=f.median,
                q1=f.q1,
                q3=f.q3,
            )
            for f in survey_numbers(results, node_id)
        ],
    )


@router.get("/results/surveys/{survey_id}/crosstab", response={200: CrosstabOut, 202: PendingOut, 409: Error})
@_never_waits
def crosstab(
    request: HttpRequest, survey_id: int, question: str, by: str = "unit", unit_id: int | None = None
) -> Any:
    """Break a question down by the units below (``by=unit``) or a background dimension key."""
    results, node_id = _load(request, survey_id, unit_id)
    q = results.question_by_key.get(question)
    dimensions = dict(reports.dimension_choices(results.definition))
    if q is None or (by != "unit" and by not in dimensions):
        raise Http404
    table = reports.crosstab(results, q, node_id, by)
    return CrosstabOut(
        question=q.key,
        by=by,
        withheld=table.withheld,
        being_updated=results.stale,
        rows=[CrosstabRowOut(key=r.key, label=r.label, figures=_figures(r.figures)) for r in table.rows],
    )


@router.get("/results/surveys/{survey_id}/export", response={200: None, 202: PendingOut, 409: Error})
@_never_waits
def export(request: HttpRequest, survey_id: int, unit_id: int | None = None, format: str = "csv") -> Any:
    """Download the suppressed summary table (``format=csv`` or ``xlsx``)."""
    results, node_id = _load(request, survey_id, unit_id)
    return exports.aggregated_response(request.user, results, node_id, "xlsx" if format == "xlsx" else "csv")


@router.get("/results/surveys/{survey_id}/responses", response={200: None, 202: PendingOut})
@_never_waits
def responses(request: HttpRequest, survey_id: int, unit_id: int | None = None, format: str = "csv") -> Any:
    """Download response-level data (``format=csv``, ``xlsx`` or ``sav`` for SPSS).

    Only for surveys in anonymous mode, roles with the raw-export right and units whose number
    of respondents is shown; otherwise 404, as for a survey that does not exist. Audited.
    Free text is left out and a date is given as its year; where fewer than the survey's
    threshold of code and invitation answers share a unit, language, background answers and
    the years of dates, those values are blank and the column ``withheld`` names them
    (k-anonymity). Above 20,000 responses ``xlsx`` and ``sav``
    answer 400 ``export_too_large``: prepare them with ``POST …/exports`` instead (CSV always streams).
    """
    results, node_id = _load_raw(request, survey_id, unit_id)
    fmt = format if format in exports.RAW_FORMATS else "csv"
    if not exports.raw_direct_allowed(results, node_id, fmt):
        raise ServiceError(InsightsErrorCode.EXPORT_TOO_LARGE, exports.raw_direct_refusal(), field="format")
    return exports.raw_response(request.user, results, node_id, fmt)


def _load_raw(request: HttpRequest, survey_id: int, unit_id: int | None) -> tuple[SurveyResults, int]:
    """Return results and unit when the caller may export response-level data there; else 404."""

    def prepare(results: SurveyResults) -> SurveyResults:
        next_url = f"/results/{results.survey.pk}/"
        return jobs.prepared_results(user=request.user, results=results, next_url=next_url)

    return exports.access_raw_export(request.user, survey_id, unit_id, prepare=prepare)


class ExportIn(Schema):
    unit_id: int | None = None
    format: Literal["csv", "xlsx", "sav"] = "csv"


class ExportJobOut(Schema):
    job_id: int
    job: JobOut


@router.post("/results/surveys/{survey_id}/exports", response={202: ExportJobOut})
@_never_waits
def start_export(request: StaffRequest, survey_id: int, payload: ExportIn) -> Status[dict[str, object]]:
    """Prepare response-level data (``csv``, ``xlsx`` or ``sav``) in the background; 202 with the job.

    Poll ``GET /api/v1/jobs/{job_id}`` until ``status`` is ``done`` (``done`` of ``total``
    counts responses written), then download ``GET /api/v1/jobs/{job_id}/result``; on
    ``failed``, ``error`` says why. Same access as ``…/responses`` (404 otherwise); the job
    checks the right and the anonymity mode again when it runs, and is audited then. While
    the caller's job for the same export is still waiting or running, that job is returned.
    """
    results, node_id = _load_raw(request, survey_id, payload.unit_id)
    job = jobs.export_start(actor=request.user, results=results, node_id=node_id, fmt=payload.format)
    return Status(202, {"job_id": job.pk, "job": job_out(job)})


@router.get("/results/surveys/{survey_id}/text", response={200: TextAnswersOut, 202: PendingOut, 409: Error})
@_never_waits
def text_answers(
    request: HttpRequest, survey_id: int, question: str, q: str = "", unit_id: int | None = None
) -> Any:
    """Return a free-text question's masked answers (filtered by ``q``) and their themes.

    Nothing is listed for a group under the free-text threshold. ``themes`` is null when there
    are fewer answers than the threshold; themes smaller than it are counted in the ``other``
    entry. Themes are formed from all the group's answers, not only the search hits.
    """
    results, node_id = _load(request, survey_id, unit_id)
    info = next((t for t in results.text_questions if t.key == question), None)
    if info is None:
        raise Http404
    query = q[:200]
    texts = results.texts(request.user, info, node_id, query)
    out = TextAnswersOut(
        question=info.key,
        text=info.text,
        shown=texts.shown,
        status=texts.status,
        threshold=results.policy.text_threshold,
    )
    if not texts.shown:
        return out
    everything = results.texts(request.user, info, node_id) if query.strip() else texts
    themes = text_themes(results, request.user, info, node_id, everything)
    out.total = texts.total
    out.answers = list(texts.answers)
    if themes is not None:
        out.themes = [
            TextThemeOut(
                label=t.label,
                keywords=list(t.keywords),
                other=t.other,
                count=t.count,
                examples=list(t.examples),
            )
            for t in themes.themes
        ]
    return out
