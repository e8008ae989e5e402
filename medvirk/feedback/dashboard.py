"""The outcome dashboard for unit leaders and analysts: aggregates only, never a client.

Per service, unit and district, for a half-year that has ended: closed episodes, share reliably
improved and recovered, deteriorated, dropout, mean change with its interval, the pre–post effect
size and average session feedback — and the same by background (immigrant background, language,
gender, age group), answering "do all groups benefit equally?". Every count goes through the one
decision of ``disclosure.py``; means need at least *k* assessable episodes.

The figures come from one GROUP BY over the closed episodes (their scores and change category are
stored when they close), so the page does not read ratings. The decision is cached in the shared
``disclosure`` cache under a digest of the period's data, and ``manage.py warm_feedback`` (run by
``feedback_daily``; otherwise the first visitor) works it out ahead.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
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
from medvirk.orgs.models import OrgUnit

from . import disclosure as d
from .models import Episode, EpisodeStatus, Service

DIMENSIONS = (IMMIGRANT_BACKGROUND, HOME_LANGUAGE, GENDER, AGE_BAND)
LAYOUT = d.Layout({dim.key: (*dim.keys(), d.NOT_STATED) for dim in DIMENSIONS})
CACHE = "disclosure"
DECISION_VERSION = 3  # 2: dropout against every other ending, hypercubes; 3: counts only


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


def _tree(services: Iterable[Service], municipality_id: int) -> tuple[d.Tree, dict[str, str], dict[str, str]]:
    """Services under their units, and every unit up to the municipality."""
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
            if unit.parent_id is None:
                roots.add(f"u{unit.pk}")
                break
            children[f"u{unit.parent_id}"].add(f"u{unit.pk}")
            unit = units[unit.parent_id]
    return d.Tree({k: tuple(sorted(v)) for k, v in children.items()}, tuple(sorted(roots))), names, paths


def load(municipality_id: int, period: Period) -> Data:
    """Read one municipality-period (one GROUP BY, plus the services and units)."""
    rows = _rows(municipality_id, period)
    services = list(Service.objects.filter(municipality_id=municipality_id).select_related("outcome"))
    tree, names, paths = _tree(services, municipality_id)
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
    for service in services:
        for ancestor in chains.get(f"s{service.pk}", []):
            instruments[ancestor].add(service.outcome_id)
    directions = {s.outcome_id: s.outcome.parsed.direction for s in services}
    digest = hashlib.sha256(
        repr(
            (
                DECISION_VERSION,
                municipality_id,
                period.key,
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
        store.set(key, decision, 60 * 60 * 24 * 90)
    return decision


def warm(municipality: Any, today: date) -> int:
    """Work out the decisions of the ended half-years the dashboard offers; return how many had data.

    Each is kept in the shared cache under its data's digest, so a run over unchanged data costs
    one GROUP BY per half-year (``manage.py warm_feedback``; ``feedback_daily`` runs it too).
    """
    policy = policy_for(municipality)
    decided = 0
    for period in ended_periods(today):
        data = load(municipality.pk, period)
        if data.leaves:
            decision_for(data, policy)
            decided += 1
    return decided


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


def dashboard(
    *, municipality: Any, period: Period, scope: Iterable[str], selected: str | None, lang: str
) -> Dashboard:
    """Return the figures of the nodes inside ``scope`` (unit path prefixes), and the breakdowns
    of the selected one."""
    data = load(municipality.pk, period)
    prefixes = list(scope)
    visible = {node for node, path in data.paths.items() if any(path.startswith(p) for p in prefixes)}
    policy = policy_for(municipality)
    decision = decision_for(data, policy)
    k = policy.threshold
    nodes: list[tuple[str, Figures, int]] = []

    def walk(node: str, depth: int) -> None:
        if node in visible:
            nodes.append((node, figures(data, decision, node, None, data.names.get(node, node), k), depth))
        for kid in data.tree.children.get(node, ()):
            walk(kid, depth + (1 if node in visible else 0))

    for root in data.tree.roots:
        walk(root, 0)
    if selected not in visible:
        selected = nodes[0][0] if nodes else None
    total = None
    breakdowns = []
    if selected is not None:
        total = figures(data, decision, selected, None, data.names.get(selected, selected), k)
        for dim in DIMENSIONS:
            rows = []
            for category in (*dim.keys(), d.NOT_STATED):
                label = next((c.label(lang) for c in dim.categories if c.key == category), "")
                row = figures(data, decision, selected, (dim.key, category), label, k)
                rows.append(_with_gap(row, total))
            breakdowns.append(Breakdown(dim.key, dim.label(lang), rows))
    return Dashboard(period, nodes, selected, total, breakdowns)


def _with_gap(row: Figures, total: Figures) -> Figures:
    """Add the difference in share reliably improved against everyone else in the node (Newcombe)."""
    if row.improved is None or total.improved is None or not row.label:
        return row
    rest_count = total.improved.count - row.improved.count
    rest_n = total.improved.n - row.improved.n
    if rest_n <= 0:
        return row
    diff = newcombe_difference(row.improved.count, row.improved.n, rest_count, rest_n)
    return Figures(**{**row.__dict__, "gap": (diff.estimate, *diff.interval)})


__all__ = ["Dashboard", "Figures", "Period", "dashboard", "ended_periods", "load"]
