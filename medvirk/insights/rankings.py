"""Ranking questions: per option the mean place and the share who put it first, for shown groups.

The group's cell is the number of respondents who ranked, decided in the same unit-tree table as
every other question (``SurveyResults.question_table``: a ranking stores one answer row per
option, so like multiple choice its cells count respondents), so a hidden unit's figures cannot be
worked out from its district and siblings. Both figures are additive over those respondents (sums
of places, counts of first places), so protecting the cells protects them.

Within shown groups the first places are option counts, and every other figure is an equation in
them: with two options a mean place gives the count exactly (first = n · (2 − mean)), with more it
bounds it, and a district's count minus its units' gives a unit's. Merging a small count within
one group (the per-option rule) therefore does not protect it. So the first places are decided
as the option counts of a single choice in the round's option decision
(:meth:`.disclosure.SurveyDisclosure.first_places`): a group shows the share who put an option
first where that count is shown, and "other options together" where the decision allows their
total. Mean places are not counts of first places (they sum every place), so they are shown only
where the group shows every first-place count *and*, in every shown group of the round's tree,
each option was put first by nobody or by at least the option minimum of respondents who came
through a counted channel (:func:`first_places_safe`; :mod:`.counted`). Without mean places the
options keep the question's order (their order would tell how the mean places compare).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import selectors
from .questions import QuestionInfo, ranking_questions
from .tables import SurveyResults


@dataclass(frozen=True)
class RankedOption:
    key: str
    label: str
    mean_place: float | None  # 1 = first; None when nobody ranked it (an option added later)
    first_share: float | None  # None: merged with other small counts by the per-option rule


@dataclass(frozen=True)
class RankingFigures:
    question: QuestionInfo
    shown: bool
    status: str
    n: int | None = None
    options: tuple[RankedOption, ...] = ()
    merged_labels: tuple[str, ...] = ()
    merged_share: float | None = None  # the share who put one of ``merged_labels`` first
    places_withheld: bool = False  # mean places withheld: they could give a small first-place count


def first_places_safe(results: SurveyResults, question: QuestionInfo) -> bool:
    """Return whether no shown group of the round has a first-place count an attacker could pin:
    each option's count is 0 or reaches the option minimum through counted channels."""
    m = results.policy.option_min_answers
    firsts = selectors.ranking_firsts_by_unit(survey=results.survey, question_id=question.id)
    for node_id in results.tree.nodes:
        decision = results.unit_decision(question, node_id)
        if not decision.shown:
            continue
        below = set(results.tree.survey_units_below(node_id))
        per_option: dict[int, list[int]] = {}
        for (unit_id, option_id), (first, counted) in firsts.items():
            if unit_id in below:
                total = per_option.setdefault(option_id, [0, 0])
                total[0] += first
                total[1] += counted
        if any(first > 0 and counted < m for first, counted in per_option.values()):
            return False
    return True


def ranking_figures(
    results: SurveyResults, question: QuestionInfo, node_id: int, *, safe: bool | None = None
) -> RankingFigures:
    """Return one ranking question's figures for one unit (no numbers when suppressed), best first.

    ``safe`` is :func:`first_places_safe` for the question (computed here when not given)."""
    if results.stale:
        # The figures come from the answers themselves, which are today's, not those the earlier
        # decision was made from: nothing until the new decision is made.
        return RankingFigures(question, False, "being_updated")
    decision = results.unit_decision(question, node_id)
    if not decision.shown or decision.count is None:
        return RankingFigures(question, False, decision.status.value)
    n = decision.count
    sums = selectors.ranking_sums(
        survey=results.survey, question_id=question.id, unit_ids=results.tree.survey_units_below(node_id)
    )
    firsts: dict[int | None, int] = {o.id: sums.get(o.id, (0.0, 0, 0))[1] for o in question.options}
    firsts[None] = n - sum(c for c in firsts.values() if c)  # ranked, but put nothing first
    view = results.disclosure.first_place_view(question.id, firsts, node_id)
    places = view.mean and (first_places_safe(results, question) if safe is None else safe)
    options = []
    for o in question.options:
        total, first, ranked = sums.get(o.id, (0.0, 0, 0))
        options.append(
            RankedOption(
                o.key,
                o.label,
                total / ranked if ranked and places else None,
                first / n if o.id in view.shown and n else None,
            )
        )
    if places:
        options.sort(key=lambda r: (r.mean_place is None, r.mean_place or 0.0))
    merged = n - sum(firsts[o.id] for o in question.options if o.id in view.shown)
    return RankingFigures(
        question,
        True,
        "shown",
        n,
        tuple(options),
        tuple(o.label for o in question.options if o.id not in view.shown),
        merged / n if view.merged_total and n else None,
        places_withheld=not places,
    )


def survey_rankings(results: SurveyResults, node_id: int) -> list[RankingFigures]:
    """Return the figures of every ranking question of the survey for one unit."""
    return [
        ranking_figures(results, q, node_id, safe=first_places_safe(results, q))
        for q in ranking_questions(results.definition, results.registry)
    ]
