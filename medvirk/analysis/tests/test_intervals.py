# SPDX-License-Identifier: AGPL-3.0-or-later
"""Tests for medvirk.analysis.intervals against R and published worked examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from medvirk.analysis.intervals import (
    mean_interval,
    newcombe_difference,
    newcombe_p_value,
    top_box_share,
    welch_difference,
    wilson_interval,
)

FIXTURES = Path(__file__).parent / "fixtures"
REF = json.loads((FIXTURES / "reference_expected.json").read_text())


@pytest.mark.parametrize("case", REF["wilson"], ids=lambda c: f"{c['count']}/{c['n']}")
def test_wilson_matches_r_prop_test(case: dict[str, Any]) -> None:
    # R: prop.test(x, n, correct = FALSE)$conf.int (fixtures/reference.R).
    est = wilson_interval(int(case["count"]), int(case["n"]))
    assert est.interval == pytest.approx((case["low"], case["high"]), abs=1e-10)
    assert est.method == "Wilson score"


@pytest.mark.parametrize(
    ("count", "n", "low", "high"),
    [
        # Newcombe (1998a), Stat Med 17:857-872, Table I, method 3 (score, no correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998_single_proportion(count: int, n: int, low: float, high: float) -> None:
    assert wilson_interval(count, n).interval == pytest.approx((low, high), abs=5e-5)


@pytest.mark.parametrize(
    ("c1", "n1", "c2", "n2", "low", "high"),
    [
        # Newcombe (1998b), Stat Med 17:873-890, Table II, method 10 (hybrid score).
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_matches_published_examples(
    c1: int, n1: int, c2: int, n2: int, low: float, high: float
) -> None:
    d = newcombe_difference(c1, n1, c2, n2)
    assert d.interval == pytest.approx((low, high), abs=5e-5)
    assert d.estimate == pytest.approx(c1 / n1 - c2 / n2)
    assert (d.n, d.n1, d.n2) == (n1 + n2, n1, n2)


def test_newcombe_p_value_agrees_with_interval() -> None:
    # The p-value is defined by inverting the interval: at level 1 - p a bound touches 0.
    p = newcombe_p_value(56, 70, 48, 80)
    at = newcombe_difference(56, 70, 48, 80, level=1 - p)
    assert at.interval[0] == pytest.approx(0.0, abs=1e-8)
    assert newcombe_p_value(5, 56, 0, 29) > 0.05  # interval includes 0 (Table II)
    assert newcombe_p_value(3, 10, 3, 10) == 1.0


@given(
    n1=st.integers(1, 400),
    n2=st.integers(1, 400),
    f1=st.floats(0, 1),
    f2=st.floats(0, 1),
)
def test_newcombe_p_value_inverts_statsmodels_interval(n1: int, n2: int, f1: float, f2: float) -> None:
    """At level 1 − p statsmodels' own Newcombe interval has a bound at 0: just inside, 0 is
    excluded; just outside, included (the p-value searches over z with the Wilson formula)."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    c1, c2 = round(f1 * n1), round(f2 * n2)
    p = newcombe_p_value(c1, n1, c2, n2)
    if p in (1.0, 1e-15) or p < 1e-9:  # ends of the search, and tails where bounds lose precision
        return
    for alpha, excludes in ((p * (1 + 1e-6), True), (p * (1 - 1e-6), False)):
        low, high = confint_proportions_2indep(c1, n1, c2, n2, method="newcomb", compare="diff", alpha=alpha)
        assert (low > 0 or high < 0) == excludes, (alpha, low, high)


def test_wilson_bounds_at_z_equal_statsmodels() -> None:
    from scipy import stats
    from statsmodels.stats.proportion import proportion_confint

    from medvirk.analysis.intervals import _wilson_at

    for c, n, level in ((0, 1, 0.95), (3, 10, 0.5), (56, 70, 0.999), (199, 200, 0.01), (7, 400, 0.9999999)):
        z = float(stats.norm.isf((1 - level) / 2))
        expected = proportion_confint(c, n, alpha=1 - level, method="wilson")
        assert _wilson_at(c, n, z) == pytest.approx(expected, abs=1e-15)


def test_mean_interval_matches_r_t_test() -> None:
    ref = REF["t_mean"]
    est = mean_interval(ref["x"])
    assert est.estimate == pytest.approx(ref["mean"], abs=1e-12)
    assert est.interval == pytest.approx((ref["low"], ref["high"]), abs=1e-10)
    assert est.n == len(ref["x"])


def test_mean_interval_edge_cases() -> None:
    assert np.isnan(mean_interval([3.0]).interval[0])
    assert mean_interval([4, 4, 4]).interval == (4.0, 4.0)
    with pytest.raises(ValueError, match="missing"):
        mean_interval([1.0, float("nan")])


def test_weighted_mean_interval_uses_linearisation() -> None:
    est = mean_interval([1, 2, 3, 4], weights=[1, 1, 1, 1])
    # Equal weights: linearisation SE = s/sqrt(n), identical to the t interval.
    assert est.interval == pytest.approx(mean_interval([1, 2, 3, 4]).interval, abs=1e-12)


def test_welch_matches_r_t_test() -> None:
    ref = REF["welch"]
    d = welch_difference(ref["x"], ref["y"])
    assert d.estimate == pytest.approx(ref["estimate"], abs=1e-12)
    assert d.interval == pytest.approx((ref["low"], ref["high"]), abs=1e-10)
    assert d.p_value == pytest.approx(ref["p_value"], rel=1e-8)


def test_top_box_share_counts_top_values() -> None:
    est = top_box_share([1, 2, 5, 6, 6, 3, 4, 5])
    assert est.estimate == pytest.approx(4 / 8)
    assert est.interval == wilson_interval(4, 8).interval
    assert top_box_share([1, 6, 6], top=(6,)).estimate == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="don't know"):
        top_box_share([1, float("nan")])


@given(st.integers(0, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_bounds_inside_unit_interval(cn: tuple[int, int]) -> None:
    count, n = cn
    est = wilson_interval(count, n)
    if n == 0:
        assert np.isnan(est.estimate)
        return
    low, high = est.interval
    assert 0.0 <= low <= est.estimate <= high <= 1.0


@given(
    st.integers(1, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_newcombe_contains_estimate_and_stays_in_range(a: tuple[int, int], b: tuple[int, int]) -> None:
    d = newcombe_difference(a[0], a[1], b[0], b[1])
    assert -1.0 <= d.interval[0] <= d.estimate + 1e-12
    assert d.estimate - 1e-12 <= d.interval[1] <= 1.0
    assert 0.0 < d.p_value <= 1.0


@pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")  # scipy's, on a constant group
@given(
    a=st.lists(st.integers(1, 6), min_size=2, max_size=60),
    b=st.lists(st.integers(1, 6), min_size=2, max_size=60),
    level=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_welch_and_t_interval_equal_scipy(a: list[int], b: list[int], level: float) -> None:
    """The written-out Welch test and t interval give scipy's numbers (ttest_ind, t.interval, sem)."""
    from scipy import stats

    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    d = welch_difference(x, y, level=level)
    if np.var(x) == 0 and np.var(y) == 0:
        return
    res = stats.ttest_ind(x, y, equal_var=False)
    ci = res.confidence_interval(confidence_level=level)
    assert d.p_value == pytest.approx(float(res.pvalue), rel=1e-9, abs=1e-15)
    assert d.interval == pytest.approx((float(ci.low), float(ci.high)), rel=1e-12, abs=1e-12)
    m = mean_interval(x, level=level)
    if np.var(x) > 0:
        low, high = stats.t.interval(level, x.size - 1, loc=x.mean(), scale=stats.sem(x))
        assert m.interval == pytest.approx((low, high), rel=1e-12, abs=1e-12)
        assert m.se == pytest.approx(float(stats.sem(x)), rel=1e-13)
