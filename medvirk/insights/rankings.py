"""Ranking questions: per option the mean place and the share who put it first, for shown groups.

The group's cell is the number of respondents who ranked, decided in the same unit-tree table as
every other question (``SurveyResults.question_table``: a ranking stores one answer row per
option, so like multiple choice its cells count respondents), so a hidden unit's figures cannot be
worked out from its district and siblings. Both figures are additive over those respondents (sums
of places, counts of first places), so protecting the cells protects them; the first places
follow the per-option rule of a single-choice question (each respondent puts exactly one option
first): small counts are merged, never shown on their own.
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


def ranking_figures(results: SurveyResults, question: QuestionInfo, node_id: int) -> RankingFigures:
    """Return one ranking question's figures for one unit (no numbers when suppressed), best first."""
    decision = results.question_table(question)[node_key(node_id)]
    if not decision.shown or decision.count is None:
        return RankingFigures(question, False, decision.status.value)
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
        ranking_figures(results, q, node_id) for q in ranking_questions(results.definition, results.registry)
    ]
