"""Tests for small-group suppression, including property tests that play the attacker.

The attacker sees every shown count and knows the table's structure (which groups add up to
which) and that counts are never negative. For each hidden small group they solve two
linear programs (min and max of its count) with HiGHS, built here independently of the
code under test. The protection requirement, for every group with ``0 < count < k``:

* it is not shown, and
* the attacker's interval ``[low, high]`` has ``low == 0`` and ``high >= k``: they can
  neither prove the group has anyone in it nor that it is smaller than the threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import highspy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medvirk.analysis.suppression import (
    Cell,
    CellStatus,
    FigureKind,
    OptionAction,
    Reason,
    Relation,
    SuppressedTable,
    SuppressionPolicy,
    Table,
    TableBuilder,
    attacker_interval,
    suppress,
    suppress_options,
)

PROPERTY = settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Skewed towards small counts so that most examples contain several small groups.
counts = st.one_of(st.integers(0, 6), st.integers(0, 40))


def attack(
    table: Table, published: SuppressedTable, key: str, *, integer: bool = False
) -> tuple[float, float]:
    """Return the attacker's feasible interval for ``key`` from the published view only.

    With ``integer`` the attacker also uses that counts are whole numbers (a MIP); the
    upper bound is then capped at 10**6 so unboundedness shows up as a large number.
    """
    shown = published.shown_counts()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    kind = highspy.HighsVarType.kInteger if integer else highspy.HighsVarType.kContinuous
    upper = 1e6 if integer else highspy.kHighsInf
    variables = {c.key: h.addVariable(lb=0, ub=upper, type=kind) for c in table.cells if c.key not in shown}
    for rel in table.relations:
        expr = 0.0
        constant = 0.0
        for cell, sign in [(rel.parent, 1.0)] + [(c, -1.0) for c in rel.children]:
            if cell in variables:
                expr = expr + sign * variables[cell]
            else:
                constant += sign * shown[cell]
        if isinstance(expr, float):
            assert constant == 0  # published cells must themselves be consistent
            continue
        h.addConstr(expr == -constant)
    x = variables[key]
    h.minimize(x)
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    low = h.val(x)
    h.maximize(x)
    status = h.getModelStatus()
    if status in (
        highspy.HighsModelStatus.kUnbounded,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,
    ):
        return low, float("inf")
    assert status == highspy.HighsModelStatus.kOptimal
    return low, h.val(x)


def assert_protected(table: Table, published: SuppressedTable, *, integer: bool = False) -> None:
    """Assert the protection requirement for every small group in ``table``."""
    k = published.threshold
    for cell in table.cells:
        decision = published[cell.key]
        if decision.shown:
            assert decision.count == cell.count
            assert not 0 < cell.count < k, f"{cell.key} shown with {cell.count}"
        else:
            assert decision.count is None
            if 0 < cell.count < k:
                low, high = attack(table, published, cell.key, integer=integer)
                assert low <= 1e-6, f"{cell.key}={cell.count}: attacker proves ≥ {low}"
                assert high >= k - 1e-6, f"{cell.key}={cell.count}: attacker proves ≤ {high}"
        if cell.count == 0 and cell.published:
            # Zeros are shown unless hidden as a partner (they never are: they add nothing).
            assert decision.shown


# ---------------------------------------------------------------------------------------------
# Generators
# ---------------------------------------------------------------------------------------------


@st.composite
def hierarchies(draw: st.DrawFn) -> Table:
    """A municipality → districts → units tree, each unit broken down by gender + missing."""
    b = TableBuilder()
    districts = draw(st.integers(1, 3))
    tree: dict[str, dict[str, dict[str, int]]] = {}
    for d in range(districts):
        n_units = draw(st.integers(1, 4))
        tree[f"d{d}"] = {
            f"d{d}u{u}": {g: draw(counts) for g in ("m", "f", "other", "missing")} for u in range(n_units)
        }
    total = sum(sum(g.values()) for units in tree.values() for g in units.values())
    b.cell("all", total)
    for district, units in tree.items():
        b.cell(district, sum(sum(g.values()) for g in units.values()))
        for u, genders in units.items():
            b.cell(u, sum(genders.values()))
            b.breakdown(u, {f"{u}|{g}": n for g, n in genders.items()})
        b.relation(district, units)
    b.relation("all", tree)
    return b.build()


@st.composite
def crosstabs(draw: st.DrawFn) -> Table:
    """Units × gender with unit totals, gender totals and a grand total."""
    rows = [f"u{i}" for i in range(draw(st.integers(2, 4)))]
    cols = [f"g{j}" for j in range(draw(st.integers(2, 4)))]
    grid = {(r, c): draw(counts) for r in rows for c in cols}
    return crosstab_table(grid, rows, cols)


def crosstab_table(grid: dict[tuple[str, str], int], rows: Sequence[str], cols: Sequence[str]) -> Table:
    """The table of ``grid`` with its row totals, column totals and grand total ("all")."""
    b = TableBuilder()
    b.cell("all", sum(grid.values()))
    for r in rows:
        b.cell(r, sum(grid[r, c] for c in cols))
    for c in cols:
        b.cell(c, sum(grid[r, c] for r in rows))
    b.crosstab(grid, {r: r for r in rows}, {c: c for c in cols})
    b.relation("all", rows)
    b.relation("all", cols)
    return b.build()


@st.composite
def district_crosstabs(draw: st.DrawFn) -> Table:
    """Districts → units × gender, with gender totals at unit, district and top level.

    This is the "unit versus district minus the other units" situation in two dimensions.
    """
    genders = ("m", "f", "missing")
    b = TableBuilder()
    tree = {
        f"d{d}": {f"d{d}u{u}": {g: draw(counts) for g in genders} for u in range(draw(st.integers(1, 3)))}
        for d in range(draw(st.integers(1, 3)))
    }
    b.cell("all", sum(n for units in tree.values() for gs in units.values() for n in gs.values()))
    for g in genders:
        b.cell(f"all|{g}", sum(gs[g] for units in tree.values() for gs in units.values()))
    b.relation("all", [f"all|{g}" for g in genders])
    b.relation("all", list(tree))
    for d, units in tree.items():
        b.cell(d, sum(n for gs in units.values() for n in gs.values()))
        for g in genders:
            b.cell(f"{d}|{g}", sum(gs[g] for gs in units.values()))
        b.relation(d, [f"{d}|{g}" for g in genders])
        b.relation(d, list(units))
        for u, gs in units.items():
            b.cell(u, sum(gs.values()))
            b.breakdown(u, {f"{u}|{g}": n for g, n in gs.items()})
        for g in genders:
            b.relation(f"{d}|{g}", [f"{u}|{g}" for u in units])
    for g in genders:
        b.relation(f"all|{g}", [f"{d}|{g}" for d in tree])
    return b.build()


@st.composite
def nested_filters(draw: st.DrawFn) -> Table:
    """Results for an outer filter and an inner filter inside it, both broken down by gender.

    E.g. "all respondents in the district" and "respondents aged 67+ in the district". The
    difference groups (outer minus inner) are never published but can be computed.
    """
    genders = ("m", "f", "other", "missing")
    inner = {g: draw(counts) for g in genders}
    outer = {g: inner[g] + draw(counts) for g in genders}
    b = TableBuilder()
    b.cell("outer", sum(outer.values()))
    b.cell("inner", sum(inner.values()))
    b.breakdown("outer", {f"outer|{g}": n for g, n in outer.items()})
    b.breakdown("inner", {f"inner|{g}": n for g, n in inner.items()})
    b.difference("outer", "inner", "diff")
    for g in genders:
        b.difference(f"outer|{g}", f"inner|{g}", f"diff|{g}")
    b.relation("diff", [f"diff|{g}" for g in genders])
    return b.build()


# ---------------------------------------------------------------------------------------------
# Property tests: the attacker
# ---------------------------------------------------------------------------------------------


@PROPERTY
@given(hierarchies())
def test_attacker_cannot_narrow_small_groups_in_hierarchies(table: Table) -> None:
    assert_protected(table, suppress(table))


@PROPERTY
@given(crosstabs())
def test_attacker_cannot_narrow_small_groups_in_crosstabs(table: Table) -> None:
    assert_protected(table, suppress(table))


@PROPERTY
@given(district_crosstabs())
def test_attacker_cannot_narrow_small_groups_in_district_crosstabs(table: Table) -> None:
    assert_protected(table, suppress(table))


@settings(max_examples=20, derandomize=True, deadline=None)
@given(st.one_of(crosstabs(), nested_filters(), district_crosstabs()))
def test_integer_attacker_learns_nothing_more(table: Table) -> None:
    assert_protected(table, suppress(table), integer=True)


@PROPERTY
@given(nested_filters())
def test_two_filter_differencing_reveals_no_small_group(table: Table) -> None:
    published = suppress(table)
    assert_protected(table, published)
    for cell in table.cells:
        assert published[cell.key].status is not CellStatus.SHOWN or cell.published


@settings(max_examples=25, derandomize=True, deadline=None)
@given(crosstabs(), st.sampled_from([5, 6, 10]))
def test_higher_thresholds_and_free_text(table: Table, k: int) -> None:
    policy = SuppressionPolicy(threshold=k, text_threshold=max(8, k))
    assert_protected(table, suppress(table, policy))
    assert_protected(table, suppress(table, policy, FigureKind.FREE_TEXT))


@settings(max_examples=30, derandomize=True, deadline=None)
@given(hierarchies())
def test_suppression_is_deterministic_and_matches_own_audit(table: Table) -> None:
    first = suppress(table)
    assert suppress(table) == first
    hidden = [d.key for d in first.decisions if not d.shown]
    for cell in table.cells:
        if 0 < cell.count < 5:
            low, high = attacker_interval(table, hidden, cell.key)
            assert low <= 1e-6
            assert high >= 5 - 1e-6


# ---------------------------------------------------------------------------------------------
# Worked examples (the ones in docs/methods-suppression.md)
# ---------------------------------------------------------------------------------------------


def statuses(published: SuppressedTable) -> dict[str, CellStatus]:
    return {d.key: d.status for d in published.decisions}


def test_gender_breakdown_two_small_groups_protect_each_other() -> None:
    b = TableBuilder()
    b.cell("all", 100)
    b.breakdown("all", {"m": 50, "f": 45, "other": 3, "missing": 2})
    published = suppress(b.build())
    assert statuses(published) == {
        "all": CellStatus.SHOWN,
        "m": CellStatus.SHOWN,
        "f": CellStatus.SHOWN,
        "other": CellStatus.PRIMARY,
        "missing": CellStatus.PRIMARY,
    }
    assert published["other"].count is None
    assert published["other"].reason is Reason.BELOW_THRESHOLD
    assert published.as_dict()["other"] == {
        "status": "primary",
        "reason": "below_threshold",
        "count": None,
    }
    assert published.as_dict()["m"]["count"] == 50


def test_single_small_group_takes_the_smallest_sibling() -> None:
    b = TableBuilder()
    b.cell("all", 60)
    b.breakdown("all", {"m": 30, "f": 27, "other": 3, "missing": 0})
    published = suppress(b.build())
    assert published["other"].status is CellStatus.PRIMARY
    assert published["f"].status is CellStatus.SECONDARY
    assert published["f"].reason is Reason.COMPLETES_RELATION
    assert published["m"].shown
    assert published["missing"].shown and published["missing"].reason is Reason.ZERO


def test_unit_cannot_be_read_from_district_minus_other_units() -> None:
    b = TableBuilder()
    b.cell("district", 40)
    b.breakdown("district", {"unit_a": 3, "unit_b": 17, "unit_c": 20})
    table = b.build()
    published = suppress(table)
    assert published["unit_a"].status is CellStatus.PRIMARY
    assert published["unit_b"].status is CellStatus.SECONDARY  # smallest sibling
    assert published["unit_c"].shown
    assert_protected(table, published)


def test_difference_between_filters_is_protected() -> None:
    # 20 respondents in the district, 17 of them aged 67+: the 3 younger must stay hidden.
    b = TableBuilder()
    b.cell("district", 20)
    b.cell("district_67plus", 17)
    b.difference("district", "district_67plus", "district_under67")
    table = b.build()
    published = suppress(table)
    assert published["district_under67"].status is CellStatus.NOT_PUBLISHED
    assert not published["district_67plus"].shown
    assert_protected(table, published)


def test_naive_per_table_suppression_would_leak() -> None:
    # Why one table: suppressing each filter on its own shows 20 and 17, and 20 - 17 = 3.
    outer = TableBuilder()
    outer.cell("district", 20)
    inner = TableBuilder()
    inner.cell("district_67plus", 17)
    assert suppress(outer.build()).is_shown("district")
    assert suppress(inner.build()).is_shown("district_67plus")


def test_crosstab_chain_needs_audit() -> None:
    # Rule 2 is happy in every row and column: the 3 is hidden with the 14 (row a) and with
    # the 5 (column x). But row b shows 5 and its other cell is a shown 0, so the 5 is known,
    # hence 8 - 5 = 3. Only the LP audit sees this chain; it must hide more.
    grid = {("a", "x"): 3, ("a", "y"): 14, ("b", "x"): 5, ("b", "y"): 0}
    table = crosstab_table(grid, ("a", "b"), ("x", "y"))
    published = suppress(table)
    assert_protected(table, published)
    assert any(d.reason is Reason.BLOCKS_INFERENCE for d in published.decisions)


def test_everything_small_hides_everything_but_zeros() -> None:
    b = TableBuilder()
    b.cell("all", 4)
    b.breakdown("all", {"m": 4, "f": 0})
    published = suppress(b.build())
    assert statuses(published) == {
        "all": CellStatus.PRIMARY,
        "m": CellStatus.PRIMARY,
        "f": CellStatus.SHOWN,
    }


def test_free_text_uses_higher_threshold() -> None:
    b = TableBuilder()
    b.cell("all", 30)
    b.breakdown("all", {"unit_a": 7, "unit_b": 23})
    table = b.build()
    assert suppress(table).is_shown("unit_a")
    text = suppress(table, kind=FigureKind.FREE_TEXT)
    assert text.threshold == 8
    assert not text.is_shown("unit_a")
    assert not text.is_shown("unit_b")
    assert text.is_shown("all")


# ---------------------------------------------------------------------------------------------
# Policy and table validation
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"threshold": 4},
        {"text_threshold": 7},
        {"threshold": 10, "text_threshold": 9},
        {"option_min_answers": 2},
    ],
)
def test_policy_can_only_be_raised(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        SuppressionPolicy(**kwargs)


def test_policy_threshold_for() -> None:
    policy = SuppressionPolicy(threshold=7, text_threshold=12, option_min_answers=4)
    assert policy.threshold_for(FigureKind.NUMBERS) == 7
    assert policy.threshold_for(FigureKind.FREE_TEXT) == 12
    assert policy.threshold_for(FigureKind.OPTIONS) == 4


@pytest.mark.parametrize(
    ("cells", "relations"),
    [
        ((Cell("a", 1), Cell("a", 1)), ()),
        ((Cell("a", -1),), ()),
        ((Cell("a", 5), Cell("b", 4)), (Relation("a", ("b",)),)),
        ((Cell("a", 5),), (Relation("a", ("nope",)),)),
        ((Cell("a", 5), Cell("b", 5)), (Relation("a", ("b", "b")),)),
    ],
)
def test_table_rejects_inconsistent_input(cells: tuple[Cell, ...], relations: Iterable[Relation]) -> None:
    with pytest.raises(ValueError):
        Table(cells, tuple(relations))


def test_builder_rejects_conflicting_cells_and_bad_difference() -> None:
    b = TableBuilder()
    b.cell("a", 5)
    b.cell("a", 5)  # identical re-add is fine (shared totals)
    with pytest.raises(ValueError):
        b.cell("a", 6)
    b.cell("b", 9)
    with pytest.raises(ValueError):
        b.difference("a", "b", "a-b")


# ---------------------------------------------------------------------------------------------
# Per-option rule
# ---------------------------------------------------------------------------------------------


def test_options_single_small_option_merges_with_smallest_other() -> None:
    result = suppress_options({"very": 10, "fairly": 8, "little": 2, "not": 0})
    assert result.merged_keys == ("fairly", "little")
    assert result.merged_count == 10
    by_key = {o.key: o.count for o in result.options}
    assert by_key == {"very": 10, "fairly": None, "little": None, "not": 0}


def test_options_two_small_options_reaching_minimum() -> None:
    result = suppress_options({"a": 10, "b": 2, "c": 1, "d": 7})
    assert result.merged_keys == ("b", "c")
    assert result.merged_count == 3


def test_options_hide_action_and_multiple_choice() -> None:
    policy = SuppressionPolicy(option_action=OptionAction.HIDE)
    hidden = suppress_options({"a": 10, "b": 2, "c": 9}, policy)
    assert hidden.merged_count is None
    multi = suppress_options({"a": 10, "b": 2, "c": 9}, exclusive=False)
    assert multi.merged_keys == ("b",)
    assert multi.merged_count is None  # 2 < 3: not shown even combined


def test_options_nothing_small() -> None:
    result = suppress_options({"yes": 12, "no": 0})
    assert result.merged_keys == ()
    assert result.merged_count is None


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=2, max_size=6), st.sampled_from([3, 4, 5]))
def test_options_never_reveal_a_small_option(values: list[int], m: int) -> None:
    counts = {f"o{i}": n for i, n in enumerate(values)}
    result = suppress_options(counts, SuppressionPolicy(option_min_answers=m))
    shown = {o.key: o.count for o in result.options if o.count is not None}
    assert all(n == 0 or n >= m for n in shown.values())
    merged = [counts[k] for k in result.merged_keys]
    # answered - shown options = merged total: it must cover ≥ m answers over ≥ 2 options,
    # unless every answer is in the merge (then it is just the number who answered).
    if any(0 < n < m for n in merged) and len(merged) < len([n for n in values if n > 0]):
        assert len(merged) >= 2
        assert sum(merged) >= m


def option_table() -> Table:
    """Two units and their district, answers to one single-choice question by option."""
    options = ("good", "ok", "bad")
    units = {"unit_a": {"good": 10, "ok": 6, "bad": 2}, "unit_b": {"good": 12, "ok": 9, "bad": 4}}
    b = TableBuilder()
    b.cell("district", sum(sum(o.values()) for o in units.values()))
    for u, opts in units.items():
        b.cell(u, sum(opts.values()))
    for o in options:
        b.cell(f"district|{o}", sum(opts[o] for opts in units.values()))
    b.relation("district", list(units))
    b.relation("district", [f"district|{o}" for o in options])
    b.crosstab(
        {(u, o): n for u, opts in units.items() for o, n in opts.items()},
        {u: u for u in units},
        {o: f"district|{o}" for o in options},
    )
    return b.build()


def test_per_group_option_merging_leaks_across_groups() -> None:
    # Merging unit A's 2 "bad" answers on their own is not enough once the district (6 bad)
    # and unit B (4 bad) are shown: 6 - 4 = 2.
    table = option_table()
    alone = suppress_options({"good": 10, "ok": 6, "bad": 2})
    assert alone.merged_keys == ("ok", "bad")
    published = suppress(table, kind=FigureKind.OPTIONS)
    assert published.threshold == 3
    assert not published.is_shown("unit_a|bad")
    assert not (published.is_shown("district|bad") and published.is_shown("unit_b|bad"))
    assert_protected(table, published)


def test_attacker_interval_on_unsuppressed_cell_is_exact() -> None:
    b = TableBuilder()
    b.cell("all", 10)
    b.breakdown("all", {"a": 3, "b": 7})
    low, high = attacker_interval(b.build(), ["a"], "a")
    assert low == pytest.approx(3)
    assert high == pytest.approx(3)


def test_large_table_is_fast_enough() -> None:
    # 30 units × 4 gender groups, many of them small: must stay well under a second.
    b = TableBuilder()
    grid = {(f"u{i}", g): (i * 7 + j * 3) % 13 for i in range(30) for j, g in enumerate("mfox")}
    rows = [f"u{i}" for i in range(30)]
    b.cell("all", sum(grid.values()))
    for r in rows:
        b.cell(r, sum(grid[r, g] for g in "mfox"))
    for g in "mfox":
        b.cell(g, sum(grid[r, g] for r in rows))
    b.crosstab(grid, {r: r for r in rows}, {g: g for g in "mfox"})
    b.relation("all", rows)
    table = b.build()
    published = suppress(table)
    assert_protected(table, published)
    assert any(d.shown for d in published.decisions if d.key.count("|"))


def test_linked_decision_keeps_known_cells_and_hides_what_the_first_hid() -> None:
    """``known`` cells stay shown, ``hide`` cells stay hidden, unprotected remainders stay unprotected."""
    b = TableBuilder()
    b.cell("r", 20)
    b.breakdown("r", {"r.a": 12, "r.b": 8})
    b.cell("q", 17)
    b.breakdown("q", {"q.a": 10, "q.b": 7})
    for part in ("", ".a", ".b"):
        n = {"": 3, ".a": 2, ".b": 1}[part]
        b.cell(f"s{part}", n, published=False, protect=False)
        b.relation(f"r{part}", [f"q{part}", f"s{part}"])
    table = b.build()
    decided = suppress(table, hide=["q.b"], known=["r", "r.a", "r.b"])
    assert all(decided.is_shown(k) for k in ("r", "r.a", "r.b"))
    assert decided["q.b"].reason is Reason.DECIDED_ELSEWHERE
    # q.a = q − q.b would give q.b away, but q.b is not small: nothing else must be hidden,
    # and the small, unprotected "skipped" cells force nothing either.
    assert decided.is_shown("q") and decided.is_shown("q.a")
    with pytest.raises(ValueError):
        suppress(table, known=["s"])


def test_a_decision_pickles_as_columns_and_reads_back_the_same() -> None:
    """Decisions are kept in the shared cache and read by every web worker (issue 21): they
    pickle as columns, not one dataclass state per cell, and read back to the same decision."""
    import pickle

    b = TableBuilder()
    b.cell("all", 40)
    b.breakdown("all", {"a": 2, "b": 0, "c": 38})
    table = suppress(b.build(), SuppressionPolicy(threshold=5))
    for protocol in (pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL):
        data = pickle.dumps(table, protocol)
        assert data.count(b"CellDecision") == 0  # no per-cell dataclass state
        back = pickle.loads(data)  # noqa: S301 — our own bytes
        assert back == table and back.decisions == table.decisions
        assert [back[k].status for k in ("all", "a", "b", "c")] == [
            table[k].status for k in ("all", "a", "b", "c")
        ]
        assert back["a"].count is None and not back["a"].shown and back["all"].count == 40
        assert back.kind is FigureKind.NUMBERS and back.threshold == 5
    empty = SuppressedTable((), 5, FigureKind.OPTIONS)
    assert pickle.loads(pickle.dumps(empty)) == empty  # noqa: S301
