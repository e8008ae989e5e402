"""Feasibility check of quotas with explanations a panel coordinator can act on.

Three layers, cheapest first: arithmetic checks per feature and per value (instant); an exact
ILP over profile counts; and, when the ILP is infeasible, (a) an irreducible conflicting set of
quota bounds found with a deletion filter and (b) the smallest total quota relaxation that makes a
panel possible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._highs import (
    DEFAULT_LIMITS,
    INF,
    Budget,
    SolverLimitError,
    SolverLimits,
    is_infeasible,
    is_optimal,
    new_highs,
    pass_model,
)
from .instance import Instance, ProfileModel, build_profiles
from .relaxation import composition_rows


@dataclass
class FeasibilityIssue:
    """One reason the quotas cannot be met, in words and in machine-readable form."""

    code: str
    message: str
    feature: str | None = None
    value: str | None = None
    details: dict[str, int] = field(default_factory=dict)


@dataclass
class QuotaChange:
    """A suggested change of one quota bound (``bound`` is ``"min"`` or ``"max"``)."""

    feature: str
    value: str
    bound: str
    current: int
    suggested: int


@dataclass
class FeasibilityReport:
    """Whether a valid panel exists, and if not why and what to change.

    ``decided`` is false when the check could not finish within its solver limits (then
    ``feasible`` is false too, but nothing is known: the issue ``check_unfinished`` says so).
    """

    feasible: bool
    issues: list[FeasibilityIssue] = field(default_factory=list)
    conflict: list[str] = field(default_factory=list)
    suggestions: list[QuotaChange] = field(default_factory=list)
    decided: bool = True

    @property
    def messages(self) -> list[str]:
        """Return every issue message, in order."""
        return [issue.message for issue in self.issues]

    def __str__(self) -> str:
        """Return a short multi-line explanation."""
        if self.feasible:
            return "The quotas can be met."
        return "\n".join(self.messages)


def _quick_issues(instance: Instance, model: ProfileModel) -> list[FeasibilityIssue]:
    k = instance.k
    issues: list[FeasibilityIssue] = []
    if k > instance.n:
        issues.append(
            FeasibilityIssue(
                "pool_too_small",
                f"the panel has {k} seats but only {instance.n} volunteers are in the pool",
                details={"seats": k, "pool": instance.n},
            )
        )
    pool = model.incidence @ model.multiplicity
    by_feature: dict[str, list[int]] = {}
    for i, quota in enumerate(instance.quotas):
        by_feature.setdefault(quota.feature, []).append(i)
        if int(pool[i]) < quota.min:
            issues.append(
                FeasibilityIssue(
                    "min_exceeds_pool",
                    f"value {quota.value} of {quota.feature}: min {quota.min} but only "
                    f"{int(pool[i])} volunteers in the pool",
                    quota.feature,
                    quota.value,
                    {"min": quota.min, "pool": int(pool[i])},
                )
            )
    for feature, rows in by_feature.items():
        mins = sum(instance.quotas[i].min for i in rows)
        maxs = sum(instance.quotas[i].max for i in rows)
        fillable = sum(min(instance.quotas[i].max, int(pool[i])) for i in rows)
        if mins > k:
            issues.append(
                FeasibilityIssue(
                    "min_sum_exceeds_seats",
                    f"feature {feature}: the minimums add up to {mins} but the panel has {k} seats",
                    feature,
                    details={"sum_min": mins, "seats": k},
                )
            )
        if maxs < k:
            issues.append(
                FeasibilityIssue(
                    "max_sum_below_seats",
                    f"feature {feature}: the maximums add up to {maxs} but the panel has {k} seats",
                    feature,
                    details={"sum_max": maxs, "seats": k},
                )
            )
        elif fillable < k:
            issues.append(
                FeasibilityIssue(
                    "pool_cannot_fill",
                    f"feature {feature}: with these maximums the pool can fill only {fillable} of {k} seats",
                    feature,
                    details={"fillable": fillable, "seats": k},
                )
            )
    return issues


class _BoundModel:
    """The composition ILP with switchable quota bounds (for the deletion filter)."""

    def __init__(self, model: ProfileModel, budget: Budget) -> None:
        num = model.num_profiles
        rows, lower, upper = composition_rows(model)
        self.model = model
        self.h = new_highs("feasibility ILP", budget)
        pass_model(
            self.h,
            np.zeros(num),
            np.vstack(rows),
            np.concatenate(lower),
            np.concatenate(upper),
            np.zeros(num),
            model.multiplicity.astype(np.float64),
            integer=True,
        )

    def feasible(self, active_min: np.ndarray, active_max: np.ndarray) -> bool:
        m = self.model
        for i in range(len(m.quota_min)):
            lo = float(m.quota_min[i]) if active_min[i] else -INF
            hi = float(m.quota_max[i]) if active_max[i] else INF
            self.h.changeRowBounds(i + 1, lo, hi)
        self.h.run_within_limits()
        if is_optimal(self.h):
            return True
        if is_infeasible(self.h):
            return False
        raise RuntimeError(f"feasibility ILP ended with {self.h.getModelStatus()}")


def _conflict(model: ProfileModel, budget: Budget) -> list[tuple[str, int]]:
    """Return an irreducible set of quota bounds that cannot all hold (deletion filter)."""
    ilp = _BoundModel(model, budget)
    count = len(model.quota_min)
    active_min = model.quota_min > 0  # a zero minimum never conflicts
    active_max = np.ones(count, dtype=bool)
    if ilp.feasible(active_min, active_max) or not ilp.feasible(np.zeros(count, bool), np.zeros(count, bool)):
        # Feasible, or infeasible even without any quota (pool/household/size problem).
        return []
    for active in (active_min, active_max):
        for i in range(count):
            if not active[i]:
                continue
            active[i] = False
            if ilp.feasible(active_min, active_max):
                active[i] = True  # needed for the conflict
    return [("min", int(i)) for i in np.flatnonzero(active_min)] + [
        ("max", int(i)) for i in np.flatnonzero(active_max)
    ]


def _relaxation(model: ProfileModel, budget: Budget) -> list[QuotaChange]:
    """Return the smallest total change of quota bounds that makes a panel possible."""
    num = model.num_profiles
    cells = len(model.quota_min)
    # Columns: x (profiles), then per cell a min-slack and a max-slack.
    a = model.incidence.astype(np.float64)
    eye = np.eye(cells)
    low_rows = np.hstack([a, eye, np.zeros((cells, cells))])  # A x + s_min >= min
    high_rows = np.hstack([a, np.zeros((cells, cells)), -eye])  # A x - s_max <= max
    size_row = np.concatenate([np.ones(num), np.zeros(2 * cells)])[None, :]
    matrix = [size_row, low_rows, high_rows]
    lower = [np.array([float(model.instance.k)]), model.quota_min.astype(float), -INF * np.ones(cells)]
    upper = [np.array([float(model.instance.k)]), INF * np.ones(cells), model.quota_max.astype(float)]
    if model.household_incidence.size:
        houses = model.household_incidence.shape[0]
        matrix.append(np.hstack([model.household_incidence, np.zeros((houses, 2 * cells))]))
        lower.append(-INF * np.ones(houses))
        upper.append(np.ones(houses))
    h = new_highs("quota relaxation ILP", budget)
    pass_model(
        h,
        np.concatenate([np.zeros(num), np.ones(2 * cells)]),
        np.vstack(matrix),
        np.concatenate(lower),
        np.concatenate(upper),
        np.zeros(num + 2 * cells),
        np.concatenate([model.multiplicity.astype(float), INF * np.ones(2 * cells)]),
        integer=True,
    )
    h.run_within_limits()
    if not is_optimal(h):
        return []
    values = np.rint(h.getSolution().col_value).astype(np.int64)
    quotas = model.instance.quotas
    changes = []
    for i in range(cells):
        if values[num + i] > 0:
            q = quotas[i]
            changes.append(QuotaChange(q.feature, q.value, "min", q.min, q.min - int(values[num + i])))
        if values[num + cells + i] > 0:
            q = quotas[i]
            changes.append(
                QuotaChange(q.feature, q.value, "max", q.max, q.max + int(values[num + cells + i]))
            )
    return changes


def check_feasibility(
    instance: Instance,
    *,
    explain: bool = True,
    model: ProfileModel | None = None,
    limits: SolverLimits = DEFAULT_LIMITS,
) -> FeasibilityReport:
    """Check whether a valid panel exists; explain why not when it does not.

    With ``explain=False`` only the instant arithmetic checks and one ILP run. Solver calls keep
    to ``limits``: if the ILP cannot decide within them, the report says so (``decided`` false,
    issue ``check_unfinished``) unless the arithmetic checks already prove that no panel exists;
    explanations that cannot be computed in time are left out.
    """
    model = model or build_profiles(instance)
    issues = _quick_issues(instance, model)
    if instance.n == 0:  # HiGHS answers kModelEmpty for a model without columns: say it in words
        return FeasibilityReport(
            feasible=False,
            issues=issues
            or [
                FeasibilityIssue(
                    "pool_too_small",
                    f"the panel has {instance.k} seats but the pool is empty",
                    details={"seats": instance.k, "pool": 0},
                )
            ],
        )
    budget = Budget(limits)
    count = len(model.quota_min)
    try:
        feasible = _BoundModel(model, budget).feasible(np.ones(count, bool), np.ones(count, bool))
    except SolverLimitError:
        # Each arithmetic issue alone proves infeasibility; without one nothing is known.
        unfinished = FeasibilityIssue("check_unfinished", "the check could not finish within its time limit")
        return FeasibilityReport(feasible=False, issues=issues or [unfinished], decided=bool(issues))
    report = FeasibilityReport(feasible=feasible, issues=[] if feasible else issues)
    if feasible or not explain:
        if not feasible and not issues:
            report.issues.append(FeasibilityIssue("quota_conflict", "no panel meets all quotas together"))
        return report
    quotas = instance.quotas
    searched = True
    try:
        conflict = _conflict(model, budget)
    except SolverLimitError:
        conflict, searched = [], False  # the explanation is a courtesy: go on without it
    report.conflict = [
        f"{quotas[i].feature}={quotas[i].value} {bound} {getattr(quotas[i], bound)}" for bound, i in conflict
    ]
    if conflict:
        report.issues.append(
            FeasibilityIssue(
                "quota_conflict",
                "these quotas cannot all be met at once (dropping any one of them resolves this "
                "conflict): " + "; ".join(report.conflict),
            )
        )
    elif not issues and not searched:
        report.issues.append(FeasibilityIssue("quota_conflict", "no panel meets all quotas together"))
    elif not issues:
        report.issues.append(
            FeasibilityIssue(
                "no_panel",
                "no panel is possible even without quotas (pool too small or household rule)",
            )
        )
    try:
        report.suggestions = _relaxation(model, budget)
    except SolverLimitError:
        report.suggestions = []
    for change in report.suggestions:
        verb = "lower" if change.bound == "min" else "raise"
        report.issues.append(
            FeasibilityIssue(
                "suggestion",
                f"suggestion: {verb} the {change.bound} of {change.feature}={change.value} "
                f"from {change.current} to {change.suggested}",
                change.feature,
                change.value,
                {"current": change.current, "suggested": change.suggested},
            )
        )
    return report
