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
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from medvirk.accounts.access import row_or_404
from medvirk.analysis.representation import REGISTER_P_VALUE_EXPLANATION, representation
from medvirk.analysis.significance import GoodnessOfFit
from medvirk.analysis.suppression import SuppressedTable, SuppressionPolicy, TableBuilder, suppress
from medvirk.common.dimensions import AGE_BAND, DISTRICT, HOME_LANGUAGE, IMMIGRANT_BACKGROUND
from medvirk.orgs.models import OrgUnit
from medvirk.population.models import UserCount
from medvirk.population.selectors import (
    Catchment,
    Margin,
    catchment_for,
    dimension_label,
    dimension_name,
    population_margins,
    user_counts_for,
)
from medvirk.population.selectors import category_label as population_category_label
from medvirk.surveys.models import BG_FIELDS, Survey, SurveyQuestion, SurveyStatus, SurveyUnit
from medvirk.surveys.types import Target, target_of

from .disclosure import NOT_STATED, category_keys, cell_key, disclosure_for

HIDDEN = "__hidden__"


#: Immigrant background of a household: immigrants and Norwegian-born to immigrant parents together.
#: When parents answer for their children, a parent's own background is not the child's (a child
#: born here to immigrant parents is "Norwegian-born to immigrants", the parent an immigrant), but
#: both belong to a family with immigrant background: compared so with the registered children.
WITH_IMMIGRANT_BACKGROUND = "with_immigrant_background"


def category_label(dimension: str, key: str, language: str = "nb") -> str:
    """Return a display label for a category key, including the report's merged small groups."""
    if key == HIDDEN:
        return _("Small groups and not stated, combined")
    if key == WITH_IMMIGRANT_BACKGROUND:
        return _("Immigrant background (immigrants and Norwegian-born to immigrant parents)")
    return population_category_label(dimension, key, language)


def and_list(items: list[str]) -> str:
    """Join names as running text does: "A", "A and B", "A, B and C"."""
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def merged_groups(dimension: str, keys: list[str], *, not_stated: bool, language: str) -> str:
    """Name the groups in a merged row as running text does: "Mann og ikke oppgitt"."""
    names = [category_label(dimension, key, language) for key in keys]
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
    outside: bool = False  # outside the survey's target group: not compared, never advised on
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
    compared_with: str = ""  # USERS, TARGET, EVERYONE or NOT_COMPARED (a survey round's report)


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
    #: A survey round's: who the survey is for and who answers, in words (empty for a register).
    target_words: str = ""
    #: A survey round's: who each dimension's respondents are compared with, and why, in words.
    compared_with: list[str] = field(default_factory=list)
    #: The year whose registered service users a survey round is compared with (its own year).
    year: int | None = None
    #: A survey round's: who each dimension is compared with (``weighting_margins`` of them).
    comparisons: dict[str, Comparison] = field(default_factory=dict)

    @property
    def under_represented(self) -> list[tuple[DimensionResult, GroupRow]]:
        """Return (dimension, group) pairs that are clearly under-represented (a merged row too:
        its label says who is in it)."""
        return [(d, r) for d in self.dimensions for r in d.rows if r.under]


# --- who the respondents are compared with ---------------------------------------------------------

USERS = "users"  # the unit's registered service users of the round's year: who could answer
TARGET = "target"  # the population of the survey's target group (its ages)
EVERYONE = "everyone"  # everyone living in the area (the target group has no ages, or no figures by age)
NOT_COMPARED = "not_compared"  # nothing to compare with (relatives' own age)

#: Dimensions a household shares: a parent's answer is the child's too, so a survey answered by
#: parents or relatives is compared with the registered users on them.
HOUSEHOLD = (HOME_LANGUAGE.key, DISTRICT.key)
#: Dimensions compared as a household's groups when relatives answer (see WITH_IMMIGRANT_BACKGROUND).
FAMILY_GROUPS: dict[str, list[tuple[str, list[str]]]] = {
    IMMIGRANT_BACKGROUND.key: [
        (WITH_IMMIGRANT_BACKGROUND, ["immigrant", "norwegian_born_to_immigrants"]),
        ("rest", ["rest"]),
    ],
}


@dataclass
class Comparison:
    """Who one dimension's respondents are compared with: people per group and where they come from.

    ``hidden``: groups whose number of registered users the register report hides (their
    ``hidden_total`` is compared with the respondents' combined small groups); ``outside``: groups
    outside the target group (not compared); ``groups``: categories compared together.
    """

    source: str
    counts: dict[str, int]
    sources: tuple[str, ...] = ()
    note: str = ""
    hidden: frozenset[str] = frozenset()
    hidden_total: int = 0
    outside: frozenset[str] = frozenset()
    groups: list[tuple[str, list[str]]] | None = None
    total: int = 0


@dataclass
class GroupedCounts:
    """A tree's counts with some categories of one dimension added up (hidden if any part is)."""

    tree: TreeCounts
    dimension: str
    groups: list[tuple[str, list[str]]]  # (group key, its categories)

    def get(self, node: int, slot: str) -> int | None:
        """Return a slot's count; a group's is the sum of its categories' when every one is shown."""
        members = (
            dict(self.groups).get(slot.partition("|")[2]) if slot.startswith(f"{self.dimension}|") else None
        )
        if members is None:
            return self.tree.get(node, slot)
        counts = [self.tree.get(node, f"{self.dimension}|{c}") for c in members]
        return None if any(n is None for n in counts) else sum(n or 0 for n in counts)


def round_year(survey: Any) -> int:
    """Return the year of a survey round: when it closed (else opened, else was made)."""
    day = survey.closes_on or survey.opens_on or survey.created_on
    return int(day.year)


def _register_tree(
    municipality_id: int, year: int, threshold: int
) -> tuple[TreeCounts, dict[int, str], list[str], dict[int, set[str]]]:
    """Return the register's suppressed user counts of a year (as the register report decides them),
    the units' paths, the dimensions registered and each unit's registered dimensions."""
    rows = UserCount.objects.filter(municipality_id=municipality_id, year=year).values_list(
        "unit_id", "dimension", "category", "count"
    )
    dims = sorted({d for _u, d, _c, _n in rows}, key=list(BG_FIELDS).index)
    cats = {d: category_keys(d, municipality_id) for d in dims}
    leaf: dict[int, Counter[str]] = defaultdict(Counter)
    registered: dict[int, set[str]] = defaultdict(set)
    for unit_id, d, c, n in rows:
        leaf[unit_id][f"{d}|{c}"] += n
        leaf[unit_id][f"{d}|~known"] += n
        registered[unit_id].add(d)
    paths = dict(
        OrgUnit.objects.filter(municipality_id=municipality_id, pk__in=list(leaf)).values_list("pk", "path")
    )
    tree = build_tree_counts(leaf, paths, cats, threshold=threshold, survey_mode=False)
    return tree, paths, dims, registered


def registered_users(survey: Any, unit: OrgUnit, year: int) -> dict[str, Comparison]:
    """Return, per dimension, the registered service users of the round's units at or below ``unit``.

    Only where the units with user counts of ``year`` on that dimension are exactly the round's
    units there (else the users counted are not the people who could answer), and only the
    figures the register report shows for ``unit`` (its suppression: nothing new is revealed).
    """
    threshold = unit.municipality.anonymity_threshold
    tree, paths, dims, registered = _register_tree(unit.municipality_id, year, threshold)
    if not dims:
        return {}
    ran = set(
        SurveyUnit.objects.filter(
            survey=survey,
            municipality_id=unit.municipality_id,
            unit__municipality_id=unit.municipality_id,
            unit__path__startswith=unit.path,
        ).values_list("unit_id", flat=True)
    )
    found: dict[str, Comparison] = {}
    for d in dims:
        with_counts = {
            u for u, ds in registered.items() if d in ds and paths.get(u, "").startswith(unit.path)
        }
        if not ran or with_counts != ran:
            continue
        total = tree.get(unit.pk, f"{d}|~known")
        if not total:
            continue
        counts: dict[str, int] = {}
        hidden: set[str] = set()
        for c in category_keys(d, unit.municipality_id):
            n = tree.get(unit.pk, f"{d}|{c}")
            if n is None:
                hidden.add(c)
            else:
                counts[c] = n
        found[d] = Comparison(
            USERS,
            counts,
            hidden=frozenset(hidden),
            hidden_total=total - sum(counts.values()),
            total=total,
        )
    return found


def _grouped(comparison: Comparison, groups: list[tuple[str, list[str]]]) -> Comparison:
    """Return a users comparison with categories added up into ``groups`` (hidden if any part is)."""
    counts: dict[str, int] = {}
    hidden: set[str] = set()
    for key, members in groups:
        if any(c in comparison.hidden for c in members):
            hidden.add(key)
        else:
            counts[key] = sum(comparison.counts.get(c, 0) for c in members)
    return Comparison(
        USERS,
        counts,
        comparison.sources,
        hidden=frozenset(hidden),
        hidden_total=comparison.total - sum(counts.values()),
        groups=groups,
        total=comparison.total,
    )


def comparisons(
    survey: Any, unit: OrgUnit, dims: list[str], margins: Mapping[str, Margin], year: int
) -> dict[str, Comparison]:
    """Decide who each dimension's respondents are compared with (``None``-free: dims without a
    comparison are left out, as a dimension without population figures always was).

    1. The registered service users of the round's year, where the round's units have them: they
       are who could answer. When parents or relatives answer for the users, only on what a
       household shares (home language, district; immigrant background as the family's).
    2. Else the population of the survey's target group: by age, the age groups inside it (those
       outside are not compared); the population tables give other dimensions for every age only.
    3. Relatives' own age says nothing about which users are reached: not compared.
    """
    target = target_of(survey)
    users = registered_users(survey, unit, year)
    found: dict[str, Comparison] = {}
    for d in dims:
        if target.by_relatives and d == AGE_BAND.key:
            found[d] = Comparison(
                NOT_COMPARED,
                {},
                note=_(
                    "Not compared: parents or relatives answer for the users, so their own age says "
                    "nothing about which users are reached."
                ),
            )
            continue
        registered = users.get(d)
        if registered is not None and target.by_relatives and d not in HOUSEHOLD:
            registered = _grouped(registered, FAMILY_GROUPS[d]) if d in FAMILY_GROUPS else None
        if registered is not None:
            found[d] = registered
            continue
        margin = margins.get(d)
        if margin is None:
            continue
        if d == AGE_BAND.key and target.limited:
            inside = set(target.bands())
            found[d] = Comparison(
                TARGET,
                {c: n for c, n in margin.counts.items() if c in inside},
                margin.sources,
                outside=frozenset(set(category_keys(d, unit.municipality_id)) - inside),
            )
        else:
            found[d] = Comparison(EVERYONE, dict(margin.counts), margin.sources)
    return found


def target_words(target: Target, area: str) -> str:
    """Say who a survey is for and who answers it."""
    if target.by_relatives:
        if target.limited:
            return _(
                "The survey is for the service's users, people %(ages)s, and their parents or relatives "
                "answer it for them."
            ) % {"ages": target.ages()}
        return _("The survey is for the service's users, and their parents or relatives answer it for them.")
    if target.limited:
        return _("The survey is for people %(ages)s, and they answer it themselves.") % {
            "ages": target.ages()
        }
    return _("The survey is for everyone living in %(area)s.") % {"area": area}


def compared_with_words(
    found: Mapping[str, Comparison], dims: list[str], target: Target, area: str, year: int
) -> list[str]:
    """Say, in plain words before any number, who the respondents are compared with and why.

    One sentence per kind of comparison, naming its dimensions when they differ:
    "Compared with the 279 registered users of 2026: they are the people who could answer."
    """
    phrases: dict[str, list[str]] = {}
    for d in dims:
        c = found.get(d)
        if c is None:
            continue
        if c.source == USERS:
            phrase = _(
                "compared with the %(n)s registered users in %(year)s (service-user counts): they are "
                "the people who could answer."
            ) % {"n": c.total, "year": year}
            if c.groups:
                phrase += " " + _(
                    "Immigrant background as the family's: a parent's own background is not the child's."
                )
        elif c.source == TARGET:
            phrase = _("compared with residents %(ages)s in %(area)s, the people the survey is for.") % {
                "ages": target.ages(),
                "area": area,
            }
        elif c.source == EVERYONE and target.limited and not target.by_relatives:
            phrase = _(
                "compared with everyone living in %(area)s, of every age: the population figures do not "
                "give this for people %(ages)s alone, so read it with care."
            ) % {"area": area, "ages": target.ages()}
        elif c.source == EVERYONE:
            phrase = _("compared with everyone living in %(area)s.") % {"area": area}
        else:
            phrase = c.note[:1].lower() + c.note[1:]
        phrases.setdefault(phrase, []).append(dimension_name(d))
    if len(phrases) == 1:
        phrase = next(iter(phrases))
        return [phrase[:1].upper() + phrase[1:]]
    return [
        _("%(dimensions)s: %(phrase)s")
        % {
            "dimensions": get_text_list([names[0], *(n.lower() for n in names[1:])], _("and")),
            "phrase": phrase,
        }
        for phrase, names in phrases.items()
    ]


def _dimension_result(
    dim: str,
    cats: list[str],
    tree: TreeCounts | GroupedCounts,
    node: int,
    margin: Margin | Comparison | None,
    language: str,
    survey_mode: bool,
) -> DimensionResult:
    label = dimension_label(dim, language)
    if margin is None:
        return DimensionResult(dim, label, False, note=_("No population figures for this area."))
    compare = (
        margin
        if isinstance(margin, Comparison)
        else Comparison(EVERYONE, dict(margin.counts), margin.sources)
    )
    if compare.source == NOT_COMPARED:
        return DimensionResult(dim, label, False, note=compare.note, compared_with=NOT_COMPARED)
    sources = compare.sources
    if compare.groups:
        tree = GroupedCounts(tree, dim, compare.groups) if isinstance(tree, TreeCounts) else tree
        cats = [key for key, _members in compare.groups]
    total = tree.get(node, "all" if survey_mode else f"{dim}|~known")
    if not total:
        return DimensionResult(dim, label, False, note=_("Too few to show."), compared_with=compare.source)
    missing = tree.get(node, f"{dim}|~missing") if survey_mode else 0
    # A shown "not stated" count is left out; a hidden one is part of the combined small groups.
    known = total - (missing or 0)
    rows: list[GroupRow] = []
    keys: list[str] = []
    n_g: list[int] = []
    big_n: list[int] = []
    hidden_n, hidden_pop, not_comparable = known, compare.hidden_total, 0
    hidden_keys: list[str] = []
    outside_hidden = False
    for c in cats:
        n = tree.get(node, f"{dim}|{c}")
        if c in compare.outside:
            # Outside the target group: shown as not compared; hidden ones cannot be told apart from
            # the hidden groups inside it, so those are then not compared either.
            if n is None:
                outside_hidden = True
                continue
            hidden_n -= n
            not_comparable += n
            if n:
                rows.append(
                    GroupRow(c, category_label(dim, c, language), n, None, no_population=True, outside=True)
                )
            continue
        pop = compare.counts.get(c)
        if n is None or c in compare.hidden:
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
        if hidden_pop and not outside_hidden:
            keys.append(HIDDEN)
            n_g.append(hidden_n)
            big_n.append(hidden_pop)
        else:
            not_comparable += hidden_n
    if sum(n_g) == 0 or len(keys) < 2:
        return DimensionResult(
            dim, label, False, note=_("Too few to compare."), sources=sources, compared_with=compare.source
        )
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
        sources=sources,
        compared_with=compare.source,
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
    """Compare a survey round's respondents at or below ``unit`` with the people the survey is for.

    Who that is, per dimension, :func:`comparisons` decides (registered users, the target group's
    population, or everyone living in the area) and the report says in words.
    ``tree`` is the round's suppressed counts (:func:`survey_tree_counts`), if already built.
    """
    dims = survey_dimensions(survey)
    if tree is None:
        tree, _paths = survey_tree_counts(survey, dims)
    catchment = catchment_for(unit=unit)
    margins = population_margins(municipality=unit.municipality, region=catchment.region)
    dims = _dims_for(catchment, dims)
    year = round_year(survey)
    found = comparisons(survey, unit, dims, margins, year)
    report = _report(
        unit,
        tree,
        dims,
        register=False,
        threshold=survey.threshold,
        language=language,
        catchment=catchment,
        compare=found,
    )
    target = target_of(survey)
    report.year = year
    report.target_words = target_words(target, catchment.label)
    report.compared_with = compared_with_words(found, dims, target, catchment.label, year)
    report.comparisons = found
    return report


def weighting_margins(
    survey: Any, unit: OrgUnit, dims: list[str], found: Mapping[str, Comparison] | None = None
) -> dict[str, Margin]:
    """Return the margins to weight a round's answers to: the same people the respondents are
    compared with (``found``, a report's ``comparisons``, else decided here), where every group of
    theirs is known (a users' hidden group or the family's groups of relatives' answers cannot be
    weighted to, so that dimension is left out)."""
    if found is None:
        catchment = catchment_for(unit=unit)
        margins = population_margins(municipality=unit.municipality, region=catchment.region)
        found = comparisons(survey, unit, _dims_for(catchment, dims), margins, round_year(survey))
    return {
        d: Margin(d, dict(c.counts), c.sources, "")
        for d, c in found.items()
        if c.source != NOT_COMPARED and not c.hidden and not c.groups
    }


def user_representation(*, unit: OrgUnit, year: int, language: str = "nb") -> RepresentationReport:
    """Compare a unit's registered service users with its catchment population (a register)."""
    threshold = unit.municipality.anonymity_threshold
    tree, _paths, dims, _registered = _register_tree(unit.municipality_id, year, threshold)
    return _report(unit, tree, dims, register=True, threshold=threshold, language=language)


def _report(
    unit: OrgUnit,
    tree: TreeCounts,
    dims: list[str],
    *,
    register: bool,
    threshold: int,
    language: str,
    catchment: Catchment | None = None,
    compare: Mapping[str, Comparison] | None = None,
) -> RepresentationReport:
    catchment = catchment or catchment_for(unit=unit)
    dims = _dims_for(catchment, dims)
    if compare is None:
        margins = population_margins(municipality=unit.municipality, region=catchment.region)
        compare = {d: Comparison(EVERYONE, dict(m.counts), m.sources) for d, m in margins.items()}
    cats = {d: category_keys(d, unit.municipality_id) for d in dims}
    results = [
        _dimension_result(d, cats[d], tree, unit.pk, compare.get(d), language, not register) for d in dims
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
    "EVERYONE",
    "HIDDEN",
    "NOT_COMPARED",
    "TARGET",
    "USERS",
    "Comparison",
    "DimensionResult",
    "GroupRow",
    "RepresentationReport",
    "SurveyTreeCounts",
    "access_survey_for_unit",
    "build_tree_counts",
    "comparisons",
    "registered_users",
    "round_year",
    "survey_representation",
    "surveys_for_unit",
    "user_counts_for",
    "user_representation",
    "weighting_margins",
]
