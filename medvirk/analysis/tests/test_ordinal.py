# SPDX-License-Identifier: AGPL-3.0-or-later
"""Tests for medvirk.analysis.ordinal against R's MASS::polr (fixtures/reference.R)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from medvirk.analysis.ordinal import adjusted_group_effect

FIXTURES = Path(__file__).parent / "fixtures"
REF = json.loads((FIXTURES / "reference_expected.json").read_text())["polr"]


def _load() -> dict[str, list[str]]:
    with (FIXTURES / "ordinal_data.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {k: [r[k] for r in rows] for k in rows[0]}


DATA = _load()


def test_group_effect_matches_r_polr() -> None:
    # R: polr(factor(answer) ~ group + age + gender + district, method = "logistic"), with
    # the most frequent level as reference (the reference category does not change beta)
    # and reltol = 1e-14 so R stops at the optimum rather than near it.
    res = adjusted_group_effect(
        np.array(DATA["answer"], dtype=int),
        np.array(DATA["group"], dtype=int) == 1,
        {"age_band": DATA["age"], "gender": DATA["gender"], "district": DATA["district"]},
    )
    assert res.fitted and res.reason is None
    # Both fits converge to the same MLE within optimiser tolerance (~1e-8 observed).
    assert res.estimate == pytest.approx(REF["beta"], abs=1e-6)
    assert res.interval == pytest.approx((REF["low"], REF["high"]), abs=1e-6)
    assert res.p_value == pytest.approx(REF["p_value"], rel=1e-5)
    assert res.odds_ratio == pytest.approx(np.exp(REF["beta"]), rel=1e-6)


def _synthetic(n: int = 200, seed: int = 4) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    rng = np.random.default_rng(seed)
    g = rng.random(n) < 0.4
    gender = rng.choice(["female", "male"], n)
    district = rng.choice(["999901", "999902"], n)
    y = np.digitize(0.5 * g + rng.logistic(size=n), [-1.0, 0.0, 1.0, 2.0]) + 1
    return y, g, {"gender": list(gender), "district": list(district)}


def test_too_few_rows_is_graceful() -> None:
    y, g, c = _synthetic(n=20)
    res = adjusted_group_effect(y, g, c)
    assert not res.fitted and res.reason is not None and "too few rows" in res.reason
    assert np.isnan(res.estimate)


def test_separation_is_graceful() -> None:
    y, g, c = _synthetic()
    y = np.where(g, 5, np.minimum(y, 4))
    res = adjusted_group_effect(y, g, c)
    assert not res.fitted and res.reason is not None and "separation" in res.reason


def test_group_determined_by_controls_is_graceful() -> None:
    y, _, c = _synthetic()
    g = np.array(c["district"]) == "999901"
    res = adjusted_group_effect(y, g, c)
    assert not res.fitted and res.reason is not None and "singular" in res.reason


def test_redundant_control_is_dropped_not_fatal() -> None:
    y, g, c = _synthetic()
    c = {**c, "copy_of_gender": list(c["gender"])}
    res = adjusted_group_effect(y, g, c)
    assert res.fitted
    assert res.dropped_controls == ("copy_of_gender=male",) or len(res.dropped_controls) == 1


def test_missing_controls_drop_rows() -> None:
    y, g, c = _synthetic()
    gender: list[str | None] = list(c["gender"])
    gender[0] = None
    res = adjusted_group_effect(y, g, {**c, "gender": gender})
    assert res.n == len(y) - 1


def _exact_fit(y: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """Return β of the first column and its SE from the exact Hessian of the ordinal logit.

    Independent of statsmodels: logit P(Y ≤ k) = θ_k − x'β is maximised with scipy's
    trust-region Newton on the analytic gradient and Hessian, and the SE is the square root of
    the inverse observed information. With a = θ_k − η, b = θ_{k−1} − η (θ_0 = −∞, θ_K = ∞),
    P = F(a) − F(b): ∂ℓ = (f(a)∂a − f(b)∂b)/P and ∂²ℓ = (f'(a)∂a∂a' − f'(b)∂b∂b')/P − ∂ℓ∂ℓ'.
    """
    from scipy import optimize
    from scipy.special import expit

    cats, k = np.unique(y, return_inverse=True)
    n, p = x.shape
    dim = p + cats.size - 1
    da = np.zeros((n, dim))
    db = np.zeros((n, dim))
    top, bottom = k == cats.size - 1, k == 0
    da[~top, :p] = -x[~top]
    db[~bottom, :p] = -x[~bottom]
    da[np.flatnonzero(~top), p + k[~top]] = 1.0
    db[np.flatnonzero(~bottom), p + k[~bottom] - 1] = 1.0

    def pieces(theta: np.ndarray) -> tuple[np.ndarray, ...]:
        cuts = np.concatenate([[-np.inf], theta[p:], [np.inf]])
        eta = x @ theta[:p]
        a, b = cuts[k + 1] - eta, cuts[k] - eta
        fa, fb = np.asarray(expit(a)), np.asarray(expit(b))
        dens_a, dens_b = fa * (1 - fa), fb * (1 - fb)  # 0 at ±∞
        return fa - fb, dens_a, dens_b, dens_a * (1 - 2 * fa), dens_b * (1 - 2 * fb)

    def negloglik(theta: np.ndarray) -> float:
        return float(-np.sum(np.log(pieces(theta)[0])))

    def gradient(theta: np.ndarray) -> np.ndarray:
        prob, dens_a, dens_b, _, _ = pieces(theta)
        return np.asarray(-(((dens_a[:, None] * da) - (dens_b[:, None] * db)) / prob[:, None]).sum(axis=0))

    def hessian(theta: np.ndarray) -> np.ndarray:
        prob, dens_a, dens_b, slope_a, slope_b = pieces(theta)
        score = ((dens_a[:, None] * da) - (dens_b[:, None] * db)) / prob[:, None]
        second = (da.T * (slope_a / prob)) @ da - (db.T * (slope_b / prob)) @ db
        return np.asarray(-(second - score.T @ score))

    start = np.concatenate([np.zeros(p), np.linspace(-1.0, 1.0, cats.size - 1)])
    fit = optimize.minimize(
        negloglik, start, jac=gradient, hess=hessian, method="trust-exact", options={"gtol": 1e-10}
    )
    theta = fit.x
    for _ in range(5):  # Newton polish: quadratic convergence from trust-exact's stopping point
        theta = theta - np.linalg.solve(hessian(theta), gradient(theta))
    assert np.max(np.abs(gradient(theta))) < 1e-9
    return float(theta[0]), float(np.sqrt(np.linalg.inv(hessian(theta))[0, 0]))


def _design(group: np.ndarray, controls: dict[str, list[str]]) -> np.ndarray:
    """Group column plus treatment dummies, the most frequent category (ties by name) as reference."""
    cols = [group.astype(float)]
    for keys in controls.values():
        values, counts = np.unique(keys, return_counts=True)
        for i in sorted(range(values.size), key=lambda i: (-counts[i], values[i]))[1:]:
            cols.append((np.array(keys) == values[i]).astype(float))
    return np.column_stack(cols)


@pytest.mark.parametrize("seed", [0, 3, 6, 9])
def test_standard_error_agrees_with_exact_hessian(seed: int) -> None:
    # statsmodels takes the SE from a finite-difference Hessian: it agrees with the exact
    # Hessian to about 1e-7 relative typically, 1.2e-5 at worst in small samples (seed 0), while
    # β agrees to about 1e-8. docs/methods.md states this.
    rng = np.random.default_rng(seed)
    n = 60
    group = rng.random(n) < 0.35
    controls = {
        "age_band": list(rng.choice(["a", "b", "c", "d"], n)),
        "gender": list(rng.choice(["f", "m"], n)),
        "district": list(rng.choice(["x", "y", "z"], n)),
    }
    latent = 0.7 * group + 0.3 * (np.array(controls["age_band"]) == "d") + rng.logistic(size=n)
    y = np.digitize(latent, [-1.5, -0.5, 0.5, 1.5, 2.5]) + 1
    res = adjusted_group_effect(y, group, controls)
    assert res.fitted
    beta, se = _exact_fit(y, _design(group, controls))
    our_se = (res.interval[1] - res.interval[0]) / (2 * 1.959963984540054)
    assert res.estimate == pytest.approx(beta, abs=1e-7)
    assert our_se == pytest.approx(se, rel=3e-5)


def test_exact_hessian_reference_reproduces_r_polr() -> None:
    # The reference above equals R's polr (whose optim Hessian is also numerical) to 1e-7.
    controls = {"age": DATA["age"], "gender": DATA["gender"], "district": DATA["district"]}
    group = np.array(DATA["group"], dtype=int) == 1
    beta, se = _exact_fit(np.array(DATA["answer"], dtype=int), _design(group, controls))
    assert beta == pytest.approx(REF["beta"], abs=1e-7)
    assert se == pytest.approx(REF["se"], rel=1e-7)


def test_direct_logistic_functions_equal_scipy_and_the_fit_equals_statsmodels() -> None:
    """The fast model evaluates scipy's own logistic formulas: same values, same fit."""
    from scipy import stats
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    from medvirk.analysis.ordinal import _LogitOrderedModel

    x = np.linspace(-40, 40, 2001)
    rng = np.random.default_rng(3)
    exog = np.column_stack([rng.integers(0, 2, 300), rng.integers(0, 2, 300)]).astype(float)
    y = np.clip(np.round(3 + exog[:, 0] - exog[:, 1] + rng.normal(0, 1.2, 300)), 1, 6)
    fast, plain = _LogitOrderedModel(y, exog, distr="logit"), OrderedModel(y, exog, distr="logit")
    np.testing.assert_array_equal(fast.cdf(x), stats.logistic.cdf(x))
    np.testing.assert_allclose(fast.pdf(x), stats.logistic.pdf(x), rtol=1e-15, atol=0)
    a = fast.fit(method="newton", disp=False)
    b = plain.fit(method="newton", disp=False)
    np.testing.assert_allclose(a.params, b.params, rtol=1e-12)
    np.testing.assert_allclose(a.bse, b.bse, rtol=1e-9)
