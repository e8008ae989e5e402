# SPDX-License-Identifier: AGPL-3.0-or-later
"""Tests for medvirk.analysis.representation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from medvirk.analysis.intervals import wilson_interval
from medvirk.analysis.representation import (
    REGISTER_P_VALUE_EXPLANATION,
    r_indicator,
    representation,
)

REF = json.loads((Path(__file__).parent / "fixtures" / "reference_expected.json").read_text())


@pytest.mark.parametrize("case", REF["binom"], ids=lambda c: f"{c['count']}/{c['n']}@{c['p']}")
def test_scipy_binomtest_matches_r_binom_test(case: dict[str, Any]) -> None:
    # The per-group test relies on scipy's binomtest agreeing with R's binom.test.
    p = stats.binomtest(int(case["count"]), int(case["n"]), case["p"]).pvalue
    assert p == pytest.approx(case["p_value"], rel=1e-9)


def test_representation_per_group_numbers() -> None:
    keys = ["16-24", "25-34", "35-44"]
    n_g = [12, 50, 38]
    big_n = [2000, 4000, 4000]
    res = representation(keys, n_g, big_n, variable="age_band")
    assert (res.n, res.population) == (100, 10000)
    young = res.groups[0]
    assert young.population_share == pytest.approx(0.2)
    assert young.share.interval == wilson_interval(12, 100).interval
    assert young.ratio == pytest.approx(0.12 / 0.2)
    assert young.ratio_interval == pytest.approx(
        (young.share.interval[0] / 0.2, young.share.interval[1] / 0.2)
    )
    # p-value of 12/100 against 0.2: R binom.test gives 0.04534896 (reference.R).
    assert young.p_value == pytest.approx(REF["binom"][0]["p_value"], rel=1e-9)
    raw = [g.p_value for g in res.groups]
    m = 3
    order = np.argsort(raw)
    # BH by hand for three tests: q_(i) = min_{j>=i} p_(j) * m / j.
    q_sorted = np.minimum.accumulate((np.array(raw)[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    expected_q = np.empty(m)
    expected_q[order] = np.minimum(q_sorted, 1)
    np.testing.assert_allclose([g.p_adjusted for g in res.groups], expected_q)
    assert res.chi_square.df == 2
    assert res.r_indicator is not None and res.r_indicator_note is None
    assert res.r_indicator.partials[0].variable == "age_band"


def test_representation_without_r_indicator_when_counts_exceed_population() -> None:
    res = representation(["a", "b"], [30, 5], [20, 100])
    assert res.r_indicator is None
    assert res.r_indicator_note and "more respondents" in res.r_indicator_note


def test_r_indicator_matches_unit_level_computation() -> None:
    # Cross-classified cells (age x gender); compare with propensities spread over every
    # population member and the sample SD computed by numpy (ddof=1).
    age = ["young", "young", "old", "old"]
    gender = ["f", "m", "f", "m"]
    n_c = np.array([40, 20, 90, 50])
    big_n_c = np.array([500, 520, 600, 580])
    res = r_indicator({"age": age, "gender": gender}, n_c, big_n_c)
    rho_unit = np.repeat(n_c / big_n_c, big_n_c)
    assert res.sd_propensity == pytest.approx(np.std(rho_unit, ddof=1), rel=1e-12)
    assert res.estimate == pytest.approx(1 - 2 * np.std(rho_unit, ddof=1), rel=1e-12)
    assert res.mean_propensity == pytest.approx(200 / 2200)
    for var, keys in (("age", age), ("gender", gender)):
        cat_of_unit = np.repeat(np.asarray(keys), big_n_c)
        cat_means = {k: rho_unit[cat_of_unit == k].mean() for k in set(keys)}
        between = np.array([cat_means[k] for k in cat_of_unit])
        partial = next(p for p in res.partials if p.variable == var)
        assert partial.partial_r == pytest.approx(np.std(between, ddof=1), rel=1e-12)
        assert sum(c.partial_r**2 for c in partial.categories) == pytest.approx(partial.partial_r**2)
    young = res.partials[0].categories[0]
    assert young.key == "young" and young.partial_r < 0  # under-represented


def test_r_indicator_is_one_when_representative() -> None:
    res = r_indicator({"g": ["a", "b", "c"]}, [10, 20, 30], [100, 200, 300])
    assert res.estimate == pytest.approx(1.0)
    assert all(c.partial_r == pytest.approx(0.0) for c in res.partials[0].categories)


def test_r_indicator_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError, match="propensity above 1"):
        r_indicator({"g": ["a", "b"]}, [5, 1], [4, 10])


@given(
    st.lists(
        st.integers(1, 5000).flatmap(lambda big: st.tuples(st.integers(0, big), st.just(big))),
        min_size=2,
        max_size=8,
    )
)
def test_r_indicator_bounds_and_single_variable_partial(cells: list[tuple[int, int]]) -> None:
    n_c = [c[0] for c in cells]
    big_n_c = [c[1] for c in cells]
    keys = [f"k{i}" for i in range(len(cells))]
    res = r_indicator({"g": keys}, n_c, big_n_c)
    # For propensities in [0, 1], S(rho)^2 <= N/(N-1) * rho_bar * (1 - rho_bar) <= N/(4(N-1)),
    # so R >= 1 - sqrt(N/(N-1)) (which is 0 in the limit of a large population).
    big = sum(big_n_c)
    assert 1 - np.sqrt(big / (big - 1)) - 1e-12 <= res.estimate <= 1.0 + 1e-12
    # With one variable and its categories as the cells, P_u(X) equals S(rho).
    assert res.partials[0].partial_r == pytest.approx(res.sd_propensity, rel=1e-9, abs=1e-15)


def test_register_explanation_mentions_what_p_values_do_not_mean() -> None:
    text = REGISTER_P_VALUE_EXPLANATION.lower()
    assert "register" in text and "does not say" in text


def test_group_without_population_leaves_the_chi_square() -> None:
    # A district with no inhabitants in an age band (and so no respondents) keeps its row but
    # not its degree of freedom: 3 groups with population give 2 df, not 3.
    res = representation(["a", "b", "c", "d"], [10, 20, 0, 30], [100, 200, 0, 300])
    assert res.chi_square.df == 2
    assert res.chi_square.statistic == pytest.approx(0.0, abs=1e-12)
    assert np.isnan(res.groups[2].ratio)
