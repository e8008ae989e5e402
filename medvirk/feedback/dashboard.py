"""The outcome dashboard for unit leaders and analysts: aggregates only, never a client.

Per service, unit and district, for a half-year that has ended: closed episodes, share reliably
improved and recovered, deteriorated, dropout, mean change with its interval, the pre–post effect
size and average session feedback — and the same by background (immigrant background, language,
gender, age group), answering "do all groups benefit equally?". Every count goes through the one
decision of ``disclosure.py``; means need at least *k* assessable episodes.

The figures come from one GROUP BY over the closed episodes (their scores and change category are
stored when they close), so the page does not read ratings. Pages never work them out: as the
results do (``insights.disclosure``: a data version, decisions in the shared ``disclosure``
cache, the ``insights.decide`` job), the worker (the ``feedback.decide`` job, ``manage.py
warm_feedback``) works out a municipality-half-year's decision *and every figure of the page*
(a :class:`Board`) and keeps them together in the shared cache under the data version
(:func:`data_version`: ``DashboardVersion``, which every save or deletion of a closed episode
moves, and the services and units). A page reads the board of the current version: one small
lookup, no GROUP BY. While the worker makes a new version's board the page shows the latest
earlier board of the same services, units and threshold, marked "being updated" (its counts
and its decision always belong together); with none, it shows the job's progress.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, cast

import numpy as np
from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, F, Q, Sum

from medvirk.analysis.intervals import newcombe_difference, wilson_interval
from medvirk.analysis.outcomes import ChangeSums, Direction, PrePost, pre_post
from medvirk.analysis.suppression import DEFAULT_THRESHOLD, SuppressionPolicy
from medvirk.common.dimensions import AGE_BAND, GENDER, HOME_LANGUAGE, IMMIGRANT_BACKGROUND
from medvirk.core.jobs import JobPending
from medvirk.core.tenancy import co_located
from medvirk.orgs.models import OrgUnit

from . import disclosure as d
from .halfyear_tree import half_year_parents, in_half_year, kept_parents
from .kept import CACHE, KEEP_SECONDS, Kept
from .models import DashboardVersion, Episode, EpisodeStatus, Service

DIMENSIONS = (IMMIGRANT_BACKGROUND, HOME_LANGUAGE, GENDER, AGE_BAND)
LAYOUT = d.Layout({dim.key: (*dim.keys(), d.NOT_STATED) for dim in DIMENSIONS})
DECISION_VERSION = 3  # 2: dropout against every other ending, hypercubes; 3: counts only
# 2: means only where every change category is shown. Bump when what a Board holds or how its
# figures are worked out changes.
BOARD_VERSION = 2


@dataclass(frozen=True)
class Period:
    """A calendar half-year."""

    year: int
    half: int

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    @property
    def key(self) -> str:
        return f"{self.year}-{self.half}"

    @classmethod
    def parse(cls, text: str) -> Period | None:
        try:
            year, half = (int(p) for p in text.split("-"))
        except ValueError:
            return None
        return cls(year, half) if half in (1, 2) and 2000 <= year <= 2200 else None


def ended_periods(today: date, count: int = 6) -> list[Period]:
    """Return the last ``count`` half-years that have ended, newest first."""
    year, half = (today.year, 1) if today.month > 6 else (today.year - 1, 2)
    out = []
    for _ in range(count):
        out.append(Period(year, half))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return out


# --- reading ------------------------------------------------------------------------------------


@dataclass
class Sums:
    """Additive figures of a group of closed episodes (for means and the effect size)."""

    change: ChangeSums = field(default_factory=ChangeSums)
    alliance_sum: float = 0.0
    alliance_n: int = 0

    def add(self, other: Sums) -> None:
        self.change = self.change + other.change
        self.alliance_sum += other.alliance_sum
        self.alliance_n += other.alliance_n


@dataclass
class Data:
    """One municipality-period: the tree of services and units, leaves, sums, instruments."""

    tree: d.Tree
    leaves: list[d.Leaf]
    sums: dict[tuple[str, d.Slot], Sums]
    instruments: dict[str, set[int]]  # node → outcome instrument ids below it
    directions: dict[int, Direction]
    names: dict[str, str]
    paths: dict[str, str]  # node → the unit path it lies at (a service: its unit's)
    digest: str


def _rows(municipality_id: int, period: Period) -> list[dict[str, Any]]:
    """The raw GROUP BY: closed episodes per service, background, ending and change."""
    # django-stubs types .values() rows as a TypedDict; the callers read them as plain dicts.
    return cast(
        "list[dict[str, Any]]",
        list(
            Episode.objects.filter(
                municipality_id=municipality_id,
                status=EpisodeStatus.CLOSED,
                closed_on__gte=period.start,
                closed_on__lte=period.end,
            )
            .values(
                "service_id",
                "immigrant_background",
                "home_language",
                "gender",
                "age_band",
                "end_reason",
                "change",
            )
            .annotate(
                n=Count("id"),
                pre=Sum("intake_score", filter=Q(change__gt="")),
                post=Sum("last_score", filter=Q(change__gt="")),
                pre2=Sum(_square("intake_score"), filter=Q(change__gt="")),
                post2=Sum(_square("last_score"), filter=Q(change__gt="")),
                prepost=Sum(_product("intake_score", "last_score"), filter=Q(change__gt="")),
                alliance_sum=Sum("alliance_mean", filter=Q(change__gt="")),
                alliance_n=Count("alliance_mean", filter=Q(change__gt="")),
            )
            .order_by()
        ),
    )


def _square(name: str) -> Any:
    return F(name) * F(name)


def _product(a: str, b: str) -> Any:
    return F(a) * F(b)


def _tree(
    services: Iterable[Service], municipality_id: int, parents: dict[int, int | None]
) -> tuple[d.Tree, dict[str, str], dict[str, str]]:
    """Services under their units, and every unit up to the municipality, each under the parent it
    had when the half-year's figures were first worked out (``parents``: ``halfyear_tree``); the
    paths, which decide who sees a node, are today's."""
    units = {
        u.pk: u
        for u in OrgUnit.objects.filter(municipality_id=municipality_id).only(
            "pk", "parent_id", "name", "path"
        )
    }
    children: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    paths: dict[str, str] = {}
    roots: set[str] = set()
    for service in services:
        node = f"s{service.pk}"
        names[node] = service.name
        unit = units[service.unit_id]
        paths[node] = unit.path
        children[f"u{unit.pk}"].add(node)
        while True:
            names[f"u{unit.pk}"] = unit.name
            paths[f"u{unit.pk}"] = unit.path
            parent = parents.get(unit.pk, unit.parent_id)
            if parent is None:
                roots.add(f"u{unit.pk}")
                break
            children[f"u{parent}"].add(f"u{unit.pk}")
            unit = units[parent]
    return d.Tree({k: tuple(sorted(v)) for k, v in children.items()}, tuple(sorted(roots))), names, paths


def load(municipality_id: int, period: Period) -> Data:
    """Read one municipality-period (one GROUP BY, plus the services and units)."""
    rows = _rows(municipality_id, period)
    services = list(
        Service.objects.filter(co_located("outcome"), municipality_id=municipality_id).select_related(
            "outcome"
        )
    )
    tree, names, paths = _tree(services, municipality_id, kept_parents(municipality_id, period))
    outcomes = {f"s{service.pk}": service.outcome_id for service in services}
    directions = {s.outcome_id: s.outcome.parsed.direction for s in services}
    return assemble(rows, tree, names, paths, outcomes, directions, (municipality_id, period.key))


def assemble(
    rows: Iterable[Mapping[str, Any]],
    tree: d.Tree,
    names: dict[str, str],
    paths: dict[str, str],
    outcomes: Mapping[str, int],
    directions: dict[int, Direction],
    key: tuple[Any, ...],
) -> Data:
    """Return a municipality-period's :class:`Data` from the GROUP BY's rows (pure: tests build
    rows of their own). ``outcomes``: service node → its outcome instrument; ``key``: what
    identifies the municipality-period in the digest."""
    rows = list(rows)
    chains = d._ancestors(tree)
    leaves = []
    slot_list = LAYOUT.slots()
    slot_index = {slot: i for i, slot in enumerate(slot_list)}
    service_nodes = sorted({f"s{row['service_id']}" for row in rows})
    service_index = {node: i for i, node in enumerate(service_nodes)}
    # The sums of every (service, slot), added with numpy (one row per GROUP BY row and slot),
    # then up the tree: a district's sums are its services' (Python object additions per row,
    # slot and ancestor were most of a 10,000-episode page's time, bench/feedback).
    keys: list[int] = []
    values: list[tuple[float, ...]] = []
    for row in rows:
        node = f"s{row['service_id']}"
        categories = {dim.key: row[dim.key] or d.NOT_STATED for dim in DIMENSIONS}
        change = row["change"] or "not_assessable"
        end = row["end_reason"] if row["end_reason"] in d.END_OPTIONS else "other"
        leaves.append(d.Leaf(node, categories, change, end, row["n"]))
        if row["change"]:
            value = (
                row["n"],
                row["pre"] or 0,
                row["post"] or 0,
                row["pre2"] or 0,
                row["post2"] or 0,
                row["prepost"] or 0,
                row["alliance_sum"] or 0.0,
                row["alliance_n"],
            )
            base = service_index[node] * len(slot_list)
            keys.append(base)
            values.append(value)
            for dim in DIMENSIONS:
                category = categories[dim.key]
                grouped = (dim.key, category if category in LAYOUT.dims[dim.key] else d.NOT_STATED)
                keys.append(base + slot_index[grouped])
                values.append(value)
    flat = np.zeros((len(service_nodes) * len(slot_list), 8))
    if keys:
        np.add.at(flat, np.asarray(keys), np.asarray(values, dtype=float))
    by_service = flat.reshape(len(service_nodes), len(slot_list), 8)
    totals: dict[str, np.ndarray] = {}
    for node, i in service_index.items():
        for ancestor in chains[node]:
            if ancestor in totals:
                totals[ancestor] += by_service[i]
            else:
                totals[ancestor] = by_service[i].copy()
    sums: dict[tuple[str, d.Slot], Sums] = {}
    for node, table in totals.items():
        for j, slot in enumerate(slot_list):
            n, pre, post, pre2, post2, prepost, alliance_sum, alliance_n = table[j].tolist()
            if n:
                sums[node, slot] = Sums(
                    ChangeSums(int(n), pre, post, pre2, post2, prepost), alliance_sum, int(alliance_n)
                )
    instruments: dict[str, set[int]] = defaultdict(set)
    for node, outcome in outcomes.items():
        for ancestor in chains.get(node, []):
            instruments[ancestor].add(outcome)
    digest = hashlib.sha256(
        repr(
            (
                DECISION_VERSION,
                *key,
                sorted(tree.children.items()),
                sorted(
                    (leaf.service, tuple(sorted(leaf.categories.items())), leaf.change, leaf.end, leaf.count)
                    for leaf in leaves
                ),
            )
        ).encode()
    ).hexdigest()[:40]
    return Data(tree, leaves, sums, instruments, directions, names, paths, digest)


def policy_for(municipality: Any) -> SuppressionPolicy:
    threshold = max(DEFAULT_THRESHOLD, getattr(municipality, "anonymity_threshold", DEFAULT_THRESHOLD))
    return SuppressionPolicy(threshold=threshold, text_threshold=max(8, threshold))


def decision_for(data: Data, policy: SuppressionPolicy) -> d.Decision:
    """Return the period's decision, from the shared cache when it holds this data's."""
    key = f"mv-feedback:{data.digest}:{policy.threshold}"
    store = caches[CACHE] if CACHE in settings.CACHES else None
    if store is not None:
        found = store.get(key)
        if found is not None:
            return found
    decision = d.decide(data.tree, LAYOUT, d.count(data.tree, LAYOUT, data.leaves), policy)
    if store is not None:
        store.set(key, decision, KEEP_SECONDS)
    return decision


# --- figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    count: int
    n: int

    @property
    def value(self) -> float:
        return self.count / self.n

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.count, self.n).interval


@dataclass(frozen=True)
class Figures:
    """What the dashboard shows of one group: None wherever the decision hides it."""

    label: str
    episodes: int | None
    assessable: int | None
    recovered: Share | None
    improved: Share | None  # reliably improved, recovered included
    deteriorated: Share | None
    dropout: Share | None
    prepost: PrePost | None
    alliance: float | None
    gap: tuple[float, float, float] | None = None  # improved share minus everyone else's, with its interval

    @property
    def hidden(self) -> bool:
        return self.episodes is None


def figures(data: Data, decision: d.Decision, node: str, slot: d.Slot, label: str, k: int) -> Figures:
    """Return a group's figures as the decision allows them."""
    n = decision.shown(node, slot)
    if n is None:
        return Figures(label, None, None, None, None, None, None, None, None)

    def opt(family: str, option: str) -> int | None:
        return decision.option(family, option, node, slot)

    not_assessable = opt("change", "not_assessable")
    assessable = None if not_assessable is None else n - not_assessable
    counts = {o: opt("change", o) for o in ("recovered", "improved", "no_change", "deteriorated")}
    recovered = improved = deteriorated = None
    prepost = None
    alliance = None
    if assessable is not None and assessable >= k:
        if counts["recovered"] is not None:
            recovered = Share(counts["recovered"], assessable)
        if counts["recovered"] is not None and counts["improved"] is not None:
            improved = Share(counts["recovered"] + counts["improved"], assessable)
        if counts["deteriorated"] is not None:
            deteriorated = Share(counts["deteriorated"], assessable)
        if len(data.instruments.get(node, ())) == 1:
            sums = data.sums.get((node, slot))
            if sums is not None and sums.change.n == assessable:
                instrument = next(iter(data.instruments[node]))
                # The mean change (and its interval, the effect size) bounds how many changed
                # how: each category bounds its episodes' change (deteriorated ≤ −RCI ...), so
                # with one category hidden Σ change narrows it (test_dashboard_attack.py found
                # "at least one improved" of a hidden 4). Shown only where every category is.
                if all(c is not None for c in counts.values()):
                    prepost = pre_post(sums.change, data.directions[instrument])
                if sums.alliance_n >= k:
                    alliance = sums.alliance_sum / sums.alliance_n
    dropout_count = opt("end", "dropout")
    dropout = Share(dropout_count, n) if dropout_count is not None and n else None
    return Figures(label, n, assessable, recovered, improved, deteriorated, dropout, prepost, alliance)


@dataclass
class Breakdown:
    dimension: str
    label: str
    rows: list[Figures]


@dataclass
class Dashboard:
    period: Period
    nodes: list[tuple[str, Figures, int]]  # node key, figures, depth
    selected: str | None
    total: Figures | None
    breakdowns: list[Breakdown]
    being_updated: bool = False  # an earlier version's figures, while the worker makes the current ones


@dataclass(frozen=True)
class Board:
    """Every figure of one municipality-half-year the dashboard can show, whoever looks.

    Worked out in the worker with the decision and kept with it under the data version: a page
    only picks the nodes in the viewer's scope and the selected node's breakdowns, and puts
    labels in the viewer's language. Breakdown rows carry the category key as their label.
    """

    tree: d.Tree
    names: Mapping[str, str]
    paths: Mapping[str, str]
    nodes: Mapping[str, Figures]  # node → its figures (everyone)
    breakdowns: Mapping[str, tuple[tuple[str, tuple[Figures, ...]], ...]]  # node → (dimension, rows)


class BoardPending(JobPending):
    """No board of the municipality-half-year is at hand yet; ``job`` is making it."""


def make_board(data: Data, decision: d.Decision, k: int) -> Board:
    """Work out every figure the dashboard can show of ``data`` under ``decision``."""
    nodes: dict[str, Figures] = {}
    breakdowns: dict[str, tuple[tuple[str, tuple[Figures, ...]], ...]] = {}
    for node in data.tree.nodes():
        total = figures(data, decision, node, None, data.names.get(node, node), k)
        nodes[node] = total
        breakdowns[node] = tuple(
            (
                dim.key,
                tuple(
                    _with_gap(figures(data, decision, node, (dim.key, category), category, k), total)
                    for category in (*dim.keys(), d.NOT_STATED)
                ),
            )
            for dim in DIMENSIONS
        )
    return Board(data.tree, data.names, data.paths, nodes, breakdowns)


# --- the data version and the boards kept under it ----------------------------------------------

_BOARDS: Kept[Board] = Kept("mv-feedback-board")  # the boards, by data version


@dataclass(frozen=True)
class Version:
    """A municipality-half-year's data version (``key``) and its frame: everything but the episodes."""

    key: str
    frame: str


def data_version(municipality: Any, period: Period) -> Version | None:
    """Return the data version of a municipality-half-year: four small reads, no GROUP BY.

    The closed episodes' version (``DashboardVersion``: its token), the services
    and units (names, places in the half-year's tree, instruments), the threshold and the rules'
    versions.
    None while the municipality has never closed an episode (nothing to keep).
    """
    row = (
        DashboardVersion.objects.filter(municipality_id=municipality.pk)
        .values_list("token", "revision")
        .first()
    )
    if row is None:
        return None
    services = sorted(
        Service.objects.filter(municipality_id=municipality.pk).values_list(
            "pk", "unit_id", "name", "outcome_id"
        )
    )
    # The half-year's tree (``halfyear_tree``), not today's paths: a unit moved after the
    # half-year ended moves neither its figures nor their frame (who sees which node is decided on
    # today's paths when a page reads the board: ``_paths_today``).
    today = list(
        OrgUnit.objects.filter(municipality_id=municipality.pk).values_list("pk", "parent_id", "name")
    )
    parents = in_half_year(
        {pk: parent for pk, parent, _name in today}, half_year_parents(municipality.pk, period)
    )
    units = sorted((pk, parents[pk], name) for pk, _parent, name in today)
    frame = hashlib.sha256(
        repr(
            (
                DECISION_VERSION,
                BOARD_VERSION,
                municipality.pk,
                period.key,
                policy_for(municipality).threshold,
                services,
                units,
            )
        ).encode()
    ).hexdigest()[:40]
    key = hashlib.sha256(f"{frame}:{row[0]}:{row[1]}".encode()).hexdigest()[:40]
    return Version(key, frame)


def prepare(municipality: Any, period: Period) -> Board:
    """Work out (or find) the board of the current data version and keep it; the worker's part.

    The version is read before the episodes, so a board is never kept under a newer version
    than its data (an episode closed meanwhile moves the version again).
    """
    version = data_version(municipality, period)
    if version is not None:
        board = _BOARDS.get(version.key)
        if board is not None:
            return board
    data = load(municipality.pk, period)
    policy = policy_for(municipality)
    board = make_board(data, decision_for(data, policy), policy.threshold)
    if version is not None:
        _BOARDS.keep(version.key, version.frame, board)
    return board


def board_for(
    municipality: Any, period: Period, *, user: Any = None, next_url: str = ""
) -> tuple[Board, bool]:
    """Return the board a page shows and whether it is an earlier version's ("being updated").

    With a ``user`` (pages, the API) nothing is worked out in the request: the worker is asked
    (``feedback.decide``; at once with the immediate task backend) and meanwhile the latest
    earlier board of the same frame is shown; :class:`BoardPending` when there is none.
    Without one (commands, the worker, tests of the figures) the board is made here.
    """
    version = data_version(municipality, period)
    if version is not None:
        board = _BOARDS.get(version.key)
        if board is not None:
            return board, False
    if user is None or version is None:
        # No closed episode ever: nothing to decide or keep (every count is 0).
        return prepare(municipality, period), False
    from .jobs import decide_start

    job = decide_start(user=user, municipality=municipality, period=period, next_url=next_url)
    board = _BOARDS.get(version.key)
    if board is not None:
        return board, False
    earlier = _BOARDS.latest(version.frame)
    if earlier is None:
        raise BoardPending(job)
    return earlier, True


def clear_cache() -> None:
    """Forget the boards this process holds (tests)."""
    _BOARDS.clear()


def warm(municipality: Any, today: date) -> int:
    """Work out the boards of the ended half-years the dashboard offers; return how many had data.

    Each is kept in the shared cache under its data version (and its decision under the data's
    digest), so a run over unchanged data costs three small reads per half-year
    (``manage.py warm_feedback``; ``feedback_daily`` runs it too).
    """
    decided = 0
    for period in ended_periods(today):
        board = prepare(municipality, period)
        if any(f.episodes for f in board.nodes.values()):
            decided += 1
    return decided


def dashboard(
    *,
    municipality: Any,
    period: Period,
    scope: Iterable[str],
    selected: str | None,
    lang: str,
    user: Any = None,
    next_url: str = "",
) -> Dashboard:
    """Return the figures of the nodes inside ``scope`` (unit path prefixes, matched against
    today's paths, whatever tree the half-year's figures were made on), and the breakdowns of the
    selected one. Raises :class:`BoardPending` (with a ``user``) while none is at hand."""
    board, being_updated = board_for(municipality, period, user=user, next_url=next_url)
    prefixes = list(scope)
    now = _paths_today(municipality, board)
    visible = {node for node, path in now.items() if any(path.startswith(p) for p in prefixes)}
    nodes: list[tuple[str, Figures, int]] = []

    def walk(node: str, depth: int) -> None:
        if node in visible:
            nodes.append((node, board.nodes[node], depth))
        for kid in board.tree.children.get(node, ()):
            walk(kid, depth + (1 if node in visible else 0))

    for root in board.tree.roots:
        walk(root, 0)
    if selected not in visible:
        selected = nodes[0][0] if nodes else None
    total = None
    breakdowns = []
    if selected is not None:
        total = board.nodes[selected]
        by_key = {dim.key: dim for dim in DIMENSIONS}
        for key, rows in board.breakdowns[selected]:
            dim = by_key[key]
            labels = {c.key: c.label(lang) for c in dim.categories}
            labelled = [replace(row, label=labels.get(row.label, "")) for row in rows]
            breakdowns.append(Breakdown(key, dim.label(lang), labelled))
    return Dashboard(period, nodes, selected, total, breakdowns, being_updated)


def _paths_today(municipality: Any, board: Board) -> dict[str, str]:
    """Return each node's unit path as it stands today (one query): who may see a unit's figures
    follows today's tree, and a board made before a move is shown after it (its frame is the
    half-year's tree, ``data_version``)."""
    unit_of = {kid: node for node, kids in board.tree.children.items() for kid in kids if kid[0] == "s"}
    units = {int(node[1:]) for node in board.paths if node[0] == "u"}
    today = dict(
        OrgUnit.objects.filter(municipality_id=municipality.pk, pk__in=units).values_list("pk", "path")
    )
    out: dict[str, str] = {}
    for node in board.paths:
        unit = int(unit_of.get(node, node)[1:])
        if unit in today:
            out[node] = today[unit]
    return out


def _with_gap(row: Figures, total: Figures) -> Figures:
    """Add the difference in share reliably improved against everyone else in the node (Newcombe)."""
    if row.improved is None or total.improved is None or row.label == d.NOT_STATED:
        return row
    rest_count = total.improved.count - row.improved.count
    rest_n = total.improved.n - row.improved.n
    if rest_n <= 0:
        return row
    diff = newcombe_difference(row.improved.count, row.improved.n, rest_count, rest_n)
    return replace(row, gap=(diff.estimate, *diff.interval))


__all__ = ["Board", "BoardPending", "Dashboard", "Figures", "Period", "dashboard", "ended_periods", "load"]
