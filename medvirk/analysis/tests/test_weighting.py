# SPDX-License-Identifier: AGPL-3.0-or-later
"""Tests for medvirk.analysis.weighting against R's survey package (fixtures/raking.R)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from medvirk.analysis.weighting import (
    RakingError,
    _ipf,
    design_effect,
    effective_sample_size,
    rake,
    weighted_mean,
)

FIXTURES = Path(__file__).parent / "fixtures"
MARGINS = ("age", "gender", "district", "language")


def _load() -> tuple[dict[str, np.ndarray], dict[str, list[float]], dict[str, Any]]:
    with (FIXTURES / "raking_data.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    cols = {k: np.array([int(r[k]) for r in rows]) for k in rows[0]}
    pop = json.loads((FIXTURES / "raking_population.json").read_text())
    expected = json.loads((FIXTURES / "raking_expected.json").read_text())
    return cols, pop, expected


COLS, POP, EXPECTED = _load()


def _raked() -> np.ndarray:
    return rake([COLS[m] for m in MARGINS], [POP[m] for m in MARGINS]).weights


def test_raked_weights_match_r_survey() -> None:
    # R: rake(svydesign(ids=~1, weights=~1), ...) with maxit=1000, epsilon=1e-15.
    result = rake([COLS[m] for m in MARGINS], [POP[m] for m in MARGINS])
    np.testing.assert_allclose(result.weights, EXPECTED["weights"], rtol=0, atol=1e-8)
    assert result.report.converged
    assert result.report.max_rel_discrepancy < 1e-10
    assert not result.weights.flags.writeable


@pytest.mark.parametrize("var", ["answer", "top_box"])
def test_weighted_mean_and_calibrated_se_match_r_survey(var: str) -> None:
    w = _raked()
    est = weighted_mean(COLS[var], w, raking_margins=[COLS[m] for m in MARGINS])
    assert est.estimate == pytest.approx(EXPECTED[f"{var}_mean"], abs=1e-8)
    # svymean on the raked design: residuals from the raking projections (svyrecvar).
    assert est.se == pytest.approx(EXPECTED[f"{var}_se"], rel=1e-9)


@pytest.mark.parametrize("var", ["answer", "top_box"])
def test_uncalibrated_se_matches_r_survey(var: str) -> None:
    # R: svymean on svydesign(ids=~1, weights=~w) with the raked weights, no calibration.
    est = weighted_mean(COLS[var], _raked())
    assert est.se == pytest.approx(EXPECTED[f"{var}_se_uncalibrated"], rel=1e-9)


def test_kish_design_effect_and_effective_n() -> None:
    w = np.array([1.0, 1.0, 2.0, 4.0])
    assert design_effect(w) == pytest.approx(4 * 22 / 64)
    assert effective_sample_size(w) == pytest.approx(64 / 22)
    assert design_effect(np.ones(10)) == pytest.approx(1.0)


def test_empty_cell_raises() -> None:
    with pytest.raises(RakingError, match="empty cell"):
        rake([np.array([0, 0, 1])], [[10.0, 5.0, 5.0]])


def test_inconsistent_totals_raise() -> None:
    with pytest.raises(RakingError, match="disagree"):
        rake([np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1])], [[5.0, 5.0], [6.0, 6.0]])


def test_zero_target_with_respondents_raises() -> None:
    with pytest.raises(RakingError, match="zero"):
        rake([np.array([0, 1, 1])], [[0.0, 10.0]])


def test_incompatible_margins_do_not_converge() -> None:
    # Rows only in cells (0,0) and (1,1): margins 10/0... force a contradiction with the
    # cell structure, so IPF oscillates or stalls.
    a = np.array([0, 1])
    b = np.array([0, 1])
    with pytest.raises(RakingError, match="did not converge"):
        rake([a, b], [[3.0, 7.0], [6.0, 4.0]], max_iter=50)
    res = rake([a, b], [[3.0, 7.0], [6.0, 4.0]], max_iter=50, require_convergence=False)
    assert not res.report.converged
    assert res.report.max_abs_discrepancy > 0.1


def _skewed(n: int = 2000) -> tuple[list[np.ndarray], list[list[float]]]:
    rng = np.random.default_rng(3)
    a = rng.choice(3, n, p=[0.7, 0.2, 0.1])
    b = rng.choice(2, n, p=[0.8, 0.2])
    return [a, b], [[3000.0, 3000.0, 4000.0], [5000.0, 5000.0]]


def test_trimming_keeps_margins_and_bounds() -> None:
    codes, targets = _skewed()
    untrimmed = rake(codes, targets)
    mean = 10000.0 / 2000
    assert untrimmed.weights.max() / mean > 9.0
    res = rake(codes, targets, trim=(0.2, 6.0))
    w = res.weights
    assert res.report.bounds_met and res.report.converged
    assert res.report.trim_sweeps >= 1 and res.report.n_at_bounds > 0
    assert w.max() <= 6.0 * mean * (1 + 1e-9)
    assert w.min() >= 0.2 * mean * (1 - 1e-9)
    assert res.report.max_rel_discrepancy < 1e-9
    assert design_effect(w) < design_effect(untrimmed.weights)


def test_trimming_cell_path_equals_row_path() -> None:
    # Equal start weights let rake() trim on cells; the row-level loop must give the same.
    codes, targets = _skewed()
    res = rake(codes, targets, trim=(0.2, 6.0))
    w = np.array(rake(codes, targets).weights)
    tt = [np.asarray(t) for t in targets]
    _ipf([c.astype(np.intp) for c in codes], tt, w, 1e-10, 1000, bounds=(1.0, 30.0))
    np.testing.assert_allclose(res.weights, w, rtol=1e-8)


def test_trimming_with_varying_base_weights() -> None:
    codes, targets = _skewed()
    base = np.random.default_rng(5).uniform(0.5, 2.0, codes[0].size)
    res = rake(codes, targets, base_weights=base, trim=(0.2, 6.0))
    assert res.report.converged and res.report.bounds_met
    for c, t in zip(codes, targets, strict=True):
        np.testing.assert_allclose(np.bincount(c, res.weights, len(t)), t, rtol=1e-9)
    assert res.weights.max() <= 6.0 * 5.0 * (1 + 1e-9)


def test_impossible_trim_bounds_keep_margins() -> None:
    # Half the population but a fifth of the sample is in b=1, so its mean weight must be
    # 2.5 times the overall mean: bounds (0.5, 2) cannot hold together with the margins.
    codes, targets = _skewed()
    res = rake(codes, targets, trim=(0.5, 2.0), max_iter=300)
    assert res.report.converged and not res.report.bounds_met
    assert res.report.max_rel_discrepancy < 1e-9


@settings(max_examples=40, deadline=None)
@given(
    st.integers(20, 300),
    st.lists(st.integers(2, 5), min_size=1, max_size=4),
    st.integers(0, 2**32 - 1),
)
def test_raked_margins_match_targets(n: int, sizes: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    codes = [rng.integers(0, k, n) for k in sizes]
    # Guarantee every category is present so no cell is empty.
    for c, k in zip(codes, sizes, strict=True):
        c[:k] = np.arange(k)
    total = 1000.0
    targets = [rng.dirichlet(np.ones(k) * 2) * total + 1.0 for k in sizes]
    targets = [t * total / t.sum() for t in targets]
    res = rake(codes, targets, require_convergence=False, max_iter=500)
    # Random codes can make margins unattainable (IPF then drives some weights to 0); only
    # converged rakes must meet the targets with positive weights.
    assert np.all(res.weights >= 0)
    if res.report.converged:
        assert np.all(res.weights > 0)
        for c, t in zip(codes, targets, strict=True):
            np.testing.assert_allclose(np.bincount(c, res.weights, t.size), t, rtol=1e-9)


def test_weighted_interval_matches_r_confint_with_degf() -> None:
    # R: confint(svymean(~answer, raked), df = degf(raked)), i.e. t with n - 1 df.
    est = weighted_mean(COLS["answer"], _raked(), raking_margins=[COLS[m] for m in MARGINS])
    assert est.interval == pytest.approx(tuple(EXPECTED["answer_ci_t"]), abs=1e-9)
    assert est.n == len(COLS["answer"])


def test_cell_shortcut_equals_row_level_ipf() -> None:
    # rake() works on cell totals when it can; the plain row-level loop must agree.
    codes = [COLS[m].astype(np.intp) for m in MARGINS]
    targets = [np.asarray(POP[m], dtype=np.float64) for m in MARGINS]
    w = np.ones(len(codes[0]))
    _, converged, _ = _ipf(codes, targets, w, 1e-12, 1000)
    assert converged
    np.testing.assert_allclose(_raked(), w, rtol=1e-9)


def test_many_categories_use_row_level_path() -> None:
    # 25**4 cells exceed the cell-space limit, so the row-level loop runs.
    rng = np.random.default_rng(11)
    n = 3000
    codes = [rng.integers(0, 25, n) for _ in range(4)]
    for c in codes:
        c[:25] = np.arange(25)
    targets = [np.bincount(c, minlength=25) * 3.0 + 1.0 for c in codes]
    total = targets[0].sum()
    targets = [t * total / t.sum() for t in targets]
    res = rake(codes, targets)
    for c, t in zip(codes, targets, strict=True):
        np.testing.assert_allclose(np.bincount(c, res.weights, 25), t, rtol=1e-9)


# --- Domains: skipped answers as R's svymean(..., na.rm = TRUE) -----------------------------
# R is not available here; fixtures/domain.R computes the same figures with survey for anyone
# who has it. The expected values below are derived independently (by hand, or from the
# formula in _domain_se_reference).

# 15 % of the rows skip the question: row i (from 0) when 7·i mod 20 < 3 (as in domain.R).
SKIPPED = (np.arange(len(COLS["answer"])) * 7) % 20 < 3


def _domain_se_reference(y: np.ndarray, w: np.ndarray, codes: list[np.ndarray]) -> tuple[float, float]:
    """Return (mean, SE) of a domain mean on a raked design, derived independently.

    Written from the formula, not from weighting.py: the domain's influence values
    z_i = δ_i w_i (y_i − ȳ_d) / Σ δ w (δ_i = 1 if answered) are projected off the span of all
    margins' category indicators — the limit of R's backfitting in ``svyrecvar``, here one
    least-squares solve of z/w on the indicators — and Var = n/(n−1) · Σ (e_i − ē)² over all n
    rows of the design (R keeps the rows with zero weight in a raked design).
    """
    answered = ~np.isnan(y)
    dw = np.where(answered, w, 0.0)
    y0 = np.where(answered, y, 0.0)
    mean = float(dw @ y0 / dw.sum())
    z = dw * (y0 - mean) / dw.sum()
    x = np.column_stack([(c == k).astype(float) for c in codes for k in np.unique(c)])
    beta, *_ = np.linalg.lstsq(x, z / w, rcond=None)
    e = (z / w - x @ beta) * w
    n = y.size
    return mean, float(np.sqrt(n / (n - 1) * np.sum((e - e.mean()) ** 2)))


def test_domain_mean_by_hand() -> None:
    # One margin, two categories of three, population 30 + 30: every raked weight is 10.
    # Answers 1, 2, – | 3, –, 5: ȳ = 11/4 and z = (y − 11/4)/4, i.e. −7/16, −3/16, 0 | 1/16, 0,
    # 9/16. Removing each category's mean (−5/24 and 5/24) leaves −11, 1, 10 | −7, −10, 17 (in
    # 48ths), Σ e² = 660/2304 and Var = 6/5 · 660/2304 = 11/32. Dropping the skipped rows
    # instead (the old conditional SE) gives 4/3 · 40/256 = 5/24.
    codes = np.array([0, 0, 0, 1, 1, 1])
    w = rake([codes], [[30.0, 30.0]]).weights
    np.testing.assert_allclose(w, 10.0)
    y = np.array([1.0, 2.0, np.nan, 3.0, np.nan, 5.0])
    est = weighted_mean(y, w, raking_margins=[codes])
    assert est.n == 4
    assert est.estimate == pytest.approx(11 / 4, rel=1e-15)
    assert est.se == pytest.approx(np.sqrt(11 / 32), rel=1e-13)
    t = 3.182446305284263  # qt(0.975, 3): degf counts the 4 answered rows
    assert est.interval == pytest.approx((11 / 4 - t * np.sqrt(11 / 32), 11 / 4 + t * np.sqrt(11 / 32)))
    conditional = weighted_mean(y[~np.isnan(y)], w[:4], raking_margins=[codes[~np.isnan(y)]])
    assert conditional.se == pytest.approx(np.sqrt(5 / 24), rel=1e-13)


@pytest.mark.parametrize("var", ["answer", "top_box"])
def test_skipped_answers_are_a_domain_as_in_r_survey(var: str) -> None:
    # 15 % skip the question. R: svymean(~var, raked, na.rm = TRUE) keeps the skipped rows in
    # the raked design with zero weight; its SE is about 1 % larger than the SE of the answered
    # rows raked on their own (the issue saw 0.0216144 against 0.0214032).
    w = _raked()
    codes = [COLS[m] for m in MARGINS]
    skipped = SKIPPED
    y = np.where(skipped, np.nan, COLS[var].astype(float))
    est = weighted_mean(y, w, raking_margins=codes)
    mean, se = _domain_se_reference(y, w, codes)
    assert est.n == int((~skipped).sum())
    assert est.estimate == pytest.approx(mean, rel=1e-12)
    assert est.se == pytest.approx(se, rel=1e-9)
    assert est.interval[1] - est.estimate == pytest.approx(
        se * float(stats.t.ppf(0.975, est.n - 1)), rel=1e-9
    )
    conditional = weighted_mean(y[~skipped], w[~skipped], raking_margins=[c[~skipped] for c in codes])
    assert conditional.estimate == pytest.approx(est.estimate, rel=1e-12)
    assert 1.003 < est.se / conditional.se < 1.02


def test_domain_reference_reproduces_r_without_missing_answers() -> None:
    # The independent reference itself equals R's svymean on the full raked design.
    codes = [COLS[m] for m in MARGINS]
    _mean, se = _domain_se_reference(COLS["answer"].astype(float), _raked(), codes)
    assert se == pytest.approx(EXPECTED["answer_se"], rel=1e-9)


def test_missing_values_without_raking_are_dropped_as_in_r() -> None:
    # svymean(na.rm = TRUE) on an uncalibrated svydesign(ids=~1, weights=~w) subsets the design.
    y = np.array([1.0, 2.0, np.nan, 3.0, 4.0])
    w = np.array([1.0, 2.0, 3.0, 1.0, 2.0])
    est = weighted_mean(y, w)
    kept = weighted_mean(y[[0, 1, 3, 4]], w[[0, 1, 3, 4]])
    assert (est.n, est.estimate, est.se, est.interval) == (kept.n, kept.estimate, kept.se, kept.interval)


def test_zero_weight_rows_stay_in_the_design() -> None:
    # svydesign(ids=~1, weights=~w) with w = 1, 1, 2, 0: ȳ = 9/4, z = −5/16, −1/16, 6/16, 0,
    # Var = 4/3 · 62/256 = 31/96 (n = 4 rows), degrees of freedom 2 (rows with weight).
    est = weighted_mean(np.array([1.0, 2.0, 3.0, 9.0]), np.array([1.0, 1.0, 2.0, 0.0]))
    assert est.n == 3
    assert est.estimate == pytest.approx(9 / 4)
    assert est.se == pytest.approx(np.sqrt(31 / 96), rel=1e-13)
    t = 4.302652729911275  # qt(0.975, 2)
    assert est.interval == pytest.approx((9 / 4 - t * np.sqrt(31 / 96), 9 / 4 + t * np.sqrt(31 / 96)))


def test_raked_domain_needs_the_raked_weights() -> None:
    with pytest.raises(ValueError, match="positive raked weights"):
        weighted_mean(
            np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 2.0]), raking_margins=[np.array([0, 0, 1])]
        )
    with pytest.raises(ValueError, match="no observations"):
        weighted_mean(np.array([np.nan, np.nan]), np.array([1.0, 1.0]), raking_margins=[np.array([0, 1])])
