# SPDX-License-Identifier: AGPL-3.0-or-later
"""Adjusted gap check with an ordinal (proportional-odds) logit model.

A raw gap between a group and everyone else may come from the group being younger, more often
women or living in another district. :func:`adjusted_group_effect` fits statsmodels'
``OrderedModel`` (logit link) of the answer on group membership plus dummies for age band,
gender and district, and returns the group coefficient (a log odds ratio) with its interval and
p-value. When the model cannot be fitted (too few rows, separation, singular design,
non-convergence) it returns a result with ``fitted=False`` and a reason instead of raising.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special
from statsmodels.miscmodels.ordinal_model import OrderedModel

__all__ = ["OrdinalResult", "adjusted_group_effect"]

# A log odds ratio beyond ±10 (odds ratio above 22,000) only arises when the optimiser is
# running off towards infinity, i.e. (quasi-)separation.
_SEPARATION_LOG_OR = 10.0


class _LogitOrderedModel(OrderedModel):  # type: ignore[misc]  # statsmodels is untyped
    """statsmodels' ``OrderedModel`` with the logit link, its cdf and pdf evaluated directly.

    The formulas are scipy's own for ``stats.logistic`` (``expit``; ``exp(y - 2·log1p(exp(y)))``
    with ``y = −|x|``), so every value is the same to the last bit; what is skipped is the
    generic argument checking of ``rv_continuous.cdf``/``pdf``, which took four fifths of each
    fit (the finite-difference Hessian calls the log-likelihood ~140 times per Newton step).
    Measured in bench/equity: the whole-municipality equity report of the demo.
    """

    def cdf(self, x: npt.ArrayLike) -> npt.NDArray[np.float64]:
        return special.expit(x)  # type: ignore[no-any-return]

    def pdf(self, x: npt.ArrayLike) -> npt.NDArray[np.float64]:
        y = -np.abs(np.asarray(x, dtype=np.float64))
        return np.exp(y - 2.0 * special.log1p(np.exp(y)))  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class OrdinalResult:
    """Group coefficient from an adjusted proportional-odds model, or why there is none.

    ``estimate`` is the log odds ratio of answering higher for group members versus others,
    holding the controls fixed; ``odds_ratio`` is its exponential. When ``fitted`` is false the
    numbers are NaN and ``reason`` explains why.
    """

    n: int
    estimate: float
    interval: tuple[float, float]
    p_value: float
    odds_ratio: float
    odds_ratio_interval: tuple[float, float]
    fitted: bool
    reason: str | None
    dropped_controls: tuple[str, ...]
    method: str
    level: float


def _not_fitted(n: int, reason: str, level: float, dropped: tuple[str, ...] = ()) -> OrdinalResult:
    """Return the graceful 'could not fit' result."""
    nan = float("nan")
    return OrdinalResult(
        n,
        nan,
        (nan, nan),
        nan,
        nan,
        (nan, nan),
        False,
        reason,
        dropped,
        "ordinal logit (OrderedModel)",
        level,
    )


def _dummies(name: str, keys: npt.NDArray[np.object_]) -> tuple[list[str], list[np.ndarray]]:
    """Return treatment-coded dummy columns, the most frequent category as reference."""
    uniq, counts = np.unique(keys.astype(str), return_counts=True)
    # Most frequent first, ties by key, so the reference category is stable and well populated.
    order = sorted(range(uniq.size), key=lambda i: (-counts[i], uniq[i]))
    names, cols = [], []
    for i in order[1:]:
        names.append(f"{name}={uniq[i]}")
        cols.append((keys.astype(str) == uniq[i]).astype(np.float64))
    return names, cols


def adjusted_group_effect(
    answers: npt.ArrayLike,
    in_group: npt.ArrayLike,
    controls: Mapping[str, Sequence[str | None]],
    *,
    level: float = 0.95,
    min_rows: int = 30,
    min_per_side: int = 5,
) -> OrdinalResult:
    """Fit an ordinal logit of ``answers`` on group membership plus control dummies.

    ``answers`` are ordered integers (1..K, "don't know" removed); ``in_group`` is a boolean per
    respondent; ``controls`` maps control names (typically ``age_band``, ``gender``,
    ``district``) to each respondent's category key. Rows with a missing (``None``) control are
    dropped. Control dummies that are redundant given the others are dropped and listed in
    ``dropped_controls``. Returns ``fitted=False`` with a reason when there are fewer than
    ``min_rows`` rows or ``min_per_side`` in/out of the group, fewer than two answer values,
    group membership is fully explained by the controls, the group's answers are separated from
    everyone else's, or the fit fails or does not converge.
    """
    y = np.asarray(answers, dtype=np.float64)
    g = np.asarray(in_group, dtype=bool)
    if y.ndim != 1 or g.shape != y.shape:
        raise ValueError("answers and in_group must be one-dimensional and the same length")
    ctrl = {k: np.asarray(list(v), dtype=object) for k, v in controls.items()}
    for k, v in ctrl.items():
        if v.shape != y.shape:
            raise ValueError(f"control {k!r} must give one key per respondent")
    keep = np.isfinite(y)
    for v in ctrl.values():
        keep &= np.array([x is not None for x in v], dtype=bool)
    y, g = y[keep], g[keep]
    ctrl = {k: v[keep] for k, v in ctrl.items()}
    n = int(y.size)

    if n < min_rows:
        return _not_fitted(n, f"too few rows ({n} < {min_rows})", level)
    n_in = int(g.sum())
    if min(n_in, n - n_in) < min_per_side:
        return _not_fitted(n, f"fewer than {min_per_side} respondents in or outside the group", level)
    if np.unique(y).size < 2:
        return _not_fitted(n, "all answers are the same", level)
    mine, rest = y[g], y[~g]
    if mine.min() >= rest.max() or mine.max() <= rest.min():
        return _not_fitted(n, "separation: the group's answers do not overlap with the others'", level)

    # Greedy rank check (ones first, then controls, then the group): hand-written because the
    # design must stay free of a constant (OrderedModel's thresholds play that role) and we
    # want to know *which* controls are redundant and whether the group itself is.
    cols: list[np.ndarray] = [np.ones(n)]
    names: list[str] = []
    dropped: list[str] = []
    for cname, keys in ctrl.items():
        dnames, dcols = _dummies(cname, keys)
        for dn, dc in zip(dnames, dcols, strict=True):
            trial = np.column_stack([*cols, dc])
            if np.linalg.matrix_rank(trial) == trial.shape[1]:
                cols.append(dc)
                names.append(dn)
            else:
                dropped.append(dn)
    trial = np.column_stack([*cols, g.astype(np.float64)])
    if np.linalg.matrix_rank(trial) < trial.shape[1]:
        return _not_fitted(
            n,
            "singular: group membership is fully determined by the controls",
            level,
            tuple(dropped),
        )
    exog = np.column_stack([g.astype(np.float64), *cols[1:]])
    n_thresholds = np.unique(y).size - 1
    if n <= exog.shape[1] + n_thresholds:
        return _not_fitted(n, "more parameters than rows", level, tuple(dropped))

    res = None
    failure = "model did not converge"
    # Newton converges to within ~1e-8 of R's polr (β) in a handful of steps; BFGS
    # (statsmodels' documented choice for OrderedModel) is the fallback when Newton's steps
    # break down, e.g. near separation. Either way the SE comes from statsmodels'
    # finite-difference Hessian: within ~1e-5 relative of the exact one (test_ordinal).
    for method in ("newton", "bfgs"):
        try:
            with warnings.catch_warnings():
                # Convergence problems are read from mle_retvals below instead.
                warnings.simplefilter("ignore")
                model = _LogitOrderedModel(y, exog, distr="logit")
                fit = model.fit(method=method, disp=False, maxiter=2000 if method == "bfgs" else 100)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError) as exc:
            failure = f"model could not be fitted: {exc}"
            continue
        if fit.mle_retvals.get("converged", False) and np.all(np.isfinite(fit.params)):
            res = fit
            break
    if res is None:
        return _not_fitted(n, failure, level, tuple(dropped))
    beta = float(res.params[0])
    se = float(res.bse[0])
    if not (np.isfinite(beta) and np.isfinite(se)) or se <= 0:
        return _not_fitted(n, "singular information matrix (no standard error)", level, tuple(dropped))
    if abs(beta) > _SEPARATION_LOG_OR:
        return _not_fitted(n, "separation: the coefficient diverges", level, tuple(dropped))
    ci = res.conf_int(alpha=1 - level)
    low, high = float(ci[0, 0]), float(ci[0, 1])
    return OrdinalResult(
        n=n,
        estimate=beta,
        interval=(low, high),
        p_value=float(res.pvalues[0]),
        odds_ratio=float(np.exp(beta)),
        odds_ratio_interval=(float(np.exp(low)), float(np.exp(high))),
        fitted=True,
        reason=None,
        dropped_controls=tuple(dropped),
        method="ordinal logit (statsmodels OrderedModel), Wald interval",
        level=level,
    )
