"""Results endpoints: the same access helpers and the same suppressed tables as the pages."""

from __future__ import annotations

import math
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema

from medvirk.insights import exports, reports, selectors
from medvirk.insights.figures import QuestionFigures
from medvirk.insights.tables import SurveyResults

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


class GroupOut(Schema):
    unit_id: int
    unit: str
    shown: bool
    respondents: int | None
    invited: int | None
    response_rate: IntervalOut | None


class SummaryOut(Schema):
    survey: SurveyOut
    threshold: int
    group: GroupOut
    questions: list[QuestionOut]


class CrosstabRowOut(Schema):
    key: str
    label: str
    figures: FiguresOut


class CrosstabOut(Schema):
    question: str
    by: str
    withheld: bool
    rows: list[CrosstabRowOut]


def _num(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


def _interval(estimate: Any) -> IntervalOut | None:
    if estimate is None:
        return None
    low, high = estimate.interval
    return IntervalOut(
        estimate=_num(estimate.estimate), low=_num(low), high=_num(high), method=estimate.method
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
    survey, tree, node_id = selectors.access_survey_results(
        user=request.user, survey_id=survey_id, unit_id=unit_id
    )
    return SurveyResults(survey, tree), node_id


@router.get("/results/surveys", response=list[SurveyOut])
def list_surveys(request: HttpRequest) -> list[SurveyOut]:
    """List the survey rounds the caller may see results for."""
    return [_survey_out(s) for s in selectors.surveys_with_results(user=request.user)]


@router.get("/results/surveys/{survey_id}", response=SummaryOut)
def summary(request: HttpRequest, survey_id: int, unit_id: int | None = None) -> SummaryOut:
    """Return a unit's results: per question n, mean and top-box share with 95 % intervals.

    Suppressed figures have ``shown: false`` and no numbers. Without ``unit_id`` the highest
    unit the caller may see is used.
    """
    results, node_id = _load(request, survey_id, unit_id)
    o = reports.overview(request.user, results, node_id)
    g = o.group
    return SummaryOut(
        survey=_survey_out(results.survey),
        threshold=results.policy.threshold,
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
            )
            for v in o.questions
        ],
    )


@router.get("/results/surveys/{survey_id}/crosstab", response=CrosstabOut)
def crosstab(
    request: HttpRequest, survey_id: int, question: str, by: str = "unit", unit_id: int | None = None
) -> CrosstabOut:
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
        rows=[CrosstabRowOut(key=r.key, label=r.label, figures=_figures(r.figures)) for r in table.rows],
    )


@router.get("/results/surveys/{survey_id}/export", response={200: None})
def export(
    request: HttpRequest, survey_id: int, unit_id: int | None = None, format: str = "csv"
) -> HttpResponse:
    """Download the suppressed summary table (``format=csv`` or ``xlsx``)."""
    results, node_id = _load(request, survey_id, unit_id)
    return exports.aggregated_response(request.user, results, node_id, "xlsx" if format == "xlsx" else "csv")
