# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who answered (or uses a service) compared with who lives in the municipality.

For groups g with respondent/user counts n_g and population counts N_g:

* share among respondents with a Wilson interval and the population share;
* representation ratio (respondent share / population share) with an interval made by dividing
  the Wilson bounds by the population share;
* an exact binomial test per group against its population share, BH-corrected across groups;
* an overall chi-square goodness-of-fit test;
* the R-indicator and unconditional partial R-indicators (:func:`r_indicator`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from medvirk.analysis.intervals import Estimate, wilson_interval
from medvirk.analysis.significance import GoodnessOfFit, benjamini_hochberg, chi_square_gof

__all__ = [
    "REGISTER_P_VALUE_EXPLANATION",
    "CategoryPartialR",
    "GroupRepresentation",
    "RIndicator",
    "RepresentationResult",
    "VariablePartialR",
    "r_indicator",
    "representation",
]

REGISTER_P_VALUE_EXPLANATION = (
    "A p-value answers one question: if the people who answered were drawn at random from the "
    "population, how surprising would a difference this large be? A small p-value says the "
    "difference is unlikely to be chance alone. It does not say how large or how important the "
    "difference is, that the group was treated unfairly, or why the difference exists. "
    "When the numbers come from a complete register (for example every user of a service "
    "compared with everyone living in the municipality), nobody was sampled: the shares are "
    "the real shares, and the difference is a fact, not an estimate. A p-value then only "
    "says whether a difference this size could easily arise from the random ups and downs of "
    "who happens to use a service in a given year; it cannot make a real difference smaller "
    "or larger. Look first at the size of the gap (the ratio and the percentage points), and "
    "use the p-value only as a guide to how stable it is likely to be from year to year."
)


@dataclass(frozen=True, slots=True)
class GroupRepresentation:
    """One group's representation among respondents relative to the population."""

    key: str
    n: int
    population: int
    share: Estimate
    population_share: float
    ratio: float
    ratio_interval: tuple[float, float]
    p_value: float
    p_adjusted: float
    significant: bool
    method: str

    @property
    def estimate(self) -> float:
        """Return the representation ratio."""
        return self.ratio

    @property
    def interval(self) -> tuple[float, float]:
        """Return the interval of the representation ratio."""
        return self.ratio_interval


@dataclass(frozen=True, slots=True)
class CategoryPartialR:
    """Unconditional partial R-indicator of one category (signed: negative = under-represented)."""

    key: str
    n: int
    population: int
    propensity: float
    partial_r: float


@dataclass(frozen=True, slots=True)
class VariablePartialR:
    """Unconditional partial R-indicator of one variable and its categories."""

    variable: str
    partial_r: float
    categories: tuple[CategoryPartialR, ...]


@dataclass(frozen=True, slots=True)
class RIndicator:
    """R-indicator R = 1 − 2·S(ρ) with its propensity SD and partial indicators.

    ``estimate`` is R (1 = perfectly representative, lower = less).
    """

    n: int
    population: int
    estimate: float
    sd_propensity: float
    mean_propensity: float
    partials: tuple[VariablePartialR, ...]
    method: str


@dataclass(frozen=True, slots=True)
class RepresentationResult:
    """Per-group representation, the overall chi-square test and (if defined) the R-indicator."""

    n: int
    population: int
    groups: tuple[GroupRepresentation, ...]
    chi_square: GoodnessOfFit
    r_indicator: RIndicator | None
    r_indicator_note: str | None
    method: str


def _counts(values: Sequence[int] | npt.ArrayLike, name: str) -> npt.NDArray[np.int64]:
    """Return non-negative whole counts as an int array, raising otherwise."""
    a = np.asarray(values)
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    af = a.astype(np.float64)
    if np.any(af < 0) or np.any(af != np.round(af)):
        raise ValueError(f"{name} must be non-negative whole numbers")
    return af.astype(np.int64)


def r_indicator(
    variables: Mapping[str, Sequence[str]],
    respondents: Sequence[int] | npt.ArrayLike,
    population: Sequence[int] | npt.ArrayLike,
) -> RIndicator:
    """Compute the R-indicator and unconditional partial R-indicators from population counts.

    Input is a table of cells (one row per combination of categories): ``variables`` maps each
    variable name to the category key of every cell, ``respondents[c]`` and ``population[c]`` are
    the counts n_c and N_c. For a single variable, the cells are its categories.

    Estimator (population counts known, Schouten, Cobben & Bethlehem 2009): the response
    propensity of everyone in cell c is ρ_c = n_c / N_c (the saturated propensity model over
    the cells). With ρ̄ = n/N,

    * S(ρ)² = 1/(N−1) · Σ_c N_c (ρ_c − ρ̄)²  and  R = 1 − 2·S(ρ);
    * unconditional partial R of variable X (Schouten, Shlomo & Skinner 2011) is the
      between-category SD P_u(X) = √(1/(N−1) · Σ_k N_k (ρ̄_k − ρ̄)²), with ρ̄_k = n_k/N_k;
    * per category P_u(X, k) = √(N_k/(N−1)) · (ρ̄_k − ρ̄), signed, so Σ_k P_u(X,k)² = P_u(X)².

    The divisor N − 1 is used throughout (SSS 2011 write N for the category term); with
    population sizes the difference is negligible and this keeps the parts adding up.
    Nothing is estimated from a sample, so there is no standard error.
    """
    n_c = _counts(respondents, "respondents")
    big_n_c = _counts(population, "population")
    if n_c.shape != big_n_c.shape:
        raise ValueError("respondents and population must have one count per cell")
    if np.any(n_c > big_n_c):
        raise ValueError("a cell has more respondents than population (propensity above 1)")
    if np.any((big_n_c == 0) & (n_c > 0)):
        raise ValueError("a cell with respondents has zero population")
    if not variables:
        raise ValueError("at least one variable is required")
    for name, keys in variables.items():
        if len(keys) != n_c.size:
            raise ValueError(f"variable {name!r} must give one category per cell")
    big_n = int(big_n_c.sum())
    n = int(n_c.sum())
    if big_n < 2:
        raise ValueError("population must have at least two people")
    rho_bar = n / big_n
    live = big_n_c > 0
    rho_c = np.zeros(n_c.size)
    rho_c[live] = n_c[live] / big_n_c[live]
    s2 = float(np.sum(big_n_c * (rho_c - rho_bar) ** 2) / (big_n - 1))
    s = float(np.sqrt(s2))

    partials: list[VariablePartialR] = []
    for name, keys in variables.items():
        key_arr = np.asarray([str(k) for k in keys])
        uniq = list(dict.fromkeys(key_arr.tolist()))
        cats: list[CategoryPartialR] = []
        for k in uniq:
            mask = key_arr == k
            n_k = int(n_c[mask].sum())
            big_n_k = int(big_n_c[mask].sum())
            rho_k = n_k / big_n_k if big_n_k else 0.0
            p_k = float(np.sqrt(big_n_k / (big_n - 1)) * (rho_k - rho_bar))
            cats.append(CategoryPartialR(k, n_k, big_n_k, rho_k, p_k))
        p_x = float(np.sqrt(sum(c.partial_r**2 for c in cats)))
        partials.append(VariablePartialR(name, p_x, tuple(cats)))

    return RIndicator(
        n=n,
        population=big_n,
        estimate=1 - 2 * s,
        sd_propensity=s,
        mean_propensity=rho_bar,
        partials=tuple(partials),
        method="R-indicator from cell propensities n_c/N_c (population counts)",
    )


def representation(
    keys: Sequence[str],
    respondents: Sequence[int] | npt.ArrayLike,
    population: Sequence[int] | npt.ArrayLike,
    *,
    variable: str = "group",
    level: float = 0.95,
    alpha: float = 0.05,
) -> RepresentationResult:
    """Compare respondents' (or users') group shares with the population's.

    For every group: the respondent share with a Wilson interval, the population share
    N_g/N, the ratio share/population share with interval (Wilson bounds / population share),
    and an exact two-sided binomial test of n_g out of n against the population share
    (``scipy.stats.binomtest``), BH-adjusted across groups at ``alpha``. Also returns the
    chi-square goodness-of-fit test over all groups and, when every n_g ≤ N_g, the R-indicator
    for this one variable (see :func:`r_indicator`). Read
    :data:`REGISTER_P_VALUE_EXPLANATION` before showing p-values for register data.
    """
    n_g = _counts(respondents, "respondents")
    big_n_g = _counts(population, "population")
    if not (len(keys) == n_g.size == big_n_g.size):
        raise ValueError("keys, respondents and population must have the same length")
    if len(set(keys)) != len(keys):
        raise ValueError("group keys must be unique")
    n = int(n_g.sum())
    big_n = int(big_n_g.sum())
    if big_n <= 0:
        raise ValueError("population total must be positive")
    pop_share = big_n_g / big_n
    p_raw = np.full(n_g.size, np.nan)
    for i in range(n_g.size):
        if n > 0 and 0 < pop_share[i] < 1:
            p_raw[i] = stats.binomtest(int(n_g[i]), n, float(pop_share[i])).pvalue
    bh = benjamini_hochberg(p_raw, alpha=alpha)

    groups: list[GroupRepresentation] = []
    for i, key in enumerate(keys):
        share = wilson_interval(int(n_g[i]), n, level=level)
        ps = float(pop_share[i])
        if ps > 0 and n > 0:
            ratio = share.estimate / ps
            ratio_ci = (share.interval[0] / ps, share.interval[1] / ps)
        else:
            ratio, ratio_ci = float("nan"), (float("nan"), float("nan"))
        groups.append(
            GroupRepresentation(
                key=str(key),
                n=int(n_g[i]),
                population=int(big_n_g[i]),
                share=share,
                population_share=ps,
                ratio=ratio,
                ratio_interval=ratio_ci,
                p_value=float(p_raw[i]),
                p_adjusted=bh.adjusted[i],
                significant=bh.rejected[i],
                method="Wilson ratio; exact binomial test, BH-adjusted",
            )
        )

    chi = chi_square_gof(n_g, pop_share)
    r_ind: RIndicator | None = None
    note: str | None = None
    if np.any(n_g > big_n_g):
        note = (
            "R-indicator not computed: some groups have more respondents than population, so "
            "the counts are not a response from that population"
        )
    elif big_n < 2:
        note = "R-indicator not computed: population too small"
    else:
        r_ind = r_indicator({variable: [str(k) for k in keys]}, n_g, big_n_g)
    return RepresentationResult(
        n=n,
        population=big_n,
        groups=tuple(groups),
        chi_square=chi,
        r_indicator=r_ind,
        r_indicator_note=note,
        method="representation vs population",
    )
