"""LEXIMIN and MAXIMIN panel distributions by column generation over profile compositions.

This follows Flanigan, Gölz, Gupta, Hennig and Procaccia, "Fair algorithms for selecting citizens'
assemblies", Nature 596 (2021), with changes that make it fast on the free HiGHS solver.

1. The master LP and the pricing ILP range over *profiles* (classes of interchangeable people,
   see :mod:`.instance`) instead of individual people. The LEXIMIN marginals are unique, and a
   permutation of interchangeable people maps optimal distributions to optimal distributions, so
   people of one profile share one probability ``E[x_p] / m_p`` and nothing is lost.
2. Fast path (exact): compute the LEXIMIN point of the LP relaxation (:mod:`.relaxation`) and
   decompose it into integer compositions by one column-generation run, warm-started with a
   multiplicative-weights sweep of the swap search. If the decomposition succeeds, the result is
   the LEXIMIN lottery, since every lottery's expected composition lies in the relaxation.
3. Fallback (exact, the paper's method): stages that maximise the smallest level ``z`` of the
   not-yet-fixed profiles while fixed profiles keep their levels. By complementary slackness
   every profile with a positive dual in an optimal dual solution sits at ``z`` in *every*
   optimal distribution, so those profiles are fixed at ``z`` and the next stage raises the rest.

In both, columns come from a swap local search first and from the exact pricing ILP only when the
search finds nothing; the ILP certifies optimality.

Every LP and ILP runs within :class:`~._highs.SolverLimits`. A call that hits a limit is solved
again with HiGHS's defaults (:meth:`~._highs.Solver.run_within_limits`); if the shortcut (2) still fails, the
exact method (3) takes over with the columns found so far; if that fails too,
:class:`~._highs.SolverLimitError` reaches the caller instead of a draw that never returns.
"""

from __future__ import annotations

import time

import numpy as np

from ._highs import DEFAULT_LIMITS, INF, Budget, SolverLimitError, SolverLimits, new_highs
from .compositions import CompositionOracle, SwapSearch
from .instance import Instance, ProfileModel, build_profiles
from .relaxation import CompositionColumns, Decomposer, relaxed_leximin
from .results import Distribution, ProgressCallback, SolverStats

#: Pricing improvements below this are treated as zero (probability units).
PRICING_TOLERANCE = 1e-9
#: Profiles whose stage dual exceeds this are fixed (the duals of a stage sum to 1).
FIX_TOLERANCE = 1e-6
#: Fixed levels may undershoot by this much, so LP round-off never makes a stage infeasible.
LEVEL_SLACK = 1e-9


class InfeasibleQuotasError(ValueError):
    """Raise when no panel meets the quotas; ``report`` explains why."""

    def __init__(self, report: object) -> None:
        """Keep the feasibility report for the caller."""
        super().__init__(str(report))
        self.report = report


class _Master(CompositionColumns):
    """The restricted master LP: choose panel probabilities to maximise the lowest free level."""

    def __init__(self, model: ProfileModel, budget: Budget) -> None:
        self.model = model
        num = model.num_profiles
        self.inv_mult = 1.0 / model.multiplicity.astype(np.float64)
        # Presolve would discard the basis that makes re-solves after adding columns cheap;
        # primal simplex (strategy 4) suits re-solves after adding columns.
        self.h = new_highs(
            "stage LP",
            budget,
            primal_feasibility_tolerance=1e-10,
            dual_feasibility_tolerance=1e-10,
            presolve="off",
            simplex_strategy=4,
        )
        # Rows 0..num-1: level of each profile; row num: probabilities sum to one.
        lower = np.concatenate([np.zeros(num), [1.0]])
        upper = np.concatenate([np.full(num, INF), [1.0]])
        for i in range(num + 1):
            self.h.addRow(float(lower[i]), float(upper[i]), 0, np.array([], dtype=np.int32), [])
        # Column 0 is z (minimise -z); it enters every free profile's row with coefficient -1.
        self.h.addCol(-1.0, 0.0, 1.0, num, np.arange(num, dtype=np.int32), -np.ones(num))
        self._start_columns()

    def fix(self, profile: int, level: float) -> None:
        """Take ``profile`` out of the objective and hold its level at ``level``."""
        self.h.changeCoeff(profile, 0, 0.0)
        self.h.changeRowBounds(profile, max(level - LEVEL_SLACK, 0.0), INF)

    def solve(self) -> tuple[float, np.ndarray, float, np.ndarray]:
        """Return ``(z, profile duals, convexity dual, column weights)`` of the current LP."""
        self.solves += 1
        sol = self.h.optimal_solution()
        duals = np.asarray(sol.row_dual)
        num = self.model.num_profiles
        # HiGHS reports duals of this minimisation with y >= 0 on the ">=" level rows.
        y = np.maximum(duals[:num], 0.0)
        weights = np.asarray(sol.col_value)[1:]
        z = float(sol.col_value[0])
        return z, y, float(duals[num]), weights


def _emit(progress: ProgressCallback | None, phase: str, fraction: float) -> None:
    if progress is not None:
        progress(phase, min(max(fraction, 0.0), 1.0))


def _initial_columns(
    model: ProfileModel,
    master: _Master,
    oracle: CompositionOracle,
    search: SwapSearch,
    rng: np.random.Generator,
    extra: int,
) -> np.ndarray:
    """Seed the master with panels covering every profile that can be selected at all.

    Return the mask of profiles no valid panel contains.
    """
    num = model.num_profiles
    first, _, _ = oracle.solve(np.zeros(num))
    if first is None:
        from .feasibility import check_feasibility

        raise InfeasibleQuotasError(check_feasibility(model.instance, model=model))
    master.add(first)
    uncovered: np.ndarray = first == 0
    while uncovered.any():
        # Maximise the number of newly covered profiles; ties broken randomly for variety.
        weights = uncovered * 1.0 + rng.random(num) * 1e-3
        # The swap search usually covers new profiles; the ILP settles the rest for certain.
        start = max(master.columns, key=lambda col: float(weights @ col))
        x = search.improve(start, weights)
        newly = uncovered & (x > 0)
        if not newly.any():
            exact, _, _ = oracle.solve(weights)
            assert exact is not None
            x = exact
            newly = uncovered & (x > 0)
        if not newly.any():
            break
        master.add(x)
        uncovered &= x == 0
    # Cheap diversity: local optima for random weights, started from known panels.
    for _ in range(extra):
        start = master.columns[int(rng.integers(len(master.columns)))]
        weights = rng.exponential(size=num) / model.multiplicity
        master.add(search.improve(start, weights))
    return uncovered


#: A decomposition counts as exact when its people-weighted shortfall is below this.
SHORTFALL_TOLERANCE = 1e-7


def _decompose(
    model: ProfileModel,
    target: np.ndarray,
    columns: list[np.ndarray],
    oracle: CompositionOracle,
    search: SwapSearch,
    stats: SolverStats,
    starts: int = 10,
    mw_rounds: int | None = None,
    mw_rate: float = 0.1,
    progress: ProgressCallback | None = None,
    budget: Budget | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Return ``(compositions, probabilities)`` reaching ``target``, or None if impossible.

    Raise :class:`SolverLimitError` when an LP stays unsolved; ``columns`` then holds every
    composition found so far.
    """
    dec = Decomposer(model, target, budget)
    for x in columns:
        dec.add(x)
    mult = model.multiplicity.astype(np.float64)
    # Multiplicative-weights warm start: profiles that keep getting seats matter less next time,
    # so successive swap-search panels spread over the target cheaply, before any LP is solved.
    live = target > 0
    urgency = np.where(live, 1.0 / np.maximum(target * mult, 1e-12), 0.0)
    x = max(dec.columns, key=lambda col: float(urgency @ col))
    batch = max(25, model.num_profiles // 4)
    mw_rounds = 2 * model.num_profiles if mw_rounds is None else mw_rounds
    if not live.any():
        mw_rounds = 0  # nobody can be selected (k = 0): nothing to spread
    try:
        for start in range(0, mw_rounds, batch):
            for _ in range(min(batch, mw_rounds - start)):
                x = search.improve(x, urgency / urgency.max())
                dec.add(x)
                ratio = np.where(live, x / np.maximum(target * mult, 1e-12), 0.0)
                urgency *= np.exp(-mw_rate * ratio)
                urgency /= urgency.max()
            _emit(progress, "decomposition", 0.15 + 0.6 * (start + batch) / mw_rounds)
            shortfall, _, _, pis = dec.solve()
            if shortfall <= SHORTFALL_TOLERANCE:
                return np.array(dec.columns), pis
        _emit(progress, "decomposition", 0.75)
        while True:
            shortfall, y, y0, pis = dec.solve()
            if shortfall <= SHORTFALL_TOLERANCE:
                return np.array(dec.columns), pis
            if not _price(dec, search, oracle, y / mult, -y0, starts, stats):
                return None
    finally:
        stats.lp_solves += dec.solves
        columns[:] = dec.columns


def _solve(
    instance: Instance,
    *,
    leximin: bool,
    progress: ProgressCallback | None,
    seed: int,
    model: ProfileModel | None,
    fast_path: bool = True,
    limits: SolverLimits = DEFAULT_LIMITS,
) -> Distribution:
    start_time = time.perf_counter()
    stats = SolverStats()
    model = model or build_profiles(instance)
    stats.profiles = model.num_profiles
    stats.people = instance.n
    rng = np.random.Generator(np.random.PCG64(seed))
    _emit(progress, "setup", 0.0)
    budget = Budget(limits)
    stats.recoveries = budget.recoveries
    master = _Master(model, budget)
    oracle = CompositionOracle(model, budget)
    search = SwapSearch(model)
    unselectable = _initial_columns(model, master, oracle, search, rng, extra=min(model.num_profiles, 20))
    stats.initial_columns = len(master.columns)
    stats.phase_seconds["initial"] = time.perf_counter() - start_time
    _emit(progress, "initial", 0.05)
    mult = model.multiplicity.astype(np.float64)

    result: tuple[np.ndarray, np.ndarray] | None = None
    if leximin and fast_path:
        columns = list(master.columns)
        stages = 0
        try:
            target, stages, solves = relaxed_leximin(model, unselectable, budget)
            stats.lp_solves += solves
            stats.phase_seconds["relaxation"] = time.perf_counter() - start_time
            _emit(progress, "relaxation", 0.15)
            result = _decompose(
                model, target, columns, oracle, search, stats, progress=progress, budget=budget
            )
        except SolverLimitError as error:
            # The shortcut is only a shortcut: the exact method below needs none of its LPs.
            budget.recoveries.append(f"relaxation shortcut left for the exact method ({error})")
            _emit(progress, "retry", 0.15)
        if result is not None:
            stats.stages = stages
            stats.columns = len(columns)
            stats.path = "relaxation"
        else:
            for x in columns:
                master.add(x)
        stats.phase_seconds["decomposition"] = time.perf_counter() - start_time
    if result is None:
        result = _column_generation(model, master, oracle, search, unselectable, leximin, progress, stats)
        stats.columns = len(master.columns)
        stats.path = "column-generation"
    cols, weights = result
    weights = np.maximum(weights, 0.0)
    keep = weights > 1e-10
    cols = cols[keep]
    probs = weights[keep] / weights[keep].sum()
    profile_prob = (probs @ cols) / mult
    person_prob = {pid: float(profile_prob[p]) for p, group in enumerate(model.members) for pid in group}
    selectable = ~unselectable
    minimum = float(profile_prob[selectable].min()) if selectable.any() else 0.0
    stats.ilp_solves = oracle.solves
    stats.seconds = time.perf_counter() - start_time
    _emit(progress, "done", 1.0)
    return Distribution(
        method="leximin" if leximin else "maximin",
        instance=instance,
        profiles=model,
        compositions=[tuple(int(v) for v in c) for c in cols],
        probabilities=[float(p) for p in probs],
        profile_probabilities=[float(v) for v in profile_prob],
        person_probabilities=person_prob,
        minimum=minimum,
        unselectable=sorted(pid for p in np.flatnonzero(unselectable) for pid in model.members[p]),
        stats=stats,
    )


def _price(
    master: CompositionColumns,
    search: SwapSearch,
    oracle: CompositionOracle,
    weights: np.ndarray,
    current: float,
    starts: int,
    stats: SolverStats,
) -> bool:
    """Add columns that beat ``current`` under ``weights``; return whether any was added.

    Heuristic pricing first: improve the best ``starts`` existing columns by single swaps. Only
    when that finds nothing, the exact pricing ILP; if it finds nothing either, none exists.
    """
    cols = np.array(master.columns)
    scores = cols @ weights
    added = 0
    for c in np.argsort(-scores, kind="stable")[:starts]:
        x = search.improve(cols[c], weights)
        if x @ weights > current + PRICING_TOLERANCE and master.add(x):
            added += 1
    if added:
        stats.heuristic_columns += added
        return True
    priced, value, _ = oracle.solve(weights)
    assert priced is not None
    if value > current + PRICING_TOLERANCE and master.add(priced):
        stats.exact_columns += 1
        return True
    return False


def _column_generation(
    model: ProfileModel,
    master: _Master,
    oracle: CompositionOracle,
    search: SwapSearch,
    unselectable: np.ndarray,
    leximin: bool,
    progress: ProgressCallback | None,
    stats: SolverStats,
) -> tuple[np.ndarray, np.ndarray]:
    """Run the exact stage-wise column generation; return ``(compositions, probabilities)``."""
    mult = model.multiplicity.astype(np.float64)
    free = ~unselectable
    for p in np.flatnonzero(unselectable):
        master.fix(int(p), 0.0)
    selectable_people = float(mult[free].sum()) or 1.0
    stats.stages = 0
    while free.any():
        stats.stages += 1
        while True:
            z, y, y0, _ = master.solve()
            # -y0: the value of the best existing column under these weights. No column to add:
            # the pricing ILP's bound certifies that ``z`` is optimal.
            if not _price(master, search, oracle, y / mult, -y0, 5, stats):
                break
        if not leximin:
            break
        newly = free & (y > FIX_TOLERANCE)
        if not newly.any():
            # Degenerate duals; the largest one is still positive since the free duals sum to 1.
            newly = np.zeros_like(free)
            newly[int(np.argmax(np.where(free, y, -1.0)))] = True
        for p in np.flatnonzero(newly):
            master.fix(int(p), z)
        free &= ~newly
        _emit(progress, "leximin", 0.15 + 0.8 * (1.0 - float(mult[free].sum()) / selectable_people))
    _, _, _, weights = master.solve()
    stats.lp_solves += master.solves
    return np.array(master.columns), weights


def find_leximin(
    instance: Instance,
    *,
    progress: ProgressCallback | None = None,
    seed: int = 0,
    model: ProfileModel | None = None,
    limits: SolverLimits = DEFAULT_LIMITS,
) -> Distribution:
    """Return the LEXIMIN distribution over valid panels.

    ``seed`` only seeds the internal column warm start; the marginals do not depend on it.
    Every solver call is limited by ``limits``; an LP that stalls is solved again with HiGHS's
    defaults, and if the relaxation shortcut still fails the exact method runs
    (``stats.recoveries`` says what happened). Raise :class:`InfeasibleQuotasError` when no panel
    meets the quotas, and :class:`SolverLimitError` when even the exact method cannot finish
    within the limits.
    """
    return _solve(instance, leximin=True, progress=progress, seed=seed, model=model, limits=limits)


def find_maximin(
    instance: Instance,
    *,
    progress: ProgressCallback | None = None,
    seed: int = 0,
    model: ProfileModel | None = None,
    limits: SolverLimits = DEFAULT_LIMITS,
) -> Distribution:
    """Return a MAXIMIN distribution (first LEXIMIN stage only; marginals beyond it not unique)."""
    return _solve(instance, leximin=False, progress=progress, seed=seed, model=model, limits=limits)


__all__ = ["InfeasibleQuotasError", "find_leximin", "find_maximin"]
