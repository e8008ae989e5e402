# SPDX-License-Identifier: AGPL-3.0-or-later
"""Outcome gaps: does a group answer differently from everyone else?

For one question (ordinal answers 1..K, "don't know" removed) and one grouping, every group gets
its top-box share and mean with intervals, and its gap to everyone else who answered and whose
group is known: a Newcombe interval for the top-box gap and a Welch interval for the mean gap.

Across all groups and questions passed together, p-values are adjusted with Benjamini–Hochberg
and the intervals of BH-selected gaps are widened to the false-coverage-rate level
1 − R·q/m (Benjamini & Yekutieli 2005). A gap is flagged only when

1. its corrected interval excludes zero,
2. ``|gap|`` is at least the practical size (default 10 percentage points for the top box), and
3. both the group and everyone else have at least ``anonymity_threshold`` answers.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from medvirk.analysis.intervals import (
    Difference,
    Estimate,
    mean_interval,
    newcombe_difference,
    top_box_share,
    welch_difference,
)
from medvirk.analysis.significance import benjamini_hochberg, fcr_level
from medvirk.common.dimensions import PREFER_NOT_TO_SAY

__all__ = ["Gap", "GroupOutcome", "group_outcomes", "outcome_gaps"]


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    """Raw (unadjusted) outcome of one group on one question, and its gaps to everyone else."""

    question: str
    group: str
    n: int
    n_rest: int
    top_box: Estimate
    mean: Estimate
    top_box_gap: Difference | None
    mean_gap: Difference | None


@dataclass(frozen=True, slots=True)
class Gap:
    """A gap (group − everyone else) after multiple-testing correction, with the flag decision.

    ``measure`` is ``"top_box"`` (estimate in proportion units, 0.10 = 10 points) or ``"mean"``
    (scale points). ``interval`` is the corrected interval; ``reason`` says why it is not
    flagged (``None`` when flagged).
    """

    question: str
    group: str
    measure: str
    n: int
    n_rest: int
    estimate: float
    interval: tuple[float, float]
    raw_interval: tuple[float, float]
    p_value: float
    p_adjusted: float
    level: float
    flagged: bool
    reason: str | None
    method: str


def group_outcomes(
    answers: npt.ArrayLike,
    groups: Sequence[str | None],
    *,
    question: str = "",
    top: Collection[int] = (5, 6),
    level: float = 0.95,
    exclude: Collection[str] = (PREFER_NOT_TO_SAY,),
) -> tuple[GroupOutcome, ...]:
    """Return each group's top-box share, mean and raw gaps to everyone else for one question.

    ``answers`` are integers 1..K with "don't know" already removed; ``groups`` gives each
    respondent's group key, or ``None`` when unknown. Respondents whose group is ``None`` or in
    ``exclude`` (default "prefer not to say") are left out of both sides of every comparison.
    Gaps need at least one answer on each side (two for the mean gap) and are otherwise None.
    Small groups are returned too: hiding groups under the anonymity threshold is the caller's
    job (only the flag in :func:`outcome_gaps` looks at the threshold).
    """
    a = np.asarray(answers, dtype=np.float64)
    if a.ndim != 1 or len(groups) != a.size:
        raise ValueError("answers and groups must be one-dimensional and the same length")
    if not np.all(np.isfinite(a)):
        raise ValueError("answers contain missing values; remove 'don't know' first")
    known = np.array([g is not None and g not in exclude for g in groups], dtype=bool)
    labels = np.array(["" if g is None else str(g) for g in groups], dtype=object)
    a_known = a[known]
    lab_known = labels[known]
    top_arr = np.asarray(list(top), dtype=np.float64)
    out: list[GroupOutcome] = []
    for g in dict.fromkeys(lab_known.tolist()):
        in_g = lab_known == g
        mine, rest = a_known[in_g], a_known[~in_g]
        tb = top_box_share(mine, top, level=level)
        mean = mean_interval(mine, level=level)
        tb_gap = None
        if rest.size:
            c1 = int(np.isin(mine, top_arr).sum())
            c2 = int(np.isin(rest, top_arr).sum())
            tb_gap = newcombe_difference(c1, mine.size, c2, rest.size, level=level)
        enough_for_means = mine.size >= 2 and rest.size >= 2
        mean_gap = welch_difference(mine, rest, level=level) if enough_for_means else None
        out.append(GroupOutcome(question, str(g), int(mine.size), int(rest.size), tb, mean, tb_gap, mean_gap))
    return tuple(out)


def _gap_at_level(
    data: tuple[npt.ArrayLike, Sequence[str | None]],
    group: str,
    measure: str,
    level: float,
    top: Collection[int],
    exclude: Collection[str],
) -> Difference | None:
    """Recompute one group's gap from the data at another confidence level."""
    a, g = data
    for o in group_outcomes(a, g, top=top, level=level, exclude=exclude):
        if o.group == group:
            return o.top_box_gap if measure == "top_box" else o.mean_gap
    return None  # pragma: no cover - the group came from the same data


def _corrected(
    items: list[tuple[GroupOutcome, Difference | None]],
    measure: str,
    questions: Mapping[str, tuple[npt.ArrayLike, Sequence[str | None]]],
    *,
    q: float,
    practical_size: float | None,
    anonymity_threshold: int,
    top: Collection[int],
    exclude: Collection[str],
) -> list[Gap]:
    """BH-adjust one family of gaps, recompute selected intervals at the FCR level and flag."""
    nan = float("nan")
    p = [d.p_value if d is not None else nan for _, d in items]
    bh = benjamini_hochberg(p, alpha=q)
    level_sel = fcr_level(bh.n_rejected, bh.n, q)
    gaps: list[Gap] = []
    for (o, d), p_adj, rejected in zip(items, bh.adjusted, bh.rejected, strict=True):
        if d is None:
            gaps.append(
                Gap(
                    o.question,
                    o.group,
                    measure,
                    o.n,
                    o.n_rest,
                    nan,
                    (nan, nan),
                    (nan, nan),
                    nan,
                    nan,
                    1 - q,
                    False,
                    "too few answers to compare",
                    "none",
                )
            )
            continue
        interval = d.interval
        level = d.level
        if rejected:
            # Recompute at the FCR level from the data rather than stretching the raw interval,
            # which keeps Newcombe's asymmetric shape.
            d2 = _gap_at_level(questions[o.question], o.group, measure, level_sel, top, exclude)
            if d2 is not None:
                interval, level = d2.interval, level_sel
        excludes_zero = bool(rejected and (interval[0] > 0 or interval[1] < 0))
        if not excludes_zero:
            reason: str | None = "corrected interval includes zero"
        elif practical_size is None:
            reason = "no practical size set for this measure"
        elif abs(d.estimate) < practical_size:
            reason = f"smaller than the practical size {practical_size:g}"
        elif min(o.n, o.n_rest) < anonymity_threshold:
            reason = f"fewer than {anonymity_threshold} answers on one side"
        else:
            reason = None
        gaps.append(
            Gap(
                question=o.question,
                group=o.group,
                measure=measure,
                n=o.n,
                n_rest=o.n_rest,
                estimate=d.estimate,
                interval=interval,
                raw_interval=d.interval,
                p_value=d.p_value,
                p_adjusted=p_adj,
                level=level,
                flagged=reason is None,
                reason=reason,
                method=f"{d.method}; BH across {bh.n} gaps, FCR-adjusted interval",
            )
        )
    return gaps


def outcome_gaps(
    questions: Mapping[str, tuple[npt.ArrayLike, Sequence[str | None]]],
    *,
    top: Collection[int] = (5, 6),
    q: float = 0.05,
    practical_size: float = 0.10,
    mean_practical_size: float | None = None,
    anonymity_threshold: int = 5,
    exclude: Collection[str] = (PREFER_NOT_TO_SAY,),
) -> tuple[Gap, ...]:
    """Find flagged outcome gaps across questions for one grouping.

    ``questions`` maps each question key to ``(answers, groups)``: that question's answers
    (1..K, "don't know" already removed) and the group key of each of those respondents
    (``None`` if unknown). Top-box gaps and mean gaps are two separate BH families at false
    discovery rate ``q``, each spanning all groups and questions. Top-box gaps are flagged
    with ``practical_size`` (proportion units: 0.10 = 10 points); mean gaps only when
    ``mean_practical_size`` (scale points) is given.
    """
    outcomes: list[GroupOutcome] = []
    for question, (a, g) in questions.items():
        outcomes.extend(group_outcomes(a, g, question=question, top=top, exclude=exclude))
    top_gaps = _corrected(
        [(o, o.top_box_gap) for o in outcomes],
        "top_box",
        questions,
        q=q,
        practical_size=practical_size,
        anonymity_threshold=anonymity_threshold,
        top=top,
        exclude=exclude,
    )
    mean_gaps = _corrected(
        [(o, o.mean_gap) for o in outcomes],
        "mean",
        questions,
        q=q,
        practical_size=mean_practical_size,
        anonymity_threshold=anonymity_threshold,
        top=top,
        exclude=exclude,
    )
    return tuple(top_gaps + mean_gaps)
