"""The LEXIMIN of the LP relaxation, and decomposing a target into panel compositions.

The expected composition of any panel lottery lies in the polytope ``Q`` of fractional
compositions (the quota constraints without integrality). Its LEXIMIN point ``t`` is found with a
handful of small LPs. If some lottery over *integer* compositions has expected composition
exactly ``t``, that lottery is LEXIMIN-optimal over all panel lotteries, because every
achievable point lies in ``Q``. On realistic quota instances ``t`` is nearly always achievable, so
the expensive stage-by-stage column generation collapses to one decomposition run; when it is
not, :mod:`.leximin` falls back to the exact stage-wise method.
"""

from __future__ import annotations

import numpy as np

from ._highs import INF, Budget, Solver, new_highs, pass_model
from .instance import ProfileModel

#: Profiles whose (people-weighted) stage dual exceeds this are fixed.
FIX_TOLERANCE = 1e-7
#: Fixed levels may undershoot by this much, so LP round-off never makes a stage infeasible.
LEVEL_SLACK = 1e-10


def composition_rows(model: ProfileModel) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Return ``(rows, lower, upper)``: a composition's constraints as row blocks with their bounds.

    Row 0 seats exactly ``k``, then one row per quota, then (with households) one row per
    household (at most one of it). The one statement of a valid panel shape for every LP and ILP.
    """
    num = model.num_profiles
    rows = [np.ones((1, num)), model.incidence.astype(np.float64)]
    lower = [np.array([float(model.instance.k)]), model.quota_min.astype(np.float64)]
    upper = [np.array([float(model.instance.k)]), model.quota_max.astype(np.float64)]
    if model.household_incidence.size:
        rows.append(model.household_incidence.astype(np.float64))
        lower.append(np.full(model.household_incidence.shape[0], -INF))
        upper.append(np.ones(model.household_incidence.shape[0]))
    return rows, lower, upper


def relaxed_leximin(
    model: ProfileModel, excluded: np.ndarray, budget: Budget | None = None
) -> tuple[np.ndarray, int, int]:
    """Return ``(levels, stages, lp_solves)`` of the LEXIMIN point of the LP relaxation.

    ``excluded`` marks profiles held at level 0 (nobody of them fits on any valid panel).
    Raise :class:`~._highs.SolverLimitError` when a stage LP stays unsolved.
    """
    num = model.num_profiles
    mult = model.multiplicity.astype(np.float64)
    rows, lower, upper = composition_rows(model)
    base = np.vstack(rows)
    first_level_row = base.shape[0]
    # Level rows: x_p - m_p z >= 0 for free profiles; z is the last column.
    level = np.hstack([np.eye(num), -mult[:, None]])
    matrix = np.vstack([np.hstack([base, np.zeros((base.shape[0], 1))]), level])
    row_lower = np.concatenate([*lower, np.zeros(num)])
    row_upper = np.concatenate([*upper, np.full(num, INF)])
    col_upper = np.concatenate([mult, [1.0]])
    h = new_highs(
        "relaxation LP", budget, primal_feasibility_tolerance=1e-10, dual_feasibility_tolerance=1e-10
    )
    cost = np.zeros(num + 1)
    cost[-1] = -1.0
    pass_model(h, cost, matrix, row_lower, row_upper, np.zeros(num + 1), col_upper)
    free = ~excluded
    levels = np.zeros(num)
    for p in np.flatnonzero(excluded):
        h.changeCoeff(first_level_row + int(p), num, 0.0)
        h.changeColBounds(int(p), 0.0, 0.0)
    stages = solves = 0
    while free.any():
        stages += 1
        solves += 1
        sol = h.optimal_solution()
        z = float(sol.col_value[num])
        duals = np.maximum(np.asarray(sol.row_dual)[first_level_row:], 0.0) * mult
        newly = free & (duals > FIX_TOLERANCE)
        if not newly.any():
            newly = np.zeros_like(free)
            newly[int(np.argmax(np.where(free, duals, -1.0)))] = True
        for p in np.flatnonzero(newly):
            levels[p] = z
            row = first_level_row + int(p)
            h.changeCoeff(row, num, 0.0)
            h.changeRowBounds(row, max(z - LEVEL_SLACK, 0.0) * mult[p], INF)
        free &= ~newly
    return levels, stages, solves


class CompositionColumns:
    """A master LP whose columns are panel compositions (rows ``0..num-1``: the profiles' levels,
    row ``num``: the probabilities sum to one).

    A subclass sets ``model``, ``inv_mult`` and ``h`` and calls ``_start_columns`` in its
    ``__init__``; ``add`` then adds each composition once.
    """

    model: ProfileModel
    inv_mult: np.ndarray
    h: Solver

    def _start_columns(self) -> None:
        self.columns: list[np.ndarray] = []
        self.seen: set[bytes] = set()
        self.solves = 0

    def add(self, x: np.ndarray) -> bool:
        """Add composition ``x`` as a column unless it is already there."""
        key = x.astype(np.int64).tobytes()
        if key in self.seen:
            return False
        self.seen.add(key)
        self.columns.append(x.astype(np.int64))
        nz = np.flatnonzero(x)
        idx = np.concatenate([nz, [self.model.num_profiles]]).astype(np.int32)
        val = np.concatenate([x[nz] * self.inv_mult[nz], [1.0]])
        self.h.addCol(0.0, 0.0, INF, len(idx), idx, val)
        return True


class Decomposer(CompositionColumns):
    """Column generation for a lottery whose expected levels reach a target vector.

    Minimise the people-weighted shortfall ``sum_p m_p s_p`` subject to
    ``sum_c pi_c x_cp / m_p + s_p >= t_p`` and ``sum_c pi_c = 1``. A zero optimum means the target
    is achieved exactly (levels cannot exceed ``t`` anywhere without falling short elsewhere,
    because every composition seats exactly ``k`` people).
    """

    def __init__(self, model: ProfileModel, target: np.ndarray, budget: Budget | None = None) -> None:
        """Build the master with shortfall columns only; compositions are added later."""
        self.model = model
        num = model.num_profiles
        self.mult = model.multiplicity.astype(np.float64)
        self.inv_mult = 1.0 / self.mult
        # Presolve would discard the basis that makes re-solves after adding columns cheap.
        # Adding columns keeps the basis primal feasible, which is where primal simplex shines.
        self.h = new_highs("decomposition LP", budget, presolve="off", simplex_strategy=4)
        lower = np.concatenate([np.maximum(target - LEVEL_SLACK, 0.0), [1.0]])
        upper = np.concatenate([np.full(num, INF), [1.0]])
        pass_model(
            self.h,
            self.mult.copy(),
            np.vstack([np.eye(num), np.zeros((1, num))]),
            lower,
            upper,
            np.zeros(num),
            np.full(num, INF),
        )
        self._start_columns()

    def solve(self) -> tuple[float, np.ndarray, float, np.ndarray]:
        """Return ``(shortfall, profile duals, convexity dual, composition weights)``."""
        self.solves += 1
        sol = self.h.optimal_solution()
        num = self.model.num_profiles
        duals = np.asarray(sol.row_dual)
        return (
            float(self.h.getInfo().objective_function_value),
            np.maximum(duals[:num], 0.0),
            float(duals[num]),
            np.asarray(sol.col_value)[num:],
        )
