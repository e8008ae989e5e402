"""The dashboard's anonymity decision against an attacker who sees everything it shows.

Random services under units, one or two background dimensions, random closed episodes with
small counts. Everything the dashboard publishes (episode counts and option counts per node and
group) is handed to an LP attacker (``attacker_interval``) over a table built here
independently, knowing every relation; every small group of clients (0 < n < k), whether all
closed episodes of a group or those with one outcome, must stay unprovable: lowest possible 0,
highest ≥ k. Pure: no database.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from medvirk.analysis.suppression import TableBuilder, attacker_interval
from medvirk.feedback import disclosure as d

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
    assert decision.option("end", "planned", "s1") == 11  # all 11 ended as planned: a group of 11
