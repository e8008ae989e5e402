# SPDX-License-Identifier: AGPL-3.0-or-later
"""Tests for medvirk.analysis.gaps."""

from __future__ import annotations

import numpy as np
import pytest

from medvirk.analysis.gaps import group_outcomes, outcome_gaps
from medvirk.analysis.intervals import newcombe_difference, welch_difference
from medvirk.analysis.significance import benjamini_hochberg, fcr_level


def _data(seed: int = 1, n: int = 400) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b", "c", "prefer_not_to_say"], n)
    a = np.clip(np.round(4 + rng.normal(0, 1.2, n) + np.where(g == "a", 1.0, 0)), 1, 6)
    return a.astype(int), list(g)


def test_group_outcomes_compare_with_everyone_else_known() -> None:
    answers = [6, 5, 2, 3, 4, 6, 1, 5]
    groups = ["a", "a", "b", "b", None, "a", "prefer_not_to_say", "b"]
    out = {o.group: o for o in group_outcomes(answers, groups)}
    assert set(out) == {"a", "b"}
    a = out["a"]
    assert (a.n, a.n_rest) == (3, 3)
    assert a.top_box.estimate == pytest.approx(1.0)
    # Group a: 3 of 3 top box; rest (group b: 2, 3, 5): 1 of 3.
    ref = newcombe_difference(3, 3, 1, 3)
    assert a.top_box_gap is not None and a.top_box_gap.interval == ref.interval
    assert a.mean_gap is not None
    assert a.mean_gap.interval == welch_difference([6, 5, 6], [2, 3, 5]).interval


def test_outcome_gaps_bh_and_fcr_intervals() -> None:
    a, g = _data()
    gaps = outcome_gaps({"q1": (a, g), "q2": (a[::-1].copy(), g)})
    top = [x for x in gaps if x.measure == "top_box"]
    assert len(top) == 6
    bh = benjamini_hochberg([x.p_value for x in top])
    assert [x.p_adjusted for x in top] == list(bh.adjusted)
    level = fcr_level(bh.n_rejected, bh.n)
    flagged = [x for x in top if x.flagged]
    assert {(x.question, x.group) for x in flagged} >= {("q1", "a")}
    for x in flagged:
        assert x.level == pytest.approx(level)
        assert x.interval[0] > 0 or x.interval[1] < 0
        assert abs(x.estimate) >= 0.10
        # The FCR interval is wider than the raw 95 % interval.
        assert x.interval[0] <= x.raw_interval[0] and x.interval[1] >= x.raw_interval[1]
    # Mean gaps are not flagged unless a practical size is given for them.
    assert not any(x.flagged for x in gaps if x.measure == "mean")


def test_practical_size_and_anonymity_threshold_block_flags() -> None:
    a, g = _data()
    big = outcome_gaps({"q": (a, g)}, practical_size=0.9)
    assert not any(x.flagged for x in big if x.measure == "top_box")
    assert any("practical size" in (x.reason or "") for x in big)
    # A tiny group with extreme answers: significant maybe, but never shown below threshold.
    answers = [6, 6, 6, 6] + [2] * 60
    groups = ["tiny"] * 4 + ["rest"] * 60
    gaps = outcome_gaps({"q": (answers, groups)}, anonymity_threshold=5)
    tiny = next(x for x in gaps if x.group == "tiny" and x.measure == "top_box")
    assert not tiny.flagged
    assert tiny.reason is not None and "answers on one side" in tiny.reason
    shown = outcome_gaps({"q": (answers, groups)}, anonymity_threshold=4)
    assert next(x for x in shown if x.group == "tiny" and x.measure == "top_box").flagged


def test_mean_gaps_flag_with_practical_size() -> None:
    a, g = _data()
    gaps = outcome_gaps({"q": (a, g)}, mean_practical_size=0.5)
    flagged = {x.group for x in gaps if x.measure == "mean" and x.flagged}
    assert "a" in flagged


def test_single_group_has_no_gap() -> None:
    gaps = outcome_gaps({"q": ([5, 6, 1], ["a", "a", "a"])})
    assert all(not x.flagged and x.reason == "too few answers to compare" for x in gaps)
