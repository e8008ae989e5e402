"""Which dashboard figures may be shown: one anonymity decision per municipality and half-year.

The outcome dashboard publishes, for every service, its unit and every unit above (a district,
the municipality), and for every background group within them: the number of closed episodes,
how many ended by dropout (so how many otherwise), and where they ended (recovered, improved, no reliable
change, deteriorated, not assessable), plus means computed from those episodes. A unit leader
who knows which clients their staff saw could otherwise combine figures — a district minus its
other services, a group minus the rest, this half-year minus a filter — to learn one client's
outcome. So, as results do (``docs/methods-suppression.md``), everything is decided together
with ``medvirk.analysis.suppression`` and nothing else decides visibility:

1. **Episodes** (threshold *k*, default 5): cells of closed episodes
   per node (service, unit, ancestors) × slot (everyone, and each background dimension's
   categories plus "not stated"), with every relation: a node's groups add up to the node,
   children add up to their parent in every slot.
2. **Outcomes and endings**: a cell per node × slot × option for each family (the change
   categories; the endings), with the relations "options add up to the group", "children add up
   to the parent" and "groups add up to the node" for every option. An option cell ("the
   recovered clients of service A") is a group of people too, so it gets the same threshold *k*,
   and everything is decided in **one** table (``FigureKind.NUMBERS``): deciding the families
   apart let the property test's attacker pin a small group from two families' figures together.

The secondary cells are proposed by hypercubes (``cubes.py``: fast, and each small cell it
covers is protected by construction); ``suppress`` then applies every rule to the whole table and
audits every small cell against the LP attacker, so the guarantee does not rest on the proposal.

Means (change, effect size, session feedback) are shown only for groups whose assessable
episodes (shown as counts) number at least *k*, and only where one outcome instrument lies
below the node. Periods are calendar half-years that have ended: a figure of a running period
would change as episodes close and give away the newest ones ("time is a filter too").

Pure (no Django): :func:`decide` takes the counts; ``dashboard.py`` reads them from the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from medvirk.analysis.suppression import (
    FigureKind,
    SuppressedTable,
    SuppressionPolicy,
    Table,
    TableBuilder,
    suppress,
)

NOT_STATED = ""
CHANGE_OPTIONS = ("recovered", "improved", "no_change", "deteriorated", "not_assessable")
END_OPTIONS = ("planned", "dropout", "other")
# The dashboard shows how many episodes ended in dropout, so the ending family it publishes is
# dropout against every other ending: a planned end and "other" are never shown apart, and
# deciding them apart would hide figures to protect groups nobody sees.
ENDINGS = ("dropout", "not_dropout")
FAMILIES = {"change": CHANGE_OPTIONS, "end": ENDINGS}


def ending(end: str) -> str:
    """Return the published ending family's option for an episode's end reason."""
    return "dropout" if end == "dropout" else "not_dropout"


Slot = tuple[str, str] | None  # (dimension, category) or None for everyone


@dataclass(frozen=True)
class Tree:
    """Nodes (``"s<id>"`` services, ``"u<id>"`` units) and each node's children; leaves are services."""

    children: Mapping[str, tuple[str, ...]]
    roots: tuple[str, ...]

    def nodes(self) -> list[str]:
        out: list[str] = []
        stack = list(self.roots)
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(self.children.get(node, ()))
        return sorted(out)


@dataclass(frozen=True)
class Layout:
    """The dimensions broken down and their categories ("not stated" included)."""

    dims: Mapping[str, tuple[str, ...]]

    def slots(self) -> list[Slot]:
        return [None, *((d, c) for d, cats in self.dims.items() for c in cats)]


@dataclass(frozen=True)
class Leaf:
    """Closed episodes of one service in one combination of background categories."""

    service: str
    categories: Mapping[str, str]  # dimension → category ("" when not stated)
    change: str  # one of CHANGE_OPTIONS
    end: str  # one of END_OPTIONS
    count: int


def cell_key(node: str, slot: Slot) -> str:
    return node if slot is None else f"{node}|{slot[0]}:{slot[1]}"


def option_key(option: str, node: str, slot: Slot) -> str:
    return f"{option}@{cell_key(node, slot)}"


@dataclass
class Counts:
    """Closed episodes per (node, slot), and per option of each family."""

    episodes: dict[tuple[str, Slot], int] = field(default_factory=dict)
    options: dict[str, dict[tuple[str, str, Slot], int]] = field(default_factory=dict)


def _ancestors(tree: Tree) -> dict[str, list[str]]:
    parent: dict[str, str] = {}
    for node, kids in tree.children.items():
        for kid in kids:
            parent[kid] = node
    out: dict[str, list[str]] = {}
    for node in tree.nodes():
        chain, current = [node], node
        while current in parent:
            current = parent[current]
            chain.append(current)
        out[node] = chain
    return out


def count(tree: Tree, layout: Layout, leaves: Iterable[Leaf]) -> Counts:
    """Add leaves up the tree and into every slot."""
    chains = _ancestors(tree)
    counts = Counts(options={family: {} for family in FAMILIES})
    nodes = tree.nodes()
    slots = layout.slots()
    for node in nodes:
        for slot in slots:
            counts.episodes[node, slot] = 0
            for family, options in FAMILIES.items():
                for option in options:
                    counts.options[family][option, node, slot] = 0
    for leaf in leaves:
        leaf_slots: list[Slot] = [None]
        for dim, cats in layout.dims.items():
            category = leaf.categories.get(dim, NOT_STATED)
            leaf_slots.append((dim, category if category in cats else NOT_STATED))
        end = ending(leaf.end)
        for node in chains[leaf.service]:
            for slot in leaf_slots:
                counts.episodes[node, slot] += leaf.count
                counts.options["change"][leaf.change, node, slot] += leaf.count
                counts.options["end"][end, node, slot] += leaf.count
    return counts


def _relations(b: TableBuilder, tree: Tree, layout: Layout, key: Callable[[str, Slot], str]) -> None:
    """Add "groups add up to the node" and "children add up to the parent" for every slot."""
    for node in tree.nodes():
        for dim, cats in layout.dims.items():
            b.relation(key(node, None), [key(node, (dim, c)) for c in cats])
        kids = tree.children.get(node, ())
        if kids:
            for slot in layout.slots():
                b.relation(key(node, slot), [key(kid, slot) for kid in kids])


def full_table(tree: Tree, layout: Layout, counts: Counts) -> Table:
    """The one table of everything the dashboard shows: episode cells and every option cell.

    Relations: a node's groups add up to the node and children to their parent, for episodes and
    for every option; a group's options add up to the group, for each family.
    """
    b = TableBuilder()
    for (node, slot), n in counts.episodes.items():
        b.cell(cell_key(node, slot), n)
    _relations(b, tree, layout, cell_key)
    for family, options in FAMILIES.items():
        for (option, node, slot), n in counts.options[family].items():
            b.cell(option_key(option, node, slot), n)
        for node, slot in counts.episodes:
            b.relation(cell_key(node, slot), [option_key(o, node, slot) for o in options])
        for option in options:
            _relations(b, tree, layout, lambda node, slot, o=option: option_key(o, node, slot))  # type: ignore[misc]
    return b.build()


@dataclass(frozen=True)
class Decision:
    """Every figure's visibility for one period: each cell's count, or None where it is hidden.

    Only what may be shown (as :class:`SuppressedTable`, it carries no hidden number), as a plain
    dict: it is kept in the shared cache and read on every visit of the dashboard.
    """

    counts: Mapping[str, int | None]

    @classmethod
    def of(cls, table: SuppressedTable) -> Decision:
        return cls({cell.key: cell.count for cell in table.decisions})

    def shown(self, node: str, slot: Slot = None) -> int | None:
        """Return the number of closed episodes of a group, or None when hidden."""
        return self.counts[cell_key(node, slot)]

    def option(self, family: str, option: str, node: str, slot: Slot = None) -> int | None:
        """Return how many of a group's episodes ended with ``option``, or None when hidden."""
        return self.counts[option_key(option, node, slot)]


def decide(tree: Tree, layout: Layout, counts: Counts, policy: SuppressionPolicy | None = None) -> Decision:
    """Decide every count at once with the threshold for numbers (*k*).

    An option cell ("the recovered clients of service A, women") is a group of people like any
    other, so it gets the same threshold; deciding episodes and both families in one table means
    no combination of shown figures narrows a small group (two families deciding separately could
    each be safe and still pin a group together).
    """
    from .cubes import cube_cells  # it reads this module's table layout

    policy = policy or SuppressionPolicy()
    hint, _uncovered = cube_cells(tree, layout, counts, policy.threshold)
    return Decision.of(suppress(full_table(tree, layout, counts), policy, FigureKind.NUMBERS, hide=hint))


def published(decision: Decision, keys: Sequence[str]) -> dict[str, int]:
    """Return what the dashboard shows of ``keys`` (for the attacker tests)."""
    return {key: n for key in keys if (n := decision.counts[key]) is not None}
