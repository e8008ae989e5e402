"""Thin helpers around ``highspy``: numpy models, and solver calls that always come back.

Every HiGHS call in selection goes through :meth:`Solver.run_within_limits`, which gives the call a time and
an iteration limit and, when the model's own settings hit a limit (or HiGHS gives up), solves the
same model once more from scratch with HiGHS's default settings. A warm-started primal simplex
with presolve off (what column generation wants) can stall on a degenerate LP that the default
dual simplex with presolve solves in a second: on a 3,000-person pool one such LP ran 116,048
iterations in 90 s without progress and the draw never returned. If the second attempt fails too,
:class:`SolverLimitError` tells the caller, which can take another path (:mod:`.leximin` falls
back from the relaxation shortcut to the exact method) or say in words that the draw could not
finish. A :class:`Budget` shared by all models of one run bounds the run as a whole.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np
import numpy.typing as npt

INF = highspy.kHighsInf
#: A HiGHS option value.
Option = bool | int | float | str

_STATUS = highspy.HighsModelStatus
#: Statuses that settle a model (the caller can use the answer).
SETTLED = frozenset({_STATUS.kOptimal, _STATUS.kInfeasible, _STATUS.kUnboundedOrInfeasible})
#: Options that decide what counts as solved; the recovery attempt keeps them.
_EXACTNESS_OPTIONS = frozenset({"mip_rel_gap", "mip_abs_gap", "mip_feasibility_tolerance"})


class SolverFailure(RuntimeError):
    """Raise when HiGHS ends with a status the caller did not expect."""


class SolverLimitError(RuntimeError):
    """Raise when a model stays unsolved within the limits, with its settings and with HiGHS's defaults.

    ``what`` names the model (e.g. "decomposition LP"), ``statuses`` lists how each attempt ended.
    """

    def __init__(self, what: str, statuses: list[str]) -> None:
        """Keep what failed and how, for logs and the run's statistics."""
        super().__init__(f"{what}: no solution within the limits ({', then '.join(statuses)})")
        self.what = what
        self.statuses = statuses


@dataclass(frozen=True, slots=True)
class SolverLimits:
    """Limits on solver calls: per call (time, simplex iterations, MIP nodes) and per run.

    The defaults are far above what a healthy call needs (the largest LP of a 3,000-person draw
    takes about 5,000 iterations and a second of CPU) and far below what a stalled one would
    use. ``run_seconds`` bounds a whole draw or check, across every model it solves.
    """

    call_seconds: float = 60.0
    call_iterations: int = 100_000
    call_nodes: int = 100_000
    run_seconds: float = 1200.0


DEFAULT_LIMITS = SolverLimits()


@dataclass
class Budget:
    """The limits of one run, the time it started, and the recoveries it needed (in words)."""

    limits: SolverLimits = DEFAULT_LIMITS
    started: float = field(default_factory=time.monotonic)
    recoveries: list[str] = field(default_factory=list)

    def remaining(self) -> float:
        """Return the seconds left for the whole run."""
        return self.limits.run_seconds - (time.monotonic() - self.started)


def _name(status: highspy.HighsModelStatus) -> str:
    return str(status).rsplit(".", 1)[-1].removeprefix("k")


class Solver(highspy.Highs):
    """A HiGHS instance with its own settings, the run's budget and one recovery attempt."""

    def __init__(self, what: str, budget: Budget | None = None, **options: Option) -> None:
        """Create a silent instance with a fixed random seed and ``options``.

        The thread count is left at HiGHS's default on purpose: HiGHS sizes one scheduler per
        process on first use, and an instance asking for a different count afterwards fails
        without solving (status kNotset). Suppression (``analysis.suppression``) uses the
        default too, so both must.
        """
        # highspy's Highs.__init__ carries no annotations.
        super().__init__()  # type: ignore[no-untyped-call]
        self.what = what
        self.budget = budget if budget is not None else Budget()
        self.options: dict[str, Option] = {"output_flag": False, "random_seed": 0, **options}
        self.mip = False
        self._apply(self.options)

    def _apply(self, options: dict[str, Option]) -> None:
        for name, value in options.items():
            if self.setOptionValue(name, value) == highspy.HighsStatus.kError:
                raise SolverFailure(f"HiGHS refused option {name}={value!r}")

    def _attempt(self) -> highspy.HighsModelStatus:
        limits = self.budget.limits
        left = self.budget.remaining()
        if left <= 0:
            raise SolverLimitError(self.what, ["the time for the whole run was used up"])
        # HiGHS measures time_limit on the instance's clock, which keeps running across calls.
        self.setOptionValue("time_limit", self.getRunTime() + min(limits.call_seconds, left))
        if self.mip:
            self.setOptionValue("mip_max_nodes", limits.call_nodes)
        else:
            self.setOptionValue("simplex_iteration_limit", limits.call_iterations)
        self.run()
        return self.getModelStatus()

    def run_within_limits(self) -> highspy.HighsModelStatus:
        """Solve within the limits; on failure retry once from scratch with HiGHS's defaults.

        Return a settled status (optimal or infeasible). Raise :class:`SolverLimitError` when
        both attempts fail. The model's own settings are back in place afterwards, so the next
        call warm-starts as before (from the basis the recovery found).
        """
        first = self._attempt()
        if first in SETTLED:
            return first
        self.clearSolver()
        self.resetOptions()
        kept = {k: v for k, v in self.options.items() if k in _EXACTNESS_OPTIONS}
        try:
            self._apply({"output_flag": False, "random_seed": 1, **kept})
            second = self._attempt()
        finally:
            self.resetOptions()
            self._apply(self.options)
        if second not in SETTLED:
            raise SolverLimitError(self.what, [_name(first), f"{_name(second)} with HiGHS's defaults"])
        self.budget.recoveries.append(f"{self.what}: {_name(first)}; solved again with HiGHS's defaults")
        return second

    def optimal_solution(self) -> highspy.HighsSolution:
        """Solve within the limits and return the solution; raise ``RuntimeError`` unless optimal."""
        self.run_within_limits()
        if not is_optimal(self):
            raise RuntimeError(f"{self.what} ended with {self.getModelStatus()}")
        return self.getSolution()


def new_highs(what: str, budget: Budget | None = None, **options: Option) -> Solver:
    """Return a :class:`Solver` for the model ``what`` with ``options`` as its own settings."""
    return Solver(what, budget, **options)


def pass_model(
    h: Solver,
    cost: npt.ArrayLike,
    matrix: np.ndarray,
    row_lower: npt.ArrayLike,
    row_upper: npt.ArrayLike,
    col_lower: npt.ArrayLike,
    col_upper: npt.ArrayLike,
    *,
    integer: bool = False,
    maximize: bool = False,
) -> None:
    """Load a model given as a dense ``matrix`` (rows × columns) into ``h``."""
    num_row, num_col = matrix.shape
    lp = highspy.HighsLp()
    lp.num_col_ = num_col
    lp.num_row_ = num_row
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    # Column-wise sparse storage is what HiGHS keeps internally, so no conversion happens later.
    nonzero = matrix.T != 0
    counts = nonzero.sum(axis=1)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    lp.a_matrix_.index_ = np.nonzero(nonzero)[1].astype(np.int32)
    lp.a_matrix_.value_ = matrix.T[nonzero].astype(np.float64)
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * num_col
        h.mip = True
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    status = h.passModel(lp)
    if status == highspy.HighsStatus.kError:
        raise SolverFailure("HiGHS rejected the model")


def is_optimal(h: highspy.Highs) -> bool:
    """Return whether the last run proved optimality."""
    return bool(h.getModelStatus() == _STATUS.kOptimal)


def is_infeasible(h: highspy.Highs) -> bool:
    """Return whether the last run proved the model infeasible."""
    return h.getModelStatus() in (_STATUS.kInfeasible, _STATUS.kUnboundedOrInfeasible)
