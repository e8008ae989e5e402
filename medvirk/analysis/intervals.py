# SPDX-License-Identifier: AGPL-3.0-or-later
"""Point estimates with confidence intervals for survey answers.

* :func:`mean_interval` — mean with a t interval (weighted: linearisation SE, see
  :mod:`medvirk.analysis.weighting`).
* :func:`wilson_interval` — Wilson score interval for a proportion.
* :func:`newcombe_difference` — Newcombe's hybrid score interval (his method 10) for the
  difference of two independent proportions.
* :func:`welch_difference` — difference of two means with Welch's interval.
* :func:`top_box_share` — share of answers in the top box (e.g. 5–6 on a 1–6 scale).

All functions are pure and return frozen dataclasses with ``n``, ``estimate``, ``interval``
and ``method``.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, special, stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from medvirk.analysis.weighting import weighted_mean

__all__ = [
    "Difference",
    "Estimate",
    "mean_interval",
    "newcombe_difference",
    "newcombe_p_value",
    "top_box_share",
    "welch_difference",
    "wilson_interval",
]

NAN_INTERVAL = (float("nan"), float("nan"))


@dataclass(frozen=True, slots=True)
class Estimate:
    """A single estimate: sample size, point estimate, interval, method and level."""

    n: int
    estimate: float
    interval: tuple[float, float]
    method: str
    level: float = 0.95
    se: float | None = None


@dataclass(frozen=True, slots=True)
class Difference:
    """A difference ``first − second`` with its interval and a two-sided p-value against 0."""

    n: int
    n1: int
    n2: int
    estimate: float
    interval: tuple[float, float]
    method: str
    p_value: float
    level: float = 0.95


def _check_level(level: float) -> None:
    """Raise unless ``level`` is a confidence level strictly between 0 and 1."""
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")


def _as_finite(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    """Return ``values`` as a 1-D float array, raising if any value is missing."""
    a = np.asarray(values, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains missing values; remove 'don't know'/blank first")
    return a


def mean_interval(
    values: npt.ArrayLike, *, weights: npt.ArrayLike | None = None, level: float = 0.95
) -> Estimate:
    """Estimate a mean with a t confidence interval.

    Unweighted: ``x̄ ± t_{n−1} · s/√n``. Weighted: the linearisation SE of
    :func:`medvirk.analysis.weighting.weighted_mean` with t on n−1 degrees of freedom (for
    raked weights call ``weighted_mean`` with ``raking_margins`` to get the calibrated SE).
    With fewer than two values the interval is ``(nan, nan)``.
    """
    _check_level(level)
    x = _as_finite(values, "values")
    n = int(x.size)
    if n == 0:
        raise ValueError("no observations")
    if weights is not None:
        wm = weighted_mean(x, weights, level=level)
        return Estimate(n, wm.estimate, wm.interval, wm.method, level, wm.se)
    mean = float(x.mean())
    if n < 2:
        return Estimate(n, mean, NAN_INTERVAL, "t interval", level, None)
    se = float(x.std(ddof=1) / math.sqrt(n))  # stats.sem's formula, without its generic wrapper
    if se == 0.0:
        # scipy returns (nan, nan) for a zero scale; a constant sample has a degenerate interval.
        return Estimate(n, mean, (mean, mean), "t interval", level, se)
    half = _t_quantile(n - 1, level) * se
    return Estimate(n, mean, (mean - half, mean + half), "t interval", level, se)


def _t_quantile(df: float, level: float) -> float:
    """Student's t quantile for a two-sided interval at ``level`` (``stats.t.ppf``'s function)."""
    return float(special.stdtrit(df, (1 + level) / 2))


def wilson_interval(count: int, n: int, *, level: float = 0.95) -> Estimate:
    """Estimate a proportion ``count/n`` with the Wilson score interval (no continuity correction).

    With ``n == 0`` the estimate and interval are NaN.
    """
    _check_level(level)
    if n < 0 or count < 0 or count > n:
        raise ValueError(f"need 0 <= count <= n, got count={count}, n={n}")
    if n == 0:
        return Estimate(0, float("nan"), NAN_INTERVAL, "Wilson score", level)
    low, high = proportion_confint(count, n, alpha=1 - level, method="wilson")
    # Analytically the bound is exactly 0 at count 0 and 1 at count n; floating point gives
    # ±1e-18, so pin those and clip any other excursion to [0, 1].
    low_f = 0.0 if count == 0 else min(max(float(low), 0.0), 1.0)
    high_f = 1.0 if count == n else min(max(float(high), 0.0), 1.0)
    return Estimate(int(n), count / n, (low_f, high_f), "Wilson score", level)


def _newcombe_bounds(c1: int, n1: int, c2: int, n2: int, level: float) -> tuple[float, float]:
    """Return Newcombe's method-10 bounds for ``c1/n1 − c2/n2`` at confidence ``level``."""
    low, high = confint_proportions_2indep(c1, n1, c2, n2, method="newcomb", compare="diff", alpha=1 - level)
    return max(float(low), -1.0), min(float(high), 1.0)


def _wilson_at(count: int, n: int, z: float) -> tuple[float, float]:
    """Wilson bounds of ``count/n`` at critical value ``z``.

    statsmodels' formula (``proportion_confint(method="wilson")``) written out, so that
    :func:`newcombe_p_value` can search over ``z`` directly: through statsmodels, each of the
    search's steps paid for three generic scipy quantiles, most of an equity report's time.
    ``test_intervals`` checks it against statsmodels at many levels.
    """
    q = count / n
    z2 = z * z
    denom = 1 + z2 / n
    center = (q + z2 / (2 * n)) / denom
    dist = z * math.sqrt(q * (1 - q) / n + z2 / (4 * n * n)) / denom
    return center - dist, center + dist


# The p-values searched: from 1e-15 (anything smaller is reported as 1e-15) to 1 − 1e-12.
_Z_SMALLEST_P = float(stats.norm.isf(1e-15 / 2))
_Z_LARGEST_P = float(stats.norm.isf((1 - 1e-12) / 2))


def newcombe_p_value(count1: int, n1: int, count2: int, n2: int) -> float:
    """Return the two-sided p-value that is consistent with Newcombe's interval.

    The p-value is the smallest α at which the (1 − α) Newcombe interval still excludes 0, so
    "interval excludes 0" and "p < α" never disagree. Hand-written (root finding with
    :func:`scipy.optimize.brentq`) because no library inverts Newcombe's interval. The search
    runs over the critical value z (α = 2·(1 − Φ(z))): the bound nearer 0 moves monotonically
    towards it as z grows, and the Wilson bounds at a given z are closed-form.
    """
    p1, p2 = count1 / n1, count2 / n2
    diff = p1 - p2
    if diff == 0:
        return 1.0

    def bound_at(z: float) -> float:
        low1, high1 = _wilson_at(count1, n1, z)
        low2, high2 = _wilson_at(count2, n2, z)
        if diff > 0:  # the lower bound of p1 − p2
            return diff - math.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2)
        return -(diff + math.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2))  # minus the upper bound

    if bound_at(_Z_SMALLEST_P) > 0:
        return 1e-15
    if bound_at(_Z_LARGEST_P) <= 0:
        return 1.0
    z = optimize.brentq(bound_at, _Z_LARGEST_P, _Z_SMALLEST_P, xtol=1e-13, rtol=1e-13)
    return float(2 * stats.norm.sf(z))


def newcombe_difference(count1: int, n1: int, count2: int, n2: int, *, level: float = 0.95) -> Difference:
    """Estimate ``p1 − p2`` for two independent proportions with Newcombe's hybrid score interval.

    This is method 10 of Newcombe (1998), built from the two Wilson intervals (no continuity
    correction); it is the ``method="newcomb"`` of statsmodels'
    ``confint_proportions_2indep``. The p-value is from :func:`newcombe_p_value`.
    """
    _check_level(level)
    for c, m in ((count1, n1), (count2, n2)):
        if m <= 0 or c < 0 or c > m:
            raise ValueError(f"need 0 <= count <= n and n > 0, got count={c}, n={m}")
    low, high = _newcombe_bounds(count1, n1, count2, n2, level)
    return Difference(
        n=n1 + n2,
        n1=n1,
        n2=n2,
        estimate=count1 / n1 - count2 / n2,
        interval=(low, high),
        method="Newcombe hybrid score (method 10)",
        p_value=newcombe_p_value(count1, n1, count2, n2),
        level=level,
    )


def welch_difference(values1: npt.ArrayLike, values2: npt.ArrayLike, *, level: float = 0.95) -> Difference:
    """Estimate ``mean1 − mean2`` with Welch's unequal-variance t interval and p-value.

    Needs at least two values in each group; otherwise the interval and p-value are NaN.
    """
    _check_level(level)
    a = _as_finite(values1, "values1")
    b = _as_finite(values2, "values2")
    est = float(a.mean() - b.mean()) if a.size and b.size else float("nan")
    method = "Welch t"
    if a.size < 2 or b.size < 2:
        return Difference(a.size + b.size, a.size, b.size, est, NAN_INTERVAL, method, float("nan"), level)
    if np.var(a) == 0 and np.var(b) == 0:
        # Both groups constant: no sampling variability to speak of; scipy would return nan.
        p = 1.0 if est == 0 else 0.0
        return Difference(a.size + b.size, a.size, b.size, est, (est, est), method, p, level)
    # Welch's test written out (scipy.stats.ttest_ind's formulas: the same statistic, degrees of
    # freedom, p-value and interval; test_intervals compares them): an equity report runs it a few
    # hundred times, and the generic wrapper of ttest_ind cost 3 ms a call against 0.05 ms here.
    v1, v2 = float(a.var(ddof=1)) / a.size, float(b.var(ddof=1)) / b.size
    se = math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1**2 / (a.size - 1) + v2**2 / (b.size - 1))
    half = _t_quantile(df, level) * se
    return Difference(
        n=int(a.size + b.size),
        n1=int(a.size),
        n2=int(b.size),
        estimate=est,
        interval=(est - half, est + half),
        method=method,
        p_value=float(2 * special.stdtr(df, -abs(est / se))),
        level=level,
    )


def top_box_share(answers: npt.ArrayLike, top: Collection[int] = (5, 6), *, level: float = 0.95) -> Estimate:
    """Estimate the share of answers in the top box with a Wilson interval.

    ``answers`` are scale values (e.g. 1–6); ``top`` lists the values that count as top box
    (default 5 and 6). "Don't know" and blanks must be removed by the caller: they are not
    part of the denominator, and a NaN here raises ``ValueError``.
    """
    a = _as_finite(answers, "answers")
    count = int(np.isin(a, np.asarray(list(top), dtype=np.float64)).sum())
    est = wilson_interval(count, int(a.size), level=level)
    return Estimate(est.n, est.estimate, est.interval, "top-box share, Wilson score", level)
