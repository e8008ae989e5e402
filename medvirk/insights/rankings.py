"""Ranking questions: per option the mean place and the share who put it first, for shown groups.

The group's cell is the number of respondents who ranked, decided in the same unit-tree table as
every other question (``SurveyResults.question_table``: a ranking stores one answer row per
option, so like multiple choice its cells count respondents), so a hidden unit's figures cannot be
worked out from its district and siblings. Both figures are additive over those respondents (sums
of places, counts of first places), so protecting the cells protects them.

Within shown groups the first places are option counts, and every other figure is an equation in
them: with two options a mean place gives the count exactly (first = n · (2 − mean)), with more it
bounds it, and a district's count minus its units' gives a unit's. Merging a small count within
one group (the per-option rule) therefore does not protect it. Until the first places join the
round's option decision (:mod:`.disclosure_options`), the rule here is the safe one: a ranking
question's figures are shown only when, in every shown group of the round's tree, each option was
put first by nobody or by at least the option minimum of respondents who came through a counted
channel (:mod:`.counted`: planted poster answers cannot lift a count into view). Otherwise every
group shows only that its figures are withheld.
"""

from __future__ import annotations

from dataclasses import dataclass

from medvirk.analysis.suppression import suppress_options

from . import selectors
from .questions import QuestionInfo, ranking_questions
from .tables import SurveyResults, node_key


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


def first_places_safe(results: SurveyResults, question: QuestionInfo) -> bool:
    """Return whether no shown group of the round has a first-place count an attacker could pin:
    each option's count is 0 or reaches the option minimum through counted channels."""
    m = results.policy.option_min_answers
    table = results.question_table(question)
    firsts = selectors.ranking_firsts_by_unit(survey=results.survey, question_id=question.id)
    for node_id in results.tree.nodes:
        decision = table[node_key(node_id)]
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
    decision = results.question_table(question)[node_key(node_id)]
    if not decision.shown or decision.count is None:
        return RankingFigures(question, False, decision.status.value)
    if not (first_places_safe(results, question) if safe is None else safe):
        return RankingFigures(question, False, "options_small")
    n = decision.count
    sums = selectors.ranking_sums(
        survey=results.survey, question_id=question.id, unit_ids=results.tree.survey_units_below(node_id)
    )
    firsts = {o.key: sums.get(o.id, (0.0, 0, 0))[1] for o in question.options}
    per_option = suppress_options(firsts, results.policy, exclusive=True)
    decided = {d.key: d for d in per_option.options}
    options = []
    for o in question.options:
        places, _first, ranked = sums.get(o.id, (0.0, 0, 0))
        count = decided[o.key].count
        options.append(
            RankedOption(
                o.key,
                o.label,
                places / ranked if ranked else None,
                count / n if count is not None and n else None,
            )
        )
    options.sort(key=lambda r: (r.mean_place is None, r.mean_place or 0.0))
    merged = per_option.merged_count
    return RankingFigures(
        question,
        True,
        "shown",
        n,
        tuple(options),
        tuple(o.label for o in question.options if decided[o.key].merged),
        merged / n if merged is not None and n else None,
    )


def survey_rankings(results: SurveyResults, node_id: int) -> list[RankingFigures]:
    """Return the figures of every ranking question of the survey for one unit."""
    return [
        ranking_figures(results, q, node_id, safe=first_places_safe(results, q))
        for q in ranking_questions(results.definition, results.registry)
    ]
