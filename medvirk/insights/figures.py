"""Figures for one group and one question, computed from counts the suppression step has cleared.

Only ``tables.py`` calls :func:`question_figures`, and only for groups that
``medvirk.analysis.suppression`` shows; everything here is plain arithmetic on those counts and
calls into ``medvirk.analysis``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from medvirk.analysis.intervals import Estimate, mean_interval, wilson_interval
from medvirk.analysis.significance import ReliableChange, reliable_change_mean, reliable_change_share

from .disclosure_options import OptionView
from .questions import DONT_KNOW, QuestionInfo


@dataclass(frozen=True)
class OptionFigure:
    key: str
    label: str
    count: int | None  # None: merged into "other options" by the per-option rule
    share: float | None


@dataclass(frozen=True)
class QuestionFigures:
    """What may be shown for one question in one group. Hidden groups carry no numbers at all."""

    question: QuestionInfo
    shown: bool
    status: str  # suppression status: shown, primary, secondary, not_published
    n: int | None = None  # answers counted (scale answers without "don't know")
    options: tuple[OptionFigure, ...] = ()
    merged_count: int | None = None
    merged_share: float | None = None
    merged_labels: tuple[str, ...] = ()
    dont_know: int | None = None
    mean: Estimate | None = None
    top_box: Estimate | None = None
    top_from: int | None = None
    top_count: int | None = None  # answers in the top box, where the decision shows its share

    @property
    def has_merged(self) -> bool:
        return bool(self.merged_labels)


def _share(count: int | None, n: int) -> float | None:
    """Return ``count`` as a share of ``n`` (None when either is missing or n is 0)."""
    return count / n if n and count is not None else None


def hidden_figures(question: QuestionInfo, status: str) -> QuestionFigures:
    """Return the figures of a group the suppression step hides: no numbers."""
    return QuestionFigures(question, False, status)


def scale_values(question: QuestionInfo, counts: Mapping[Any, int]) -> np.ndarray:
    """Return every scale answer as a number (``np.repeat`` of values by counts, no "don't know")."""
    pairs = [(o.value, counts.get(o.id, 0)) for o in question.options if o.value is not None]
    return np.repeat(np.array([v for v, _n in pairs], dtype=float), [n for _v, n in pairs])


def top_box_count(question: QuestionInfo, counts: Mapping[Any, int]) -> int:
    """Return how many answers lie in the question's top box."""
    assert question.scale is not None
    top = question.scale.top_box_from()
    return sum(counts.get(o.id, 0) for o in question.options if o.value is not None and o.value >= top)


def question_figures(
    question: QuestionInfo, counts: Mapping[Any, int], n: int, view: OptionView
) -> QuestionFigures:
    """Compute what a shown group's answers may show: distribution, mean and top-box share.

    ``n`` is the group's cell count in the suppression table: answers on the scale (without
    "don't know") for scaled questions, respondents for choice questions. ``view`` is the
    round's decision on the group's option counts (:mod:`.disclosure_options`): options it
    withholds are merged into "other options"; the mean and its interval are computed only when
    every option count is shown (then they reveal nothing the counts do not), the top-box share
    only when its count is cleared, "don't know" only when its count is.
    """
    dk_option = question.dont_know
    dont_know = counts.get(dk_option.id, 0) if dk_option and view.dont_know else None
    shown_options = [o for o in question.options if o.key != DONT_KNOW]
    options = tuple(
        OptionFigure(
            o.key,
            o.label,
            counts.get(o.id, 0) if o.id in view.shown else None,
            _share(counts.get(o.id, 0) if o.id in view.shown else None, n),
        )
        for o in shown_options
    )
    merged_options = [o for o in shown_options if o.id not in view.shown]
    merged = None
    if merged_options and view.merged_total:
        merged = sum(counts.get(o.id, 0) for o in merged_options)
    mean = top = None
    top_from = top_count = None
    if question.scaled and n:
        if view.mean:
            mean = mean_interval(scale_values(question, counts))
        if view.top():
            top_from = question.scale.top_box_from() if question.scale else None
            top_count = top_box_count(question, counts)
            top = wilson_interval(top_count, n)
    return QuestionFigures(
        question=question,
        shown=True,
        status="shown",
        n=n,
        options=options,
        merged_count=merged,
        merged_share=merged / n if merged is not None and n else None,
        merged_labels=tuple(o.label for o in merged_options),
        dont_know=dont_know,
        mean=mean,
        top_box=top,
        top_from=top_from,
        top_count=top_count,
    )


@dataclass(frozen=True)
class Trend:
    """Change since the previous round; ``direction`` is set only when the change is reliable."""

    mean: ReliableChange | None
    top_box: ReliableChange | None

    @property
    def direction(self) -> str | None:
        change = self.top_box if self.top_box and self.top_box.reliable else self.mean
        return change.direction if change and change.reliable else None


def trend(
    question: QuestionInfo,
    before: QuestionInfo,
    counts_before: Mapping[Any, int],
    counts_after: Mapping[Any, int],
    min_n: int,
    *,
    means: bool = True,
    tops: bool = True,
) -> Trend:
    """Compare two shown groups of the same question in consecutive rounds.

    ``means``/``tops``: both rounds show the group's mean / top-box share. A change is only
    worked out from figures both rounds show, so its direction reveals nothing they do not.
    """
    if not (question.scaled and before.scaled):
        return Trend(None, None)
    a, b = scale_values(before, counts_before), scale_values(question, counts_after)
    if a.size < 2 or b.size < 2:
        return Trend(None, None)
    mean = reliable_change_mean(a, b, min_n=min_n) if means else None
    share = None
    if tops:
        share = reliable_change_share(
            top_box_count(before, counts_before),
            int(a.size),
            top_box_count(question, counts_after),
            int(b.size),
            min_n=min_n,
        )
    return Trend(mean, share)


@dataclass(frozen=True)
class ThemeFigure:
    key: str
    label: str
    index: float | None  # 0–100
    questions: int
    # Why the index is not shown ("" when it is), from the decisions on its questions' figures:
    # "too_few" (too few answered them) or "protected" (see ``theme_withheld``).
    withheld: str = ""


def theme_withheld(figures: list[QuestionFigures]) -> str:
    """Return why a theme's index is not shown, as the anonymity decision on its questions says.

    "too_few" when every question is hidden because too few answered it (or nobody answered on
    the scale); otherwise "protected": enough answered, but the averages the index is made from
    are withheld so that a few people's answers cannot be worked out from them (an answer option
    chosen by few, merged into "other options", or figures hidden to protect a smaller group).
    """
    too_few = all(not f.n if f.shown else f.status == "primary" for f in figures)
    return "too_few" if too_few else "protected"


def theme_index(figures: list[QuestionFigures]) -> tuple[float | None, int]:
    """Return the theme index (mean of shown question means rescaled to 0–100) and how many counted."""
    scores = []
    for f in figures:
        if f.shown and f.mean is not None and f.question.scale is not None:
            lo, hi = f.question.scale.min, f.question.scale.max
            if not math.isnan(f.mean.estimate):
                scores.append((f.mean.estimate - lo) / (hi - lo) * 100)
    if not scores:
        return None, 0
    return float(sum(scores) / len(scores)), len(scores)
