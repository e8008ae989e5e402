"""Decide which survey figures may be shown: the single place that enforces anonymity.

Every page, chart, export and API response must take its numbers from a
:class:`SuppressedTable` produced here; nothing else decides visibility.

Model
-----
Everything published together (and everything a user could combine, such as two filters
over the same respondents) is one :class:`Table`: a set of :class:`Cell` objects, each a
group of respondents with its respondent count, and :class:`Relation` objects saying that a
parent cell's respondents are exactly the union of its disjoint child cells (so counts and
every other additive figure, such as the number choosing an option or a sum of scores,
satisfy ``parent = sum(children)``). Examples: all respondents = men + women + other +
"prefer not to say"/missing; a district = the sum of its units; each row and column of a
crosstab; an outer filter = inner filter + the (never shown) difference group.

Rules (with threshold *k*: ``policy.threshold`` for numbers, ``policy.text_threshold`` for
free text)
---------------------------------------------------------------------------------------------
1. *Primary*: a published cell with ``0 < count < k`` is hidden. Zero cells are shown: no
   person stands behind an empty group, and hiding zeros would not protect anyone
   (a zero child adds nothing to any sum). A cell marked ``published=False`` (a difference
   group, a "missing" remainder nobody displays) is never shown, and if it is small it must
   be protected exactly like a primary cell: it is *sensitive*.
2. *Secondary, per relation*: whenever a sensitive cell is hidden among a shown parent's
   children, at least two children are hidden and together they hold at least *k*
   respondents, so "parent minus the shown children" only reveals an aggregate of *k* or
   more people. Extra cells are chosen to hide as little as possible: the fewest cells,
   then the smallest counts, then key order (deterministic).
3. *Secondary, audit*: rule 2 looks at one relation at a time, but an attacker can combine
   all of them (rows with columns, a unit with its district, two filters). So after rule 2
   reaches a fixed point, each sensitive cell is attacked with linear programming over
   everything published (all relations, counts ≥ 0). The cell is protected when the
   attacker can neither rule out that it is empty (lowest feasible value 0) nor that it
   holds *k* or more respondents (highest feasible value ≥ *k*). If not, one more shown
   cell near it is hidden (the first of the nearest, smallest cells whose hiding fixes it,
   else the smallest nearest; this may be the parent) and rules 2-3 run again. This always
   ends: hiding every non-zero cell protects everything.
4. *Clean-up*: each secondary cell, largest first, is shown again if rules 2-3 still hold
   without it, undoing greedy choices that later ones made redundant.

Hidden cells that are not sensitive (secondary cells, large difference groups) may still be
derivable; that is harmless because they describe *k* or more respondents.

*Linked decisions.* Two related tables (a survey round's respondents, then each question's
answers) are decided one after the other: the second table also holds the first one's cells,
``suppress(..., known=shown cells of the first, hide=hidden cells of the first)`` keeps the
first decision fixed (known cells are never hidden, hidden ones never shown), and unpublished
remainders whose size is public anyway (who skipped a question) are added with
``protect=False``. Rules 1-4 then protect every small cell with ``protect=True`` against
everything both show (see ``medvirk/insights/disclosure.py``).

The LP bounds are over real numbers. For hierarchies and two-way crosstabs the equations
form a network, whose LP bounds are whole numbers anyway, so an attacker using integers
learns nothing more (the tests also check this with integer programming for hierarchical
crosstabs and nested filters); for other overlapping structures, such as three-way tables
with all margins, integer bounds could be slightly tighter.

The per-option rule applies the same logic to answer counts with the smaller threshold
``policy.option_min_answers``: options chosen by fewer answers are merged (or hidden)
together with enough other options that the merged figure covers at least that many. For
one group on its own use :func:`suppress_options`. When option counts are shown for several
related groups (units and their district), per-group merging is not enough (district count
minus the other units' counts gives the unit's count), so build a table of (group, option)
cells with both relations - options add up to the group's answers, units add up to the
district - and call ``suppress(table, policy, FigureKind.OPTIONS)``.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import highspy
import numpy as np

__all__ = [
    "DEFAULT_OPTION_MIN_ANSWERS",
    "DEFAULT_TEXT_THRESHOLD",
    "DEFAULT_THRESHOLD",
    "Cell",
    "CellDecision",
    "CellStatus",
    "FigureKind",
    "OptionAction",
    "OptionDecision",
    "OptionResult",
    "Reason",
    "Relation",
    "SuppressedTable",
    "SuppressionPolicy",
    "Table",
    "TableBuilder",
    "attacker_interval",
    "suppress",
    "suppress_options",
]

DEFAULT_THRESHOLD = 5
DEFAULT_TEXT_THRESHOLD = 8
DEFAULT_OPTION_MIN_ANSWERS = 3

# LP answers are floats; a bound within this of an integer is that integer.
_EPS = 1e-6


class FigureKind(StrEnum):
    """What a table's cells count, which decides the threshold *k*.

    ``NUMBERS``: respondents per group (``threshold``). ``FREE_TEXT``: respondents per group
    whose comments would be listed (``text_threshold``). ``OPTIONS``: answers per
    (group, answer option) cell (``option_min_answers``), for the per-option rule across
    several shown groups.
    """

    NUMBERS = "numbers"
    FREE_TEXT = "free_text"
    OPTIONS = "options"


class OptionAction(StrEnum):
    """What to do with answer options that too few respondents chose."""

    MERGE = "merge"  # show one combined "other options" figure
    HIDE = "hide"  # show neither the options nor their combined figure


@dataclass(frozen=True, slots=True)
class SuppressionPolicy:
    """A survey's anonymity thresholds. They can be raised, never lowered below the defaults.

    ``threshold``: minimum respondents behind any number. ``text_threshold``: minimum
    respondents in a group whose free-text answers are shown. ``option_min_answers``:
    within a shown group, options with fewer answers than this are merged or hidden
    according to ``option_action``.
    """

    threshold: int = DEFAULT_THRESHOLD
    text_threshold: int = DEFAULT_TEXT_THRESHOLD
    option_min_answers: int = DEFAULT_OPTION_MIN_ANSWERS
    option_action: OptionAction = OptionAction.MERGE

    def __post_init__(self) -> None:
        """Reject any attempt to weaken the defaults."""
        if self.threshold < DEFAULT_THRESHOLD:
            raise ValueError(f"threshold may not be below {DEFAULT_THRESHOLD}")
        if self.text_threshold < max(DEFAULT_TEXT_THRESHOLD, self.threshold):
            raise ValueError("text_threshold may not be below 8 or below threshold")
        if self.option_min_answers < DEFAULT_OPTION_MIN_ANSWERS:
            raise ValueError(f"option_min_answers may not be below {DEFAULT_OPTION_MIN_ANSWERS}")

    def threshold_for(self, kind: FigureKind) -> int:
        """Return the threshold *k* that applies to figures of ``kind``."""
        if kind is FigureKind.FREE_TEXT:
            return self.text_threshold
        if kind is FigureKind.OPTIONS:
            return self.option_min_answers
        return self.threshold


@dataclass(frozen=True, slots=True)
class Cell:
    """A group of respondents and how many there are.

    ``published=False`` marks a group that is never shown but can be computed from shown
    ones, e.g. the respondents in an outer filter but not in an inner one. ``protect=False``
    exempts such an unpublished group from protection even when it is small: use it for
    remainders whose size is public anyway by design, such as the respondents of a group who
    skipped a question (respondents and answers are both shown). It is still a variable the
    attacker does not know, so it keeps bounds honest (answers ≤ respondents).

    ``threshold`` overrides the table's threshold *k* for this cell: one table can hold cells
    of different kinds, such as a group's respondents (threshold 5) and how many of them chose
    an answer option (option minimum 3), which must be protected together.
    """

    key: str
    count: int
    published: bool = True
    protect: bool = True
    threshold: int | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """``parent`` is the disjoint union of ``children``, so its figures are their sums."""

    parent: str
    children: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """All cells that can be seen together, and the additive relations between them."""

    cells: tuple[Cell, ...]
    relations: tuple[Relation, ...] = ()
    _by_key: Mapping[str, Cell] = field(init=False, repr=False, compare=False)
    _relations_of: _RelationIndex = field(init=False, repr=False, compare=False)
    _counts: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Check keys, non-negative counts and that every relation adds up."""
        by_key = {cell.key: cell for cell in self.cells}
        counts = {key: cell.count for key, cell in by_key.items()}
        index = None
        if len(by_key) == len(self.cells) and min(counts.values(), default=0) >= 0:
            with contextlib.suppress(KeyError):  # a relation names an unknown cell
                index = _RelationIndex(self.relations, {key: i for i, key in enumerate(by_key)})
        # The index checks every relation at once (numpy); only an invalid table is walked
        # cell by cell and relation by relation, to report its first error.
        if index is None or not index.adds_up(np.fromiter(counts.values(), np.int64, len(counts))):
            self._raise_first_error(by_key)
        self._index(by_key, counts, index)

    def _raise_first_error(self, by_key: Mapping[str, Cell]) -> None:
        """Raise ValueError for the first problem in cell, then relation order."""
        seen: set[str] = set()
        for cell in self.cells:
            if cell.key in seen:
                raise ValueError(f"duplicate cell key {cell.key!r}")
            seen.add(cell.key)
        for cell in self.cells:
            if cell.count < 0:
                raise ValueError(f"negative count in {cell.key!r}")
        for rel in self.relations:
            keys = (rel.parent, *rel.children)
            missing = [k for k in keys if k not in by_key]
            if missing:
                raise ValueError(f"relation refers to unknown cells {missing}")
            if len(set(keys)) != len(keys) or not rel.children:
                raise ValueError(f"relation for {rel.parent!r} repeats a cell or is empty")
            total = sum(by_key[c].count for c in rel.children)
            if total != by_key[rel.parent].count:
                raise ValueError(
                    f"{rel.parent!r} has {by_key[rel.parent].count} respondents "
                    f"but its children sum to {total}"
                )
        raise AssertionError("table checks disagree")  # unreachable: adds_up found a problem

    def _index(
        self,
        by_key: dict[str, Cell],
        counts: dict[str, int],
        relations_of: _RelationIndex | None = None,
    ) -> None:
        """Store the lookups every decision uses, so they are built once per table."""
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_counts", counts)
        if relations_of is None:
            relations_of = _RelationIndex(self.relations, {key: i for i, key in enumerate(by_key)})
        object.__setattr__(self, "_relations_of", relations_of)

    @classmethod
    def _derived(
        cls,
        cells: tuple[Cell, ...],
        relations: tuple[Relation, ...],
        relations_of: _RelationIndex | None = None,
    ) -> Table:
        """Return a table made from cells and relations of an already validated table.

        For tables derived from a valid one without changing any count or relation (a subset
        closed under its relations, or different ``protect`` flags) the checks cannot fail,
        so they are skipped: large linked tables are derived several times per question.
        """
        table = object.__new__(cls)
        object.__setattr__(table, "cells", cells)
        object.__setattr__(table, "relations", relations)
        by_key = {cell.key: cell for cell in cells}
        table._index(by_key, {key: cell.count for key, cell in by_key.items()}, relations_of)
        return table

    def recounted(self, counts: Sequence[int]) -> Table:
        """Return the same cells and relations with new ``counts`` (one per cell, in order).

        For many tables of one shape (a question's table for every question): the relations
        and their index are shared, and the counts are checked against all of them at once.
        """
        if len(counts) != len(self.cells):
            raise ValueError(f"expected {len(self.cells)} counts, got {len(counts)}")
        # Cells whose count is unchanged are reused (they are immutable): fewer new objects.
        cells = tuple(
            c if c.count == n else Cell(c.key, n, c.published, c.protect, c.threshold)
            for c, n in zip(self.cells, counts, strict=True)
        )
        array = np.asarray(counts, dtype=np.int64)
        if array.min(initial=0) < 0 or not self._relations_of.adds_up(array):
            Table(cells, self.relations)  # raises the first error, as building it would
        return Table._derived(cells, self.relations, self._relations_of)

    def subtable(self, keep: Callable[[str], bool]) -> Table:
        """Return the cells whose keys ``keep`` accepts and the relations among them only.

        ``keep`` must depend on the key alone: its choice is remembered for every table with
        the same cells and relations (see :meth:`recounted`).
        """
        shared = self._relations_of.derived
        found = shared.get(("subtable", keep))
        if found is not None:
            positions, relations, index = found
            return Table._derived(tuple(self.cells[i] for i in positions), relations, index)
        positions = [i for i, c in enumerate(self.cells) if keep(c.key)]
        cells = tuple(self.cells[i] for i in positions)
        kept = {c.key for c in cells}
        relations = tuple(r for r in self.relations if r.parent in kept and kept.issuperset(r.children))
        table = Table._derived(cells, relations)
        if len(shared) < _DERIVED_MAX:
            shared["subtable", keep] = (positions, relations, table._relations_of)
        return table

    def unprotected(self, exempt: Callable[[str], bool]) -> Table:
        """Return the same table with ``protect=False`` for the cells whose keys ``exempt`` accepts.

        ``exempt`` must depend on the key alone (remembered as for :meth:`subtable`).
        """
        shared = self._relations_of.derived
        positions = shared.get(("unprotected", exempt))
        if positions is None:
            positions = [i for i, c in enumerate(self.cells) if exempt(c.key)]
            if len(shared) < _DERIVED_MAX:
                shared["unprotected", exempt] = positions
        cells = list(self.cells)
        for i in positions:
            cell = cells[i]
            if cell.protect:
                cells[i] = Cell(cell.key, cell.count, cell.published, False, cell.threshold)
        # Same relations and counts: the relation index and the counts are shared, not rebuilt.
        return Table._derived(tuple(cells), self.relations, self._relations_of)

    def __getitem__(self, key: str) -> Cell:
        """Return the cell with ``key``."""
        return self._by_key[key]

    def __contains__(self, key: object) -> bool:
        """Return whether a cell with ``key`` exists."""
        return key in self._by_key


_DERIVED_MAX = 8  # predicates remembered per relation index (normally one or two)


class _RelationIndex:
    """The relations each cell is part of, in table order: ``get(key)`` as for a dict of lists.

    Stored flat (relation numbers sorted by cell, and where each cell's run starts) instead
    of as one list per cell: a large table is built for every question, and many thousands
    of small long-lived lists made the garbage collector a large part of the cost.
    """

    __slots__ = ("_members", "_position", "_relations", "_sizes", "_start", "_which", "derived")

    def __init__(self, relations: tuple[Relation, ...], position: Mapping[str, int]) -> None:
        """Index ``relations`` by the cells they mention; ``position`` numbers every cell.

        Raises KeyError when a relation mentions a cell that ``position`` does not number.
        """
        # Every relation's parent, then its children, as cell numbers, one relation after another.
        members = np.asarray(
            [position[key] for rel in relations for key in (rel.parent, *rel.children)], dtype=np.int64
        )
        sizes = np.asarray([1 + len(rel.children) for rel in relations], dtype=np.int64)
        order = np.argsort(members, kind="stable")  # stable: each cell's relations in table order
        self._which: list[int] = np.repeat(np.arange(len(relations)), sizes)[order].tolist()
        self._start: list[int] = np.searchsorted(members[order], np.arange(len(position) + 1)).tolist()
        self._relations = relations
        self._position = position
        self._members = members
        self._sizes = sizes
        # What :meth:`Table.subtable` and :meth:`Table.unprotected` select, by predicate:
        # the same for every table sharing this index (same cells, same relations).
        self.derived: dict[tuple[str, Callable[[str], bool]], Any] = {}

    def adds_up(self, counts: np.ndarray) -> bool:
        """Return whether every relation has children, no repeated cell and ``parent = sum``.

        ``counts`` holds each cell's count by its number.
        """
        if not len(self._sizes):
            return True
        if self._sizes.min() < 2:
            return False
        relation = np.repeat(np.arange(len(self._sizes)), self._sizes)
        pairs = relation * len(counts) + self._members  # (relation, cell) as one number
        if np.unique(pairs).size != pairs.size:
            return False
        starts = np.cumsum(self._sizes) - self._sizes
        signed = counts[self._members]
        signed[starts] *= -1  # parent minus children, negated: zero when the relation adds up
        return not np.add.reduceat(signed, starts).any()

    def get(self, key: str, default: Sequence[Relation] = ()) -> Sequence[Relation]:
        """Return the relations that mention ``key`` (``default`` if none)."""
        i = self._position.get(key)
        if i is None or self._start[i] == self._start[i + 1]:
            return default
        return [self._relations[r] for r in self._which[self._start[i] : self._start[i + 1]]]


class TableBuilder:
    """Collect cells and relations, then :meth:`build` a validated, frozen :class:`Table`.

    Mutable on purpose: tables are assembled in loops over units and dimensions.
    """

    def __init__(self) -> None:
        """Start an empty table."""
        self._cells: dict[str, Cell] = {}
        self._relations: list[Relation] = []

    def cell(
        self,
        key: str,
        count: int,
        *,
        published: bool = True,
        protect: bool = True,
        threshold: int | None = None,
    ) -> str:
        """Add a cell (or check an identical one exists) and return its key."""
        new = Cell(key, count, published, protect, threshold)
        old = self._cells.setdefault(key, new)
        if old is not new and old != new:
            raise ValueError(f"cell {key!r} added twice with different values")
        return key

    def cells(
        self,
        keys: Iterable[str],
        counts: Iterable[int],
        *,
        published: bool = True,
        protect: bool = True,
        threshold: int | None = None,
    ) -> None:
        """Add a cell for each key and count, as :meth:`cell` does (faster for many cells)."""
        added = self._cells
        for key, count in zip(keys, counts, strict=True):
            new = Cell(key, count, published, protect, threshold)
            old = added.setdefault(key, new)
            if old is not new and old != new:
                raise ValueError(f"cell {key!r} added twice with different values")

    def relation(self, parent: str, children: Iterable[str]) -> None:
        """Declare ``parent = sum(children)`` between existing cells."""
        self._relations.append(Relation(parent, tuple(children)))

    def breakdown(self, parent: str, children: Mapping[str, int]) -> None:
        """Add child cells and the relation to an existing parent.

        Include a child for "prefer not to say"/missing so the children cover the parent.
        """
        for key, count in children.items():
            self.cell(key, count)
        self.relation(parent, children)

    def difference(self, outer: str, inner: str, key: str) -> str:
        """Add the never-shown group ``outer`` minus ``inner`` (nested filters) and relate them.

        Use this for every pair of filters a user could view one after the other.
        """
        count = self._cells[outer].count - self._cells[inner].count
        if count < 0:
            raise ValueError(f"{inner!r} is not contained in {outer!r}")
        self.cell(key, count, published=False)
        self.relation(outer, (inner, key))
        return key

    def crosstab(
        self,
        counts: Mapping[tuple[str, str], int],
        rows: Mapping[str, str],
        cols: Mapping[str, str],
        key: str = "{row}|{col}",
    ) -> None:
        """Add interior cells of a crosstab plus its row and column relations.

        ``rows``/``cols`` map each row/column label to the key of its (existing) total
        cell; ``key`` formats interior cell keys.
        """
        for (r, c), n in counts.items():
            self.cell(key.format(row=r, col=c), n)
        for r, total in rows.items():
            self.relation(total, [key.format(row=r, col=c) for c in cols])
        for c, total in cols.items():
            self.relation(total, [key.format(row=r, col=c) for r in rows])

    def build(self) -> Table:
        """Return the validated table."""
        return Table(tuple(self._cells.values()), tuple(self._relations))


class CellStatus(StrEnum):
    """Whether a cell may be seen, and if not, why in one word."""

    SHOWN = "shown"
    PRIMARY = "primary"  # too few respondents
    SECONDARY = "secondary"  # hidden to protect a primary cell
    NOT_PUBLISHED = "not_published"  # never shown by design (difference groups etc.)


# Enum members looked up once: ``CellStatus.SHOWN`` is a descriptor call, and ``shown`` is
# asked for every cell of every decision.
_SHOWN = CellStatus.SHOWN


class Reason(StrEnum):
    """Reason code for each decision, for logs, tooltips and the API."""

    ENOUGH_RESPONDENTS = "enough_respondents"
    ZERO = "zero"  # shown: an empty group reveals nobody
    BELOW_THRESHOLD = "below_threshold"
    COMPLETES_RELATION = "completes_relation"  # rule 2
    BLOCKS_INFERENCE = "blocks_inference"  # rule 3 (LP audit)
    NOT_PUBLISHED = "not_published"
    DECIDED_ELSEWHERE = "decided_elsewhere"  # hidden by a linked, earlier decision (``hide=``)
    TIME_LIMIT = "time_limit"  # the audit ran out of time: every non-zero count withheld


@dataclass(frozen=True, slots=True)
class CellDecision:
    """What may be shown of one cell. ``count`` is None whenever the cell is hidden."""

    key: str
    status: CellStatus
    reason: Reason
    count: int | None

    @property
    def shown(self) -> bool:
        """Return whether the cell and every figure computed from it may be shown."""
        return self.status is _SHOWN


@dataclass(frozen=True, slots=True)
class SuppressedTable:
    """The outcome of :func:`suppress`; carries no hidden number, so it is safe to serialise."""

    decisions: tuple[CellDecision, ...]
    threshold: int
    kind: FigureKind
    _by_key: Mapping[str, CellDecision] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Index decisions by key."""
        object.__setattr__(self, "_by_key", {d.key: d for d in self.decisions})

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle as columns (key, status, reason, count), without the index.

        Decisions are kept in the shared cache and read by every web worker for every new data
        version (``insights.disclosure``). Pickled as dataclasses, each cell was rebuilt by
        ``dataclasses``' generic ``__setstate__`` (a Python loop per cell): a round of 27,000
        cells took a worker 250–300 ms of CPU to read; as columns a fraction of it (issue 21).
        """
        columns = tuple(
            zip(*((d.key, d.status.value, d.reason.value, d.count) for d in self.decisions), strict=True)
        )
        return (_table_from_columns, (*(columns or ((), (), (), ())), self.threshold, self.kind.value))

    def __getitem__(self, key: str) -> CellDecision:
        """Return the decision for cell ``key``."""
        return self._by_key[key]

    def is_shown(self, key: str) -> bool:
        """Return whether figures for cell ``key`` may be shown."""
        return self._by_key[key].shown

    def shown_counts(self) -> dict[str, int]:
        """Return the respondent count of every shown cell."""
        return {d.key: d.count for d in self.decisions if d.count is not None}

    def as_dict(self) -> dict[str, dict[str, str | int | None]]:
        """Return a JSON-ready ``{key: {"status", "reason", "count"}}`` for exports and the API."""
        return {
            d.key: {"status": d.status.value, "reason": d.reason.value, "count": d.count}
            for d in self.decisions
        }


def _table_from_columns(
    keys: Sequence[str],
    statuses: Sequence[str],
    reasons: Sequence[str],
    counts: Sequence[int | None],
    threshold: int,
    kind: str,
) -> SuppressedTable:
    """Rebuild a pickled :class:`SuppressedTable` (see its ``__reduce__``)."""
    status_of = {s.value: s for s in CellStatus}
    reason_of = {r.value: r for r in Reason}
    decisions = tuple(
        CellDecision(key, status_of[status], reason_of[reason], count)
        for key, status, reason, count in zip(keys, statuses, reasons, counts, strict=True)
    )
    return SuppressedTable(decisions, threshold, FigureKind(kind))


# ---------------------------------------------------------------------------------------------
# The algorithm
# ---------------------------------------------------------------------------------------------


def _pick_partners(candidates: Sequence[Cell], deficit: int, need_cells: int) -> list[Cell]:
    """Choose extra cells that add at least ``deficit`` respondents and ``need_cells`` cells.

    Fewest cells first, then smallest counts: while one cell cannot close the gap take the
    largest, then finish with the smallest cell that closes it. Ties break on key order.
    """
    pool = sorted((c for c in candidates if c.count > 0), key=lambda c: (c.count, c.key))
    chosen: list[Cell] = []
    while pool and (deficit > 0 or len(chosen) < need_cells):
        if len(chosen) + 1 >= need_cells:
            enough = [c for c in pool if c.count >= deficit]
            pick = enough[0] if enough else pool[-1]
        else:
            # More cells are needed anyway: take the smallest, the later picks close the gap.
            pick = pool[0]
        chosen.append(pick)
        pool.remove(pick)
        deficit -= pick.count
    return chosen


def _need(hidden_children: Sequence[Cell], sensitive: Mapping[str, int]) -> int:
    """Return how many respondents the hidden children of a relation must hold together (rule 2).

    0 when none of them is sensitive; else the highest threshold among the sensitive ones.
    """
    return max((sensitive[c.key] for c in hidden_children if c.key in sensitive), default=0)


def _relation_ok(
    rel: Relation, hidden: Mapping[str, object], sensitive: Mapping[str, int], table: Table
) -> bool:
    """Return whether one relation satisfies rule 2 for the given hidden cells."""
    if rel.parent in hidden:
        return True  # the derivable quantity is then a sum of shown cells; rule 3 audits
    hidden_children = [table[c] for c in rel.children if c in hidden]
    need = _need(hidden_children, sensitive)
    if not need:
        return True
    return len(hidden_children) >= 2 and sum(c.count for c in hidden_children) >= need


def _relation_pass(
    table: Table,
    hidden: dict[str, Reason],
    sensitive: Mapping[str, int],
    fixed: frozenset[str] = frozenset(),
    relations: Sequence[Relation] | None = None,
) -> bool:
    """Apply rule 2 to every relation until nothing changes; return whether anything did.

    ``relations`` may narrow the pass to the relations that have a sensitive child, in table
    order: every other relation always satisfies rule 2 (see :func:`_with_sensitive_child`).
    """
    relations = table.relations if relations is None else relations
    changed_any = False
    changed = True
    while changed:
        changed = False
        for rel in relations:
            if _relation_ok(rel, hidden, sensitive, table):
                continue
            hidden_children = [table[c] for c in rel.children if c in hidden]
            total = sum(c.count for c in hidden_children)
            candidates = [table[c] for c in rel.children if c not in hidden and c not in fixed]
            deficit = _need(hidden_children, sensitive) - total
            extra = _pick_partners(candidates, deficit, 2 - len(hidden_children))
            for cell in extra:
                hidden[cell.key] = Reason.COMPLETES_RELATION
            changed = changed or bool(extra)
        changed_any = changed_any or changed
    return changed_any


def _with_sensitive_child(table: Table, sensitive: Mapping[str, int]) -> list[Relation]:
    """Return, in table order, the relations that rule 2 can ever find unsatisfied.

    A relation fails rule 2 only when one of its hidden children is sensitive. Sensitive
    cells are hidden from the start and stay hidden, so a relation without a sensitive child
    is always satisfied: skipping it changes nothing and saves most of the work in large
    tables, where few relations touch a small cell.
    """
    return [rel for rel in table.relations if not sensitive.keys().isdisjoint(rel.children)]


@dataclass(frozen=True, slots=True)
class _System:
    """The attacker's equations for hidden cells: ``A x = b``, ``x ≥ 0``.

    ``A`` is stored row-wise (CSR: row ``i`` has ``value[start[i]:start[i+1]]`` in columns
    ``index[start[i]:start[i+1]]``, columns ascending), the form HiGHS loads directly.
    """

    variables: tuple[str, ...]
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray
    b: np.ndarray


def _system(relations: Iterable[Relation], hidden: Iterable[str], shown: Mapping[str, int]) -> _System:
    """Build the linear system an attacker gets from the shown counts and the relations.

    ``shown`` must hold the count of every cell of ``relations`` that is not in ``hidden``
    (it may hold more, e.g. every count of the table).
    """
    variables = tuple(sorted(hidden))
    position = {key: i for i, key in enumerate(variables)}
    start = [0]
    cols: list[int] = []
    vals: list[float] = []
    rhs: list[float] = []
    for rel in relations:
        # parent - sum(children) = 0, with the shown cells moved to the right-hand side.
        constant = 0.0
        row_terms = []
        col = position.get(rel.parent)
        if col is None:
            constant += shown[rel.parent]
        else:
            row_terms.append((col, 1.0))
        for child in rel.children:
            col = position.get(child)
            if col is None:
                constant -= shown[child]
            else:
                row_terms.append((col, -1.0))
        if not row_terms:
            continue
        row_terms.sort()  # a cell occurs once per relation, so columns are distinct
        cols.extend(col for col, _sign in row_terms)
        vals.extend(sign for _col, sign in row_terms)
        start.append(len(cols))
        rhs.append(-constant)
    return _System(
        variables,
        np.asarray(start, dtype=np.int32),
        np.asarray(cols, dtype=np.int32),
        np.asarray(vals, dtype=float),
        np.asarray(rhs, dtype=float),
    )


def attacker_interval(table: Table, hidden: Iterable[str], key: str) -> tuple[float, float]:
    """Return the lowest and highest count of hidden cell ``key`` consistent with what is shown.

    The attacker knows every shown count, every relation and that counts are ≥ 0
    (real-valued LP relaxation; ``inf`` when unbounded).
    """
    hidden_set = set(hidden)
    shown = {c.key: c.count for c in table.cells if c.key not in hidden_set}
    return _Attacker(_system(table.relations, hidden_set | {key}, shown)).interval(key)


class _Attacker:
    """One attacker LP (HiGHS) for a system, re-solved per cell with a new objective.

    highspy is used directly rather than ``scipy.optimize.linprog`` because the model is
    loaded once and warm-started for every cell and direction, which is several times
    faster than rebuilding it for each of the two LPs per small cell.

    Every solution found is a feasible point of the attacker's system, i.e. counts consistent
    with everything shown. So each one is remembered as a witness: a cell that some witness
    sets to 0 and some witness (or an unbounded ray) sets to ``k`` or more is protected
    without an LP of its own. Vertices of these systems have many empty and many large cells,
    so most small cells of a component are cleared by the LPs of the first few.
    """

    _UNBOUNDED = frozenset(
        {highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible}
    )

    _MAX_POINTS = 256  # witnesses kept (the newest): enough to settle most cells, cheap to filter

    def __init__(
        self, system: _System, pinned: Mapping[str, int] | None = None, watch: Iterable[str] = ()
    ) -> None:
        """Load ``A x = b, x ≥ 0`` into a silent HiGHS instance (``pinned`` variables fixed).

        ``watch``: the cells whose witnesses :meth:`pin` should try to keep (the small ones).
        """
        self._index = {key: i for i, key in enumerate(system.variables)}
        self._watch = np.array(sorted(self._index[key] for key in watch), dtype=np.int64)
        self._free = set(system.variables) - set(pinned or {})
        n = len(system.variables)
        lower = np.zeros(n)
        upper = np.full(n, highspy.kHighsInf)
        for key, value in (pinned or {}).items():
            lower[self._index[key]] = upper[self._index[key]] = float(value)
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = len(system.b)
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = lower
        lp.col_upper_ = upper
        lp.row_lower_ = system.b
        lp.row_upper_ = system.b
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_row_ = len(system.b)
        lp.a_matrix_.num_col_ = n
        lp.a_matrix_.start_ = system.start
        lp.a_matrix_.index_ = system.index
        lp.a_matrix_.value_ = system.value
        self._highs = highspy.Highs()
        self._highs.setOptionValue("output_flag", False)
        # Primal simplex: most solves change only the objective, which keeps the last basis
        # feasible, so primal needs ~10x fewer iterations than HiGHS's default dual simplex
        # (measured on the demo's option tables: 27 vs 271). Its vertices make poorer
        # witnesses (more LPs), but a round's decision still takes ~20 % less CPU
        # (bench/decide/RESULTS.md). Verdicts, hence decisions, do not depend on it.
        self._highs.setOptionValue("simplex_strategy", 4)
        if self._highs.passModel(lp) != highspy.HighsStatus.kOk:
            raise RuntimeError("could not load the attacker LP")
        self._points: list[np.ndarray] = []
        self.solves = 0  # LPs solved so far
        self._summarise()

    def _summarise(self) -> None:
        """Recompute, per variable, whether a witness has it at 0 and its largest value."""
        n = len(self._index)
        self._empty = np.zeros(n, dtype=bool)  # some witness has this cell at 0
        self._largest = np.zeros(n)  # the largest value of this cell in any witness
        for point in self._points:
            self._empty |= point <= _EPS
            np.maximum(self._largest, point, out=self._largest)

    def pin(self, key: str, value: int) -> None:
        """Fix ``key`` to ``value``, as if it were shown; keep the witnesses that agree.

        Two witnesses on either side of ``value`` give a third one at it (the system is convex):
        for every watched cell, such a mixture is kept when it is the only one found that has
        the cell empty, or it holds more of the cell than any kept witness does.
        """
        col = self._index[key]
        self._highs.changeColBounds(col, float(value), float(value))
        self._free.discard(key)
        if self._points:
            points = np.stack(self._points)
            gap = points[:, col] - value
            same, below, above = np.abs(gap) <= _EPS, gap < -_EPS, gap > _EPS
            kept = list(points[same])
            if below.any() and above.any() and len(self._watch):
                kept += self._mixtures(points, gap, same, below, above)
            self._points = kept[-self._MAX_POINTS :]
        self._summarise()

    def _mixtures(
        self, points: np.ndarray, gap: np.ndarray, same: np.ndarray, below: np.ndarray, above: np.ndarray
    ) -> list[np.ndarray]:
        """Return mixtures of a witness below and one above the pinned value (see :meth:`pin`)."""
        watched = points[:, self._watch]
        low_rows, high_rows = np.flatnonzero(below), np.flatnonzero(above)
        pairs: set[tuple[int, int]] = set()
        empty = watched <= _EPS
        needs_empty = ~empty[same].any(axis=0) & empty[below].any(axis=0) & empty[above].any(axis=0)
        for col in np.flatnonzero(needs_empty):
            pairs.add((int(low_rows[empty[below, col].argmax()]), int(high_rows[empty[above, col].argmax()])))
        best_same = watched[same].max(axis=0) if same.any() else np.full(len(self._watch), -np.inf)
        best_low = low_rows[watched[below].argmax(axis=0)]
        best_high = high_rows[watched[above].argmax(axis=0)]
        for j in range(len(self._watch)):
            low, high = int(best_low[j]), int(best_high[j])
            if min(watched[low, j], watched[high, j]) > best_same[j] + _EPS:
                pairs.add((low, high))
        mixtures = []
        for b, a in sorted(pairs):
            share = gap[a] / (gap[a] - gap[b])  # of the witness below, so the mixture sits at the value
            mixtures.append(share * points[b] + (1.0 - share) * points[a])
        return mixtures

    def release(self, key: str) -> None:
        """Undo :meth:`pin`: ``key`` is hidden again (any value ≥ 0); witnesses stay feasible."""
        self._highs.changeColBounds(self._index[key], 0.0, highspy.kHighsInf)
        self._free.add(key)

    def is_free(self, key: str) -> bool:
        """Return whether ``key`` is a free variable (hidden), not pinned."""
        return key in self._free

    def _solve(self, sense: highspy.ObjSense, col: int) -> float | None:
        """Optimise the current objective; return None when unbounded."""
        self._highs.changeObjectiveSense(sense)
        self._highs.run()
        self.solves += 1
        status = self._highs.getModelStatus()
        if status in self._UNBOUNDED:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            # The true counts always satisfy the system, so this is a solver failure;
            # refusing loudly is the only safe answer.
            raise RuntimeError(f"attacker LP failed: {self._highs.modelStatusToString(status)}")
        point = np.asarray(self._highs.getSolution().col_value)
        self._points.append(point)
        if len(self._points) > self._MAX_POINTS:
            del self._points[0]
        self._empty |= point <= _EPS
        np.maximum(self._largest, point, out=self._largest)
        return float(self._highs.getInfo().objective_function_value)

    def protects(self, key: str, k: int) -> bool:
        """Return whether ``key`` can be both empty and hold ``k`` or more (rule 3).

        Equivalent to checking :meth:`interval`, but only the bounds no witness settles are
        solved, and the maximum only when the minimum already allows an empty cell.
        """
        col = self._index[key]
        if self._empty[col] and self._largest[col] >= k - _EPS:
            return True
        self._highs.changeColCost(col, 1.0)
        try:
            if not self._empty[col]:
                low = self._solve(highspy.ObjSense.kMinimize, col)
                if low is not None and low > _EPS:
                    return False
            if self._largest[col] >= k - _EPS:
                return True
            high = self._solve(highspy.ObjSense.kMaximize, col)
        finally:
            self._highs.changeColCost(col, 0.0)
        return high is None or high >= k - _EPS

    def interval(self, key: str) -> tuple[float, float]:
        """Return the lowest and highest feasible value of ``key`` (``inf`` if unbounded)."""
        col = self._index[key]
        self._highs.changeColCost(col, 1.0)
        try:
            low = self._solve(highspy.ObjSense.kMinimize, col)
            high = self._solve(highspy.ObjSense.kMaximize, col)
        finally:
            self._highs.changeColCost(col, 0.0)
        return (0.0 if low is None else low), (float("inf") if high is None else high)


def _unprotected(
    table: Table,
    hidden: Container[str],
    sensitive: Mapping[str, int],
    cache: dict[tuple[frozenset[str], str], bool] | None = None,
    safe: set[str] | None = None,
    *,
    any_failure: Container[str] | None = None,
    clock: _Clock | None = None,
) -> list[str]:
    """Return the sensitive cells an LP attacker can pin to ``(0, k)`` (``k`` per cell).

    ``sensitive`` maps each sensitive cell to its threshold. ``clock`` raises
    :class:`_OutOfTime` once its deadline has passed (checked before every LP).

    ``cache`` remembers verdicts per (hidden cells of the component, cell): hiding only
    ever grows, so a component that did not change between rounds has the same answer.
    ``safe`` holds cells found protected earlier while hiding has only grown since: each
    newly hidden cell turns a known count into an unknown, which can only widen the
    attacker's interval, so they are still protected and not audited again. Cells found
    protected now are added to it.

    With ``any_failure`` (cells likely to fail, checked first) only whether some cell fails
    matters: the first failure is returned alone.
    """
    relations_of = _relations_of(table)
    cache = {} if cache is None else cache
    attackers: dict[frozenset[str], _Attacker] = {}
    component: dict[str, tuple[frozenset[str], list[Relation]]] = {}
    failures = []
    order = sorted(sensitive)
    if any_failure is not None:
        order.sort(key=lambda c: c not in any_failure)  # stable: likely failures first
    for key in order:
        if safe is not None and key in safe:
            continue
        # Only this cell's connected group of hidden cells constrains it: a smaller LP,
        # shared by every small cell of the same group.
        if key not in component:
            cells, relations = _component_of(relations_of, hidden, key)
            found = (frozenset(cells), relations)
            for cell in cells:
                component[cell] = found
        group, relations = component[key]
        if (group, key) not in cache:
            if clock is not None:
                clock.check()
            if group not in attackers:
                # Cells of these relations outside the group are shown (a hidden one would be
                # connected, so in the group): their counts are what the attacker knows.
                attackers[group] = _Attacker(_system(relations, group, table._counts))
            cache[group, key] = attackers[group].protects(key, sensitive[key])
        if not cache[group, key]:
            failures.append(key)
            if any_failure is not None:
                break
        elif safe is not None:
            safe.add(key)
    return failures


def _candidates_by_distance(
    table: Table, hidden: set[str], start: str, fixed: frozenset[str] = frozenset()
) -> list[list[str]]:
    """Return shown non-zero cells reachable from ``start`` through hidden cells, by distance.

    Distance is the number of relations crossed; each ring is sorted by count, then key.
    """
    relations_of = _relations_of(table)
    rings: list[list[str]] = []
    frontier = [start]
    seen = {start}
    while frontier:
        ring: set[str] = set()
        next_frontier: list[str] = []
        for key in frontier:
            for rel in relations_of.get(key, ()):
                for other in (rel.parent, *rel.children):
                    if other in seen:
                        continue
                    seen.add(other)
                    if other in hidden:
                        next_frontier.append(other)
                    elif table[other].count > 0 and other not in fixed:
                        ring.add(other)
        if ring:
            rings.append(sorted(ring, key=lambda c: (table[c].count, c)))
        frontier = next_frontier
    return rings


# How many candidate cells to try by LP before falling back to the smallest nearest one.
_TRIALS = 6
# Audits the dense clean-up may spend per small cell (see :func:`_decide_dense`).
_CLEANUP_AUDITS = 100


def _best_partner(
    table: Table, hidden: set[str], key: str, k: int, fixed: frozenset[str] = frozenset()
) -> str | None:
    """Choose the shown cell to hide so that ``key`` becomes protected.

    Try the nearest cells, smallest first, and take the first whose hiding alone protects
    ``key``; if none does, take the smallest nearest cell and let the next round continue.
    """
    rings = _candidates_by_distance(table, hidden, key, fixed)
    if not rings:
        return None
    trials = [c for ring in rings for c in ring][:_TRIALS]
    counts = table._counts
    # One LP serves every trial. Its variables are the hidden cells connected to ``key`` once
    # all trial cells are hidden too, with the trial cells pinned to their shown counts.
    # Releasing one trial cell gives exactly the attacker who sees it hidden: a pinned cell
    # is a known constant, and cells connected to ``key`` only through pinned cells do not
    # constrain it. So the model is loaded once and warm-started per trial.
    group, relations = _component_of(_relations_of(table), hidden | set(trials), key)
    attacker = _Attacker(_system(relations, group, counts))
    # With every trial cell hidden the attacker knows less than with any one of them hidden
    # (the feasible values of ``key`` only widen), so if that does not protect ``key``, no
    # single trial can: one LP instead of one per trial, the usual case.
    if not attacker.protects(key, k):
        return rings[0][0]
    for cell in trials:
        attacker.pin(cell, counts[cell])
    for cell in trials:
        attacker.release(cell)
        if attacker.protects(key, k):
            return cell
        attacker.pin(cell, counts[cell])
    return rings[0][0]


def _relations_of(table: Table) -> _RelationIndex:
    """Return the relations indexed by every cell they mention (built once per table)."""
    return table._relations_of


def _component_of(
    relations_of: _RelationIndex, hidden: Container[str], start: str
) -> tuple[set[str], list[Relation]]:
    """Return the hidden cells connected to ``start`` (itself included) and their relations."""
    cells = {start}
    rels: dict[int, Relation] = {}
    queue = deque([start])
    while queue:
        key = queue.popleft()
        for rel in relations_of.get(key, ()):
            if id(rel) in rels:
                continue
            rels[id(rel)] = rel
            for other in (rel.parent, *rel.children):
                if other in hidden and other not in cells:
                    cells.add(other)
                    queue.append(other)
    return cells, list(rels.values())


def _release_unneeded(
    table: Table,
    hidden: dict[str, Reason],
    sensitive: Mapping[str, int],
    cache: dict[tuple[frozenset[str], str], bool],
    clock: _Clock | None = None,
) -> None:
    """Show again any secondary cell that rules 2 and 3 do not need (largest first).

    The greedy steps above can hide a cell that a later choice made redundant; this
    clean-up pass only ever removes a cell when every rule still holds without it. Past the
    clock's deadline it stops (keeping every cell it has not proven unneeded hidden).
    """
    relations_of = _relations_of(table)
    secondary = [key for key, reason in hidden.items() if reason in _SECONDARY_REASONS]
    for key in sorted(secondary, key=lambda c: (-table[c].count, c)):
        if clock is not None and clock.expired():
            return
        # Showing ``key`` only changes what the attacker knows about its own group of
        # hidden cells, so only the small cells of that group need a new audit.
        cells, _rels = _component_of(relations_of, hidden, key)
        affected = {c: sensitive[c] for c in cells if c in sensitive}
        reason = hidden.pop(key)
        try:
            related = relations_of.get(key, ())
            still_ok = all(_relation_ok(rel, hidden, sensitive, table) for rel in related)
            # Only whether any affected cell fails matters; those sharing a relation with
            # ``key`` are the likeliest to, so they are audited first.
            near = {c for rel in related for c in (rel.parent, *rel.children)}
            released = still_ok and not _unprotected(
                table, hidden, affected, cache, any_failure=near, clock=clock
            )
        except _OutOfTime:
            released = False
        if not released:
            hidden[key] = reason


class _OutOfTime(Exception):
    """The decision's time budget is spent (see :func:`suppress`)."""


class _Clock:
    """A deadline on :func:`time.monotonic` (None: no limit)."""

    __slots__ = ("deadline",)

    def __init__(self, seconds: float | None) -> None:
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    def check(self) -> None:
        """Raise :class:`_OutOfTime` once the deadline has passed."""
        if self.expired():
            raise _OutOfTime


_SECONDARY_REASONS = frozenset({Reason.COMPLETES_RELATION, Reason.BLOCKS_INFERENCE})
_HIDDEN_STATUS = {Reason.NOT_PUBLISHED: CellStatus.NOT_PUBLISHED, Reason.BELOW_THRESHOLD: CellStatus.PRIMARY}
_SECONDARY = CellStatus.SECONDARY


def suppress(
    table: Table,
    policy: SuppressionPolicy | None = None,
    kind: FigureKind = FigureKind.NUMBERS,
    *,
    hide: Iterable[str] = (),
    known: Iterable[str] = (),
    also_small: Iterable[str] = (),
    seconds: float | None = None,
    dense: bool = False,
) -> SuppressedTable:
    """Decide for every cell of ``table`` whether it may be shown (rules 1-4 above).

    Use ``kind=FigureKind.FREE_TEXT`` with the same table to decide whose free-text
    answers may be listed. A cell's own ``threshold`` overrides the kind's.

    ``hide`` and ``known`` link this decision to an earlier one over related cells (the
    respondents behind a question's answers): cells in ``hide`` are hidden whatever their
    count (reason ``DECIDED_ELSEWHERE`` unless they are small anyway) and never shown again;
    cells in ``known`` are already public, so the attacker knows them and they are never
    chosen to be hidden. Every other rule is unchanged, so small cells in either table stay
    protected against everything both decisions show.

    ``also_small`` names cells that are small (hidden and protected like a cell with 0 < *n* < *k*)
    whatever their count: a table of the respondents who count towards the threshold marks
    the groups that have answers but none that count (see ``insights/counted.py``).

    ``seconds`` limits the time spent on the audit. When it runs out before every small cell
    is proven protected, every non-zero cell that is not ``known`` is hidden (reason
    ``TIME_LIMIT``): safe, since with every count unknown no small cell can be narrowed,
    but it withholds far more. A decision never takes much longer than its budget.

    ``dense``: for tables whose hidden cells are mostly connected (a question's option counts
    in every group): one LP over the whole table instead of one per connected group, cells
    shown or hidden by fixing or freeing their bounds, so its witnesses (feasible points)
    carry over from cell to cell and round to round; and every failing cell gets its partner
    in the same round. Same rules and protection; the choices may differ.
    """
    policy = policy or SuppressionPolicy()
    k = policy.threshold_for(kind)
    fixed = frozenset(known)
    forced = set(hide)
    marked = frozenset(also_small)
    hidden: dict[str, Reason] = {}
    sensitive: dict[str, int] = {}
    not_published, below, elsewhere = Reason.NOT_PUBLISHED, Reason.BELOW_THRESHOLD, Reason.DECIDED_ELSEWHERE
    for cell in table.cells:
        k_cell = k if cell.threshold is None else cell.threshold
        small = 0 < cell.count < k_cell or cell.key in marked
        if small and cell.protect:
            sensitive[cell.key] = k_cell
        if not cell.published:
            hidden[cell.key] = not_published
        elif small:
            hidden[cell.key] = below
        elif cell.key in forced:
            hidden[cell.key] = elsewhere
    if not fixed.isdisjoint(hidden):
        raise ValueError(f"known cells cannot be hidden: {sorted(fixed & set(hidden))[:5]}")

    clock = _Clock(seconds)
    try:
        (_decide_dense if dense else _decide)(table, hidden, sensitive, fixed, clock)
    except _OutOfTime:
        for cell in table.cells:
            if cell.count and cell.key not in hidden and cell.key not in fixed:
                hidden[cell.key] = Reason.TIME_LIMIT

    decisions = []
    shown, zero, enough = CellStatus.SHOWN, Reason.ZERO, Reason.ENOUGH_RESPONDENTS
    for cell in table.cells:
        reason = hidden.get(cell.key)
        if reason is None:
            decisions.append(CellDecision(cell.key, shown, zero if cell.count == 0 else enough, cell.count))
        else:
            decisions.append(CellDecision(cell.key, _HIDDEN_STATUS.get(reason, _SECONDARY), reason, None))
    return SuppressedTable(tuple(decisions), k, kind)


def _decide(
    table: Table,
    hidden: dict[str, Reason],
    sensitive: Mapping[str, int],
    fixed: frozenset[str],
    clock: _Clock,
) -> None:
    """Apply rules 2-4 to ``hidden`` (rule 1 applied); raise :class:`_OutOfTime` past the deadline."""
    audit_cache: dict[tuple[frozenset[str], str], bool] = {}
    can_fail = _with_sensitive_child(table, sensitive)
    safe: set[str] = set()  # protected so far; hiding only grows in this loop
    while True:
        _relation_pass(table, hidden, sensitive, fixed, can_fail)
        failures = _unprotected(table, hidden, sensitive, audit_cache, safe, clock=clock)
        if not failures:
            break
        # One cell per group of connected hidden cells at a time: hiding it may also protect
        # other failing cells of its group, and rule 2 may follow up, so fixing all failures
        # at once would hide more than needed. Separate groups cannot affect each other's
        # verdicts except by merging, and the clean-up pass removes any cell that made
        # redundant, so they are fixed in the same round (large tables need far fewer rounds).
        before = set(hidden)
        handled: set[str] = set()
        for failure in failures:
            if failure in handled:
                continue
            clock.check()
            cells, _rels = _component_of(_relations_of(table), before, failure)
            handled |= cells
            partner = _best_partner(table, before, failure, sensitive[failure], fixed)
            if partner is None:
                # Unreachable without ``known``: with every non-zero cell hidden the attacker's
                # system is homogeneous, so 0 and any large value are feasible. With ``known``
                # cells the earlier decision must protect them; fail closed regardless.
                raise RuntimeError("suppression could not protect every small group")
            hidden[partner] = Reason.BLOCKS_INFERENCE

    _release_unneeded(table, hidden, sensitive, audit_cache, clock)


def _decide_dense(
    table: Table,
    hidden: dict[str, Reason],
    sensitive: Mapping[str, int],
    fixed: frozenset[str],
    clock: _Clock,
) -> None:
    """Rules 2-4 as :func:`_decide`, with one attacker LP for the whole table (``dense``).

    Its variables are every cell that is not ``known``; a shown cell is a variable pinned to
    its count. Hiding a cell frees it, which keeps every witness feasible; showing one pins it
    again and keeps the witnesses that agree with its count.
    """
    counts = table._counts
    variables = [c.key for c in table.cells if c.key not in fixed]
    attacker = _Attacker(
        _system(table.relations, variables, counts),
        {key: counts[key] for key in variables if key not in hidden},
        watch=[key for key in sensitive if key not in fixed],
    )
    free = set(hidden)

    def sync() -> None:
        for key in set(hidden) - free:
            attacker.release(key)
            free.add(key)

    audits = 0  # cells audited: the clean-up's budget, the same whatever witnesses the LPs found

    def audit(keys: Iterable[str], *, first_only: bool = False) -> list[str]:
        """Return the cells of ``keys`` that are not protected (only the first one, if asked)."""
        nonlocal audits
        failures = []
        for key in keys:
            clock.check()
            audits += 1
            if not attacker.protects(key, sensitive[key]):
                failures.append(key)
                if first_only:
                    break
        return failures

    can_fail = _with_sensitive_child(table, sensitive)
    safe: set[str] = set()  # protected so far; hiding only grows in this loop
    while True:
        _relation_pass(table, hidden, sensitive, fixed, can_fail)
        sync()
        pending = [key for key in sorted(sensitive) if key not in safe]
        failures = audit(pending)
        safe.update(key for key in pending if key not in failures)
        if not failures:
            break
        for failure in failures:
            clock.check()
            if attacker.protects(failure, sensitive[failure]):
                continue  # an earlier partner of this round protected it
            partners = _dense_partners(table, attacker, hidden, failure, sensitive[failure], fixed)
            if not partners:
                raise RuntimeError("suppression could not protect every small group")
            for partner in partners:
                hidden[partner] = Reason.BLOCKS_INFERENCE
                free.add(partner)

    # Clean-up (rule 4), largest first, as in :func:`_release_unneeded`.
    # Each showing is audited for the small cells of its hidden group, likeliest failures first:
    # the cells that made earlier showings fail, then those sharing a relation with it. At most
    # ``_CLEANUP_AUDITS`` audits per small cell are spent. They are counted as cells audited, not
    # LPs solved, so decisions stay repeatable: how many LPs an audit needs depends on which
    # feasible points the solver happened to return, whether an audit fails does not.
    relations_of = _relations_of(table)
    secondary = [key for key, reason in hidden.items() if reason in _SECONDARY_REASONS]
    suspects: dict[str, int] = {}  # cell → the latest showing it made fail
    budget = audits + _CLEANUP_AUDITS * len(sensitive)
    for step, key in enumerate(sorted(secondary, key=lambda c: (-table[c].count, c))):
        if clock.expired() or audits > budget:
            return
        cells, _rels = _component_of(relations_of, hidden, key)
        related = relations_of.get(key, ())
        near = {c for rel in related for c in (rel.parent, *rel.children)}
        affected = sorted(
            (c for c in cells if c in sensitive), key=lambda c: (-suspects.get(c, -1), c not in near, c)
        )
        reason = hidden.pop(key)
        attacker.pin(key, counts[key])
        try:
            ok = all(_relation_ok(rel, hidden, sensitive, table) for rel in related)
            failing = audit(affected, first_only=True) if ok else []
        except _OutOfTime:
            ok, failing = False, []
        if ok and not failing:
            free.discard(key)
        else:
            suspects.update(dict.fromkeys(failing, step))
            hidden[key] = reason
            attacker.release(key)


def _dense_partners(
    table: Table,
    attacker: _Attacker,
    hidden: set[str] | Mapping[str, object],
    key: str,
    k: int,
    fixed: frozenset[str],
) -> list[str]:
    """Choose shown cells to hide so that ``key`` becomes protected (dense mode).

    The nearest cells, smallest first, are freed one after another, cumulatively, until
    ``key`` is protected: one round per failure even where no single cell suffices (the
    clean-up shows again those that turn out unneeded). Empty when nothing is left to hide.
    """
    chosen: list[str] = []
    for cell in (c for ring in _candidates_by_distance(table, set(hidden), key, fixed) for c in ring):
        attacker.release(cell)
        chosen.append(cell)
        if attacker.protects(key, k):
            break
    else:
        return chosen
    # Show again what ``key`` turns out not to need (the last cell made it protected). Every
    # other small cell was protected before these were hidden, so only ``key`` is audited.
    counts = table._counts
    for cell in chosen[:-1]:
        attacker.pin(cell, counts[cell])
        if not attacker.protects(key, k):
            attacker.release(cell)
    return [c for c in chosen if attacker.is_free(c)]


# ---------------------------------------------------------------------------------------------
# Per-option rule
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OptionDecision:
    """One answer option within a shown group; ``count`` is None unless shown on its own."""

    key: str
    count: int | None
    merged: bool


@dataclass(frozen=True, slots=True)
class OptionResult:
    """Options of one question in one shown group after the per-option rule.

    ``merged_count`` is the combined count of the merged options, or None when nothing was
    merged or the policy hides it.
    """

    options: tuple[OptionDecision, ...]
    merged_count: int | None

    @property
    def merged_keys(self) -> tuple[str, ...]:
        """Return the keys of the options folded into the combined figure."""
        return tuple(o.key for o in self.options if o.merged)


def suppress_options(
    counts: Mapping[str, int], policy: SuppressionPolicy | None = None, *, exclusive: bool = True
) -> OptionResult:
    """Apply the per-option rule to one question's answer counts in one shown group.

    Only for a group whose option counts are not shown next to related groups; otherwise
    use ``suppress(..., kind=FigureKind.OPTIONS)`` on a (group, option) table.

    Options with ``0 < count < policy.option_min_answers`` are merged into a combined figure.
    For ``exclusive`` (single-choice) questions the options sum to the number who answered,
    so, as in rule 2, at least two options are merged and the merged total reaches the
    minimum; otherwise "answered minus the rest" would reveal the small option. For
    multiple-choice questions each small option is merged on its own merits. Call this only
    for groups that :func:`suppress` shows.
    """
    policy = policy or SuppressionPolicy()
    m = policy.option_min_answers
    cells = [Cell(key, n) for key, n in counts.items()]
    small = [c for c in cells if 0 < c.count < m]
    merged = {c.key for c in small}
    if small and exclusive:
        total = sum(c.count for c in small)
        if len(small) < 2 or total < m:
            rest = [c for c in cells if c.key not in merged]
            extra = _pick_partners(rest, m - total, 2 - len(small))
            merged |= {c.key for c in extra}
    merged_total = sum(counts[key] for key in merged)
    options = tuple(
        OptionDecision(key, None if key in merged else n, key in merged) for key, n in counts.items()
    )
    show_total = merged and policy.option_action is OptionAction.MERGE and merged_total >= m
    return OptionResult(options, merged_total if show_total else None)
