"""Every solver call has limits; a stalled call is recovered, and a draw that cannot finish says so.

On a 3,000-person pool one LP of the relaxation shortcut stalled in HiGHS with the models' own
settings (primal simplex, presolve off) and the draw never returned, while HiGHS's defaults solved
the same LP in under a second. These tests force limits and stalls and check the recovery.
"""

from __future__ import annotations

from collections.abc import Iterator

import highspy
import numpy as np
import pytest

from medvirk.analysis.selection import (
    Instance,
    Quota,
    SolverLimitError,
    SolverLimits,
    check_feasibility,
    draw_replacements,
    find_leximin,
)
from medvirk.analysis.selection._highs import INF, Budget, Solver, pass_model

from .test_selection import assert_distribution_valid, brute_force_leximin

STALL = highspy.HighsModelStatus.kTimeLimit


def _lp(budget: Budget) -> Solver:
    """Return min −x − 2y − z s.t. x + y ≤ 1, y + z ≤ 1 with the column generation's settings."""
    solver = Solver("test LP", budget, presolve="off", simplex_strategy=4)
    matrix = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])
    pass_model(solver, [-1.0, -2.0, -1.0], matrix, [-INF, -INF], [1.0, 1.0], np.zeros(3), np.ones(3))
    return solver


def test_solver_hitting_its_limit_is_solved_again_with_highs_defaults() -> None:
    # No simplex iteration allowed: primal simplex without presolve cannot move, HiGHS's
    # defaults (presolve on) solve this LP without a single iteration.
    budget = Budget(SolverLimits(call_iterations=0))
    solver = _lp(budget)
    assert solver.run_within_limits() == highspy.HighsModelStatus.kOptimal
    assert solver.getInfo().objective_function_value == pytest.approx(-2.0)
    assert budget.recoveries == ["test LP: IterationLimit; solved again with HiGHS's defaults"]
    # Its own settings are back for the next (warm-started) call.
    assert solver.getOptionValue("presolve")[1] == "off"
    assert solver.getOptionValue("simplex_strategy")[1] == 4
    assert solver.getOptionValue("output_flag")[1] is False


def test_solver_within_its_limits_needs_no_recovery() -> None:
    budget = Budget()
    assert _lp(budget).run_within_limits() == highspy.HighsModelStatus.kOptimal
    assert budget.recoveries == []


def test_solver_that_fails_both_ways_raises() -> None:
    # A dense LP that presolve cannot settle alone: no iteration, no answer, either way.
    solver = Solver("test LP", Budget(SolverLimits(call_iterations=0)), presolve="off", simplex_strategy=4)
    matrix = np.array([[2.0, 1.0, 1.0, 3.0], [1.0, 3.0, 2.0, 1.0], [1.0, 1.0, 4.0, 2.0]])
    pass_model(solver, [-3.0, -2.0, -4.0, -5.0], matrix, [-INF] * 3, [4.0, 5.0, 6.0], np.zeros(4), [INF] * 4)
    with pytest.raises(SolverLimitError) as error:
        solver.run_within_limits()
    assert error.value.what == "test LP"
    assert error.value.statuses == ["IterationLimit", "IterationLimit with HiGHS's defaults"]
    solver.budget = Budget()  # with room to work, the same model solves
    assert solver.run_within_limits() == highspy.HighsModelStatus.kOptimal
    assert solver.getInfo().objective_function_value == pytest.approx(-9.08)


def _instance() -> Instance:
    people = {f"p{i}": {"g": "fm"[i % 2], "a": "yo"[i % 3 == 0]} for i in range(10)}
    quotas = [Quota("g", "f", 2, 3), Quota("g", "m", 1, 3), Quota("a", "y", 1, 2), Quota("a", "o", 2, 4)]
    return Instance(people=people, quotas=quotas, k=4)


@pytest.fixture
def stalls(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Make chosen models stall: ``{"decomposition LP": "own"}`` stalls only with the model's own
    settings (presolve off), ``"always"`` with HiGHS's defaults too."""
    plan: dict[str, str] = {}
    real = Solver._attempt

    def attempt(self: Solver) -> highspy.HighsModelStatus:
        how = plan.get(self.what)
        if how == "always" or (how == "own" and self.getOptionValue("presolve")[1] == "off"):
            return STALL
        return real(self)

    monkeypatch.setattr(Solver, "_attempt", attempt)
    yield plan


def test_stalled_decomposition_lp_is_solved_with_highs_defaults(stalls: dict[str, str]) -> None:
    # The issue's case: the LP stalls with primal simplex and presolve off, not with defaults.
    instance = _instance()
    assert find_leximin(instance).stats.path == "relaxation"
    stalls["decomposition LP"] = "own"
    dist = find_leximin(instance)
    assert dist.stats.path == "relaxation"
    assert dist.stats.recoveries and all(
        r.startswith("decomposition LP: TimeLimit") for r in dist.stats.recoveries
    )
    assert_distribution_valid(dist)
    for pid, prob in brute_force_leximin(instance).items():
        assert dist.person_probabilities[pid] == pytest.approx(prob, abs=2e-6), pid


@pytest.mark.parametrize("model", ["decomposition LP", "relaxation LP"])
def test_shortcut_that_cannot_be_solved_falls_back_to_the_exact_method(
    stalls: dict[str, str], model: str
) -> None:
    instance = _instance()
    stalls[model] = "always"
    dist = find_leximin(instance)
    assert dist.stats.path == "column-generation"
    assert dist.stats.recoveries[-1].startswith(f"relaxation shortcut left for the exact method ({model}")
    assert_distribution_valid(dist)
    for pid, prob in brute_force_leximin(instance).items():
        assert dist.person_probabilities[pid] == pytest.approx(prob, abs=2e-6), pid


def test_progress_says_when_the_exact_method_takes_over(stalls: dict[str, str]) -> None:
    stalls["relaxation LP"] = "always"
    phases: list[str] = []
    find_leximin(_instance(), progress=lambda phase, _f: phases.append(phase))
    assert "retry" in phases and phases.index("retry") < phases.index("leximin")


def test_draw_that_cannot_finish_raises_instead_of_hanging(stalls: dict[str, str]) -> None:
    stalls["relaxation LP"] = stalls["stage LP"] = "always"
    with pytest.raises(SolverLimitError) as error:
        find_leximin(_instance())
    assert error.value.what == "stage LP"


def test_run_budget_bounds_the_whole_draw() -> None:
    with pytest.raises(SolverLimitError, match="the whole run was used up"):
        find_leximin(_instance(), limits=SolverLimits(run_seconds=0.0))


def test_feasibility_check_that_cannot_finish_says_so() -> None:
    report = check_feasibility(_instance(), limits=SolverLimits(run_seconds=0.0))
    assert not report.decided and not report.feasible
    assert [i.code for i in report.issues] == ["check_unfinished"]
    # An arithmetic proof needs no solver: "at least 9 women" among 5 is decided at once.
    impossible = _instance()
    impossible.quotas[0] = Quota("g", "f", 9, 9)
    report = check_feasibility(impossible, limits=SolverLimits(run_seconds=0.0))
    assert report.decided and not report.feasible
    assert "min_exceeds_pool" in [i.code for i in report.issues]


def test_feasibility_explanations_are_left_out_when_they_cannot_finish(stalls: dict[str, str]) -> None:
    conflicting = _instance()
    conflicting.quotas[2] = Quota("a", "y", 3, 3)  # 3 young and 2..3 women, but no young woman...
    conflicting.people = {f"p{i}": {"g": "fm"[i % 2], "a": "yo"[i % 2 == 0]} for i in range(10)}
    assert check_feasibility(conflicting).conflict  # explained when the solver can run
    stalls["quota relaxation ILP"] = "always"
    report = check_feasibility(conflicting)
    assert report.decided and not report.feasible and report.suggestions == []


def test_replacement_that_cannot_finish_raises() -> None:
    people = {"a1": {"g": "f", "h": "x"}, "b1": {"g": "m", "h": "x"}, "c1": {"g": "f", "h": "y"}}
    people |= {"d1": {"g": "m", "h": "y"}}
    quotas = [Quota("g", "f", 1, 1), Quota("g", "m", 1, 1), Quota("h", "x", 0, 2), Quota("h", "y", 0, 2)]
    instance = Instance(people=people, quotas=quotas, k=2)
    # a1 has no twin, so the replacement needs the ILP.
    assert draw_replacements(instance, ["a1", "b1"], ["a1"], seed=1).replacements == ["c1"]
    with pytest.raises(SolverLimitError):
        draw_replacements(instance, ["a1", "b1"], ["a1"], seed=1, limits=SolverLimits(run_seconds=0.0))
