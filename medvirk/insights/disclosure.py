"""One decision per survey round: which respondent and answer counts may be seen anywhere.

Results (:mod:`medvirk.insights.tables`) and the equity report (:mod:`medvirk.insights.equity`,
``equity_outcomes``) publish counts of the *same* respondents: per unit, per background group,
per unit × group, and per question for each of those. If each decided its own hidden cells, a
user could combine two pages (a results crosstab with the equity report's group counts, or the
equity headline with the results overview) and difference out a hidden cell. So both consult
this module, which decides each count exactly once per survey round:

* :attr:`SurveyDisclosure.respondents`: one suppression table over the survey's unit tree (every
  survey unit and its ancestors) × every background dimension the survey asks (each dimension's
  categories plus "not stated", which must add up to the unit), with ``unit = own + child units``
  for every slot. Keys: :func:`cell_key`.
* :meth:`SurveyDisclosure.answers`: per counted question, the same layout for the question's
  cell counts (scale answers without "don't know"; respondents for multiple choice), hidden
  wherever the respondent cell is hidden and decided in two linked steps (see
  :func:`decide_answers`): the question's own table protects its small cells (and every
  figure of their answers); then, with ``r = q + skipped`` (``skipped`` never shown, unknown
  to an attacker) and the shown respondent cells known, small respondent cells are audited
  against both decisions and more question cells hidden until they are protected.

Figures said in words (:mod:`medvirk.insights.readings`: "about 3 in 4 answered 5 or 6") and
the equity report's merged rows named by who is in them ("Men and not stated, merged to protect
few people") are part of this attacker model and add nothing to it: a sentence is a sum of counts
this decision shows (left out when an option in it is hidden), and a merged row's name lists the
categories not shown on their own, which the shown rows already tell
(``medvirk/insights/tests/test_readings.py``, ``test_equity_advice.py``).

Decisions are cached per process, keyed by the survey, its definition version, threshold, the
highest id of complete responses, its responses revision and the tree's shape (see
:func:`state_for`).
Raw counts never leave this module except through the :class:`SuppressedTable` decisions.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Count, OuterRef, Subquery

from medvirk.analysis.suppression import (
    DEFAULT_TEXT_THRESHOLD,
    CellDecision,
    SuppressedTable,
    SuppressionPolicy,
    Table,
    TableBuilder,
    suppress,
)
from medvirk.common.dimensions import DIMENSIONS_BY_KEY, DISTRICT
from medvirk.orgs.models import OrgUnit
from medvirk.surveys.models import Response, Survey, SurveyUnit
from medvirk.surveys.selectors import answers_threshold
from medvirk.surveys.types import DONT_KNOW, Figures, parse_definition, question_type

from . import selectors
from .counted import counted_responses, decide_counted, marked_small
from .questions import QuestionInfo, survey_questions
from .release import released

if TYPE_CHECKING:
    from .disclosure_options import OptionLayout, OptionView

NOT_STATED = ""  # the category of "prefer not to say", unanswered and unknown values


# Counts and decisions per survey and data version, shared by the requests a process serves.
_STATE: OrderedDict[tuple[Any, ...], dict[Any, Any]] = OrderedDict()
_STATE_MAX = 16
_LOCK = threading.Lock()

# Decisions are also kept in the shared cache ``CACHES["disclosure"]`` (a file cache under var/ by
# default), so a round's decisions are worked out once per data version for all processes and
# survive restarts: a closed round is decided once, ever. The key is a digest of the data version
# (as below) and of DECISION_VERSION: bump it whenever the suppression rules change, so stored
# decisions made under the old rules are never used again.
# 2: only counted responses make a group shown (counted.py); 3: option decision; 4: counted option counts;
# 5: ranking first places decided as option counts
DECISION_VERSION = 5
PERSIST_CACHE = "disclosure"
PERSIST_SECONDS = 60 * 60 * 24 * 90
_PERSIST_KEY = "__persist_key__"
_FRAME_KEY = "__frame__"
_COMPLETE_KEY = "__complete__"  # every decision of the round is at hand (``SurveyDisclosure.ready``)
_STALE_KEY = "__stale__"  # decisions of an earlier data version, shown while the current one is made
# What pages read of a round's decisions, kept by the process that decides in one shared entry
# (``SurveyDisclosure._share_units``). In a state: True when read from it, False when not found.
_UNITS_KEY = ("disclosure", "units")
# Per frame, the state and time of the latest complete decision made in this process.
_LATEST: OrderedDict[str, tuple[dict[Any, Any], float]] = OrderedDict()


class NotReady(Exception):
    """The round's decisions for its current answers are not made yet, and none earlier are at hand.

    Also raised while figures are read from an earlier decision (``stale``) that lost a part
    since it was chosen (the shared cache evicted it): ``survey`` is the round, and the caller
    forgets that decision (:meth:`SurveyDisclosure.forget`) and asks the worker for a new one
    (``jobs.recover``), never answering 500.
    """

    def __init__(self, survey: Survey | None = None) -> None:
        super().__init__(survey)
        self.survey = survey


def budget() -> float | None:
    """Return the seconds one decision may take before it withholds every count it has not cleared.

    ``settings.DISCLOSURE_SECONDS`` (None: no limit). See ``suppress(..., seconds=)``.
    """
    return getattr(settings, "DISCLOSURE_SECONDS", 120.0)


def state_for(survey: Survey, tree: selectors.SurveyTree) -> dict[Any, Any]:
    """Return the shared cache of one survey's counts and decisions at its current data version.

    Answers of a complete response never change, so the highest id of complete responses (one
    index probe: new responses get higher ids), ``Survey.responses_revision`` (bumped when an
    older response completes or a complete one is deleted), the definition version, the
    threshold and the tree's shape identify the data. Counting responses instead would cost a
    scan of the survey's responses on every page view.
    """
    newest = (
        Response.objects.filter(
            municipality_id=OuterRef("municipality_id"), survey=OuterRef("pk"), complete=True
        )
        .order_by("-id")
        .values("id")[:1]
    )
    revision, last = (
        Survey.objects.filter(municipality_id=survey.municipality_id, pk=survey.pk)
        .annotate(last=Subquery(newest))
        .values_list("responses_revision", "last")
        .first()
    ) or (None, None)
    shape = hash(tuple((n.id, n.parent_id, n.is_survey_unit) for n in tree.nodes.values()))
    key = (
        survey.pk,
        survey.municipality_id,
        survey.definition_version,
        survey.threshold,
        revision,
        last,
        shape,
        released(survey),
    )
    with _LOCK:
        state = _STATE.get(key)
        if state is None:
            # Python's hash() of None differs between processes, so the shared key is built from
            # the tree itself, not from ``shape``.
            tree_rows = sorted((n.id, n.parent_id or 0, n.is_survey_unit) for n in tree.nodes.values())
            digest = hashlib.sha256(repr((DECISION_VERSION, key[:-2], tree_rows)).encode()).hexdigest()
            # Everything but the answers: rounds of one frame differ only in their responses, so
            # the latest complete decision of a frame may be shown while a newer one is made.
            frame = hashlib.sha256(repr((DECISION_VERSION, key[:4], tree_rows)).encode()).hexdigest()
            if not key[-1]:
                # An open round shows only its respondent counts, so only those are decided
                # (:meth:`SurveyDisclosure.decide`): its decisions are kept apart from the closed
                # round's, whose "complete" means every question (closed rounds keep their keys).
                digest = hashlib.sha256(f"{digest}:open".encode()).hexdigest()
                frame = hashlib.sha256(f"{frame}:open".encode()).hexdigest()
            state = _STATE[key] = {_PERSIST_KEY: digest[:40], _FRAME_KEY: frame[:40]}
            while len(_STATE) > _STATE_MAX:
                _STATE.popitem(last=False)
        else:
            _STATE.move_to_end(key)
    return state


# PostgreSQL advisory lock space of deciding a round (the key's second half is the survey's id).
DECIDING_LOCK = 0x4D56  # "MV"


@contextlib.contextmanager
def deciding(survey: Survey, *, wait: bool = True) -> Iterator[bool]:
    """Decide a round in one process at a time; yield whether this one may (always, with ``wait``).

    ``warm_results --watch`` and the job a page starts (``insights.decide``) both decide a round
    with new answers; side by side they solved the same LPs twice on the cores the web workers
    need (issue 21, bench/mixed). The job waits for the other process and then finds its
    decisions (or decides newer answers); ``warm_results`` passes (``wait=False``) and looks again
    on its next pass. A PostgreSQL advisory lock, held by the database session: released when the
    process ends, on every host. SQLite (development, tests) decides without one.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = [DECIDING_LOCK, survey.pk]
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
            held = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
            held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def clear_cache() -> None:
    """Forget every cached count and decision (tests; after deleting responses)."""
    with _LOCK:
        _STATE.clear()
        _LATEST.clear()
        _EARLIER.clear()
        _LOCAL_SHARED.clear()
    store = _persistent_store()
    if store is not None:
        store.clear()


def _persistent_store() -> Any:
    """Return the shared decision cache, or None where none is configured (tests)."""
    return caches[PERSIST_CACHE] if PERSIST_CACHE in settings.CACHES else None


# Where no shared cache is configured (tests), what modules work out ahead is kept in this
# process only (bounded; emptied by ``clear_cache``).
_LOCAL_SHARED: OrderedDict[str, Any] = OrderedDict()


def shared_get(key: str) -> Any:
    """Return what a module worked out ahead under ``key`` (e.g. ``equity_ahead``), or None.

    From the shared ``disclosure`` cache (bounded: any entry may be evicted), else this process.
    Key it by :attr:`SurveyDisclosure.data_version` and the module's own version.
    """
    store = _persistent_store()
    if store is not None:
        return store.get(key)
    with _LOCK:
        return _LOCAL_SHARED.get(key)


def shared_set(key: str, value: Any) -> None:
    """Keep ``value`` under ``key`` for :func:`shared_get` (all processes where a cache is shared)."""
    store = _persistent_store()
    if store is not None:
        store.set(key, value, PERSIST_SECONDS)
        return
    with _LOCK:
        _LOCAL_SHARED[key] = value
        _LOCAL_SHARED.move_to_end(key)
        while len(_LOCAL_SHARED) > 4 * _STATE_MAX:
            _LOCAL_SHARED.popitem(last=False)


def shared_delete(keys: Iterable[str]) -> None:
    """Remove what :func:`shared_set` kept under ``keys`` (e.g. older versions of a report)."""
    keys = list(keys)
    store = _persistent_store()
    if store is not None:
        store.delete_many(keys)
        return
    with _LOCK:
        for key in keys:
            _LOCAL_SHARED.pop(key, None)


_WATCH_KEY = "mv-warm-results-watch"


def watcher_seen(interval: float) -> None:
    """Note that ``warm_results --watch`` runs, looking for new answers every ``interval`` seconds."""
    shared_set(_WATCH_KEY, (time.time(), interval))


def watched() -> bool:
    """Return whether ``warm_results --watch`` runs (seen within three of its intervals, 60 s at least).

    Then it decides every round with new answers shortly, at a lower CPU priority than the web
    server: a page showing earlier decisions "being updated" need not ask the job worker for the
    new ones too (which decided them again at the worker's full priority; bench/mixed, issue 21).
    """
    seen = shared_get(_WATCH_KEY)
    return seen is not None and time.time() - seen[0] < max(60.0, 3 * seen[1])


def policy_for(survey: Survey) -> SuppressionPolicy:
    """Return the survey's thresholds (never below the defaults)."""
    threshold = answers_threshold(survey)
    return SuppressionPolicy(threshold=threshold, text_threshold=max(DEFAULT_TEXT_THRESHOLD, threshold))


def cell_key(node_id: int, dimension: str | None = None, category: str = NOT_STATED) -> str:
    """Return the key of a unit's cell, or of one background group within the unit."""
    return str(node_id) if dimension is None else f"{node_id}|{dimension}:{category}"


def category_keys(dimension: str, municipality_id: int) -> list[str]:
    """Return a dimension's categories (district: the municipality's district codes), no "not stated"."""
    if dimension == DISTRICT.key:
        return sorted(
            set(
                OrgUnit.objects.filter(municipality_id=municipality_id, kind="district")
                .exclude(region_code="")
                .values_list("region_code", flat=True)
            )
        )
    return list(DIMENSIONS_BY_KEY[dimension].keys())


@dataclass(frozen=True)
class Layout:
    """The background dimensions of a survey and their categories, "not stated" last."""

    dims: tuple[str, ...]
    cats: Mapping[str, tuple[str, ...]]

    def normalise(self, values: Sequence[str | None]) -> tuple[str, ...]:
        """Map raw ``bg_*`` values (in ``dims`` order) to categories; anything else is "not stated"."""
        return tuple(
            v if v in self.cats[d] and v else NOT_STATED for d, v in zip(self.dims, values, strict=True)
        )

    def slots(self) -> list[tuple[str, str]]:
        """Return every (dimension, category) pair."""
        return [(d, c) for d in self.dims for c in self.cats[d]]


def survey_layout(survey: Survey) -> Layout:
    """Return the background dimensions the survey's definition asks about and their categories."""
    asked = {
        q.dimension
        for q in parse_definition(survey.definition).questions()
        if question_type(q.type).figures == Figures.BACKGROUND and q.dimension in selectors.BG_COLUMNS
    }
    dims = tuple(d for d in selectors.BG_COLUMNS if d in asked)
    cats = {d: (*category_keys(d, survey.municipality_id), NOT_STATED) for d in dims}
    return Layout(dims, cats)


Leaf = Mapping[tuple[int, tuple[str, ...]], int]
Slot = tuple[str, str] | None  # (dimension, category), or None for everyone


class Marginals(dict[tuple[int, Slot], int]):
    """Counts per (survey unit, slot): all a table needs, far smaller than every combination."""


def marginals(layout: Layout, leaf: Leaf | Marginals) -> Marginals:
    """Return per-unit counts per slot from counts per (unit, categories of every dimension)."""
    if isinstance(leaf, Marginals):
        return leaf
    out = Marginals()
    for (unit_id, cats), n in leaf.items():
        _add_row(out, layout, unit_id, cats, n)
    return out


def _add_row(out: Marginals, layout: Layout, unit_id: int, cats: Sequence[str], n: int) -> None:
    if not n:
        return
    out[unit_id, None] = out.get((unit_id, None), 0) + n
    for d, c in zip(layout.dims, cats, strict=True):
        out[unit_id, (d, c)] = out.get((unit_id, (d, c)), 0) + n


class _Shape:
    """What every table of one tree and layout shares: the cells' order and the relations.

    The tables of a survey round differ only in their counts, so :func:`respondent_table` and
    :func:`answer_table` fill in a template built once per tree and layout
    (:meth:`Table.recounted`) instead of building and checking every relation again for every
    question. Rows of a family's count matrix are the tree's nodes, columns its slots.
    """

    def __init__(self, tree: selectors.SurveyTree, layout: Layout) -> None:
        self.tree = tree
        self.layout = layout
        self.slots: list[Slot] = [None, *layout.slots()]
        self.column = {s: j for j, s in enumerate(self.slots)}
        self.row = {node_id: i for i, node_id in enumerate(tree.nodes)}
        # Subtree totals are added up from the deepest nodes (children before parents).
        self.sums = [
            (self.row[node.id], [self.row[child] for child in tree.children.get(node.id, ())])
            for node in sorted(tree.nodes.values(), key=lambda n: -n.depth)
        ]
        # Survey units with survey units below also get never-shown cells of their own respondents.
        self.last_answers: Table | None = None  # the latest answer table, see :func:`answer_table`
        # Option tables with every count 0, per question structure (see ``disclosure_options``).
        self.option_templates: dict[tuple[Any, ...], Table] = {}
        self.own_rows = [
            self.row[node.id]
            for node in tree.nodes.values()
            if tree.children.get(node.id) and node.is_survey_unit
        ]

    def counts(self, leaf: Leaf | Marginals) -> np.ndarray:
        """Return one family's cell counts in :func:`_add_tree` order: every node, then "own" cells."""
        own = np.zeros((len(self.row), len(self.slots)), dtype=np.int64)
        for (unit_id, slot), n in marginals(self.layout, leaf).items():
            i, j = self.row.get(unit_id), self.column.get(slot)
            if i is not None and j is not None:
                own[i, j] += n
        totals = own.copy()
        for parent, children in self.sums:
            for child in children:
                totals[parent] += totals[child]
        return np.concatenate([totals.ravel(), own[self.own_rows].ravel()])

    @functools.cached_property
    def respondents(self) -> Table:
        """Return the respondent table with every count 0."""
        b = TableBuilder()
        _add_tree(b, self, [0] * self.size, "")
        return b.build()

    @functools.cached_property
    def answers(self) -> Table:
        """Return the linked table of a question (see :func:`answer_table`) with every count 0."""
        b = TableBuilder()
        zeros = [0] * self.size
        r_keys = _add_tree(b, self, zeros, "")
        _add_tree(b, self, zeros, ANSWER)
        # The skipped cells' own sums follow from r = q + s and the r and q sums, so leaving them
        # out changes nothing an attacker can infer, but keeps hidden groups (and LPs) small.
        _add_tree(b, self, zeros, _SKIPPED, published=False, protect=False, relations=False)
        for k in r_keys:
            b.relation(k, [ANSWER + k, _SKIPPED + k])
        return b.build()

    @property
    def size(self) -> int:
        """Return the number of cells in one family."""
        return (len(self.row) + len(self.own_rows)) * len(self.slots)


_SHAPES: OrderedDict[tuple[Any, ...], _Shape] = OrderedDict()
_SHAPES_MAX = 16
_SHAPES_LOCK = threading.Lock()


def _shape(tree: selectors.SurveyTree, layout: Layout) -> _Shape:
    """Return the (cached) shape of a tree and layout's tables."""
    key = (
        tuple((n.id, n.parent_id, n.depth, n.is_survey_unit) for n in tree.nodes.values()),
        tuple(tree.children.items()),
        layout.dims,
        tuple(layout.cats[d] for d in layout.dims),
    )
    with _SHAPES_LOCK:
        shape = _SHAPES.get(key)
        if shape is not None:
            _SHAPES.move_to_end(key)
            return shape
    shape = _Shape(tree, layout)
    with _SHAPES_LOCK:
        _SHAPES[key] = shape
        while len(_SHAPES) > _SHAPES_MAX:
            _SHAPES.popitem(last=False)
    return shape


def _add_tree(
    b: TableBuilder,
    shape: _Shape,
    counts: Sequence[int],
    prefix: str,
    *,
    published: bool = True,
    protect: bool = True,
    relations: bool = True,
    threshold: int | None = None,
) -> list[str]:
    """Add one family of cells (unit tree × background slots) with its relations; return its keys.

    ``counts`` are in :meth:`_Shape.counts` order. ``published``/``protect``/``threshold`` apply
    to every cell: a family that is never shown (the skipped remainder) is added the same way;
    ``relations=False`` adds its cells only. Units that are survey units and have survey
    units below get never-shown ``own`` cells, so their own respondents are protected.
    """
    tree, layout = shape.tree, shape.layout
    width = len(shape.slots)
    # Key of (name, slot) is prefix + name + suffix[slot], as in :func:`cell_key`.
    suffixes = ["", *(f"|{d}:{c}" for d, c in layout.slots())]
    dim_columns = [[shape.column[d, c] for c in layout.cats[d]] for d in layout.dims]

    def add_cells(name: int | str, start: int, published: bool) -> list[str]:
        names = [f"{prefix}{name}{suffix}" for suffix in suffixes]
        b.cells(
            names, counts[start : start + width], published=published, protect=protect, threshold=threshold
        )
        if relations:
            for cols in dim_columns:
                b.relation(names[0], [names[j] for j in cols])
        return names

    keys: list[str] = []
    node_keys: dict[int, list[str]] = {}
    for node_id, i in shape.row.items():
        node_keys[node_id] = add_cells(node_id, i * width, published)
        keys += node_keys[node_id]
    own_start = len(shape.row) * width
    for node in tree.nodes.values():
        kids = tree.children.get(node.id, ())
        if not kids:
            continue
        parts = [node_keys[k] for k in kids]
        if node.is_survey_unit:
            own_keys = add_cells(f"{node.id}.own", own_start, False)
            own_start += width
            keys += own_keys
            parts.append(own_keys)
        if not relations:
            continue
        for j, parent in enumerate(node_keys[node.id]):
            b.relation(parent, [part[j] for part in parts])
    return keys


def respondent_table(tree: selectors.SurveyTree, layout: Layout, leaf: Leaf | Marginals) -> Table:
    """Build the table of respondents per unit and background group (pure; used by tests)."""
    shape = _shape(tree, layout)
    return shape.respondents.recounted(shape.counts(leaf).tolist())


ANSWER = "q:"  # key prefix of a question's cells in its linked table
_SKIPPED = "s:"


def answer_table(
    tree: selectors.SurveyTree, layout: Layout, respondents: Leaf | Marginals, answers: Leaf | Marginals
) -> Table:
    """Build a question's table: its cells, the respondent cells and ``r = q + skipped`` links."""
    respondents, answers = marginals(layout, respondents), marginals(layout, answers)
    skipped = Marginals(respondents)
    for k, n in answers.items():
        skipped[k] = skipped.get(k, 0) - n
    if any(n < 0 for n in skipped.values()):
        raise ValueError("a group has more answers than respondents")
    shape = _shape(tree, layout)
    r, q = shape.counts(respondents), shape.counts(answers)
    # Families in template order: respondents, answers, skipped (= respondents - answers).
    # Refilling the previous question's table reuses its unchanged cells (all respondent cells).
    table = (shape.last_answers or shape.answers).recounted(np.concatenate([r, q, r - q]).tolist())
    shape.last_answers = table
    return table


def _is_answer(key: str) -> bool:
    return key.startswith(ANSWER)


def answers_only(table: Table) -> Table:
    """Return the question's own cells and relations from a linked :func:`answer_table`."""
    return table.subtable(_is_answer)


def decide_answers(
    table: Table,
    respondents: SuppressedTable,
    policy: SuppressionPolicy,
    also_small: frozenset[str] = frozenset(),
    *,
    seconds: float | None = None,
) -> SuppressedTable:
    """Decide a question's cells linked to the respondents' decision; return the question's cells only.

    Two steps. (a) The question's own table, with every cell whose respondents are hidden
    hidden too: rules 1-4 protect its small cells (and so every figure of their answers)
    against everything the question shows. (b) The linked table, with the respondents'
    decision fixed: small *respondent* cells are audited against both decisions together
    (answers ≤ respondents gives lower bounds) and more question cells are hidden until they
    are protected. The number who answered in a group whose respondents are shown is not
    itself protected in (b): "4 of these 5 answered" reveals no answer.
    Keys of the result are those of :func:`cell_key` (the ``q:`` prefix removed).
    ``also_small`` (keys of ``table``) are small whatever their count (see ``counted.py``).
    """
    known = [d.key for d in respondents.decisions if d.shown]
    r_hidden = [d.key for d in respondents.decisions if not d.shown]
    own = answers_only(table)
    first = suppress(
        own,
        policy,
        hide=[ANSWER + k for k in r_hidden if ANSWER + k in own],
        also_small=also_small,
        seconds=seconds,
    )
    linked = table.unprotected(_is_answer)
    hide = [k for k in r_hidden if k in linked] + [d.key for d in first.decisions if not d.shown]
    second = suppress(linked, policy, hide=hide, known=known, also_small=also_small, seconds=seconds)
    out = []
    for d in first.decisions:
        final = d if not d.shown else second[d.key]
        out.append(CellDecision(d.key[len(ANSWER) :], final.status, final.reason, final.count))
    return SuppressedTable(tuple(out), first.threshold, first.kind)


class SurveyDisclosure:
    """The one decision per survey round; cheap to create, decisions are shared and cached."""

    def __init__(
        self, survey: Survey, tree: selectors.SurveyTree | None = None, state: dict[Any, Any] | None = None
    ) -> None:
        self.survey = survey
        self.tree = tree or selectors.survey_tree(survey=survey)
        self.policy = policy_for(survey)
        self._state = state if state is not None else state_for(survey, self.tree)

    def _shared_key(self, key: Any) -> str | None:
        """Return the key of a decision in the shared cache, or None where there is none."""
        if _PERSIST_KEY not in self._state or _persistent_store() is None:
            return None
        return f"mv-disclosure:{self._state[_PERSIST_KEY]}:" + ":".join(map(str, key[1:]))

    def _cached(self, key: Any, make: Any, *, persist: bool = False) -> Any:
        if key not in self._state:
            self._read_units()
        if persist and self._load_shared(key):
            return self._state[key]
        if persist and self.stale:
            self.forget()
            raise NotReady(self.survey)  # an earlier round's decisions are shown only as they were made
        if key not in self._state:
            self._state[key] = make()
            if persist:
                self._share(key)
        return self._state[key]

    def _share(self, key: Any) -> None:
        """Put this process's value of ``key`` into the shared cache (if there is one)."""
        shared = self._shared_key(key)
        if shared is not None:
            _persistent_store().set(shared, self._state[key], PERSIST_SECONDS)

    def _load_shared(self, key: Any) -> bool:
        """Put a value the shared cache holds into the state; return whether the state has it."""
        if key not in self._state:
            self._read_units()
        if key not in self._state:
            shared = self._shared_key(key)
            stored = _persistent_store().get(shared) if shared is not None else None
            if stored is not None:
                self._state[key] = stored
        return key in self._state

    def registry(self) -> selectors.Registry:
        """Return the round's question and option ids (two queries, once per data version).

        Every question's option layout needs it: read again for each, a web worker's first
        request after a new decision made two queries per question (bench/mixed, issue 21).
        """
        return self._cached(("disclosure", "registry"), lambda: selectors.registry(survey=self.survey))

    def _single(self, question_id: int) -> bool:
        """Return whether a question takes one answer."""
        return self._kinds().get(question_id, (True, None))[0]

    def decided(self, key: Any) -> bool:
        """Return whether a decision is at hand (here or in the shared cache) without making it."""
        if key in self._state:
            return True
        if len(key) == 3 and key[1] in _UNIT_PARTS and self._units_part(key[1], key[2]) is not None:
            return True  # kept for pages once every decision of the round was made
        shared = self._shared_key(key)
        return shared is not None and _persistent_store().has_key(shared)

    def _shared_now(self, key: Any) -> bool:
        """Return whether the shared cache holds ``key`` (this process's value is shared first).

        Without a shared cache, whether this process holds it.
        """
        shared = self._shared_key(key)
        if shared is None:
            return key in self._state
        if _persistent_store().has_key(shared):
            return True
        if key in self._state:
            self._share(key)
            return True
        return False

    @property
    def stale(self) -> bool:
        """Return whether these are an earlier data version's decisions (see :func:`latest`)."""
        return bool(self._state.get(_STALE_KEY))

    @property
    def data_version(self) -> str:
        """Return a digest of the round's data version and the decision rules (docs/architecture.md).

        Precomputed results of the round are keyed by it; it changes with any new answer.
        """
        return str(self._state[_PERSIST_KEY])

    def forget(self) -> None:
        """Stop offering these earlier decisions while the current ones are made (a part is gone).

        Only for stale decisions; the next request finds none and waits for the worker's.
        """
        if not self.stale:
            return
        frame = self._state[_FRAME_KEY]
        with _LOCK:
            held = _LATEST.get(frame)
            if held is not None and held[0].get(_PERSIST_KEY) == self._state.get(_PERSIST_KEY):
                del _LATEST[frame]
            _EARLIER.pop(str(self._state.get(_PERSIST_KEY)), None)
        store = _persistent_store()
        pointer = store.get(f"mv-disclosure-latest:{frame}") if store is not None else None
        if pointer is not None and pointer[0] == self._state.get(_PERSIST_KEY):
            store.delete(f"mv-disclosure-latest:{frame}")

    @property
    def decided_at(self) -> float | None:
        """Return when the round's decisions were completed (a Unix time), if they are."""
        return self._state.get(_COMPLETE_KEY)

    def round_questions(self) -> list[int]:
        """Return every question whose figures depend on the round's decisions (local ones too)."""

        def make() -> list[int]:
            from medvirk.surveys.selectors import local_definition

            from .questions import number_questions

            reg = self.registry()
            ids = set(self._infos())
            ids |= {q.id for q in number_questions(parse_definition(self.survey.definition), reg)}
            for unit_id in self._local_units():
                own = local_definition(survey=self.survey, unit_id=unit_id)
                if own is not None:
                    ids |= {q.id for q in number_questions(own, reg)}
            return sorted(ids)

        return self._cached(("disclosure", "round_questions"), make)

    def _local_units(self) -> set[int]:
        units = SurveyUnit.objects.filter(
            municipality_id=self.survey.municipality_id, survey=self.survey
        ).values_list("unit_id", "local_questions")
        return {unit_id for unit_id, local in units if local}

    def ready(self) -> bool:
        """Return whether every decision of the round's current answers is at hand (no LP needed)."""
        if self._state.get(_COMPLETE_KEY):
            return True
        shared = self._shared_key(("disclosure", "complete"))
        stored = _persistent_store().get(shared) if shared is not None else None
        if stored is not None:
            self._state[_COMPLETE_KEY] = stored
            if self._state.get(_UNITS_KEY) is False:  # looked for before the worker had decided
                del self._state[_UNITS_KEY]
        return stored is not None

    def _read_units(self) -> None:
        """Put what pages read of the round's decisions into the state, from one shared entry.

        Kept by the process that decided them (:meth:`_share_units`). Looked for once per state
        (again once the decisions are complete, see :meth:`ready`); without it (not made yet,
        evicted, a shared cache without it) each decision is read on its own, as before.
        """
        if _UNITS_KEY in self._state:
            return
        shared = self._shared_key(_UNITS_KEY)
        stored = _persistent_store().get(shared) if shared is not None else None
        for key, value in (stored or {}).items():
            if key not in self._state:
                self._state[key] = value
        self._state[_UNITS_KEY] = stored is not None

    def _share_units(self) -> None:
        """Keep what pages read of the round's decisions in one shared entry (once per data version).

        A web worker's first request after each new decision read the decisions one entry at a
        time (three or four per question) and worked out the question ids again for each
        question's option layout: about 60 queries and 90 file reads, paid once per web worker
        and decision on whichever page came first (bench/mixed, issue 21: the unit PDF's p95
        while respondents answer). This entry holds the same decisions, restricted to the cells
        of whole units (the results pages, the PDF and the API; a breakdown by background group
        reads the whole decision), the option counts they were made from, the option layouts
        and the round's questions: what the shared cache holds already, read in one go. Nothing
        is decided or shown differently: a cell not in it is looked up in the whole decision.
        """
        shared = self._shared_key(_UNITS_KEY)
        if shared is None or _persistent_store().has_key(shared):
            return
        units: dict[Any, Any] = {("disclosure", "respondents"): self.respondents}
        for question_id in self.shown_questions():
            decisions = (
                ("answers", self.answers(question_id)),
                ("options", self.options(question_id)),
                ("first_places", self.first_places(question_id)),
            )
            for kind, decision in decisions:
                if decision is not None:
                    units["disclosure", f"units_{kind}", question_id] = _unit_cells(decision)
            if self.option_layout(question_id) is not None:
                units["disclosure", "option_layout", question_id] = self.option_layout(question_id)
            if self._load_shared(("disclosure", "counts", question_id)):
                pair = self._state["disclosure", "counts", question_id]
                units["disclosure", "counts", question_id] = pair
        for name in ("registry", "infos", "kinds", "layout", "rankings", "round_questions"):
            if ("disclosure", name) in self._state:
                units["disclosure", name] = self._state["disclosure", name]
        _persistent_store().set(shared, units, PERSIST_SECONDS)

    def _units_part(self, kind: str, question_id: int) -> SuppressedTable | None:
        """Return the cells of whole units of a question's decision (``kind``: ``answers``,
        ``options`` or ``first_places``) as kept by :meth:`_share_units`, if at hand."""
        key = ("disclosure", f"units_{kind}", question_id)
        if key not in self._state:
            self._read_units()
        return self._state.get(key)

    def _answers_for(self, question_id: int, key: str) -> SuppressedTable:
        """Return the decision that holds a question's cell ``key``: the whole units' part kept for
        pages when the cell has no group and the part is at hand, else the whole decision."""
        part = self._units_part("answers", question_id) if "|" not in key else None
        return part if part is not None else self.answers(question_id)

    def answer_cell(self, question_id: int, key: str) -> CellDecision:
        """Return the decision on one cell of a question (a :func:`cell_key`), as :meth:`answers`."""
        return self._answers_for(question_id, key)[key]

    def shown_questions(self) -> list[int]:
        """Return the questions whose figures the round shows: every one once it has closed, none
        while it is open (``insights.release``: only its respondent counts are shown)."""
        return self.round_questions() if released(self.survey) else []

    def decide(self, progress: Any = None) -> int:
        """Make (or find) every decision the round shows and mark it complete; return how many were made.

        A closed round's respondents and every question; an open round's respondents only, since
        its pages show how many have answered and no other figure (``insights.release``).
        ``progress(done, total)`` is called after each question. Run by the worker
        (``insights.decide`` jobs, ``warm_results``): pages never make decisions (issue 16).
        """
        made = self.warm(self.shown_questions(), progress=progress)
        self._share_units()  # before the decisions are said to be complete: read from the start
        now = time.time()
        self._state[_COMPLETE_KEY] = now
        shared = self._shared_key(("disclosure", "complete"))
        if shared is not None:
            store = _persistent_store()
            store.set(shared, now, PERSIST_SECONDS)
            # As long as the decisions (not the cache's default 5 minutes: after that, new answers
            # sent every page to a progress page until the worker had decided again; issue 21).
            latest = (self._state[_PERSIST_KEY], now)
            store.set(f"mv-disclosure-latest:{self._state[_FRAME_KEY]}", latest, PERSIST_SECONDS)
        with _LOCK:
            _LATEST[self._state[_FRAME_KEY]] = (self._state, now)
            _LATEST.move_to_end(self._state[_FRAME_KEY])
            while len(_LATEST) > _STATE_MAX:
                _LATEST.popitem(last=False)
        return made

    def warm(self, question_ids: Iterable[int], progress: Any = None) -> int:
        """Put the respondent decision and every given question's decision and counts in the shared cache.

        What another process or this one already worked out is not worked out again. Returns
        how many were made (0 when all were at hand), so a periodic run costs a few cache
        probes per round whose data did not change.
        """
        made = 0
        if not self._shared_now(("disclosure", "respondents")):
            self.respondents  # noqa: B018 — decided for its side effect
            made += 1
        question_ids = list(question_ids)
        if not question_ids:  # an open round (``decide``): its respondents only
            return made
        layouts, rankings = self._infos(), self._rankings()
        missing = [
            q
            for q in question_ids
            if not self._shared_now(("disclosure", "answers", q))
            or (q in layouts and not self._shared_now(("disclosure", "options", q)))
            or (q in rankings and not self._shared_now(("disclosure", "first_places", q)))
            or not self._shared_now(("disclosure", "counts", q))
        ]
        self.prefetch_answers(missing)
        for done, question_id in enumerate(missing, 1):
            self.answers(question_id)
            self.options(question_id)
            self.first_places(question_id)
            if progress is not None:
                progress(done, len(missing))
        return made + len(missing)

    @property
    def layout(self) -> Layout:
        """Return the survey's background dimensions and categories."""
        return self._cached(("disclosure", "layout"), lambda: survey_layout(self.survey))

    def has_uncounted(self) -> bool:
        """Return whether any complete response does not count towards the threshold (counted.py)."""
        return self._cached(
            ("disclosure", "uncounted"),
            lambda: selectors.complete_responses(self.survey).exclude(counted_responses()).exists(),
        )

    def _respondent_leaf(self, counted: bool = False) -> Marginals:
        def make() -> Marginals:
            layout = self.layout
            columns = ["unit_id", *(selectors.BG_COLUMNS[d] for d in layout.dims)]
            leaf = Marginals()
            responses = selectors.complete_responses(self.survey)
            rows = (
                (responses.filter(counted_responses()) if counted else responses)
                .values_list(*columns)
                # COUNT(*), not COUNT("id"): every column read is in surveys_resp_complete_bg, so
                # PostgreSQL can count from the index alone instead of visiting each row's heap
                # page for its id (19,366 against 316 buffers at 3 M responses, bench/national).
                .annotate(n=Count("*"))
                .order_by()
            )
            for unit_id, *values, n in _rows(rows):
                _add_row(leaf, layout, unit_id, layout.normalise(values), n)
            return leaf

        return self._cached(("disclosure", "respondent_leaf", counted), make)

    @property
    def respondents(self) -> SuppressedTable:
        """Return the decision on respondents per unit and per unit × background group."""

        def make() -> SuppressedTable:
            table = respondent_table(self.tree, self.layout, self._respondent_leaf())
            if not self.has_uncounted():
                return suppress(table, self.policy, seconds=budget())
            counted = respondent_table(self.tree, self.layout, self._respondent_leaf(counted=True))
            return decide_counted(
                table, counted, lambda t, small: suppress(t, self.policy, also_small=small, seconds=budget())
            )

        return self._cached(("disclosure", "respondents"), make, persist=True)

    def _kinds(self) -> dict[int, tuple[bool, int | None]]:
        """Return question id → (single answer?, "don't know" option id or None)."""

        def make() -> dict[int, tuple[bool, int | None]]:
            reg = self.registry()
            return {
                q.pk: (question_type(q.qtype).exclusive, reg.option_id.get((q.pk, DONT_KNOW)))
                for q in reg.question_by_key.values()
            }

        return self._cached(("disclosure", "kinds"), make)

    def prefetch_answers(self, question_ids: Iterable[int]) -> None:
        """Load the cell counts of many questions (GROUP BYs over their answers).

        A question's cell counts are its answers without "don't know" (single answer) or the
        respondents who answered it (multiple choice), as on the results pages. The same rows of
        single-answer questions also give the option counts the results pages show
        (:meth:`option_counts`), so a page needs no second pass over the answers; those are kept
        in the shared cache with the decisions.
        """
        todo = [q for q in question_ids if ("disclosure", "answer_leaf", q) not in self._state]
        if not todo:
            return
        if self.stale:
            self.forget()
            raise NotReady(self.survey)  # never counts of today under decisions made earlier
        kinds = self._kinds()
        layout = self.layout
        bg = [f"response__{selectors.BG_COLUMNS[d]}" for d in layout.dims]
        leaves: dict[int, Marginals] = {q: Marginals() for q in todo}
        exclusive = {q: kinds.get(q, (True, None))[1] for q in todo if self._single(q)}
        multiple = [q for q in todo if q not in exclusive]
        base = selectors.complete_answers(self.survey)
        # SQLite groups through a sorted temporary B-tree, which costs more per row the more
        # groups it holds: one question per query is ~2x faster there than all at once (200,000
        # responses × 30 questions: 9 s against 18 s). PostgreSQL hashes, and one pass is best.
        batch = 1 if connection.vendor == "sqlite" else len(exclusive) or 1
        ids = list(exclusive)
        for i in range(0, len(ids), batch):
            part = ids[i : i + batch]
            self._count_rows({q: exclusive[q] for q in part}, _option_rows(base, part, bg), leaves)
        for i in range(0, len(multiple), batch):
            self._count_multiple(base, multiple[i : i + batch], bg, leaves, kind="counts")
        for qid, leaf in leaves.items():
            self._state.setdefault(("disclosure", "answer_leaf", qid), leaf)
        if self.has_uncounted():
            self._prefetch_counted(todo)

    def _count_multiple(
        self, answers: Any, question_ids: list[int], bg: list[str], leaves: dict[int, Marginals], kind: str
    ) -> None:
        """Count multiple-choice questions: the respondents who answered each (its cells, into
        ``leaves``), then how many chose each option (kept as ``kind``, see :meth:`_count_rows`)."""
        layout = self.layout
        rows = (
            answers.filter(question_id__in=question_ids)
            .values_list("unit_id", "question_id", *bg)
            .annotate(n=Count("response_id", distinct=True))
            .order_by()
        )
        for unit_id, qid, *values, n in _rows(rows):
            _add_row(leaves[qid], layout, unit_id, layout.normalise(values), n)
        self._count_rows(
            dict.fromkeys(question_ids), _option_rows(answers, question_ids, bg), None, kind=kind
        )

    def _count_rows(
        self,
        dont_know: Mapping[int, int | None],
        rows: Iterable[tuple[Any, ...]],
        leaves: dict[int, Marginals] | None,
        kind: str = "counts",
    ) -> None:
        """Fold (unit, question, option, bg…, n) rows into option counts per unit and per category.

        With ``leaves`` (single-answer questions) the answers without "don't know" are also the
        question's cell counts; multiple-choice questions count their respondents apart. The
        counts are kept as ``("disclosure", kind, question id)``: ``counts`` of every response,
        ``counted_counts`` of those that count towards the threshold (``counted.py``).
        """
        layout = self.layout
        dims = layout.dims
        # survey unit → option → answers, and per dimension (survey unit, category) → option
        # → answers; "don't know" and answers without an option are counted here too.
        counts: dict[int, dict[int, dict[int | None, int]]] = {q: {} for q in dont_know}
        by_dim: dict[int, dict[str, dict[tuple[int, str], dict[int, int]]]] = {
            q: {d: {} for d in dims} for q in dont_know
        }
        normalised: dict[tuple[Any, ...], tuple[str, ...]] = {}  # few distinct combinations
        for unit_id, qid, oid, *values, n in rows:
            raw = tuple(values)
            cats = normalised.get(raw)
            if cats is None:
                cats = normalised[raw] = layout.normalise(raw)
            per_option = counts[qid].setdefault(unit_id, {})
            per_option[oid] = per_option.get(oid, 0) + n
            if leaves is not None and (oid is None or oid != dont_know[qid]):
                _add_row(leaves[qid], layout, unit_id, cats, n)
            per_dim = by_dim[qid]
            for d, c in zip(dims, cats, strict=True):
                cell = per_dim[d].setdefault((unit_id, c), {})
                cell[oid] = cell.get(oid, 0) + n
        for qid in dont_know:
            key = ("disclosure", kind, qid)
            self._state.setdefault(key, (counts[qid], by_dim[qid]))
            if kind == "counts":
                self._share(key)

    def _option_counts_pair(self, question_id: int) -> Any:
        key = ("disclosure", "counts", question_id)
        if not self._load_shared(key):
            self.prefetch_answers([question_id])
        return self._state.get(key)

    def prefetch_counts(self, question_ids: Iterable[int]) -> None:
        """Make every given question's option counts and decision available at least cost.

        What the shared cache holds (a round decided ahead) is read from it; the rest is
        counted with :meth:`prefetch_answers` in one go.
        """
        missing = []
        for qid in question_ids:
            counted = self._load_shared(("disclosure", "counts", qid))
            if not counted or not self.decided(("disclosure", "answers", qid)):
                missing.append(qid)
        self.prefetch_answers(missing)

    def option_counts(self, question_id: int) -> dict[int, dict[int | None, int]] | None:
        """Return survey unit → option → answers of a question (raw: never shown as is).

        For multiple choice, how many chose each option. None for a question this round does
        not hold.
        """
        pair = self._option_counts_pair(question_id)
        return None if pair is None else pair[0]

    def option_counts_by(
        self, question_id: int, dimension: str
    ) -> dict[tuple[int, str], dict[int, int]] | None:
        """Return (survey unit, category of ``dimension``) → option → answers, or None (see above)."""
        pair = self._option_counts_pair(question_id)
        return None if pair is None else pair[1].get(dimension)

    def _counted_answer_leaf(self, question_id: int) -> Marginals:
        """Return a question's cell counts (as :meth:`answer_leaf`) over counted responses only."""
        self._prefetch_counted([question_id])
        return self._state[("disclosure", "counted_answer_leaf", question_id)]

    def _counted_option_pair(self, question_id: int) -> Any:
        """Return a question's option counts (as :meth:`_option_counts_pair`) over counted responses."""
        self._prefetch_counted([question_id])
        return self._state[("disclosure", "counted_counts", question_id)]

    def _prefetch_counted(self, question_ids: Iterable[int]) -> None:
        """Load many questions' cell and option counts over counted responses (``counted.py``)."""
        todo = [
            q
            for q in question_ids
            if ("disclosure", "counted_answer_leaf", q) not in self._state
            or ("disclosure", "counted_counts", q) not in self._state
        ]
        if not todo:
            return
        kinds = self._kinds()
        layout = self.layout
        bg = [f"response__{selectors.BG_COLUMNS[d]}" for d in layout.dims]
        base = selectors.complete_answers(self.survey).filter(counted_responses("response__"))
        leaves: dict[int, Marginals] = {q: Marginals() for q in todo}
        single = [q for q in todo if self._single(q)]
        multiple = [q for q in todo if not self._single(q)]
        if single:  # answers per option; without "don't know" they are the question's cells
            dont_know = {q: kinds.get(q, (True, None))[1] for q in single}
            self._count_rows(dont_know, _option_rows(base, single, bg), leaves, kind="counted_counts")
        if multiple:
            self._count_multiple(base, multiple, bg, leaves, kind="counted_counts")
        for qid, leaf in leaves.items():
            self._state["disclosure", "counted_answer_leaf", qid] = leaf

    def _infos(self) -> dict[int, QuestionInfo]:
        """Return every question with counted answers by id: the round's and every unit's own."""

        def make() -> dict[int, QuestionInfo]:
            from medvirk.surveys.selectors import local_definition

            reg = self.registry()
            infos = survey_questions(parse_definition(self.survey.definition), reg)
            units = SurveyUnit.objects.filter(
                municipality_id=self.survey.municipality_id, survey=self.survey
            ).values_list("unit_id", "local_questions")
            for unit_id, local in units:
                own = local_definition(survey=self.survey, unit_id=unit_id) if local else None
                if own is not None:
                    infos += survey_questions(own, reg)
            return {q.id: q for q in infos}

        return self._cached(("disclosure", "infos"), make)

    def counted_questions(self) -> frozenset[int]:
        """Return the questions whose answers this module counts per option (all with options)."""
        return frozenset(self._infos())

    def option_layout(self, question_id: int) -> OptionLayout | None:
        """Return how a counted question's answers split into option cells (None: not counted)."""
        info = self._infos().get(question_id)
        if info is None:
            return None
        key = ("disclosure", "option_layout", question_id)
        if key not in self._state:
            pair = self._option_counts_pair(question_id)
            answered = {o for per in (pair[0] if pair else {}).values() for o, n in per.items() if n}
            from .disclosure_options import option_layout

            self._state[key] = option_layout(info, self.registry(), answered)
        return self._state[key]

    def options(self, question_id: int) -> SuppressedTable | None:
        """Return the decision on a question's option, "don't know" and top-box counts in every group.

        See :mod:`.disclosure_options`. None for a question without counted options.
        """
        layout = self.option_layout(question_id)
        if layout is None:
            return None

        def make() -> SuppressedTable:
            from .disclosure_options import (
                OPTION_PREFIX,
                decide_options,
                option_table,
                per_option_marginals,
            )

            extra = [layout.dont_know] if layout.dont_know is not None else []

            def table_of(pair: Any, respondents: Marginals, answers: Marginals) -> Table:
                per = per_option_marginals([*layout.options, *extra], *pair)
                dont_know = per.get(layout.dont_know) if layout.dont_know is not None else None
                shape = _shape(self.tree, self.layout)
                return option_table(shape, layout, respondents, answers, per, dont_know, self.policy)

            every = table_of(
                self._option_counts_pair(question_id), self._respondent_leaf(), self.answer_leaf(question_id)
            )
            decide = functools.partial(
                decide_options,
                respondents=self.respondents,
                answers=self.answers(question_id),
                policy=self.policy,
            )
            if not self.has_uncounted():
                return decide(every, seconds=budget())
            # The counted-channels rule (counted.py) for option counts too: an option count is
            # shown only with at least the option minimum of counted answers (or none at all), so
            # planting answers through the poster cannot lift a small option out of "other
            # options" (and so bring the mean back) to learn whether a real respondent chose it.
            counted = table_of(
                self._counted_option_pair(question_id),
                self._respondent_leaf(counted=True),
                self._counted_answer_leaf(question_id),
            )
            small = frozenset(k for k in marked_small(every, counted) if k.startswith(OPTION_PREFIX))
            return decide(counted, also_small=small, seconds=budget())

        return self._cached(("disclosure", "options", question_id), make, persist=True)

    def _rankings(self) -> dict[int, QuestionInfo]:
        """Return every ranking question of the round by id (the round's and every unit's own)."""

        def make() -> dict[int, QuestionInfo]:
            from medvirk.surveys.selectors import local_definition

            from .questions import ranking_questions

            reg = self.registry()
            infos = ranking_questions(parse_definition(self.survey.definition), reg)
            for unit_id in self._local_units():
                own = local_definition(survey=self.survey, unit_id=unit_id)
                if own is not None:
                    infos += ranking_questions(own, reg)
            return {q.id: q for q in infos}

        return self._cached(("disclosure", "rankings"), make)

    def _first_place_pair(self, question_id: int, counted: bool) -> Any:
        """Return a ranking's first places per option as (per unit, per (unit, category)) counts
        (as :meth:`_option_counts_pair`), of every or of counted responses only."""
        kind = "counted_firsts" if counted else "firsts"
        key = ("disclosure", kind, question_id)
        if key not in self._state:
            base = selectors.complete_answers(self.survey)
            if counted:
                base = base.filter(counted_responses("response__"))
            bg = [f"response__{selectors.BG_COLUMNS[d]}" for d in self.layout.dims]
            rows = (
                base.filter(question_id=question_id, value_num=1)
                .exclude(option_id=None)
                .values_list("unit_id", "question_id", "option_id", *bg)
                .annotate(n=Count("id"))
                .order_by()
            )
            self._count_rows({question_id: None}, _rows(rows), None, kind=kind)
        return self._state[key]

    def first_places(self, question_id: int) -> SuppressedTable | None:
        """Return the decision on a ranking's first-place counts in every group (issue 16).

        The first places are option counts (:func:`.disclosure_options.first_place_layout`),
        decided like a single choice's: protected at the option minimum in shown and hidden
        groups against the tree, the background groups and the respondents, and under the
        counted-channels rule. None for a question that is not a ranking of the round.
        """
        info = self._rankings().get(question_id)
        if info is None:
            return None

        def make() -> SuppressedTable:
            from .disclosure_options import (
                OPTION_PREFIX,
                decide_options,
                first_place_layout,
                option_table,
                per_option_marginals,
            )

            def firsts(pair: Any, answers: Marginals) -> dict[int | None, Marginals]:
                per = per_option_marginals([o.id for o in info.options], *pair)
                # Who ranked but put nothing first (the question's cells are those who ranked).
                rest = Marginals(marginals(self.layout, answers))
                for counts in per.values():
                    for k, n in counts.items():
                        rest[k] = rest.get(k, 0) - n
                return {**per, None: Marginals({k: n for k, n in rest.items() if n})}

            every = firsts(self._first_place_pair(question_id, False), self.answer_leaf(question_id))
            # A ranking holds every option, so each who ranked put one first: no remainder cell
            # unless there is one (an attacker knows the form; an unknown remainder would let
            # the decision think a small count could hide in it).
            layout = first_place_layout(info, without_first=bool(every[None]))
            shape = _shape(self.tree, self.layout)
            decide = functools.partial(
                decide_options,
                respondents=self.respondents,
                answers=self.answers(question_id),
                policy=self.policy,
            )
            table = option_table(
                shape,
                layout,
                self._respondent_leaf(),
                self.answer_leaf(question_id),
                every,
                None,
                self.policy,
            )
            if not self.has_uncounted():
                return decide(table, seconds=budget())
            answers = self._counted_answer_leaf(question_id)
            counted = option_table(
                shape,
                layout,
                self._respondent_leaf(counted=True),
                answers,
                firsts(self._first_place_pair(question_id, True), answers),
                None,
                self.policy,
            )
            small = frozenset(k for k in marked_small(table, counted) if k.startswith(OPTION_PREFIX))
            return decide(counted, also_small=small, seconds=budget())

        return self._cached(("disclosure", "first_places", question_id), make, persist=True)

    def first_place_view(
        self, question_id: int, firsts: Mapping[int | None, int], node_id: int
    ) -> OptionView:
        """Return what may be shown of a shown group's first places (``firsts``: option → count,
        None → those who ranked but put nothing first)."""
        from .disclosure_options import first_place_layout, option_family, option_view

        info = self._rankings()[question_id]
        part = self._units_part("first_places", question_id)
        decision = part if part is not None else self.first_places(question_id)
        assert decision is not None
        try:
            decision[option_family(len(info.options)) + cell_key(node_id)]  # the remainder's cell
        except KeyError:
            layout = first_place_layout(info, without_first=False)
        else:
            layout = first_place_layout(info, without_first=True)
        return option_view(decision, layout, cell_key(node_id), firsts, self.policy)

    def group_view(
        self, question_id: int, node_id: int, dimension: str | None = None, category: str = NOT_STATED
    ) -> OptionView | None:
        """Return what may be shown of a group's answers to a question (None: its answers are hidden).

        For modules that do not hold the option counts (the equity report).
        """
        if not self.answer_cell(question_id, cell_key(node_id, dimension, category)).shown:
            return None
        units = self.tree.survey_units_below(node_id)
        counts: dict[int | None, int] = {}
        parts: list[Mapping[Any, int]]
        if dimension is None:
            per_unit = self.option_counts(question_id) or {}
            parts = [per_unit.get(u, {}) for u in units]
        else:
            per_cat = self.option_counts_by(question_id, dimension) or {}
            parts = [per_cat.get((u, category), {}) for u in units]
        for part in parts:
            for option, n in part.items():
                counts[option] = counts.get(option, 0) + n
        return self.view(question_id, counts, node_id, dimension, category)

    def view(
        self,
        question_id: int,
        counts: Mapping[Any, int],
        node_id: int,
        dimension: str | None = None,
        category: str = NOT_STATED,
    ) -> OptionView | None:
        """Return what may be shown of a group's answers to a question, whose answer count is shown.

        ``counts`` are the group's answers per option. None for a question without options.
        """
        from .disclosure_options import option_view

        layout = self.option_layout(question_id)
        part = self._units_part("options", question_id) if dimension is None else None
        decision = part if part is not None else self.options(question_id)
        if layout is None or decision is None:
            return None
        return option_view(decision, layout, cell_key(node_id, dimension, category), counts, self.policy)

    def answer_leaf(self, question_id: int) -> Marginals:
        """Return a question's cell counts per (survey unit, background categories)."""
        self.prefetch_answers([question_id])
        return self._state[("disclosure", "answer_leaf", question_id)]

    def answers(self, question_id: int) -> SuppressedTable:
        """Return the decision on a question's cells (per unit and unit × group), linked to respondents."""

        def make() -> SuppressedTable:
            leaf = self.answer_leaf(question_id)
            respondents = self._respondent_leaf()
            if {k: n for k, n in leaf.items() if n} == {k: n for k, n in respondents.items() if n}:
                # Everyone answered: the cells are the respondent cells, and so is the decision
                # (showing the same numbers where they are shown reveals nothing more).
                return self.respondents
            table = answer_table(self.tree, self.layout, respondents, leaf)
            if not self.has_uncounted():
                return decide_answers(table, self.respondents, self.policy, seconds=budget())
            counted = answer_table(
                self.tree,
                self.layout,
                self._respondent_leaf(counted=True),
                self._counted_answer_leaf(question_id),
            )
            return decide_counted(
                table,
                counted,
                lambda t, small: decide_answers(t, self.respondents, self.policy, small, seconds=budget()),
                prefix=ANSWER,
            )

        return self._cached(("disclosure", "answers", question_id), make, persist=True)

    def shown_respondents(
        self, node_id: int, dimension: str | None = None, category: str = NOT_STATED
    ) -> int | None:
        """Return a respondent count if it may be shown, else None."""
        return _count(self.respondents, cell_key(node_id, dimension, category))

    def shown_answers(
        self, question_id: int, node_id: int, dimension: str | None = None, category: str = NOT_STATED
    ) -> int | None:
        """Return a question's cell count (answers on the scale) if it may be shown, else None."""
        key = cell_key(node_id, dimension, category)
        return _count(self._answers_for(question_id, key), key)


def _option_rows(answers: Any, question_ids: list[int], bg: list[str]) -> Iterator[tuple[Any, ...]]:
    """Yield (unit, question, option, bg…, n): how many answers chose each option, per unit and background."""
    rows = (
        answers.filter(question_id__in=question_ids)
        .values_list("unit_id", "question_id", "option_id", *bg)
        .annotate(n=Count("id"))
        .order_by()
    )
    return _rows(rows)


def _rows(qs: Any, size: int = 10_000) -> Iterator[tuple[Any, ...]]:
    """Yield a ``values_list`` query's rows as plain tuples, fetched in chunks.

    The GROUP BYs here return tens of thousands of rows of integers and short strings that need
    no conversion; Django's per-row iterator machinery costs more than reading them. A chunked
    cursor is a server-side cursor on PostgreSQL, so memory stays bounded.
    """
    sql, params = qs.query.sql_with_params()
    postgres = connection.vendor == "postgresql"
    if postgres:
        # PostgreSQL plans a cursor's query for its first 10 % of rows (cursor_tuple_fraction),
        # which turns these aggregates into sorted nested loops 3x slower than the plain query.
        with connection.cursor() as setting:
            setting.execute("SET cursor_tuple_fraction = 1.0")
    try:
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(size):
                yield from chunk
    finally:
        if postgres:
            with connection.cursor() as setting:
                setting.execute("RESET cursor_tuple_fraction")


def _unit_cells(decision: SuppressedTable) -> SuppressedTable:
    """Return a decision's cells of whole units only (every :func:`cell_key` without a group)."""
    return SuppressedTable(
        tuple(d for d in decision.decisions if "|" not in d.key), decision.threshold, decision.kind
    )


# The decisions :meth:`SurveyDisclosure._share_units` keeps the cells of whole units of.
_UNIT_PARTS = frozenset({"answers", "options", "first_places"})


def _count(table: SuppressedTable, key: str) -> int | None:
    try:
        return table[key].count
    except KeyError:
        return None


def latest(survey: Survey, tree: selectors.SurveyTree, state: Mapping[Any, Any]) -> SurveyDisclosure | None:
    """Return the latest complete decisions of the round's frame made for earlier answers, if any.

    Same definition, threshold and tree, older answers: shown (marked as being updated) while
    the decisions for the current answers are made in the worker. Their counts are the ones
    they were made from, kept with them, never today's.
    """
    frame = state[_FRAME_KEY]
    with _LOCK:
        held = _LATEST.get(frame)
    if held is not None and held[0] is not state:
        base = _earlier_base(held[0][_PERSIST_KEY], lambda: {**held[0], _STALE_KEY: True})
        return SurveyDisclosure(survey, tree, _EarlierState(base))
    store = _persistent_store()
    pointer = store.get(f"mv-disclosure-latest:{frame}") if store is not None else None
    if pointer is None or pointer[0] == state[_PERSIST_KEY]:
        return None
    digest, when = pointer

    # This process may have shown these decisions while they were the current ones (a web worker
    # until the next answer came in): start from what it read and worked out of them then,
    # instead of reading all of them again from the shared cache (bench/mixed, issue 21).
    with _LOCK:
        known = digest in _EARLIER
        read = None if known else next((s for s in _STATE.values() if s.get(_PERSIST_KEY) == digest), None)
    before = {} if read is None else {k: v for k, v in list(read.items()) if _kept(k)}
    if before.get(_UNITS_KEY) is False:  # looked for before the decisions were complete: again
        del before[_UNITS_KEY]
    base = _earlier_base(
        digest,
        lambda: {**before, _PERSIST_KEY: digest, _FRAME_KEY: frame, _STALE_KEY: True, _COMPLETE_KEY: when},
    )
    return SurveyDisclosure(survey, tree, _EarlierState(base))


# Per process, what has been read of each earlier decision shown while a newer one is made (by its
# data version's digest). While answers keep arriving, the current data version is never decided
# yet, and every page shows the latest earlier decisions: without this, each request read them all
# again from the shared cache and worked out each question's option layout again (two queries per
# question): 0.5–1.3 s of a worker per results page, at the p50 of bench/mixed under load (issue 21).
_EARLIER: OrderedDict[str, dict[Any, Any]] = OrderedDict()
# What a request keeps for the next ones: the decisions and the counts they were made from (the
# shared cache's entries) and what follows from them and the round's definition alone. Never what
# a request counts of today's answers (e.g. whether any response does not count towards the
# threshold, free-text counts): those stay with the request, as for a current decision.
_KEPT = frozenset(
    {"respondents", "answers", "options", "first_places", "counts", "option_layout", "infos", "kinds"}
    | {"layout", "rankings", "round_questions", "registry", "units"}
    | {f"units_{kind}" for kind in ("answers", "options", "first_places")}
)
# And what the results (``tables.SurveyResults``) work out of those alone, per question, unit and
# language: a counted question's figures and its breakdown by a background group (never from
# today's answers: under earlier decisions their counts come from the decisions, or ``NotReady``).
# Without them every request after a new answer worked out each question's figures again for the
# unit and every unit it is compared with (the results API of the whole municipality: 4× its time
# on a quiet machine, bench/mixed). The invited numbers (``_invited``) are not answers.
_KEPT_RESULTS = frozenset({"figures", "crosstab"})


def _earlier_base(digest: str, make: Any) -> dict[Any, Any]:
    with _LOCK:
        base = _EARLIER.get(digest)
        if base is None:
            base = _EARLIER[digest] = make()
            while len(_EARLIER) > _STATE_MAX:
                _EARLIER.popitem(last=False)
        else:
            _EARLIER.move_to_end(digest)
    return base


def _kept(key: Any) -> bool:
    if key == "_invited":
        return True
    if not isinstance(key, tuple) or len(key) < 2:
        return False
    return (key[0] == "disclosure" and key[1] in _KEPT) or key[0] in _KEPT_RESULTS


class _EarlierState(dict[Any, Any]):
    """One request's state over earlier decisions: starts from what the process has read of them
    and adds to it what it reads (``_KEPT``); whatever else it works out stays with the request."""

    def __init__(self, base: dict[Any, Any]) -> None:
        super().__init__(base)
        self._base = base

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        if _kept(key):
            self._base[key] = value

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]


def disclosure_for(survey: Survey) -> SurveyDisclosure:
    """Return the round's decisions for the equity report: current, else the latest earlier ones.

    Raises :class:`NotReady` when neither is at hand (the caller shows that the round is being
    prepared; the results pages start the work).
    """
    from .jobs import decide_start  # the jobs module builds on this one

    current = SurveyDisclosure(survey)
    if current.ready():
        return current
    decide_start(user=None, survey=survey)  # at once with the immediate task backend (tests)
    if current.ready():
        return current
    earlier = latest(survey, current.tree, current._state)
    if earlier is None:
        raise NotReady(survey)
    return earlier


__all__ = [
    "NOT_STATED",
    "Layout",
    "Marginals",
    "NotReady",
    "SurveyDisclosure",
    "answer_table",
    "answers_only",
    "category_keys",
    "cell_key",
    "clear_cache",
    "decide_answers",
    "deciding",
    "disclosure_for",
    "latest",
    "marginals",
    "policy_for",
    "respondent_table",
    "shared_delete",
    "shared_get",
    "shared_set",
    "state_for",
    "watched",
    "watcher_seen",
]
