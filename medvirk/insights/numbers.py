"""Number questions: mean with 95 % CI, median and quartiles, for groups the suppression step shows.

The group's cell is the number of answers, decided in the same unit-tree table as every other
question (``SurveyResults.question_table``), so a hidden unit's figures cannot be worked out
from its district and siblings either.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from medvirk.analysis.intervals import Estimate, mean_interval

from . import selectors
from .questions import QuestionInfo, number_questions
from .tables import SurveyResults


@dataclass(frozen=True)
class NumberFigures:
    question: QuestionInfo
    shown: bool
    status: str
    n: int | None = None
    mean: Estimate | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None


def summarise(question: QuestionInfo, values: list[float]) -> NumberFigures:
    """Return mean (t interval), median and quartiles (linear interpolation, R type 7)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return NumberFigures(question, True, "shown", 0)
    q1, median, q3 = (float(v) for v in np.percentile(x, [25, 50, 75]))
    return NumberFigures(question, True, "shown", int(x.size), mean_interval(x), median, q1, q3)


def number_figures(results: SurveyResults, question: QuestionInfo, node_id: int) -> NumberFigures:
    """Return one number question's figures for one unit (no numbers when suppressed)."""
    if results.stale:
        # Medians and quartiles are computed from the answers themselves, which are today's, not
        # those the earlier decision was made from: nothing until the new decision is made.
        return NumberFigures(question, False, "being_updated")
    decision = results.unit_decision(question, node_id)
    if not decision.shown or decision.count is None:
        return NumberFigures(question, False, decision.status.value)
    values = selectors.number_values(
        survey=results.survey, question_id=question.id, unit_ids=results.tree.survey_units_below(node_id)
    )
    return summarise(question, values)


def survey_numbers(results: SurveyResults, node_id: int) -> list[NumberFigures]:
    """Return the figures of every number question of the survey for one unit."""
    return [
        number_figures(results, q, node_id) for q in number_questions(results.definition, results.registry)
    ]
