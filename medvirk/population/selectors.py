"""Reads for population data: access helpers (404 policy), tables, catchment areas and margins."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.http import Http404

from medvirk.accounts.access import can, municipality_id_of, row_or_404
from medvirk.accounts.permissions import Perm
from medvirk.common.dimensions import DIMENSIONS_BY_KEY, DISTRICT, IMMIGRANT_BACKGROUND
from medvirk.core.tenancy import co_located
from medvirk.orgs.models import Municipality, OrgUnit

from .models import POPULATION_TOTAL, MappingEntry, PopulationCount, PopulationTable, UserCount

#: An import note: a region of the table is another municipality (its rows were left out).
OTHER_MUNICIPALITY = "other_municipality"


def other_municipality_message(label: str, code: str) -> str:
    """Say in the active language that a table's region is another municipality, left out."""
    from django.utils.translation import gettext as _

    return _("%(label)s (%(code)s) is another municipality; its rows were left out.") % {
        "label": label,
        "code": code,
    }


def issue_message(issue: dict[str, Any]) -> str:
    """Return an import note's detail in the active language where it is one of ours, else as the
    file reader wrote it. Notes are kept with the table: one written in the importer's language
    showed that language to every later reader (and the page-text check saw English)."""
    if issue.get("code") == OTHER_MUNICIPALITY and "label" in issue and "region" in issue:
        return other_municipality_message(str(issue["label"]), str(issue["region"]))
    return str(issue.get("message", ""))


def issues_in_words(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return a table's import notes with each detail said in the active language (the API)."""
    return [{**issue, "message": issue_message(issue)} for issue in issues]


def dimension_label(dimension: str, language: str = "nb") -> str:
    """Return a display label for a dimension key."""
    dim = DIMENSIONS_BY_KEY.get(dimension)
    if dim is None:
        return dimension
    return dim.label(language)


def _active_language() -> str:
    from django.utils.translation import get_language

    return (get_language() or "nb")[:2]


def dimension_name(dimension: str) -> str:
    """Return a dimension's name in the active language."""
    return dimension_label(dimension, _active_language())


def category_name(key: str) -> str:
    """Return the name of a category of any standard dimension in the active language (a key
    belongs to one dimension; an unknown key is returned as it is)."""
    language = _active_language()
    for dim in DIMENSIONS_BY_KEY.values():
        for category in dim.categories:
            if category.key == key:
                return category.label(language)
    return key


def category_label(dimension: str, key: str, language: str = "nb") -> str:
    """Return a display label for a category key (a district's code: the district's name)."""
    if dimension == DISTRICT.key:
        unit = OrgUnit.objects.filter(region_code=key, kind="district").first()
        return unit.name if unit else key
    dim = DIMENSIONS_BY_KEY.get(dimension)
    for c in dim.categories if dim else ():
        if c.key == key:
            return c.label(language)
    return key


def tables_for(*, municipality: Municipality) -> QuerySet[PopulationTable]:
    """Return the municipality's imported tables, newest year first."""
    return PopulationTable.objects.filter(municipality=municipality).order_by("-year", "table_id")


def access_population_root(user: Any) -> OrgUnit:
    """Return the user's municipality root if they manage population data there; else 404.

    Population tables belong to the whole municipality, so pages and API ask this before any
    table is read or changed.
    """
    root = OrgUnit.objects.filter(municipality_id=municipality_id_of(user), parent=None).first()
    if root is None or not can(user, Perm.POPULATION_MANAGE, root):
        raise Http404
    return root


def access_table_by_id(user: Any, table_id: Any) -> PopulationTable:
    """Return a table of the user's municipality if they manage population data; else 404."""
    root = access_population_root(user)
    return row_or_404(PopulationTable.objects.all(), table_id, municipality_id=root.municipality_id)


def access_mapping_entry_by_id(user: Any, table_id: Any, entry_id: Any) -> MappingEntry:
    """Return one mapping entry of a table the user may manage; else 404."""
    table = access_table_by_id(user, table_id)
    return row_or_404(MappingEntry.objects.all(), entry_id, table=table)


@dataclass(frozen=True)
class Catchment:
    """The area whose population a unit serves: a district's region code or the whole municipality."""

    region: str
    label: str
    is_municipality: bool


def catchment_for(*, unit: OrgUnit) -> Catchment:
    """Return the nearest area at or above ``unit`` with a region code (else the municipality)."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    by_id = {u.pk: u for u in OrgUnit.objects.filter(municipality_id=unit.municipality_id, pk__in=ids)}
    muni = unit.municipality
    for pk in reversed(ids):
        u = by_id.get(pk)
        if u is not None and u.region_code and u.parent_id is not None and u.region_code != muni.code:
            return Catchment(u.region_code, u.name, False)
    return Catchment(muni.code, muni.name, True)


@dataclass(frozen=True)
class Margin:
    """Population counts of one dimension in one area, with the table(s) they came from."""

    dimension: str
    counts: dict[str, int]
    sources: tuple[str, ...]
    credit: str


def _district_codes(municipality: Municipality) -> list[str]:
    return sorted(
        set(
            OrgUnit.objects.filter(municipality=municipality)
            .exclude(region_code="")
            .exclude(region_code=municipality.code)
            .values_list("region_code", flat=True)
        )
    )


def population_margins(*, municipality: Municipality, region: str) -> dict[str, Margin]:
    """Return the population per standard dimension for an area, newest table first.

    For the municipality, a table at municipality level is preferred; otherwise its districts
    are summed. The district dimension (for the municipality) is each district's population.
    Immigrant background "rest" is derived as population − immigrants − born to immigrants.
    """
    districts = _district_codes(municipality)
    regions = [region]
    rows = list(
        PopulationCount.objects.filter(
            co_located("table"), municipality=municipality, region__in=[region, *districts]
        )
        .select_related("table")
        .order_by("-table__year", "table__table_id")
    )
    found: dict[str, Margin] = {}
    by_table: dict[int, list[PopulationCount]] = defaultdict(list)
    tables: dict[int, PopulationTable] = {}
    for r in rows:
        by_table[r.table_id].append(r)
        tables[r.table_id] = r.table
    totals: dict[str, int] = {}
    district_totals: dict[str, int] = {}
    for tid, trows in by_table.items():
        table = tables[tid]
        here = [r for r in trows if r.region in regions]
        if not here and region == municipality.code:
            here = [r for r in trows if r.region in districts]
            for r in here:
                if r.dimension == POPULATION_TOTAL:
                    district_totals.setdefault(r.region, r.count)
        dims: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for r in here:
            dims[r.dimension][r.category] += r.count
        label = f"{table.credit or table.source}, {table.table_id} ({table.year})"
        for dim, counts in dims.items():
            if dim == POPULATION_TOTAL:
                # Only a table of everyone (by age or sex) gives the whole population; 09817's
                # own total is immigrants plus Norwegian-born to immigrant parents.
                if dims.keys() & {"age_band", "gender"}:
                    totals.setdefault("all", counts["all"])
                continue
            if dim == DISTRICT.key or dim in found:
                continue
            found[dim] = Margin(dim, dict(counts), (label,), table.credit)
    if region == municipality.code and district_totals and len(district_totals) == len(districts):
        found[DISTRICT.key] = Margin(DISTRICT.key, dict(district_totals), ("",), "")
    imm = found.get(IMMIGRANT_BACKGROUND.key)
    if imm is not None and "rest" not in imm.counts and "all" in totals:
        counts = dict(imm.counts)
        counts["rest"] = max(
            0, totals["all"] - counts.get("immigrant", 0) - counts.get("norwegian_born_to_immigrants", 0)
        )
        found[IMMIGRANT_BACKGROUND.key] = Margin(imm.dimension, counts, imm.sources, imm.credit)
    return found


def data_version(*, municipality_id: int) -> str:
    """Return a digest of everything an equity report reads besides the answers: the population
    counts, the tables' sources and credits, the units' names, places in the tree and region
    codes (catchment areas), and the service-user counts (a round is compared with its users).

    Each import, mapping correction or deletion of a table rewrites or removes its counts (new
    ids), so their number and highest id change; two small index reads, no scan of the counts.
    Results worked out ahead from population data are keyed by it (``insights.equity_ahead``).
    """
    counts = PopulationCount.objects.filter(municipality_id=municipality_id).aggregate(
        n=Count("id"), last=Max("id")
    )
    users = UserCount.objects.filter(municipality_id=municipality_id).aggregate(
        n=Count("id"), last=Max("id"), changed=Max("updated_at")
    )
    tables = list(
        PopulationTable.objects.filter(municipality_id=municipality_id)
        .order_by("id")
        .values_list("id", "source", "credit", "table_id", "year")
    )
    units = sorted(
        OrgUnit.objects.filter(municipality_id=municipality_id).values_list(
            "id", "parent_id", "region_code", "name"
        ),
        key=lambda row: row[0],
    )
    return hashlib.sha256(
        repr(
            (counts["n"], counts["last"], tables, units, users["n"], users["last"], users["changed"])
        ).encode()
    ).hexdigest()[:24]


def user_counts_for(*, unit: OrgUnit, year: int | None = None) -> dict[str, dict[str, int]]:
    """Return dimension → category → users of a unit and everything below it for a year."""
    qs = UserCount.objects.filter(municipality_id=unit.municipality_id, unit__path__startswith=unit.path)
    if year is not None:
        qs = qs.filter(year=year)
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for dim, cat, n in qs.values_list("dimension", "category", "count"):
        out[dim][cat] += n
    return {d: dict(c) for d, c in out.items()}


def user_count_years(*, unit: OrgUnit) -> list[int]:
    """Return the years with user counts at or below a unit, newest first."""
    qs = UserCount.objects.filter(
        co_located("unit"), municipality_id=unit.municipality_id, unit__path__startswith=unit.path
    ).order_by()
    return sorted(set(qs.values_list("year", flat=True)), reverse=True)
