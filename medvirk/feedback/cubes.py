"""Hypercubes: secondary cells for the dashboard's decision chosen without linear programming.

The dashboard's table (``disclosure.full_table``) is a product of three structures: the tree of
services and units, the slots (everyone, and each background dimension's categories, which add up
to everyone), and the options (all closed episodes, and each family's options, which add up to
them). A *move* that changes a small cell and leaves every relation intact is then a product of
one move per axis that keeps that axis's sums: two siblings in opposite directions (or a path
up to the root), two categories of one dimension (or everyone with one category per dimension),
two options of one family (or all episodes with one option per family). Its cells are the
corners of a small hypercube, alternately raised and lowered.

If every corner is hidden, the attacker cannot tell the true counts from the counts after the
move. Moving far enough to empty the small cell (its like-signed corners hold at least as many)
and far enough to lift it to *k* (its opposite corners hold at least *k* minus its count) shows
both 0 and *k* are possible: exactly rule 3's condition, whatever else is hidden. This is the
hypercube method of statistical disclosure control (Repsilber; τ-ARGUS's GHMITER), used here
only to *propose* cells: :func:`medvirk.analysis.suppression.suppress` still decides the table
with these cells hidden, audits every small cell against the full LP attacker and adds what
the proposal missed (a cell no cube protects, such as a district's small count split over two
services). Choosing cubes takes milliseconds per small cell; the LP search it replaces took
minutes for a municipality with 10,000 episodes in a half-year (bench/feedback).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import product

from .disclosure import FAMILIES, Counts, Layout, Slot, Tree, cell_key, option_key

Option = tuple[str, str] | None  # (family, option), or None for all closed episodes
Corner = tuple[str, Slot, Option]


class _Grid:
    """Counts by (node, slot, option) and the tree's parents and leaf paths."""

    def __init__(self, tree: Tree, layout: Layout, counts: Counts) -> None:
        self.tree = tree
        self.layout = layout
        self.counts = counts
        self.parent = {kid: node for node, kids in tree.children.items() for kid in kids}

    def value(self, node: str, slot: Slot, option: Option) -> int:
        if option is None:
            return self.counts.episodes[node, slot]
        return self.counts.options[option[0]][option[1], node, slot]

    def down(self, node: str, slot: Slot, option: Option) -> list[str]:
        """A path from ``node`` down to a service, through the child holding most of the cell."""
        path = [node]
        while kids := self.tree.children.get(path[-1]):
            path.append(max(kids, key=lambda kid: (self.value(kid, slot, option), kid)))
        return path

    def node_moves(self, node: str, slot: Slot, option: Option) -> Iterator[Mapping[str, int]]:
        """Moves along the tree: against each sibling, and along the path to the root."""
        own = self.down(node, slot, option)
        up = self.parent.get(node)
        if up is not None:
            for sibling in self.tree.children[up]:
                if sibling != node:
                    move = dict.fromkeys(own, 1)
                    move.update(dict.fromkeys(self.down(sibling, slot, option), -1))
                    yield move
        ancestors = []
        while up is not None:
            ancestors.append(up)
            up = self.parent.get(up)
        yield dict.fromkeys([*ancestors, *own], 1)

    def slot_moves(self, node: str, slot: Slot, option: Option) -> Iterator[Mapping[Slot, int]]:
        """Moves across slots: against another category of the dimension, or everyone with one
        category per dimension (the one holding most of the node's cell)."""
        if slot is not None:
            dim, category = slot
            for other in self.layout.dims[dim]:
                if other != category:
                    yield {slot: 1, (dim, other): -1}
        move: dict[Slot, int] = {None: 1}
        for dim, cats in self.layout.dims.items():
            if slot is not None and slot[0] == dim:
                move[slot] = 1
            else:
                best = max(cats, key=lambda c: (self.value(node, (dim, c), option), c))
                move[dim, best] = 1
        yield move

    def option_moves(self, node: str, slot: Slot, option: Option) -> Iterator[Mapping[Option, int]]:
        """Moves across options: against another option of the family, or all episodes with one
        option per family."""
        if option is not None:
            family, name = option
            for other in FAMILIES[family]:
                if other != name:
                    yield {option: 1, (family, other): -1}
        move: dict[Option, int] = {None: 1}
        for family, names in FAMILIES.items():
            if option is not None and option[0] == family:
                move[option] = 1
            else:
                best = max(names, key=lambda o: (self.value(node, slot, (family, o)), o))
                move[family, best] = 1
        yield move


def key_of(corner: Corner) -> str:
    node, slot, option = corner
    return cell_key(node, slot) if option is None else option_key(option[1], node, slot)


def cube_cells(tree: Tree, layout: Layout, counts: Counts, k: int) -> tuple[set[str], set[str]]:
    """Return keys of cells to hide so that a hypercube of hidden cells protects each small cell,
    and the keys of the small cells no cube can protect.

    Small cells are taken smallest first; each gets the cube that hides the fewest respondents
    not yet hidden (cells already hidden cost nothing), then the fewest cells, then the first in
    key order. Then, largest first, each chosen cell is shown again if every small cell whose
    cube used it has another cube of hidden cells without it. A small cell for which no cube
    works is left to the LP search in ``suppress``.
    """
    grid = _Grid(tree, layout, counts)
    options: list[Option] = [None, *((f, o) for f, names in FAMILIES.items() for o in names)]
    small: list[tuple[int, str, Corner]] = []
    for node in tree.nodes():
        for slot in layout.slots():
            for option in options:
                n = grid.value(node, slot, option)
                if 0 < n < k:
                    small.append((n, key_of((node, slot, option)), (node, slot, option)))
    small.sort()
    hidden = {key for _n, key, _c in small}
    cubes = {key: _cubes(grid, corner) for _n, key, corner in small}
    chosen: dict[str, int] = {}  # key → count
    used: dict[str, set[str]] = {}  # chosen cell → small cells whose cube holds it
    uncovered: set[str] = set()
    for n, key, _corner in small:
        best = min(
            (found for cube in cubes[key] if (found := _cost(grid, cube, n, k, hidden)) is not None),
            default=None,
        )
        if best is None:
            uncovered.add(key)
            continue
        for cell, value in best[2]:
            hidden.add(cell)
            chosen[cell] = value
        for cell in best[3]:
            used.setdefault(cell, set()).add(key)
    counts_of = {key: n for n, key, _c in small}
    for cell in sorted(chosen, key=lambda c: (-chosen[c], c)):
        hidden.discard(cell)
        moved: dict[str, list[str]] = {}
        for key in sorted(used.get(cell, ())):
            other = next(
                (
                    found
                    for cube in cubes[key]
                    if (found := _cost(grid, cube, counts_of[key], k, hidden, free_only=True)) is not None
                ),
                None,
            )
            if other is None:
                break
            moved[key] = other[3]
        else:
            for key, corners in moved.items():
                for corner in corners:
                    used.setdefault(corner, set()).add(key)
            del chosen[cell]
            continue
        hidden.add(cell)
    return set(chosen), uncovered


Cube = tuple[Mapping[str, int], Mapping[Slot, int], Mapping[Option, int]]


def _cubes(grid: _Grid, corner: Corner) -> list[Cube]:
    """Every cube the moves of :class:`_Grid` give for one small cell."""
    return list(
        product(
            list(grid.node_moves(*corner)),
            list(grid.slot_moves(*corner)),
            list(grid.option_moves(*corner)),
        )
    )


def _cost(
    grid: _Grid, cube: Cube, n: int, k: int, hidden: set[str], *, free_only: bool = False
) -> tuple[int, int, list[tuple[str, int]], list[str]] | None:
    """Return (respondents newly hidden, cells newly hidden, those cells with their counts, every
    corner) for a cube, or None when it cannot move the small cell (count ``n``) to both 0 and
    ``k``; with ``free_only`` also None when it would hide anything new."""
    a, b, c = cube
    respondents = 0
    new: list[tuple[str, int]] = []
    corners: list[str] = []
    for node, sa in a.items():
        for slot, sb in b.items():
            for option, sc in c.items():
                key = key_of((node, slot, option))
                if free_only and key not in hidden:
                    return None
                value = grid.value(node, slot, option)
                # Like-signed corners fall by n when the small cell is emptied; the others by
                # k - n when it is lifted to k. Neither may go below zero.
                if value < (n if sa * sb * sc > 0 else k - n):
                    return None
                corners.append(key)
                if key not in hidden:
                    respondents += value
                    new.append((key, value))
    new.sort()
    return respondents, len(new), new, corners


__all__ = ["cube_cells"]
