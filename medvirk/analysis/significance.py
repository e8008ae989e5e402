# SPDX-License-Identifier: AGPL-3.0-or-later
"""Significance tools: Benjamini–Hochberg, goodness of fit and reliable change between rounds.

* :func:`benjamini_hochberg` — false discovery rate adjustment (statsmodels ``multipletests``).
* :func:`fcr_level` — the confidence level for intervals of BH-selected results
  (Benjamini & Yekutieli 2005), so "corrected interval excludes 0" matches "BH-significant".
* :func:`chi_square_gof` — observed group counts against population shares.
* :func:`reliable_change_mean` / :func:`reliable_change_share` — is the change between two
  survey rounds large enough to show a trend arrow?
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from medvirk.analysis.intervals import newcombe_difference, welch_difference

__all__ = [
    "AdjustedPValues",
    "GoodnessOfFit",
    "ReliableChange",
    "benjamini_hochberg",
    "chi_square_gof",
    "fcr_level",
    "reliable_change_mean",
    "reliable_change_share",
]


@dataclass(frozen=True, slots=True)
class AdjustedPValues:
    """BH-adjusted p-values (q-values) and which hypotheses are rejected at ``alpha``."""

    n: int
    adjusted: tuple[float, ...]
    rejected: tuple[bool, ...]
    alpha: float
    method: str

    @property
    def n_rejected(self) -> int:
        """Return how many hypotheses were rejected."""
        return sum(self.rejected)


@dataclass(frozen=True, slots=True)
class GoodnessOfFit:
    """Pearson chi-square goodness-of-fit of observed counts against expected shares."""

    n: int
    statistic: float
    df: int
    p_value: float
    min_expected: float
    method: str

    @property
    def estimate(self) -> float:
        """Return the chi-square statistic (the 'estimate' of this test)."""
        return self.statistic


@dataclass(frozen=True, slots=True)
class ReliableChange:
    """Change from round 1 to round 2 and whether it is reliable enough to mark as a trend.

    ``direction`` is ``"up"``, ``"down"`` or ``None`` (no marker).
    """

    n: int
    n1: int
    n2: int
    estimate: float
    interval: tuple[float, float]
    p_value: float
    reliable: bool
    direction: Literal["up", "down"] | None
    method: str
    level: float


def benjamini_hochberg(p_values: Sequence[float] | npt.ArrayLike, alpha: float = 0.05) -> AdjustedPValues:
    """Adjust p-values with Benjamini–Hochberg (false discovery rate ``alpha``).

    NaN p-values (tests that could not be run) stay NaN, are never rejected, and do not count
    towards the number of tests.
    """
    p = np.asarray(p_values, dtype=np.float64).ravel()
    adjusted = np.full(p.shape, np.nan)
    rejected = np.zeros(p.shape, dtype=bool)
    ok = np.isfinite(p)
    if np.any((p[ok] < 0) | (p[ok] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    if ok.any():
        rej, adj, _, _ = multipletests(p[ok], alpha=alpha, method="fdr_bh")
        adjusted[ok] = adj
        rejected[ok] = rej
    return AdjustedPValues(
        n=int(ok.sum()),
        adjusted=tuple(float(x) for x in adjusted),
        rejected=tuple(bool(x) for x in rejected),
        alpha=alpha,
        method="Benjamini–Hochberg",
    )


def fcr_level(n_rejected: int, n_tests: int, alpha: float = 0.05) -> float:
    """Return the confidence level for intervals of BH-selected results, 1 − R·α/m.

    Benjamini & Yekutieli (2005) show that intervals at this level for the R selected of m
    parameters keep the false coverage rate at α. When nothing is selected the ordinary
    level 1 − α is returned (no interval is then claimed to exclude zero anyway).
    """
    if n_tests <= 0 or n_rejected <= 0:
        return 1 - alpha
    return 1 - n_rejected * alpha / n_tests


def chi_square_gof(
    observed: Sequence[int] | npt.ArrayLike, population_shares: Sequence[float] | npt.ArrayLike
) -> GoodnessOfFit:
    """Test observed group counts against population shares with Pearson's chi-square.

    The shares are normalised to sum to 1. ``min_expected`` is reported because the chi-square
    approximation is poor when expected counts fall below about 5.
    """
    obs = np.asarray(observed, dtype=np.float64)
    shares = np.asarray(population_shares, dtype=np.float64)
    if obs.shape != shares.shape or obs.ndim != 1 or obs.size < 2:
        raise ValueError("need at least two groups and one share per group")
    if np.any(obs < 0) or np.any(shares < 0) or shares.sum() <= 0:
        raise ValueError("counts and shares must be non-negative")
    n = obs.sum()
    keep = shares > 0
    if np.any(obs[~keep] > 0):
        raise ValueError("a group with respondents has population share 0")
    expected = n * shares[keep] / shares.sum()
    if n == 0:
        return GoodnessOfFit(
            0,
            float("nan"),
            int(keep.sum()) - 1,
            float("nan"),
            0.0,
            "Pearson chi-square goodness of fit",
        )
    res = stats.chisquare(obs[keep], f_exp=expected)
    return GoodnessOfFit(
        n=int(n),
        statistic=float(res.statistic),
        df=int(keep.sum()) - 1,
        p_value=float(res.pvalue),
        min_expected=float(expected.min()),
        method="Pearson chi-square goodness of fit",
    )


def _direction(reliable: bool, estimate: float) -> Literal["up", "down"] | None:
    """Return the trend marker for a reliable change, else None."""
    if not reliable:
        return None
    return "up" if estimate > 0 else "down"


def reliable_change_mean(
    before: npt.ArrayLike,
    after: npt.ArrayLike,
    *,
    level: float = 0.95,
    min_n: int = 5,
) -> ReliableChange:
    """Decide whether a mean changed reliably between two rounds (Welch t, ``after − before``).

    Reliable means: both rounds have at least ``min_n`` answers and the Welch interval at
    ``level`` excludes zero.
    """
    d = welch_difference(after, before, level=level)
    low, high = d.interval
    reliable = bool(d.n1 >= min_n and d.n2 >= min_n and np.isfinite(low) and (low > 0 or high < 0))
    return ReliableChange(
        n=d.n,
        n1=d.n2,
        n2=d.n1,
        estimate=d.estimate,
        interval=d.interval,
        p_value=d.p_value,
        reliable=reliable,
        direction=_direction(reliable, d.estimate),
        method=d.method,
        level=level,
    )


def reliable_change_share(
    count_before: int,
    n_before: int,
    count_after: int,
    n_after: int,
    *,
    level: float = 0.95,
    method: Literal["newcombe", "z"] = "newcombe",
    min_n: int = 5,
) -> ReliableChange:
    """Decide whether a top-box share changed reliably between two rounds (``after − before``).

    ``method="newcombe"`` (default): reliable when Newcombe's hybrid score interval excludes 0.
    ``method="z"``: reliable when the pooled two-proportion z-test has p < 1 − ``level``
    (statsmodels ``proportions_ztest``); the interval reported is still Newcombe's.
    Both rounds need at least ``min_n`` answers.
    """
    if n_before <= 0 or n_after <= 0:
        nan = float("nan")
        return ReliableChange(
            n_before + n_after,
            n_before,
            n_after,
            nan,
            (nan, nan),
            nan,
            False,
            None,
            f"two proportions ({method})",
            level,
        )
    d = newcombe_difference(count_after, n_after, count_before, n_before, level=level)
    if method == "newcombe":
        p = d.p_value
        low, high = d.interval
        excluded = low > 0 or high < 0
        label = d.method
    elif method == "z":
        if count_before + count_after in (0, n_before + n_after):
            # All answers identical in both rounds: z is undefined, there is no change.
            p = 1.0
        else:
            _, p = proportions_ztest([count_after, count_before], [n_after, n_before])
        p = float(p)
        excluded = p < 1 - level
        label = "pooled two-proportion z-test"
    else:
        raise ValueError(f"unknown method {method!r}")
    reliable = bool(excluded and n_before >= min_n and n_after >= min_n)
    return ReliableChange(
        n=n_before + n_after,
        n1=n_before,
        n2=n_after,
        estimate=d.estimate,
        interval=d.interval,
        p_value=float(p),
        reliable=reliable,
        direction=_direction(reliable, d.estimate),
        method=label,
        level=level,
    )
