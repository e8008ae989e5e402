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

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import highspy
import numpy as np
from scipy.sparse import csr_array

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
    """

    key: str
    count: int
    published: bool = True
    protect: bool = True


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
    _relations_of: Mapping[str, list[Relation]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Check keys, non-negative counts and that every relation adds up."""
        by_key: dict[str, Cell] = {}
        for cell in self.cells:
            if cell.key in by_key:
                raise ValueError(f"duplicate cell key {cell.key!r}")
            if cell.count < 0:
                raise ValueError(f"negative count in {cell.key!r}")
            by_key[cell.key] = cell
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
        object.__setattr__(self, "_by_key", by_key)
        relations_of: dict[str, list[Relation]] = defaultdict(list)
        for rel in self.relations:
            for key in (rel.parent, *rel.children):
                relations_of[key].append(rel)
        object.__setattr__(self, "_relations_of", dict(relations_of))

    def __getitem__(self, key: str) -> Cell:
        """Return the cell with ``key``."""
        return self._by_key[key]

    def __contains__(self, key: object) -> bool:
        """Return whether a cell with ``key`` exists."""
        return key in self._by_key


class TableBuilder:
    """Collect cells and relations, then :meth:`build` a validated, frozen :class:`Table`.

    Mutable on purpose: tables are assembled in loops over units and dimensions.
    """

    def __init__(self) -> None:
        """Start an empty table."""
        self._cells: dict[str, Cell] = {}
        self._relations: list[Relation] = []

    def cell(self, key: str, count: int, *, published: bool = True, protect: bool = True) -> str:
        """Add a cell (or check an identical one exists) and return its key."""
        new = Cell(key, count, published, protect)
        old = self._cells.setdefault(key, new)
        if old != new:
            raise ValueError(f"cell {key!r} added twice with different values")
        return key

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


class Reason(StrEnum):
    """Reason code for each decision, for logs, tooltips and the API."""

    ENOUGH_RESPONDENTS = "enough_respondents"
    ZERO = "zero"  # shown: an empty group reveals nobody
    BELOW_THRESHOLD = "below_threshold"
    COMPLETES_RELATION = "completes_relation"  # rule 2
    BLOCKS_INFERENCE = "blocks_inference"  # rule 3 (LP audit)
    NOT_PUBLISHED = "not_published"
    DECIDED_ELSEWHERE = "decided_elsewhere"  # hidden by a linked, earlier decision (``hide=``)


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
        return self.status is CellStatus.SHOWN


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


def _relation_ok(
    rel: Relation, hidden: Mapping[str, object], sensitive: set[str], k: int, table: Table
) -> bool:
    """Return whether one relation satisfies rule 2 for the given hidden cells."""
    if rel.parent in hidden:
        return True  # the derivable quantity is then a sum of shown cells; rule 3 audits
    hidden_children = [table[c] for c in rel.children if c in hidden]
    if not any(c.key in sensitive for c in hidden_children):
        return True
    return len(hidden_children) >= 2 and sum(c.count for c in hidden_children) >= k


def _relation_pass(
    table: Table,
    hidden: dict[str, Reason],
    sensitive: set[str],
    k: int,
    fixed: frozenset[str] = frozenset(),
) -> bool:
    """Apply rule 2 to every relation until nothing changes; return whether anything did."""
    changed_any = False
    changed = True
    while changed:
        changed = False
        for rel in table.relations:
            if _relation_ok(rel, hidden, sensitive, k, table):
                continue
            hidden_children = [table[c] for c in rel.children if c in hidden]
            total = sum(c.count for c in hidden_children)
            candidates = [table[c] for c in rel.children if c not in hidden and c not in fixed]
            extra = _pick_partners(candidates, k - total, 2 - len(hidden_children))
            for cell in extra:
                hidden[cell.key] = Reason.COMPLETES_RELATION
            changed = changed or bool(extra)
        changed_any = changed_any or changed
    return changed_any


@dataclass(frozen=True, slots=True)
class _System:
    """The attacker's equations for hidden cells: ``A x = b``, ``x ≥ 0``."""

    variables: tuple[str, ...]
    a: csr_array
    b: np.ndarray


def _system(relations: Iterable[Relation], hidden: Iterable[str], shown: Mapping[str, int]) -> _System:
    """Build the linear system an attacker gets from the shown counts and the relations."""
    variables = tuple(sorted(hidden))
    index = {key: i for i, key in enumerate(variables)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    rhs: list[float] = []
    for rel in relations:
        terms = [(rel.parent, 1.0)] + [(c, -1.0) for c in rel.children]
        constant = 0.0
        row_terms = []
        for key, sign in terms:
            if key in index:
                row_terms.append((index[key], sign))
            else:
                constant += sign * shown[key]
        if not row_terms:
            continue
        for col, sign in row_terms:
            rows.append(len(rhs))
            cols.append(col)
            vals.append(sign)
        rhs.append(-constant)
    a = csr_array((vals, (rows, cols)), shape=(len(rhs), len(variables)))
    return _System(variables, a, np.asarray(rhs, dtype=float))


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
    """

    _UNBOUNDED = frozenset(
        {highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible}
    )

    def __init__(self, system: _System) -> None:
        """Load ``A x = b, x ≥ 0`` into a silent HiGHS instance."""
        self._index = {key: i for i, key in enumerate(system.variables)}
        n = len(system.variables)
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = system.a.shape[0]
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = np.full(n, highspy.kHighsInf)
        lp.row_lower_ = system.b
        lp.row_upper_ = system.b
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_row_ = system.a.shape[0]
        lp.a_matrix_.num_col_ = n
        lp.a_matrix_.start_ = system.a.indptr
        lp.a_matrix_.index_ = system.a.indices
        lp.a_matrix_.value_ = system.a.data
        self._highs = highspy.Highs()
        self._highs.setOptionValue("output_flag", False)
        if self._highs.passModel(lp) != highspy.HighsStatus.kOk:
            raise RuntimeError("could not load the attacker LP")

    def _solve(self, sense: highspy.ObjSense) -> float | None:
        """Optimise the current objective; return None when unbounded."""
        self._highs.changeObjectiveSense(sense)
        self._highs.run()
        status = self._highs.getModelStatus()
        if status in self._UNBOUNDED:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            # The true counts always satisfy the system, so this is a solver failure;
            # refusing loudly is the only safe answer.
            raise RuntimeError(f"attacker LP failed: {self._highs.modelStatusToString(status)}")
        return float(self._highs.getInfo().objective_function_value)

    def interval(self, key: str) -> tuple[float, float]:
        """Return the lowest and highest feasible value of ``key`` (``inf`` if unbounded)."""
        col = self._index[key]
        self._highs.changeColCost(col, 1.0)
        try:
            low = self._solve(highspy.ObjSense.kMinimize)
            high = self._solve(highspy.ObjSense.kMaximize)
        finally:
            self._highs.changeColCost(col, 0.0)
        return (0.0 if low is None else low), (float("inf") if high is None else high)


def _unprotected(
    table: Table,
    hidden: set[str],
    sensitive: set[str],
    k: int,
    cache: dict[tuple[frozenset[str], str], bool] | None = None,
) -> list[str]:
    """Return the sensitive cells an LP attacker can pin to ``(0, k)``.

    ``cache`` remembers verdicts per (hidden cells of the component, cell): hiding only
    ever grows, so a component that did not change between rounds has the same answer.
    """
    relations_of = _relations_of(table)
    cache = {} if cache is None else cache
    attackers: dict[frozenset[str], _Attacker] = {}
    component: dict[str, tuple[frozenset[str], list[Relation]]] = {}
    failures = []
    for key in sorted(sensitive):
        # Only this cell's connected group of hidden cells constrains it: a smaller LP,
        # shared by every small cell of the same group.
        if key not in component:
            cells, relations = _component_of(relations_of, hidden, key)
            found = (frozenset(cells), relations)
            for cell in cells:
                component[cell] = found
        group, relations = component[key]
        if (group, key) not in cache:
            if group not in attackers:
                shown = {
                    c: table[c].count
                    for rel in relations
                    for c in (rel.parent, *rel.children)
                    if c not in group
                }
                attackers[group] = _Attacker(_system(relations, group, shown))
            low, high = attackers[group].interval(key)
            cache[group, key] = low <= _EPS and high >= k - _EPS
        if not cache[group, key]:
            failures.append(key)
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
    relations_of = _relations_of(table)
    shown = {c.key: c.count for c in table.cells if c.key not in hidden}
    for cell in trials:
        # Only the group of hidden cells connected to ``key`` constrains it: a small LP.
        trial = hidden | {cell}
        group, relations = _component_of(relations_of, trial, key)
        low, high = _Attacker(_system(relations, group, shown)).interval(key)
        if low <= _EPS and high >= k - _EPS:
            return cell
    return rings[0][0]


def _relations_of(table: Table) -> Mapping[str, list[Relation]]:
    """Return the relations indexed by every cell they mention (built once per table)."""
    return table._relations_of


def _component_of(
    relations_of: Mapping[str, list[Relation]], hidden: set[str], start: str
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
    sensitive: set[str],
    k: int,
    cache: dict[tuple[frozenset[str], str], bool],
) -> None:
    """Show again any secondary cell that rules 2 and 3 do not need (largest first).

    The greedy steps above can hide a cell that a later choice made redundant; this
    clean-up pass only ever removes a cell when every rule still holds without it.
    """
    relations_of = _relations_of(table)
    secondary = [key for key, reason in hidden.items() if reason in _SECONDARY_REASONS]
    for key in sorted(secondary, key=lambda c: (-table[c].count, c)):
        # Showing ``key`` only changes what the attacker knows about its own group of
        # hidden cells, so only the small cells of that group need a new audit.
        cells, _rels = _component_of(relations_of, set(hidden), key)
        affected = sensitive & cells
        reason = hidden.pop(key)
        still_ok = all(_relation_ok(rel, hidden, sensitive, k, table) for rel in relations_of.get(key, ()))
        if not (still_ok and not _unprotected(table, set(hidden), affected, k, cache)):
            hidden[key] = reason


_SECONDARY_REASONS = frozenset({Reason.COMPLETES_RELATION, Reason.BLOCKS_INFERENCE})


def suppress(
    table: Table,
    policy: SuppressionPolicy | None = None,
    kind: FigureKind = FigureKind.NUMBERS,
    *,
    hide: Iterable[str] = (),
    known: Iterable[str] = (),
) -> SuppressedTable:
    """Decide for every cell of ``table`` whether it may be shown (rules 1-4 above).

    Use ``kind=FigureKind.FREE_TEXT`` with the same table to decide whose free-text
    answers may be listed.

    ``hide`` and ``known`` link this decision to an earlier one over related cells (the
    respondents behind a question's answers): cells in ``hide`` are hidden whatever their
    count (reason ``DECIDED_ELSEWHERE`` unless they are small anyway) and never shown again;
    cells in ``known`` are already public, so the attacker knows them and they are never
    chosen to be hidden. Every other rule is unchanged, so small cells in either table stay
    protected against everything both decisions show.
    """
    policy = policy or SuppressionPolicy()
    k = policy.threshold_for(kind)
    fixed = frozenset(known)
    forced = set(hide)
    hidden: dict[str, Reason] = {}
    sensitive: set[str] = set()
    for cell in table.cells:
        if 0 < cell.count < k and cell.protect:
            sensitive.add(cell.key)
        if not cell.published:
            hidden[cell.key] = Reason.NOT_PUBLISHED
        elif 0 < cell.count < k:
            hidden[cell.key] = Reason.BELOW_THRESHOLD
        elif cell.key in forced:
            hidden[cell.key] = Reason.DECIDED_ELSEWHERE
    if fixed & set(hidden):
        raise ValueError(f"known cells cannot be hidden: {sorted(fixed & set(hidden))[:5]}")

    audit_cache: dict[tuple[frozenset[str], str], bool] = {}
    while True:
        _relation_pass(table, hidden, sensitive, k, fixed)
        failures = _unprotected(table, set(hidden), sensitive, k, audit_cache)
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
            cells, _rels = _component_of(_relations_of(table), before, failure)
            handled |= cells
            partner = _best_partner(table, before, failure, k, fixed)
            if partner is None:
                # Unreachable without ``known``: with every non-zero cell hidden the attacker's
                # system is homogeneous, so 0 and any large value are feasible. With ``known``
                # cells the earlier decision must protect them; fail closed regardless.
                raise RuntimeError("suppression could not protect every small group")
            hidden[partner] = Reason.BLOCKS_INFERENCE

    _release_unneeded(table, hidden, sensitive, k, audit_cache)

    decisions = []
    for cell in table.cells:
        reason = hidden.get(cell.key)
        if reason is None:
            shown_reason = Reason.ZERO if cell.count == 0 else Reason.ENOUGH_RESPONDENTS
            decisions.append(CellDecision(cell.key, CellStatus.SHOWN, shown_reason, cell.count))
            continue
        status = {
            Reason.NOT_PUBLISHED: CellStatus.NOT_PUBLISHED,
            Reason.BELOW_THRESHOLD: CellStatus.PRIMARY,
        }.get(reason, CellStatus.SECONDARY)
        decisions.append(CellDecision(cell.key, status, reason, None))
    return SuppressedTable(tuple(decisions), k, kind)


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
