# SPDX-License-Identifier: AGPL-3.0-or-later
"""Raking (iterative proportional fitting), weight trimming and weighted estimates.

Unit-level data come as one integer code array per margin (codes ``0..K-1``) and one array of
population totals per margin. Everything is vectorised with :func:`numpy.bincount`, so a million
rows and four margins rake in well under a second.

The results match R's ``survey`` package (``svydesign(ids=~1, weights=~1)`` + ``rake()`` +
``svymean()``): raked weights and means to 1e-8 and the calibrated linearisation standard error
that ``survey`` reports for raked designs (see :func:`weighted_mean`). The reference script is
``medvirk/analysis/tests/fixtures/raking.R``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

__all__ = [
    "ConvergenceReport",
    "RakingError",
    "RakingResult",
    "WeightedMean",
    "design_effect",
    "effective_sample_size",
    "rake",
    "weighted_mean",
]

# survey::svyrecvar removes the raking projections with a fixed number of backfitting sweeps
# (``for (iterations in 1:10)``); we use the same number so our SE equals R's to rounding.
SURVEY_R_BACKFIT_SWEEPS = 10


class RakingError(ValueError):
    """Raised when margins cannot be met: empty cells, inconsistent totals or no convergence."""


@dataclass(frozen=True, slots=True)
class ConvergenceReport:
    """How raking went: sweeps used, largest margin miss and whether it converged.

    With trimming, ``trim_sweeps`` counts the sweeps in which a weight had to be clipped,
    ``n_at_bounds`` the rows whose final weight sits on a bound, and ``bounds_met`` whether the
    final weights respect the bounds (margins always take priority).
    """

    iterations: int
    max_abs_discrepancy: float
    max_rel_discrepancy: float
    converged: bool
    trim_sweeps: int
    n_at_bounds: int
    bounds_met: bool


@dataclass(frozen=True, slots=True)
class RakingResult:
    """Raked weights (read-only array, one per row) and the convergence report."""

    n: int
    weights: npt.NDArray[np.float64]
    report: ConvergenceReport
    method: str


@dataclass(frozen=True, slots=True)
class WeightedMean:
    """A weighted mean with its standard error, interval and design effect."""

    n: int
    estimate: float
    interval: tuple[float, float]
    method: str
    se: float
    level: float
    design_effect: float
    effective_n: float


def _codes(margins: Sequence[npt.ArrayLike], n: int | None = None) -> list[npt.NDArray[np.intp]]:
    """Validate margin code arrays and return them as ``intp`` arrays of equal length."""
    out: list[npt.NDArray[np.intp]] = []
    for j, m in enumerate(margins):
        a = np.asarray(m)
        if a.ndim != 1:
            raise ValueError(f"margin {j}: codes must be one-dimensional")
        if a.size and not np.issubdtype(a.dtype, np.integer):
            raise ValueError(f"margin {j}: codes must be integers 0..K-1, got dtype {a.dtype}")
        if a.size and a.min() < 0:
            raise ValueError(f"margin {j}: codes must be non-negative")
        if n is None:
            n = a.size
        if a.size != n:
            raise ValueError(f"margin {j}: has {a.size} rows, expected {n}")
        # intp avoids a conversion copy inside bincount/indexing on every iteration.
        out.append(a.astype(np.intp, copy=False))
    return out


def _check_targets(
    codes: list[npt.NDArray[np.intp]], targets: Sequence[npt.ArrayLike], weights: np.ndarray
) -> list[npt.NDArray[np.float64]]:
    """Check targets against the sample and return them as float arrays; raise on impossibility."""
    if len(codes) != len(targets):
        raise ValueError(f"{len(codes)} margins but {len(targets)} target arrays")
    if not codes:
        raise ValueError("at least one margin is required")
    out: list[npt.NDArray[np.float64]] = []
    totals = []
    for j, (c, t) in enumerate(zip(codes, targets, strict=True)):
        tt = np.asarray(t, dtype=np.float64)
        if tt.ndim != 1 or not np.all(np.isfinite(tt)) or np.any(tt < 0):
            raise RakingError(f"margin {j}: targets must be finite, non-negative totals")
        if c.size and c.max() >= tt.size:
            raise RakingError(f"margin {j}: code {int(c.max())} has no target (only {tt.size} categories)")
        sample = np.bincount(c, weights=weights, minlength=tt.size)
        empty = np.flatnonzero((sample <= 0) & (tt > 0))
        if empty.size:
            raise RakingError(
                f"margin {j}: categories {empty.tolist()} have a population total but no "
                "respondents (empty cell); merge categories before raking"
            )
        zero_target = np.flatnonzero((sample > 0) & (tt == 0))
        if zero_target.size:
            raise RakingError(
                f"margin {j}: categories {zero_target.tolist()} have respondents but a zero "
                "population total; the margin cannot be met with positive weights"
            )
        totals.append(tt.sum())
        out.append(tt)
    totals_arr = np.asarray(totals)
    if np.ptp(totals_arr) > 1e-9 * max(1.0, float(totals_arr.max())):
        raise RakingError(
            f"margin totals disagree ({totals_arr.tolist()}); all margins must describe the same population"
        )
    return out


def _ipf(
    codes: list[npt.NDArray[np.intp]],
    targets: list[npt.NDArray[np.float64]],
    w: npt.NDArray[np.float64],
    tol: float,
    max_iter: int,
    bounds: tuple[float, float] | None = None,
    counts: npt.NDArray[np.float64] | None = None,
) -> tuple[int, bool, int]:
    """Rake ``w`` in place; return (sweeps used, converged, sweeps in which weights were clipped).

    ``counts`` (optional) says how many identical rows each entry of ``w`` stands for, so the
    same loop rakes per-row weights of whole cells at once.

    Hand-written because neither scipy nor statsmodels has unit-level raking; the loop is
    the classical Deming-Stephan algorithm with one bincount per margin per sweep. With
    ``bounds=(lo, hi)`` (absolute weights) the weights are clipped after every sweep and
    raked again, until a sweep needs neither margin adjustment nor clipping (both within
    ``tol``): trimming inside the loop converges far faster than trimming only after full
    convergence.
    """
    clipped_sweeps = 0
    best = np.inf
    best_at = 0
    for it in range(1, max_iter + 1):
        worst = 0.0
        for c, t in zip(codes, targets, strict=True):
            sums = np.bincount(c, weights=w if counts is None else w * counts, minlength=t.size)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(sums > 0, t / sums, 1.0)
            worst = max(worst, float(np.max(np.abs(factor - 1.0))))
            w *= factor[c]
        outside = 0.0
        if bounds is not None:
            lo, hi = bounds
            outside = max(float(w.max()) / hi - 1.0, 1.0 - float(w.min()) / lo if lo > 0 else 0.0)
        # Every factor was within tol at the start of its step, so every margin was already
        # met to relative precision tol before this sweep changed anything.
        if worst <= tol and outside <= tol:
            return it, True, clipped_sweeps
        if outside > 0:
            assert bounds is not None
            np.clip(w, bounds[0], bounds[1], out=w)
            clipped_sweeps += 1
            # Infeasible bounds make the clip/rake cycle stall rather than diverge; stop once
            # 100 sweeps bring no 1 % improvement instead of burning all max_iter sweeps.
            miss = worst + outside
            if miss < 0.99 * best:
                best, best_at = miss, it
            elif it - best_at >= 100:
                return it, False, clipped_sweeps
    return max_iter, False, clipped_sweeps


def _collapse(
    codes: list[npt.NDArray[np.intp]], sizes: list[int]
) -> tuple[npt.NDArray[np.intp], list[npt.NDArray[np.intp]]] | None:
    """Map rows to their non-empty cross-classified cells; None if the cell space is too big.

    Returns each row's cell index and, per margin, the code of every cell.
    """
    n = codes[0].size
    n_cells = 1
    for k in sizes:
        n_cells *= k
    if n_cells > max(4 * n, 1 << 16):
        # Sparse cell space: a sort-based np.unique would cost more than it saves.
        return None
    flat = np.ravel_multi_index(tuple(codes), tuple(sizes))
    present = np.bincount(flat, minlength=n_cells) > 0
    remap = np.cumsum(present) - 1
    cells = np.flatnonzero(present)
    cell_codes = [c.astype(np.intp) for c in np.unravel_index(cells, tuple(sizes))]
    return remap[flat].astype(np.intp), cell_codes


def _rake_cells(
    codes: list[npt.NDArray[np.intp]],
    targets: list[npt.NDArray[np.float64]],
    w: npt.NDArray[np.float64],
    tol: float,
    max_iter: int,
    bounds: tuple[float, float] | None = None,
) -> tuple[int, bool, int]:
    """Rake ``w`` in place, working on cells when the cross-classification is small.

    Every row in the same cell (same code on every margin) is multiplied by the same factors,
    so raking the cell totals of the start weights and scaling each row by its cell's overall
    factor gives exactly the row-level result, at a cost independent of n per sweep. With
    ``bounds`` this holds only when the weights are equal within each cell (clipping is per
    row); otherwise the row-level loop runs. Returns what :func:`_ipf` returns.
    """
    collapsed = _collapse(codes, [t.size for t in targets])
    if collapsed is not None:
        row_cell, cell_codes = collapsed
        start = np.bincount(row_cell, weights=w).astype(np.float64)
        if bounds is None:
            cell_w = start.copy()
            result = _ipf(cell_codes, targets, cell_w, tol, max_iter)
            w *= (cell_w / start)[row_cell]
            return result
        counts = np.bincount(row_cell).astype(np.float64)
        # Equal within every cell? Compare each row with one representative row of its cell
        # (fancy assignment keeps one of the writes per cell).
        representative = np.empty(counts.size)
        representative[row_cell] = w
        if np.allclose(w, representative[row_cell], rtol=1e-12, atol=0):
            per_row = start / counts
            result = _ipf(cell_codes, targets, per_row, tol, max_iter, bounds, counts)
            w[:] = per_row[row_cell]
            return result
    return _ipf(codes, targets, w, tol, max_iter, bounds)


def _discrepancy(
    codes: list[npt.NDArray[np.intp]], targets: list[npt.NDArray[np.float64]], w: np.ndarray
) -> tuple[float, float]:
    """Return the largest absolute and relative gap between weighted margins and targets."""
    abs_gap = 0.0
    rel_gap = 0.0
    for c, t in zip(codes, targets, strict=True):
        d = np.abs(np.bincount(c, weights=w, minlength=t.size) - t)
        abs_gap = max(abs_gap, float(d.max()))
        rel = np.where(t > 0, d / np.where(t > 0, t, 1.0), d)
        rel_gap = max(rel_gap, float(rel.max()))
    return abs_gap, rel_gap


def rake(
    margins: Sequence[npt.ArrayLike],
    targets: Sequence[npt.ArrayLike],
    *,
    base_weights: npt.ArrayLike | None = None,
    tol: float = 1e-10,
    max_iter: int = 1000,
    trim: tuple[float, float] | None = None,
    require_convergence: bool = True,
) -> RakingResult:
    """Rake unit-level data to population margin totals by iterative proportional fitting.

    ``margins[j]`` holds one integer code ``0..K_j-1`` per row, ``targets[j]`` the population
    total of each code. Start weights are ``base_weights`` (default 1). Iteration stops when
    every adjustment factor in a full sweep is within ``tol`` of 1 (relative; about 1e-12 is
    the floating-point floor for a million rows).

    ``trim=(low, high)`` bounds each weight to ``[low, high]`` times the mean weight (the
    population total divided by n). After the plain rake converges, weights outside the bounds
    are clipped and the data raked again, sweep by sweep, until margins and bounds both hold.
    If that fails (no convergence within ``max_iter`` sweeps, or no 1 % progress in 100 sweeps,
    which is what infeasible bounds look like), the weights are raked once more without bounds
    so the margins hold, and ``report.bounds_met`` is false: margins take priority.

    Work is done on the totals of the cross-classified cells whenever that is exact and cheap
    (see :func:`_rake_cells`); the result equals row-by-row raking.

    Raise :class:`RakingError` for empty cells, zero targets with respondents, margin totals that
    disagree, and (when ``require_convergence``) for failure to converge.
    """
    codes = _codes(margins)
    n = codes[0].size if codes else 0
    if n == 0:
        raise RakingError("no rows to rake")
    if base_weights is None:
        w = np.ones(n, dtype=np.float64)
    else:
        w = np.array(base_weights, dtype=np.float64)
        if w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise ValueError("base_weights must be positive and finite, one per row")
    tt = _check_targets(codes, targets, w)
    if trim is not None:
        low, high = trim
        if not 0 <= low < 1 < high:
            raise ValueError("trim bounds must satisfy 0 <= low < 1 < high (relative to mean)")

    iterations, converged, _ = _rake_cells(codes, tt, w, tol, max_iter)
    trim_sweeps = 0
    bounds_met = True
    n_at_bounds = 0
    if trim is not None and converged:
        # Once the margins hold, the weights sum to the population total T, so the mean
        # weight is T/n whatever the trimming does; the bounds are fixed in absolute terms.
        mean = float(tt[0].sum()) / n
        lo, hi = trim[0] * mean, trim[1] * mean
        it, bounded, trim_sweeps = _rake_cells(codes, tt, w, tol, max_iter, bounds=(lo, hi))
        iterations += it
        if not bounded:
            # The bounds cannot be met together with the margins: margins take priority.
            it, converged, _ = _rake_cells(codes, tt, w, tol, max_iter)
            iterations += it
        slack = 1e-9
        bounds_met = bool(np.all((w >= lo * (1 - slack)) & (w <= hi * (1 + slack))))
        n_at_bounds = int(np.sum(np.isclose(w, lo, rtol=slack) | np.isclose(w, hi, rtol=slack)))
    abs_gap, rel_gap = _discrepancy(codes, tt, w)
    report = ConvergenceReport(
        iterations=iterations,
        max_abs_discrepancy=abs_gap,
        max_rel_discrepancy=rel_gap,
        converged=converged,
        trim_sweeps=trim_sweeps,
        n_at_bounds=n_at_bounds,
        bounds_met=bounds_met,
    )
    if require_convergence and not converged:
        raise RakingError(
            f"raking did not converge in {max_iter} sweeps (largest relative margin miss "
            f"{rel_gap:.3g}); the margins may be incompatible with the sample's cell structure"
        )
    w.setflags(write=False)
    return RakingResult(n=n, weights=w, report=report, method="raking (IPF)")


def design_effect(weights: npt.ArrayLike) -> float:
    """Return Kish's design effect from unequal weighting, n·Σw² / (Σw)²."""
    w = np.asarray(weights, dtype=np.float64)
    return float(w.size * np.sum(w**2) / np.sum(w) ** 2)


def effective_sample_size(weights: npt.ArrayLike) -> float:
    """Return Kish's effective sample size, (Σw)² / Σw²."""
    w = np.asarray(weights, dtype=np.float64)
    return float(np.sum(w) ** 2 / np.sum(w**2))


def _residualise_raking(
    z: npt.NDArray[np.float64], w: npt.NDArray[np.float64], codes: list[npt.NDArray[np.intp]]
) -> npt.NDArray[np.float64]:
    """Remove the raking margins from influence values the way survey::svyrecvar does.

    Mirrors ``x <- x - psw * ave(x/psw, margin)`` repeated for a fixed 10 sweeps over the
    margins (R's code); ``ave`` is an unweighted mean within each margin category.
    """
    z = z.copy()
    for _ in range(SURVEY_R_BACKFIT_SWEEPS):
        for c in codes:
            ratio = z / w
            counts = np.bincount(c)
            sums = np.bincount(c, weights=ratio, minlength=counts.size)
            with np.errstate(divide="ignore", invalid="ignore"):
                means = np.where(counts > 0, sums / np.where(counts > 0, counts, 1), 0.0)
            z -= w * means[c]
    return z


def weighted_mean(
    values: npt.ArrayLike,
    weights: npt.ArrayLike,
    *,
    raking_margins: Sequence[npt.ArrayLike] | None = None,
    level: float = 0.95,
) -> WeightedMean:
    """Estimate a weighted mean with its linearisation standard error and t interval.

    The SE is that of ``survey::svymean`` for a with-replacement design with one unit per PSU
    (``svydesign(ids=~1, weights=...)``): with influence values
    ``z_i = w_i (y_i - ȳ_w) / Σw``, ``Var = n/(n-1) · Σ (z_i - z̄)²``.
    When ``raking_margins`` (the code arrays the weights were raked on) are given, ``z`` is first
    residualised on the margins as ``survey`` does for raked designs, which gives the smaller,
    calibrated SE. The interval uses a t distribution with ``survey``'s ``degf``: the number of
    rows that enter the estimate, minus one.

    Rows outside the estimate are treated as R's ``survey`` treats them:

    * a missing value (NaN, e.g. a skipped question) is a domain, as in
      ``svymean(..., na.rm = TRUE)``. On a raked design (``raking_margins`` given) the row stays
      in the design with zero weight: it still counts in n/(n−1) and in the residualisation on
      the margins, with its raked weight, so the SE is the unconditional domain SE (slightly
      larger than the SE of the answered rows alone). Without ``raking_margins`` R's
      ``svymean(na.rm = TRUE)`` drops the row from the design (``[.survey.design2`` subsets
      uncalibrated designs), and so does this function.
    * a zero weight (without ``raking_margins``) is a row of the design with no weight, as
      ``svydesign(weights = ~w)`` with ``w = 0``: it counts in n/(n−1) but not in the estimate
      or the degrees of freedom. With ``raking_margins`` the weights must be the positive raked
      weights (R's raking residuals divide by them); mark the rows outside the estimate NaN.
    """
    y = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if y.shape != w.shape or y.ndim != 1:
        raise ValueError("values and weights must be one-dimensional and the same length")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and non-negative")
    if np.any(np.isinf(y)):
        raise ValueError("values must be finite or NaN (a missing answer)")
    answered = ~np.isnan(y)
    codes: list[npt.NDArray[np.intp]] = []
    if raking_margins is not None:
        if np.any(w <= 0):
            raise ValueError(
                "with raking_margins the weights must be the positive raked weights; "
                "mark the rows outside the estimate as NaN"
            )
        codes = _codes(raking_margins, y.size)
    else:
        # R drops rows with a missing value from an uncalibrated design (svymean, na.rm = TRUE).
        y, w = y[answered], w[answered]
        answered = np.ones(y.size, dtype=bool)
    # The domain's weights: zero outside it (R: prob = Inf), the design keeps every row.
    domain_w = np.where(answered, w, 0.0)
    inside = domain_w > 0
    m = int(inside.sum())
    if m == 0:
        raise ValueError("no observations")
    total = domain_w.sum()
    y0 = np.where(answered, y, 0.0)
    mean = float(np.dot(domain_w, y0) / total)
    deff = design_effect(domain_w[inside])
    n_eff = effective_sample_size(domain_w[inside])
    if m < 2:
        return WeightedMean(
            m,
            mean,
            (float("nan"), float("nan")),
            "weighted mean",
            float("nan"),
            level,
            deff,
            n_eff,
        )
    n = y.size
    z = domain_w * (y0 - mean) / total
    method = "weighted mean, linearisation SE"
    if raking_margins is not None:
        z = _residualise_raking(z, w, codes)
        method = "weighted mean, raking-calibrated linearisation SE (as R survey)"
    se = float(np.sqrt(n / (n - 1) * np.sum((z - z.mean()) ** 2)))
    t = float(stats.t.ppf(0.5 + level / 2, m - 1))
    return WeightedMean(
        n=m,
        estimate=mean,
        interval=(mean - t * se, mean + t * se),
        method=method,
        se=se,
        level=level,
        design_effect=deff,
        effective_n=n_eff,
    )
