"""The dashboard's anonymity decision against an attacker who sees everything it shows.

Random services under units, one or two background dimensions, random closed episodes with
small counts. Everything the dashboard publishes (episode counts and option counts per node and
group) is handed to an LP attacker (``attacker_interval``) over a table built here
independently, knowing every relation; every small group of clients (0 < n < k), whether all
closed episodes of a group or those with one outcome, must stay unprovable: lowest possible 0,
highest ≥ k. Pure: no database.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medvirk.analysis.suppression import TableBuilder, attacker_interval
from medvirk.feedback import disclosure as d
from medvirk.feedback.cubes import cube_cells

# Pure (no database): once, in bin/test's SQLite pass.
pytestmark = pytest.mark.sqlite_only

K = 5


@st.composite
def worlds(draw: st.DrawFn) -> tuple[d.Tree, d.Layout, list[d.Leaf]]:
    units = draw(st.integers(1, 3))
    children: dict[str, tuple[str, ...]] = {"u0": tuple(f"u{i}" for i in range(1, units + 1))}
    services: list[str] = []
    for i in range(1, units + 1):
        count = draw(st.integers(1, 2))
        kids = tuple(f"s{i}{j}" for j in range(count))
        children[f"u{i}"] = kids
        services += kids
    dims = {"gender": ("female", "male", d.NOT_STATED)}
    if draw(st.booleans()):
        dims["immigrant_background"] = ("immigrant", "rest", d.NOT_STATED)
    leaves = []
    for service in services:
        for _ in range(draw(st.integers(0, 4))):
            leaves.append(
                d.Leaf(
                    service,
                    {dim: draw(st.sampled_from(cats)) for dim, cats in dims.items()},
                    draw(st.sampled_from(d.CHANGE_OPTIONS)),
                    draw(st.sampled_from(d.END_OPTIONS)),
                    draw(st.integers(1, 6)),
                )
            )
    return d.Tree(children, ("u0",)), d.Layout(dims), leaves


def attacker_view(tree: d.Tree, layout: d.Layout, counts: d.Counts) -> tuple[object, list[str]]:
    """Everything in one table, built here independently: episode and option cells, all relations."""
    b = TableBuilder()
    slots = layout.slots()
    nodes = tree.nodes()
    families = [("", ("",))] + [(f, opts) for f, opts in d.FAMILIES.items()]

    def key(option: str, node: str, slot: d.Slot) -> str:
        base = node if slot is None else f"{node}|{slot[0]}:{slot[1]}"
        return f"{option}@{base}" if option else base

    for family, options in families:
        for option in options:
            for node in nodes:
                for slot in slots:
                    n = (
                        counts.episodes[node, slot]
                        if not family
                        else counts.options[family][option, node, slot]
                    )
                    b.cell(key(option, node, slot), n)
                for dim, cats in layout.dims.items():
                    b.relation(key(option, node, None), [key(option, node, (dim, c)) for c in cats])
                for slot in slots:
                    kids = tree.children.get(node, ())
                    if kids:
                        b.relation(key(option, node, slot), [key(option, kid, slot) for kid in kids])
        if family:
            for node in nodes:
                for slot in slots:
                    b.relation(key("", node, slot), [key(o, node, slot) for o in options])
    table = b.build()
    return table, [c.key for c in table.cells]


@settings(max_examples=25)
@given(worlds())
def test_no_small_group_or_outcome_can_be_derived(world: tuple[d.Tree, d.Layout, list[d.Leaf]]) -> None:
    tree, layout, leaves = world
    counts = d.count(tree, layout, leaves)
    decision = d.decide(tree, layout, counts)
    table, keys = attacker_view(tree, layout, counts)
    shown = d.published(decision, keys)
    hidden = [k for k in keys if k not in shown]
    for cell in table.cells:  # type: ignore[attr-defined]
        if 0 < cell.count < K:
            assert cell.key not in shown
            low, high = attacker_interval(table, hidden, cell.key)  # type: ignore[arg-type]
            assert low <= 1e-6, (cell.key, low, high)
            assert high >= K - 1e-6, (cell.key, low, high)


def test_a_service_with_few_episodes_is_hidden_and_its_district_protects_it() -> None:
    tree = d.Tree({"u0": ("u1", "u2"), "u1": ("s1",), "u2": ("s2",)}, ("u0",))
    layout = d.Layout({"gender": ("female", "male", d.NOT_STATED)})
    leaves = [
        d.Leaf("s1", {"gender": "female"}, "recovered", "planned", 20),
        d.Leaf("s2", {"gender": "male"}, "deteriorated", "dropout", 2),
    ]
    decision = d.decide(tree, layout, d.count(tree, layout, leaves))
    assert decision.shown("s2") is None
    # Otherwise municipality (22) minus s1 (20) = s2's 2 episodes.
    assert decision.shown("u0") is None or decision.shown("s1") is None
    assert decision.shown("s1", ("gender", "male")) == 0  # zeros are shown


def test_small_outcome_counts_in_a_shown_group_are_hidden() -> None:
    tree = d.Tree({"u0": ("s1",)}, ("u0",))
    layout = d.Layout({"gender": ("female", "male", d.NOT_STATED)})
    leaves = [
        d.Leaf("s1", {"gender": "female"}, "recovered", "planned", 10),
        d.Leaf("s1", {"gender": "female"}, "deteriorated", "planned", 1),
    ]
    decision = d.decide(tree, layout, d.count(tree, layout, leaves))
    assert decision.shown("s1") == 11
    assert decision.option("change", "deteriorated", "s1") is None
    assert decision.option("change", "recovered", "s1") is None  # else 11 - 10 = 1
    assert decision.option("end", "not_dropout", "s1") == 11  # none dropped out: a group of 11


@settings(max_examples=25)
@given(worlds())
def test_every_small_cell_a_cube_covers_is_protected_by_the_cube_alone(
    world: tuple[d.Tree, d.Layout, list[d.Leaf]],
) -> None:
    """The hypercubes' promise without ``suppress``: with only the small cells and the cubes'
    cells hidden, the LP attacker still finds 0 and k possible for every small cell a cube covers."""
    tree, layout, leaves = world
    counts = d.count(tree, layout, leaves)
    cells, uncovered = cube_cells(tree, layout, counts, K)
    table, _keys = attacker_view(tree, layout, counts)
    small = [c.key for c in table.cells if 0 < c.count < K]  # type: ignore[attr-defined]
    assert uncovered <= set(small)
    assert not cells & set(small)
    hidden = [*small, *cells]
    for key in small:
        if key not in uncovered:
            low, high = attacker_interval(table, hidden, key)  # type: ignore[arg-type]
            assert low <= 1e-6 and high >= K - 1e-6, (key, low, high)


def test_a_cube_hides_the_partners_a_small_outcome_needs_and_no_more() -> None:
    # Two services under one unit; at s1, 2 women deteriorated. The cheapest cube: s1 against s2,
    # women against men, deteriorated against recovered: its 8 corners, the small cell included.
    tree = d.Tree({"u0": ("s1", "s2")}, ("u0",))
    layout = d.Layout({"gender": ("female", "male")})
    leaves = [
        d.Leaf(s, {"gender": g}, "recovered", "planned", 10) for s in ("s1", "s2") for g in ("female", "male")
    ]
    leaves += [
        d.Leaf("s1", {"gender": "female"}, "deteriorated", "planned", 2),
        d.Leaf("s1", {"gender": "male"}, "deteriorated", "planned", 6),
        d.Leaf("s2", {"gender": "female"}, "deteriorated", "planned", 6),
        d.Leaf("s2", {"gender": "male"}, "deteriorated", "planned", 6),
    ]
    counts = d.count(tree, layout, leaves)
    cells, uncovered = cube_cells(tree, layout, counts, K)
    assert uncovered == set()
    assert cells == {
        "deteriorated@s1|gender:male",
        "deteriorated@s2|gender:female",
        "deteriorated@s2|gender:male",
        "recovered@s1|gender:female",
        "recovered@s1|gender:male",
        "recovered@s2|gender:female",
        "recovered@s2|gender:male",
    }
    decision = d.decide(tree, layout, counts)
    assert decision.option("change", "deteriorated", "s1", ("gender", "female")) is None
    assert decision.shown("s1", ("gender", "female")) == 12
    assert decision.option("change", "deteriorated", "u0") == 20
