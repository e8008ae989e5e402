"""Tests of medvirk.analysis.selection (pure Python; run with ``pytest -p no:django``)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from medvirk.analysis.selection import (
    Distribution,
    InfeasibleQuotasError,
    Instance,
    Quota,
    SelectionFailed,
    build_profiles,
    check_feasibility,
    draw_legacy,
    draw_panel,
    draw_replacements,
    find_leximin,
    find_maximin,
    load_instance,
    panel_violations,
)
from medvirk.analysis.selection.feasibility import FeasibilityReport
from medvirk.analysis.selection.leximin import _solve

DATA = Path(__file__).resolve().parent / "data" / "sortition"  # shipped with the tests (README there)


# --- independent reference: brute force + scipy ------------------------------------------


def all_panels(instance: Instance) -> tuple[np.ndarray, list[str]]:
    """Enumerate every valid panel of a tiny instance as a 0/1 matrix (panels × people)."""
    people = sorted(instance.people)
    rows = [
        [1.0 if p in panel else 0.0 for p in people]
        for panel in itertools.combinations(people, instance.k)
        if not panel_violations(instance, list(panel))
    ]
    return np.array(rows).reshape(-1, len(people)), people


def brute_force_leximin(instance: Instance) -> dict[str, float]:
    """LEXIMIN over people by explicit LPs over all panels; fix by maximising each level."""
    levels, people = all_panels(instance)  # panels × people
    num_c, num_p = levels.shape
    fixed: dict[int, float] = {p: 0.0 for p in range(num_p) if levels[:, p].max() == 0}
    while len(fixed) < num_p:
        free = [p for p in range(num_p) if p not in fixed]

        def constraints(z_floor: float | None, free: list[int] = free) -> tuple[Any, ...]:
            a_ub, b_ub = [], []
            for p, value in fixed.items():
                a_ub.append(np.concatenate([-levels[:, p], [0.0]]))
                b_ub.append(-value + 1e-9)
            for p in free:
                row = np.concatenate([-levels[:, p], [1.0]])
                a_ub.append(row)
                b_ub.append(0.0)
            a_eq = [np.concatenate([np.ones(num_c), [0.0]])]
            bounds = [(0, None)] * num_c + [(z_floor, None) if z_floor is not None else (0, 1)]
            return np.array(a_ub), np.array(b_ub), np.array(a_eq), [1.0], bounds

        a_ub, b_ub, a_eq, b_eq, bounds = constraints(None)
        cost = np.zeros(num_c + 1)
        cost[-1] = -1
        res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds)
        assert res.status == 0
        z = -res.fun
        a_ub, b_ub, a_eq, b_eq, bounds = constraints(z - 1e-9)
        newly = []
        for p in free:
            cost = np.concatenate([-levels[:, p], [0.0]])
            res_p = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds)
            if -res_p.fun <= z + 1e-7:
                newly.append(p)
        assert newly
        for p in newly:
            fixed[p] = z
    return {pid: fixed[i] for i, pid in enumerate(people)}


def brute_force_maximin(instance: Instance) -> float:
    """Maximin over people who fit on some panel, by one LP over all panels."""
    levels, _ = all_panels(instance)
    live = [p for p in range(levels.shape[1]) if levels[:, p].max() > 0]
    num_c = levels.shape[0]
    a_ub = np.hstack([-levels[:, live].T, np.ones((len(live), 1))])
    res = linprog(
        np.concatenate([np.zeros(num_c), [-1.0]]),
        A_ub=a_ub,
        b_ub=np.zeros(len(live)),
        A_eq=[np.concatenate([np.ones(num_c), [0.0]])],
        b_eq=[1.0],
        bounds=[(0, None)] * num_c + [(0, 1)],
    )
    return -float(res.fun)


@st.composite
def tiny_instances(draw: st.DrawFn, households: bool = False) -> Instance:
    """Draw a small random instance (at most 11 people) with a feasible quota set."""
    n = draw(st.integers(5, 11))
    k = draw(st.integers(2, min(5, n - 1)))
    spec = {"a": ["x", "y", "z"][: draw(st.integers(2, 3))], "b": ["u", "v"]}
    people = {f"p{i:02d}": {f: draw(st.sampled_from(vals)) for f, vals in spec.items()} for i in range(n)}
    quotas = []
    for feature, values in spec.items():
        for value in values:
            lo = draw(st.integers(0, 2))
            quotas.append(Quota(feature, value, lo, lo + draw(st.integers(0, k))))
    house = None
    if households:
        house = {pid: f"h{draw(st.integers(0, n // 2))}" for pid in people}
    instance = Instance(people=people, quotas=quotas, k=k, households=house)
    if not check_feasibility(instance, explain=False).feasible:
        # Loosen to a surely feasible quota set rather than discarding the example.
        instance.quotas = [Quota(q.feature, q.value, 0, k) for q in quotas]
        if households and not check_feasibility(instance, explain=False).feasible:
            instance.households = None
    return instance


def assert_distribution_valid(dist: Distribution) -> None:
    model = dist.profiles
    assert abs(sum(dist.probabilities) - 1) < 1e-9
    assert all(p > 0 for p in dist.probabilities)
    for comp in dist.compositions:
        assert model.is_valid(comp), comp
    assert abs(sum(dist.person_probabilities.values()) - dist.instance.k) < 1e-6


# --- LEXIMIN correctness ------------------------------------------------------------------

#: Property tests against brute force: the same examples every run, each may take a while.
BRUTE_FORCE = settings(
    deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@settings(BRUTE_FORCE, max_examples=20)
@given(tiny_instances())
def test_leximin_matches_brute_force(instance: Instance) -> None:
    """Every person's LEXIMIN probability equals an independent brute-force computation."""
    expected = brute_force_leximin(instance)
    dist = find_leximin(instance)
    assert_distribution_valid(dist)
    for pid, prob in expected.items():
        assert dist.person_probabilities[pid] == pytest.approx(prob, abs=2e-6), pid


@settings(BRUTE_FORCE, max_examples=10)
@given(tiny_instances())
def test_exact_column_generation_matches_brute_force(instance: Instance) -> None:
    """The stage-wise fallback (no relaxation shortcut) also yields the LEXIMIN vector."""
    expected = brute_force_leximin(instance)
    dist = _solve(instance, leximin=True, progress=None, seed=0, model=None, fast_path=False)
    assert_distribution_valid(dist)
    for pid, prob in expected.items():
        assert dist.person_probabilities[pid] == pytest.approx(prob, abs=2e-6), pid


@settings(BRUTE_FORCE, max_examples=10)
@given(tiny_instances(households=True))
def test_household_leximin_matches_brute_force(instance: Instance) -> None:
    """With one-per-household, compositions respect it and probabilities match brute force."""
    expected = brute_force_leximin(instance)
    dist = find_leximin(instance)
    assert_distribution_valid(dist)
    for pid, prob in expected.items():
        assert dist.person_probabilities[pid] == pytest.approx(prob, abs=2e-6), pid
    for seed in range(5):
        assert not panel_violations(instance, draw_panel(dist, seed).panel)


@settings(BRUTE_FORCE, max_examples=10)
@given(tiny_instances())
def test_maximin_equals_independent_lp(instance: Instance) -> None:
    """The maximin level equals the optimum of an LP over all panels."""
    expected = brute_force_maximin(instance)
    assert find_maximin(instance).minimum == pytest.approx(expected, abs=1e-6)
    assert find_leximin(instance).minimum == pytest.approx(expected, abs=1e-6)


def test_households_respected_on_draws() -> None:
    """Housemates never sit on the same panel."""
    people = {f"p{i}": {"g": "f" if i % 2 else "m"} for i in range(12)}
    houses = {f"p{i}": f"h{i // 3}" for i in range(12)}  # four households of three
    instance = Instance(
        people=people,
        quotas=[Quota("g", "f", 2, 2), Quota("g", "m", 2, 2)],
        k=4,
        households=houses,
    )
    dist = find_leximin(instance)
    assert_distribution_valid(dist)
    for seed in range(50):
        panel = draw_panel(dist, seed).panel
        assert len({houses[p] for p in panel}) == 4
    assert dist.minimum == pytest.approx(1 / 3, abs=1e-6)


# --- published and realistic instances (data/sortition) -----------------------------------


@pytest.fixture(scope="module")
def n200() -> tuple[Instance, Distribution]:
    instance = load_instance(DATA / "n0200_k040")
    return instance, find_leximin(instance)


def test_loader_reads_both_formats() -> None:
    paper = load_instance(DATA / "example_small_20")
    assert (paper.n, paper.k, len(paper.quotas)) == (200, 20, 4)
    assert paper.features == ["gender", "leaning"]
    ours = load_instance(DATA / "n1000_k040")
    assert (ours.n, ours.k) == (1000, 40)
    assert ours.people["p00001"]["district"] == "D04"


def test_paper_small_instance_reaches_ten_percent() -> None:
    dist = find_leximin(load_instance(DATA / "example_small_20"))
    assert dist.minimum == pytest.approx(0.10, abs=1e-6)
    assert_distribution_valid(dist)


def test_n200_distribution_and_draws(n200: tuple[Instance, Distribution]) -> None:
    instance, dist = n200
    assert_distribution_valid(dist)
    # sortition-algorithms' MAXIMIN reaches 12.09 %; LEXIMIN's minimum must equal it.
    assert dist.minimum == pytest.approx(0.1208791, abs=1e-6)
    for seed in range(30):
        assert not panel_violations(instance, draw_panel(dist, seed).panel)


def test_draw_is_reproducible_from_seed(n200: tuple[Instance, Distribution]) -> None:
    _, dist = n200
    first = draw_panel(dist, 20261125)
    assert draw_panel(dist, 20261125) == first
    assert draw_panel(dist, 20261126).panel != first.panel
    assert first.composition_index is not None
    assert first.composition == dist.compositions[first.composition_index]


def test_empirical_frequencies_follow_marginals(n200: tuple[Instance, Distribution]) -> None:
    instance, dist = n200
    counts = dict.fromkeys(instance.people, 0)
    draws = 2000
    for seed in range(draws):
        for pid in draw_panel(dist, seed).panel:
            counts[pid] += 1
    worst = max(abs(counts[p] / draws - dist.person_probabilities[p]) for p in counts)
    assert worst < 0.05


def test_replacement_keeps_quotas(n200: tuple[Instance, Distribution]) -> None:
    instance, dist = n200
    done = 0
    for seed in range(40):
        panel = draw_panel(dist, seed).panel
        try:
            result = draw_replacements(instance, panel, panel[:2], seed)
        except SelectionFailed:
            continue  # the small pool sometimes has no valid replacement; checked below
        done += 1
        assert not panel_violations(instance, result.panel)
        assert not set(result.replacements) & set(panel)
        assert draw_replacements(instance, panel, panel[:2], seed) == result
    assert done >= 10


def test_replacement_prefers_twin_and_reports_impossible() -> None:
    people = {"a1": {"g": "f"}, "a2": {"g": "f"}, "b1": {"g": "m"}, "b2": {"g": "m"}}
    instance = Instance(people=people, quotas=[Quota("g", "f", 1, 1), Quota("g", "m", 1, 1)], k=2)
    result = draw_replacements(instance, ["a1", "b1"], ["a1"], seed=3)
    assert result.replacements == ["a2"]
    assert result.same_profile
    with pytest.raises(SelectionFailed):
        draw_replacements(instance, ["a1", "b1"], ["a1"], seed=3, unavailable=["a2"])


def test_legacy_draw_is_valid_and_reproducible(n200: tuple[Instance, Distribution]) -> None:
    instance, _ = n200
    first = draw_legacy(instance, seed=11)
    assert not panel_violations(instance, first.panel)
    assert draw_legacy(instance, seed=11) == first


def test_progress_callback_reaches_one() -> None:
    people = {f"p{i}": {"g": "fm"[i % 2], "a": "yo"[i % 3 == 0]} for i in range(30)}
    quotas = [Quota("g", "f", 2, 4), Quota("g", "m", 2, 4), Quota("a", "y", 1, 3), Quota("a", "o", 2, 5)]
    calls: list[tuple[str, float]] = []
    find_leximin(Instance(people=people, quotas=quotas, k=6), progress=lambda *a: calls.append(a))
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert calls[-1][0] == "done"


# --- feasibility ---------------------------------------------------------------------------


def small_pool() -> dict[str, dict[str, str]]:
    return {
        f"p{i}": {"gender": "female" if i < 6 else "male", "age": "young" if i % 4 == 0 else "old"}
        for i in range(12)
    }


def test_feasibility_feasible() -> None:
    quotas = [
        Quota("gender", "female", 2, 3),
        Quota("gender", "male", 2, 3),
        Quota("age", "young", 1, 2),
        Quota("age", "old", 2, 4),
    ]
    report = check_feasibility(Instance(people=small_pool(), quotas=quotas, k=5))
    assert report.feasible
    assert report.issues == []


def test_feasibility_explains_arithmetic_problems() -> None:
    quotas = [
        Quota("gender", "female", 3, 5),
        Quota("gender", "male", 3, 5),
        Quota("age", "young", 5, 5),
        Quota("age", "old", 0, 5),
    ]
    report = check_feasibility(Instance(people=small_pool(), quotas=quotas, k=5))
    assert not report.feasible
    codes = {issue.code for issue in report.issues}
    assert "min_sum_exceeds_seats" in codes
    assert "min_exceeds_pool" in codes
    assert "feature gender: the minimums add up to 6 but the panel has 5 seats" in report.messages
    assert "value young of age: min 5 but only 3 volunteers in the pool" in report.messages
    assert report.suggestions
    with pytest.raises(InfeasibleQuotasError) as caught:
        find_leximin(Instance(people=small_pool(), quotas=quotas, k=5))
    refusal = caught.value.report
    assert isinstance(refusal, FeasibilityReport)
    assert not refusal.feasible


def test_feasibility_finds_conflicting_quotas() -> None:
    # Each value alone is fine, but the pool has no young women, so "2 young" and "4 female"
    # in a panel of 5 cannot hold together.
    people = {f"f{i}": {"gender": "female", "age": "old"} for i in range(6)}
    people |= {f"m{i}": {"gender": "male", "age": "young" if i < 3 else "old"} for i in range(6)}
    quotas = [
        Quota("gender", "female", 4, 5),
        Quota("gender", "male", 0, 5),
        Quota("age", "young", 2, 5),
        Quota("age", "old", 0, 5),
    ]
    report = check_feasibility(Instance(people=people, quotas=quotas, k=5))
    assert not report.feasible
    assert sorted(report.conflict) == ["age=young min 2", "gender=female min 4"]
    assert any(i.code == "quota_conflict" for i in report.issues)
    # The smallest fix changes one bound by one seat.
    assert len(report.suggestions) == 1
    change = report.suggestions[0]
    assert change.current - change.suggested == 1
    assert change.bound == "min"


def test_profiles_group_identical_people() -> None:
    model = build_profiles(
        Instance(
            people=small_pool(),
            quotas=[
                Quota("gender", "female", 0, 5),
                Quota("gender", "male", 0, 5),
                Quota("age", "young", 0, 5),
                Quota("age", "old", 0, 5),
            ],
            k=4,
        )
    )
    assert model.num_profiles == 4
    assert sorted(model.multiplicity.tolist()) == [1, 2, 4, 5]


@pytest.mark.parametrize(
    ("codes", "bounds", "k"),
    [
        (["101", "001", "110", "001", "111", "100", "010"], [(1, 2), (2, 2), (0, 1)], 3),
        (["111", "001", "110", "101", "011", "110", "000"], [(0, 1), (0, 1), (1, 1)], 2),
    ],
)
def test_fallback_when_relaxation_is_not_achievable(
    codes: list[str], bounds: list[tuple[int, int]], k: int
) -> None:
    """Where the LP relaxation's LEXIMIN has no integer decomposition, the exact path runs."""
    people = {f"p{i}": dict(zip("XYZ", code, strict=True)) for i, code in enumerate(codes)}
    quotas = []
    for feature, (lo, hi) in zip("XYZ", bounds, strict=True):
        quotas += [Quota(feature, "1", lo, hi), Quota(feature, "0", 0, k)]
    instance = Instance(people=people, quotas=quotas, k=k)
    dist = find_leximin(instance)
    assert dist.stats.path == "column-generation"
    assert_distribution_valid(dist)
    for pid, prob in brute_force_leximin(instance).items():
        assert dist.person_probabilities[pid] == pytest.approx(prob, abs=2e-6), pid


def test_feasibility_of_an_empty_pool_is_explained_not_a_crash() -> None:
    from medvirk.analysis.selection import Instance, Quota, check_feasibility

    report = check_feasibility(Instance(people={}, quotas=[Quota("gender", "f", 1, 3)], k=4))
    assert not report.feasible
    assert report.issues
    assert report.issues[0].code == "pool_too_small"
