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
from medvirk.analysis.suppression import SuppressionPolicy, suppress_options

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
    question: QuestionInfo, counts: Mapping[Any, int], n: int, policy: SuppressionPolicy
) -> QuestionFigures:
    """Compute the distribution, mean and top-box share of a shown group from its option counts.

    ``n`` is the group's cell count in the suppression table: answers on the scale (without
    "don't know") for scaled questions, respondents for choice questions.
    """
    dk_option = question.dont_know
    dont_know = counts.get(dk_option.id, 0) if dk_option else None
    shown_options = [o for o in question.options if o.key != DONT_KNOW]
    per_option = suppress_options(
        {o.key: counts.get(o.id, 0) for o in shown_options}, policy, exclusive=question.exclusive
    )
    decided = {d.key: d for d in per_option.options}
    options = tuple(
        OptionFigure(
            o.key,
            o.label,
            decided[o.key].count,
            _share(decided[o.key].count, n),
        )
        for o in shown_options
    )
    merged_labels = tuple(o.label for o in shown_options if decided[o.key].merged)
    merged = per_option.merged_count
    mean = top = None
    top_from = None
    if question.scaled and n:
        values = scale_values(question, counts)
        mean = mean_interval(values)
        top_from = question.scale.top_box_from() if question.scale else None
        top = wilson_interval(top_box_count(question, counts), n)
    return QuestionFigures(
        question=question,
        shown=True,
        status="shown",
        n=n,
        options=options,
        merged_count=merged,
        merged_share=merged / n if merged is not None and n else None,
        merged_labels=merged_labels,
        dont_know=dont_know,
        mean=mean,
        top_box=top,
        top_from=top_from,
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
) -> Trend:
    """Compare two shown groups of the same question in consecutive rounds."""
    if not (question.scaled and before.scaled):
        return Trend(None, None)
    a, b = scale_values(before, counts_before), scale_values(question, counts_after)
    if a.size < 2 or b.size < 2:
        return Trend(None, None)
    mean = reliable_change_mean(a, b, min_n=min_n)
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
