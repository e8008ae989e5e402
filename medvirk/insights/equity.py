"""Equity analysis, part 1: who is reached and who is not.

Reads respondents (a closed survey round) or service-user counts (a register) for a unit's
subtree, decides with :mod:`medvirk.analysis.suppression` which groups may be shown, and compares
the shown groups with the population of the unit's catchment area using the pure functions in
:mod:`medvirk.analysis.representation`. Groups that are hidden are merged into one combined group
(at least the threshold by construction), so no test or indicator is computed from a hidden count.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from medvirk.accounts.access import row_or_404
from medvirk.analysis.representation import REGISTER_P_VALUE_EXPLANATION, representation
from medvirk.analysis.significance import GoodnessOfFit
from medvirk.analysis.suppression import SuppressedTable, SuppressionPolicy, TableBuilder, suppress
from medvirk.common.dimensions import DISTRICT
from medvirk.orgs.models import OrgUnit
from medvirk.population.models import UserCount
from medvirk.population.selectors import (
    Catchment,
    Margin,
    catchment_for,
    dimension_label,
    population_margins,
    user_counts_for,
)
from medvirk.population.selectors import category_label as population_category_label
from medvirk.surveys.models import BG_FIELDS, Survey, SurveyQuestion, SurveyStatus, SurveyUnit

from .disclosure import NOT_STATED, category_keys, cell_key, disclosure_for

HIDDEN = "__hidden__"


def category_label(dimension: str, key: str, language: str = "nb") -> str:
    """Return a display label for a category key, including the report's merged small groups."""
    if key == HIDDEN:
        return _("Small groups and not stated, combined")
    return population_category_label(dimension, key, language)


def and_list(items: list[str]) -> str:
    """Join names as running text does: "A", "A and B", "A, B and C"."""
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def merged_groups(dimension: str, keys: list[str], *, not_stated: bool, language: str) -> str:
    """Name the groups in a merged row as running text does: "Mann og ikke oppgitt"."""
    names = [population_category_label(dimension, key, language) for key in keys]
    if not_stated:
        names.append(_("not stated"))
    groups = and_list(names)
    return groups[:1].upper() + groups[1:]


def merged_label(dimension: str, keys: list[str], *, not_stated: bool, language: str) -> str:
    """Name who is in a merged row and why: "Mann og ikke oppgitt, slått sammen for å verne få
    personer" (which groups are merged is no secret: the other groups are shown by name)."""
    groups = merged_groups(dimension, keys, not_stated=not_stated, language=language)
    if not groups:
        return category_label(dimension, HIDDEN, language)
    return _("%(groups)s, combined to protect a few people") % {"groups": groups}


# --- one suppression table over the whole organisation tree ------------------------------------


@dataclass
class TreeCounts:
    """Counts per unit and slot, suppressed once for everything that can be seen together."""

    suppressed: SuppressedTable
    counts: dict[int, Counter[str]]

    def get(self, node: int, slot: str) -> int | None:
        """Return the count of a slot in a node's subtree if it may be shown, else None."""
        key = f"{node}|{slot}"
        try:
            decision = self.suppressed[key]
        except KeyError:
            return 0 if node in self.counts else None
        return decision.count


def _slot_relations(dims: Mapping[str, list[str]], survey_mode: bool) -> list[tuple[str, list[str]]]:
    rels: list[tuple[str, list[str]]] = []
    for d, cats in dims.items():
        if survey_mode:
            rels.append(("all", [*(f"{d}|{c}" for c in cats), f"{d}|~missing"]))
        else:
            rels.append((f"{d}|~known", [f"{d}|{c}" for c in cats]))
    return rels


def build_tree_counts(
    leaf: Mapping[int, Counter[str]],
    paths: Mapping[int, str],
    dims: Mapping[str, list[str]],
    *,
    threshold: int,
    survey_mode: bool,
) -> TreeCounts:
    """Aggregate leaf counts up the unit tree and suppress every (unit, slot) cell together."""
    slots = ["all", *(f"{d}|~missing" for d in dims)] if survey_mode else [f"{d}|~known" for d in dims]
    slots += [f"{d}|{c}" for d, cats in dims.items() for c in cats]
    children: dict[int, set[int]] = defaultdict(set)
    nodes: set[int] = set()
    for unit_id in leaf:
        ids = [int(p) for p in paths[unit_id].strip("/").split("/") if p]
        nodes.update(ids)
        for parent, child in itertools.pairwise(ids):
            children[parent].add(child)
    totals: dict[int, Counter[str]] = {n: Counter() for n in nodes}
    for unit_id, counts in leaf.items():
        for n in (int(p) for p in paths[unit_id].strip("/").split("/") if p):
            totals[n].update(counts)
    builder = TableBuilder()
    rels = _slot_relations(dims, survey_mode)
    for n in sorted(nodes):
        for s in slots:
            builder.cell(f"{n}|{s}", totals[n][s])
        for whole, kids in rels:
            builder.relation(f"{n}|{whole}", [f"{n}|{k}" for k in kids])
        if children[n]:
            own = leaf.get(n)
            parts = [str(c) for c in sorted(children[n])]
            if own and any(own.values()):
                for s in slots:
                    builder.cell(f"{n}#own|{s}", own[s], published=False)
                for whole, kids in rels:
                    builder.relation(f"{n}#own|{whole}", [f"{n}#own|{k}" for k in kids])
                parts.append(f"{n}#own")
            for s in slots:
                builder.relation(f"{n}|{s}", [f"{p}|{s}" for p in parts])
    policy = SuppressionPolicy(threshold=max(threshold, 5))
    return TreeCounts(suppress(builder.build(), policy), totals)


# --- representation ------------------------------------------------------------------------------


@dataclass
class GroupRow:
    """One group of a dimension as shown: None everywhere when the group is hidden."""

    key: str
    label: str
    n: int | None
    population: int | None
    share: float | None = None
    share_interval: tuple[float, float] | None = None
    population_share: float | None = None
    ratio: float | None = None
    ratio_interval: tuple[float, float] | None = None
    p_adjusted: float | None = None
    significant: bool = False
    partial_r: float | None = None
    hidden: bool = False
    no_population: bool = False
    groups: str = ""  # a merged row: the groups in it, as running text names them ("Mann og ikke oppgitt")

    @property
    def under(self) -> bool:
        """Return whether the group is clearly under-represented (interval below 1, significant)."""
        return bool(self.ratio_interval and self.ratio_interval[1] < 1 and self.significant)

    @property
    def over(self) -> bool:
        """Return whether the group is clearly over-represented."""
        return bool(self.ratio_interval and self.ratio_interval[0] > 1 and self.significant)


@dataclass
class DimensionResult:
    """Representation on one dimension against one area's population."""

    dimension: str
    label: str
    shown: bool
    n: int | None = None
    n_not_comparable: int | None = None
    population: int | None = None
    rows: list[GroupRow] = field(default_factory=list)
    chi_square: GoodnessOfFit | None = None
    r_indicator: float | None = None
    partial_r: float | None = None
    note: str = ""
    sources: tuple[str, ...] = ()


@dataclass
class RepresentationReport:
    """Who is reached in a unit's subtree compared with its catchment area's population."""

    unit: OrgUnit
    catchment: Catchment
    register: bool
    threshold: int
    n: int | None
    dimensions: list[DimensionResult]
    credits: list[str]
    register_explanation: str = REGISTER_P_VALUE_EXPLANATION

    @property
    def under_represented(self) -> list[tuple[DimensionResult, GroupRow]]:
        """Return (dimension, group) pairs that are clearly under-represented (a merged row too:
        its label says who is in it)."""
        return [(d, r) for d in self.dimensions for r in d.rows if r.under]


def _dimension_result(
    dim: str,
    cats: list[str],
    tree: TreeCounts,
    node: int,
    margin: Margin | None,
    language: str,
    survey_mode: bool,
) -> DimensionResult:
    label = dimension_label(dim, language)
    if margin is None:
        return DimensionResult(dim, label, False, note=_("No population figures for this area."))
    total = tree.get(node, "all" if survey_mode else f"{dim}|~known")
    if not total:
        return DimensionResult(dim, label, False, note=_("Too few to show."))
    missing = tree.get(node, f"{dim}|~missing") if survey_mode else 0
    # A shown "not stated" count is left out; a hidden one is part of the combined small groups.
    known = total - (missing or 0)
    rows: list[GroupRow] = []
    keys: list[str] = []
    n_g: list[int] = []
    big_n: list[int] = []
    hidden_n, hidden_pop, not_comparable = known, 0, 0
    hidden_keys: list[str] = []
    for c in cats:
        n = tree.get(node, f"{dim}|{c}")
        pop = margin.counts.get(c)
        if n is None:
            hidden_pop += pop or 0
            hidden_keys.append(c)
            continue
        hidden_n -= n
        if not pop:
            not_comparable += n
            if n:
                rows.append(GroupRow(c, category_label(dim, c, language), n, None, no_population=True))
            continue
        keys.append(c)
        n_g.append(n)
        big_n.append(pop)
    if hidden_n or hidden_pop:
        if hidden_pop:
            keys.append(HIDDEN)
            n_g.append(hidden_n)
            big_n.append(hidden_pop)
        else:
            not_comparable += hidden_n
    if sum(n_g) == 0 or len(keys) < 2:
        return DimensionResult(dim, label, False, note=_("Too few to compare."), sources=margin.sources)
    result = representation(keys, n_g, big_n, variable=dim)
    partials = {}
    if result.r_indicator is not None:
        partials = {c.key: c.partial_r for c in result.r_indicator.partials[0].categories}
    for g in result.groups:
        rows.append(
            GroupRow(
                key=g.key,
                label=(
                    merged_label(
                        dim, hidden_keys, not_stated=survey_mode and missing is None, language=language
                    )
                    if g.key == HIDDEN
                    else category_label(dim, g.key, language)
                ),
                n=g.n,
                population=g.population,
                share=g.share.estimate,
                share_interval=g.share.interval,
                population_share=g.population_share,
                ratio=g.ratio,
                ratio_interval=g.ratio_interval,
                p_adjusted=g.p_adjusted,
                significant=g.significant,
                partial_r=partials.get(g.key),
                hidden=g.key == HIDDEN,
                groups=(
                    merged_groups(
                        dim, hidden_keys, not_stated=survey_mode and missing is None, language=language
                    )
                    if g.key == HIDDEN
                    else ""
                ),
            )
        )
    order = {k: i for i, k in enumerate([*cats, HIDDEN])}
    rows.sort(key=lambda r: order.get(r.key, 0))
    r_ind = result.r_indicator
    return DimensionResult(
        dimension=dim,
        label=label,
        shown=True,
        n=result.n,
        n_not_comparable=not_comparable + (missing or 0),
        population=result.population,
        rows=rows,
        chi_square=result.chi_square,
        r_indicator=r_ind.estimate if r_ind else None,
        partial_r=r_ind.partials[0].partial_r if r_ind else None,
        note=result.r_indicator_note or "",
        sources=margin.sources,
    )


def _dims_for(catchment: Catchment, wanted: Iterable[str]) -> list[str]:
    return [d for d in wanted if not (d == DISTRICT.key and not catchment.is_municipality)]


@dataclass
class SurveyTreeCounts(TreeCounts):
    """A survey round's respondent counts as decided once for every page (``insights.disclosure``).

    The results pages consult the same decision, so a count hidden there is hidden here too.
    """

    disclosure: Any = None

    def get(self, node: int, slot: str) -> int | None:
        """Return the count of a slot (``all``, ``dim|cat``, ``dim|~missing``) if it may be shown."""
        if slot == "all":
            key = cell_key(node)
        else:
            dim, _sep, cat = slot.partition("|")
            key = cell_key(node, dim, NOT_STATED if cat == "~missing" else cat)
        try:
            return self.suppressed[key].count
        except KeyError:
            return None  # a unit outside the survey or a dimension it did not ask: nothing to show


def survey_tree_counts(
    survey: Any, dims: list[str], disclosure: Any = None
) -> tuple[TreeCounts, dict[int, str]]:
    """Return the survey round's suppressed respondent counts per unit and background group.

    The decision is the round's one decision (:mod:`medvirk.insights.disclosure`), shared with
    the results pages, crosstabs, exports and the API: ``disclosure`` when given (the worker
    passes the decisions it just made), else the latest at hand; ``dims`` is kept for
    compatibility.
    """
    if disclosure is None:
        disclosure = disclosure_for(survey)
    tree = SurveyTreeCounts(disclosure.respondents, {n: Counter() for n in disclosure.tree.nodes}, disclosure)
    paths = {n.id: n.path for n in disclosure.tree.nodes.values()}
    return tree, paths


def survey_dimensions(survey: Any) -> list[str]:
    """Return the standard dimensions the survey asks about (background questions)."""
    asked = set(
        SurveyQuestion.objects.filter(
            municipality_id=survey.municipality_id, survey=survey, qtype="background", hidden=False
        ).values_list("dimension", flat=True)
    )
    return [d for d in BG_FIELDS if d in asked]


def survey_representation(
    *, survey: Any, unit: OrgUnit, language: str = "nb", tree: TreeCounts | None = None
) -> RepresentationReport:
    """Compare a survey round's respondents at or below ``unit`` with its catchment population.

    ``tree`` is the round's suppressed counts (:func:`survey_tree_counts`), if already built.
    """
    dims = survey_dimensions(survey)
    if tree is None:
        tree, _paths = survey_tree_counts(survey, dims)
    return _report(unit, tree, dims, register=False, threshold=survey.threshold, language=language)


def user_representation(*, unit: OrgUnit, year: int, language: str = "nb") -> RepresentationReport:
    """Compare a unit's registered service users with its catchment population (a register)."""
    rows = UserCount.objects.filter(municipality_id=unit.municipality_id, year=year).values_list(
        "unit_id", "dimension", "category", "count"
    )
    dims = sorted({d for _u, d, _c, _n in rows}, key=list(BG_FIELDS).index)
    cats = {d: category_keys(d, unit.municipality_id) for d in dims}
    leaf: dict[int, Counter[str]] = defaultdict(Counter)
    for unit_id, d, c, n in rows:
        leaf[unit_id][f"{d}|{c}"] += n
        leaf[unit_id][f"{d}|~known"] += n
    paths = dict(
        OrgUnit.objects.filter(municipality_id=unit.municipality_id, pk__in=list(leaf)).values_list(
            "pk", "path"
        )
    )
    threshold = unit.municipality.anonymity_threshold
    tree = build_tree_counts(leaf, paths, cats, threshold=threshold, survey_mode=False)
    return _report(unit, tree, dims, register=True, threshold=threshold, language=language)


def _report(
    unit: OrgUnit, tree: TreeCounts, dims: list[str], *, register: bool, threshold: int, language: str
) -> RepresentationReport:
    catchment = catchment_for(unit=unit)
    margins = population_margins(municipality=unit.municipality, region=catchment.region)
    dims = _dims_for(catchment, dims)
    cats = {d: category_keys(d, unit.municipality_id) for d in dims}
    results = [
        _dimension_result(d, cats[d], tree, unit.pk, margins.get(d), language, not register) for d in dims
    ]
    credits = sorted({s for r in results for s in r.sources if s})
    n = tree.get(unit.pk, "all") if not register else None
    return RepresentationReport(unit, catchment, register, threshold, n, results, credits)


def surveys_for_unit(unit: OrgUnit) -> Any:
    """Return closed survey rounds that ran at or below ``unit`` (results only after closing).

    An EXISTS over the round's units, not a join and DISTINCT: DISTINCT sorted every joined
    row by every column, the round's whole definition included (40 units: 593 buffers, 5–15 ms
    of the equity report's 30–70 ms, bench/national).
    """
    ran_here = SurveyUnit.objects.filter(
        survey_id=OuterRef("pk"),
        unit__path__startswith=unit.path,
        # every table named by the municipality, so the statement routes to one shard
        municipality_id=unit.municipality_id,
        unit__municipality_id=unit.municipality_id,
    )
    return Survey.objects.filter(
        Exists(ran_here), municipality_id=unit.municipality_id, status=SurveyStatus.CLOSED
    ).order_by("-created_on", "-id")


def access_survey_for_unit(unit: OrgUnit, survey_id: Any) -> Any:
    """Return a closed survey that ran at or below ``unit``; otherwise raise 404."""
    return row_or_404(surveys_for_unit(unit), survey_id)


__all__ = [
    "HIDDEN",
    "DimensionResult",
    "GroupRow",
    "RepresentationReport",
    "SurveyTreeCounts",
    "access_survey_for_unit",
    "build_tree_counts",
    "survey_representation",
    "surveys_for_unit",
    "user_counts_for",
    "user_representation",
]
