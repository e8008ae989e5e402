"""Survey results per provider, from the rounds run in the providers' units.

A provider is a unit in the organisation tree, so a round run in the providers' units gives
each provider's results through the round's one anonymity decision (``insights.disclosure``):
a provider's figures, the other providers' and the total of the round are decided in one table,
so none of them can be subtracted from the others. Nothing here counts: every number comes from
:class:`~medvirk.insights.tables.SurveyResults`, hidden groups come back without numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from medvirk.analysis.intervals import Estimate, wilson_interval
from medvirk.analysis.suppression import CellStatus
from medvirk.choice.models import Provider
from medvirk.surveys.models import Survey, SurveyStatus, SurveyUnit

from ..questions import QuestionInfo
from ..tables import SurveyResults

#: What the comparison shows of the question bank's home-care survey (Äldreguiden's choice:
#: overall satisfaction, getting the help needed, enough time, agreed times, respect, a say,
#: understanding the staff, and few different staff). ``option`` measures show one option's
#: share, the others the share in the top of the scale. Texts per language: ``public_text``.
MEASURES: tuple[tuple[str, str, str | None], ...] = (
    ("m_overall", "hjemme_helhet", None),
    ("m_need", "hjemme_behov", None),
    ("m_time", "hjemme_tid", None),
    ("m_on_time", "hjemme_avtalt_tid", None),
    ("m_respect", "hjemme_respekt_behandling", None),
    ("m_say", "hjemme_medvirk_bestemme", None),
    ("m_understand", "hjemme_forstar", None),
    ("m_few_staff", "hjemme_antall_ansatte", "en_til_tre"),
)
OVERALL_THEME = "helhet"  # other surveys: their "overall" questions, labelled from the survey


@dataclass(frozen=True)
class Measure:
    key: str  # a public_text key, or "" when the label comes from the survey (``label``)
    question: QuestionInfo
    option: str | None = None
    label: str = ""


@dataclass(frozen=True)
class Figure:
    """One measure for one group: a share with its interval, or nothing (too few answers)."""

    shown: bool
    share: Estimate | None = None
    n: int | None = None
    protected: bool = False  # hidden, with enough answers, so that a smaller group stays hidden


@dataclass(frozen=True)
class GroupResults:
    in_round: bool  # the group was part of the round at all
    respondents: int | None  # None: hidden (too few, or ``protected``)
    figures: dict[str, Figure] = field(default_factory=dict)
    protected: bool = False  # hidden with enough answers, so that a smaller group cannot be derived


@dataclass(frozen=True)
class RoundComparison:
    survey: Survey
    measures: tuple[Measure, ...]
    providers: dict[int, GroupResults]
    total: GroupResults
    total_is_providers: bool  # the round ran only in these providers' units
    threshold: int
    top_from: int | None
    scale_max: int | None


def rounds_for(*, providers: Sequence[Provider]) -> list[Survey]:
    """Return the closed rounds run in any of the providers' units, newest first.

    An open round's figures are not shown anywhere (``insights.release``): they would move with
    each answer and so show what it was.
    """
    if not providers:
        return []
    units = [p.unit_id for p in providers]
    municipality_id = providers[0].municipality_id  # a service's providers are its municipality's
    ids = SurveyUnit.objects.filter(municipality_id=municipality_id, unit_id__in=units).values("survey_id")
    return list(
        Survey.objects.filter(
            municipality_id=municipality_id,
            pk__in=ids,
            status=SurveyStatus.CLOSED,
        ).order_by("-created_on", "-id")
    )


def comparison_round(*, providers: Sequence[Provider]) -> Survey | None:
    """Return the round the comparison shows: the newest closed round covering the most providers.

    A closed round's figures do not change while people read them; an open round is never used.
    """
    rounds = rounds_for(providers=providers)
    if not rounds:
        return None
    units = {p.unit_id for p in providers}
    covered = {
        s.pk: len(
            units
            & set(
                SurveyUnit.objects.filter(municipality_id=s.municipality_id, survey=s).values_list(
                    "unit_id", flat=True
                )
            )
        )
        for s in rounds
    }
    return max(rounds, key=lambda s: (covered[s.pk], s.created_on, s.pk))


def _measures(results: SurveyResults) -> tuple[Measure, ...]:
    found = [
        Measure(key, results.question_by_key[qkey], option)
        for key, qkey, option in MEASURES
        if qkey in results.question_by_key
    ]
    if found:
        return tuple(found)
    return tuple(
        Measure("", q, None, q.text) for q in results.questions if q.theme == OVERALL_THEME and q.scaled
    )


def _figure(results: SurveyResults, measure: Measure, node_id: int) -> Figure:
    figs = results.figures(measure.question, node_id)
    if not figs.shown or not figs.n:
        return Figure(False, protected=figs.status == CellStatus.SECONDARY)
    # Enough answered the question (its number is shown), but the share is withheld so that the
    # few who answered otherwise cannot be worked out: said as "hidden to protect others", since
    # "too few answers" beside 50 answers read as a contradiction.
    if measure.option is None:
        if figs.top_box is None:
            return Figure(False, n=figs.n, protected=True)
        return Figure(True, figs.top_box, figs.n)
    option = next((o for o in figs.options if o.key == measure.option), None)
    if option is None or option.count is None:  # merged with other small options
        return Figure(False, n=figs.n, protected=True)
    return Figure(True, wilson_interval(option.count, figs.n), figs.n)


def _group(results: SurveyResults, measures: Sequence[Measure], node_id: int) -> GroupResults:
    group = results.group(node_id)
    return GroupResults(
        True,
        group.respondents,
        {m.key or m.question.key: _figure(results, m, node_id) for m in measures},
        protected=group.status == CellStatus.SECONDARY,
    )


def compare(*, providers: Sequence[Provider], survey: Survey | None = None) -> RoundComparison | None:
    """Return the round's results for each provider and for the round's total."""
    survey = survey or comparison_round(providers=providers)
    if survey is None:
        return None
    results = SurveyResults(survey)
    measures = _measures(results)
    tree = results.tree
    out: dict[int, GroupResults] = {}
    for provider in providers:
        node = tree.nodes.get(provider.unit_id)
        out[provider.pk] = (
            _group(results, measures, provider.unit_id)
            if node is not None and node.is_survey_unit
            else GroupResults(False, None)
        )
    root = next(n.id for n in tree.nodes.values() if n.parent_id not in tree.nodes)
    survey_units = {n.id for n in tree.nodes.values() if n.is_survey_unit}
    scaled = next((m.question for m in measures if m.question.scale is not None), None)
    return RoundComparison(
        survey=survey,
        measures=measures,
        providers=out,
        total=_group(results, measures, root),
        total_is_providers=survey_units <= {p.unit_id for p in providers},
        threshold=results.policy.threshold,
        top_from=scaled.scale.top_box_from() if scaled and scaled.scale else None,
        scale_max=scaled.scale.max if scaled and scaled.scale else None,
    )
