# SPDX-License-Identifier: AGPL-3.0-or-later
"""Tests for medvirk.analysis.significance against base R (fixtures/reference.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from medvirk.analysis.significance import (
    benjamini_hochberg,
    chi_square_gof,
    fcr_level,
    reliable_change_mean,
    reliable_change_share,
)

REF = json.loads((Path(__file__).parent / "fixtures" / "reference_expected.json").read_text())


def test_bh_matches_r_p_adjust() -> None:
    # R: p.adjust(p, method = "BH") on the classic ten p-values.
    res = benjamini_hochberg(REF["bh"]["p"], alpha=0.05)
    np.testing.assert_allclose(res.adjusted, REF["bh"]["adjusted"], rtol=1e-12)
    assert res.rejected == tuple(q <= 0.05 for q in REF["bh"]["adjusted"])
    assert res.n_rejected == 2


def test_bh_leaves_nan_out() -> None:
    res = benjamini_hochberg([0.01, float("nan"), 0.04])
    assert res.n == 2
    assert np.isnan(res.adjusted[1]) and not res.rejected[1]
    np.testing.assert_allclose([res.adjusted[0], res.adjusted[2]], [0.02, 0.04])


@given(st.lists(st.floats(0, 1), min_size=1, max_size=50))
def test_bh_adjusted_at_least_raw(p: list[float]) -> None:
    res = benjamini_hochberg(p)
    assert all(a >= r - 1e-15 for a, r in zip(res.adjusted, p, strict=True))
    assert all(a <= 1.0 for a in res.adjusted)


def test_fcr_level() -> None:
    assert fcr_level(2, 10, 0.05) == pytest.approx(0.99)
    assert fcr_level(0, 10, 0.05) == pytest.approx(0.95)


def test_chi_square_matches_r() -> None:
    ref = REF["chisq"]
    res = chi_square_gof(ref["observed"], ref["p"])
    assert res.statistic == pytest.approx(ref["statistic"], rel=1e-12)
    assert res.df == ref["df"]
    assert res.p_value == pytest.approx(ref["p_value"], rel=1e-10)
    assert res.min_expected == pytest.approx(300 * 0.15)


def test_chi_square_normalises_shares() -> None:
    a = chi_square_gof([10, 20, 30], [1, 2, 3])
    assert a.statistic == pytest.approx(0.0)
    with pytest.raises(ValueError, match="share 0"):
        chi_square_gof([1, 2], [0.0, 1.0])


def test_chi_square_drops_groups_without_population() -> None:
    # A group with population share 0 (and no respondents) leaves the test: the statistic is
    # that of the other groups and the degrees of freedom fall by one. By hand: 10 and 20
    # against 15 and 15 gives X² = 2 · 25/15 = 10/3 on 1 df (R: chisq.test(c(10, 20))).
    res = chi_square_gof([10, 0, 20], [0.5, 0.0, 0.5])
    assert res.df == 1 and res.n == 30
    assert res.statistic == pytest.approx(10 / 3, rel=1e-14)
    assert res.p_value == pytest.approx(float(stats.chi2.sf(10 / 3, 1)), rel=1e-12)
    assert res.min_expected == pytest.approx(15.0)
    same = chi_square_gof([10, 20], [0.5, 0.5])
    assert (same.statistic, same.df, same.p_value) == (res.statistic, res.df, res.p_value)
    # One group left: nothing to test (0 df), no p-value.
    alone = chi_square_gof([7, 0], [1.0, 0.0])
    assert alone.df == 0 and np.isnan(alone.p_value)


def test_reliable_change_mean_uses_welch() -> None:
    ref = REF["welch"]
    # after = x, before = y: same numbers as R's t.test(x, y).
    res = reliable_change_mean(ref["y"], ref["x"])
    assert res.estimate == pytest.approx(ref["estimate"])
    assert res.interval == pytest.approx((ref["low"], ref["high"]), abs=1e-10)
    assert res.reliable and res.direction == "up"
    assert (res.n1, res.n2) == (len(ref["y"]), len(ref["x"]))
    flat = reliable_change_mean([3, 4, 5, 4], [4, 3, 5, 4])
    assert not flat.reliable and flat.direction is None


def test_reliable_change_mean_needs_min_n() -> None:
    res = reliable_change_mean([1, 1, 2], [6, 6, 5], min_n=5)
    assert not res.reliable


def test_reliable_change_share_newcombe_and_z() -> None:
    # Newcombe 1998 Table II example (a): 56/70 vs 48/80, interval 0.0524 to 0.3339.
    res = reliable_change_share(48, 80, 56, 70)
    assert res.interval == pytest.approx((0.0524, 0.3339), abs=5e-5)
    assert res.reliable and res.direction == "up"
    down = reliable_change_share(56, 70, 48, 80, method="z")
    assert down.reliable and down.direction == "down"
    # Pooled z for 56/70 vs 48/80 by hand: p = 104/150, SE = sqrt(p(1-p)(1/70 + 1/80)),
    # z = 0.2/SE = 2.6502, two-sided p = 0.008045.
    assert down.p_value == pytest.approx(0.008045, abs=5e-6)
    # Example (d): 5/56 vs 0/29 includes 0, so no trend marker.
    assert not reliable_change_share(0, 29, 5, 56).reliable
    assert not reliable_change_share(0, 0, 5, 56).reliable
