"""Map an imported statistics table onto Medvirk's standard background dimensions.

A mapping is plain data an analyst can read and correct: for every source dimension that
matters, one :class:`MappingEntry` per category code saying which standard category it feeds
(``target_key``), whether the code is the dimension's total (:data:`TOTAL`), and how sure we
are (:class:`MappingStatus`: ``auto`` = suggested by the rules here, ``confirmed`` = given or
checked by a person, ``unmapped`` = no target, always reported and never silently dropped).
:func:`build_mapping` suggests a mapping for SSB tables 07459, 10826 and 09817 (and look-alike
CSV imports); :meth:`TableMapping.with_entry` records a correction; :func:`apply_mapping`
aggregates the table into counts per standard dimension and category, per region, and checks
the table's own totals against the sum of their parts.

Rules of aggregation, chosen so nothing is double counted and nothing unknown becomes zero:

* Dimensions fixed to one category (``Tid`` = the latest year, ``ContentsCode`` = persons)
  are listed in :attr:`TableMapping.selections`.
* To count one dimension, every other mapped dimension is taken at its total code when the
  table has one (totals are authoritative), otherwise summed over its mapped parts.
* Cells without a value (SSB status ``:`` suppressed, ``..`` missing) are counted as
  *unknown* (``suppressed_cells``), not as zero.
* Codes without a target are reported (:data:`MappingIssueCode.UNMAPPED_CODE`) with the number
  of persons they hold.
* For every total in the table the parts are summed and compared; a mismatch is reported with
  the difference. With suppressed parts, the gap is reported as the implied unknown count.

SSB codes used (from SSB's API documentation and public queries against the API; see
``docs/population-data.md`` for which to re-check against a table's metadata): ``Kjonn``
1 = menn, 2 = kvinner, 0 = begge kjønn; ``Alder`` three-digit one-year codes ``"000"``..
``"104"`` and ``"105+"`` or intervals such as ``"020-024"``, totals starting with ``"999"``;
``InnvandrKat`` B = innvandrere, C = norskfødte med innvandrerforeldre; ``Landbakgrunn``
three-digit country codes, ``"999"`` = all countries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from medvirk.common.dimensions import (
    AGE_BAND,
    AGE_BANDS,
    DISTRICT,
    GENDER,
    IMMIGRANT_BACKGROUND,
    age_band_for,
)
from medvirk.population.jsonstat import Cell, PopulationTable, TableDimension

__all__ = [
    "COUNTRY_BACKGROUND",
    "TOTAL",
    "CategoryCount",
    "CountryGroup",
    "DimensionMapping",
    "MappingEntry",
    "MappingError",
    "MappingIssue",
    "MappingIssueCode",
    "MappingResult",
    "MappingStatus",
    "TableMapping",
    "add_rest_of_population",
    "age_interval",
    "apply_mapping",
    "build_mapping",
    "largest_country_groups",
    "map_age_code",
    "map_country_code",
    "map_immigrant_code",
    "map_region_codes",
    "map_sex_code",
]

TOTAL = "__total__"
"""Target key marking a code as the total of its dimension (used for checks, not as a group)."""

COUNTRY_BACKGROUND = "country_background"
"""Target dimension for SSB's ``Landbakgrunn`` (not a survey dimension; used for top groups)."""

# Source dimension ids (case-insensitive) → target dimension, for SSB tables and CSV look-alikes.
_DIMENSION_ALIASES: Mapping[str, str] = {
    "alder": AGE_BAND.key,
    "age": AGE_BAND.key,
    "kjonn": GENDER.key,
    "kjønn": GENDER.key,
    "sex": GENDER.key,
    "gender": GENDER.key,
    "region": DISTRICT.key,
    "bydel": DISTRICT.key,
    "innvandrkat": IMMIGRANT_BACKGROUND.key,
    "innvandringskategori": IMMIGRANT_BACKGROUND.key,
    "landbakgrunn": COUNTRY_BACKGROUND,
}
_TIME_IDS = frozenset({"tid", "år", "year", "time"})
_METRIC_IDS = frozenset({"contentscode", "statistikkvariabel", "contents"})
_PERSON_METRICS = ("Personer1", "Personer", "Folkemengde")
_TOTAL_WORDS = frozenset(
    {"total", "totalt", "i alt", "ialt", "alle", "alle aldre", "begge kjønn", "both sexes",
     "alle land", "all countries", "all ages"}
)  # fmt: skip


class MappingStatus(StrEnum):
    """How a source code's target was decided."""

    AUTO = "auto"
    CONFIRMED = "confirmed"
    UNMAPPED = "unmapped"


class MappingIssueCode(StrEnum):
    """What :func:`apply_mapping` found; stable codes for the UI, logs and the API."""

    UNMAPPED_CODE = "unmapped_code"
    INCONSISTENT_TOTAL = "inconsistent_total"
    SUPPRESSED_IN_TOTAL = "suppressed_in_total"


class MappingError(ValueError):
    """Raised when a mapping cannot be applied to a table at all (structural mismatch)."""


@dataclass(frozen=True, slots=True)
class MappingEntry:
    """One source category: where it goes (a category key, TOTAL or None) and why."""

    source_code: str
    source_label: str
    target_key: str | None
    status: MappingStatus
    note: str = ""

    @property
    def is_total(self) -> bool:
        """Return whether this code is the total of its dimension."""
        return self.target_key == TOTAL

    @property
    def is_part(self) -> bool:
        """Return whether this code feeds a standard category."""
        return self.target_key is not None and self.target_key != TOTAL


@dataclass(frozen=True, slots=True)
class DimensionMapping:
    """How one source dimension maps onto one standard dimension, code by code.

    ``exhaustive`` says whether the parts add up to the total (False for a list of the largest
    countries, where the total also holds everyone else); totals are only checked if True.
    """

    source_dimension: str
    target_dimension: str
    entries: tuple[MappingEntry, ...]
    exhaustive: bool = True

    def entry(self, code: str) -> MappingEntry:
        """Return the entry for a source code."""
        for e in self.entries:
            if e.source_code == code:
                return e
        raise KeyError(code)

    def target(self, code: str) -> str | None:
        """Return the target key of a source code (TOTAL, a category key or None)."""
        return self.entry(code).target_key

    def total_codes(self) -> tuple[str, ...]:
        """Return the codes that are totals of the dimension."""
        return tuple(e.source_code for e in self.entries if e.is_total)

    def part_codes(self) -> tuple[str, ...]:
        """Return the codes mapped to a standard category."""
        return tuple(e.source_code for e in self.entries if e.is_part)

    def unmapped(self) -> tuple[MappingEntry, ...]:
        """Return the entries without a target."""
        return tuple(e for e in self.entries if e.target_key is None)


@dataclass(frozen=True, slots=True)
class TableMapping:
    """The whole mapping of one table: per-dimension mappings and fixed selections."""

    table_id: str | None
    dimensions: tuple[DimensionMapping, ...]
    selections: tuple[tuple[str, str], ...] = ()
    region_dimension: str | None = None

    def dimension(self, source_dimension: str) -> DimensionMapping:
        """Return the mapping of a source dimension."""
        for d in self.dimensions:
            if d.source_dimension == source_dimension:
                return d
        raise KeyError(source_dimension)

    def with_entry(
        self,
        source_dimension: str,
        source_code: str,
        target_key: str | None,
        *,
        status: MappingStatus = MappingStatus.CONFIRMED,
        note: str = "",
    ) -> TableMapping:
        """Return a copy where one code maps to ``target_key`` (an analyst's correction)."""
        if target_key is None:
            status = MappingStatus.UNMAPPED
        dims = []
        found = False
        for d in self.dimensions:
            if d.source_dimension == source_dimension:
                entries = []
                for e in d.entries:
                    if e.source_code == source_code:
                        found = True
                        e = replace(e, target_key=target_key, status=status, note=note or e.note)
                    entries.append(e)
                d = replace(d, entries=tuple(entries))
            dims.append(d)
        if not found:
            raise KeyError(f"{source_dimension}/{source_code}")
        return replace(self, dimensions=tuple(dims))

    def with_selection(self, source_dimension: str, code: str) -> TableMapping:
        """Return a copy that fixes ``source_dimension`` to ``code``."""
        sel = dict(self.selections)
        sel[source_dimension] = code
        return replace(self, selections=tuple(sel.items()))

    def as_rows(self) -> list[dict[str, str]]:
        """Return the mapping as flat rows for display, export and review."""
        rows = [
            {
                "source_dimension": d.source_dimension,
                "source_code": e.source_code,
                "source_label": e.source_label,
                "target_dimension": d.target_dimension,
                "target_key": e.target_key or "",
                "status": str(e.status),
                "note": e.note,
            }
            for d in self.dimensions
            for e in d.entries
        ]
        rows.extend(
            {
                "source_dimension": dim,
                "source_code": code,
                "source_label": "",
                "target_dimension": "",
                "target_key": "",
                "status": "selected",
                "note": "fixed to this category",
            }
            for dim, code in self.selections
        )
        return rows


# --- per-dimension rules -------------------------------------------------------------------


def _is_total_label(code: str, label: str) -> bool:
    return code.casefold() in _TOTAL_WORDS or label.strip().casefold() in _TOTAL_WORDS


def age_interval(code: str) -> tuple[int, int | None] | None:
    """Return the age interval ``(low, high)`` of an SSB age code (``high`` None if open).

    ``"017"`` → (17, 17), ``"105+"`` → (105, None), ``"020-024"`` → (20, 24),
    ``"80+"`` → (80, None). Return None if the code is not an age.
    """
    c = code.strip()
    if m := re.fullmatch(r"(\d{1,3})", c):
        return int(m.group(1)), int(m.group(1))
    if m := re.fullmatch(r"(\d{1,3})\s*\+", c):
        return int(m.group(1)), None
    if m := re.fullmatch(r"(\d{1,3})\s*-\s*(\d{1,3})", c):
        low, high = int(m.group(1)), int(m.group(2))
        return (low, high) if low <= high else None
    if m := re.fullmatch(r"(\d{1,3})\s*-\s*(\d{1,3})\s*\+", c):
        return int(m.group(1)), None
    return None


def map_age_code(code: str, label: str = "") -> MappingEntry:
    """Map an SSB age code (one-year, ``105+`` or an interval) to a standard age band."""
    if code.startswith("999") or _is_total_label(code, label):
        return MappingEntry(code, label, TOTAL, MappingStatus.AUTO, "all ages")
    interval = age_interval(code)
    if interval is None:
        return MappingEntry(code, label, None, MappingStatus.UNMAPPED, "not an age code")
    low, high = interval
    band = age_band_for(low)
    band_high = next(b.high for b in AGE_BANDS if b.key == band)
    fits = band_high is None if high is None else (band_high is None or high <= band_high)
    if not fits:
        last = "open" if high is None else age_band_for(high)
        return MappingEntry(
            code,
            label,
            None,
            MappingStatus.UNMAPPED,
            f"interval {low}-{'' if high is None else high} straddles bands {band} and {last}",
        )
    return MappingEntry(code, label, band, MappingStatus.AUTO)


def map_sex_code(code: str, label: str = "") -> MappingEntry:
    """Map an SSB sex code (1 menn, 2 kvinner, 0 begge kjønn) to the gender dimension."""
    c, lab = code.strip().casefold(), label.strip().casefold()
    if c in {"0", "0-2", "total", "ialt"} or _is_total_label(code, label):
        return MappingEntry(code, label, TOTAL, MappingStatus.AUTO, "both sexes")
    if c == "1" or lab in {"menn", "mann", "males", "male", "m"}:
        return MappingEntry(code, label, "male", MappingStatus.AUTO)
    if c == "2" or lab in {"kvinner", "kvinne", "females", "female", "k"}:
        return MappingEntry(code, label, "female", MappingStatus.AUTO)
    return MappingEntry(code, label, None, MappingStatus.UNMAPPED, "unknown sex code")


def map_immigrant_code(code: str, label: str = "") -> MappingEntry:
    """Map an SSB immigration category (09817 ``InnvandrKat``) to immigrant_background."""
    c, lab = code.strip(), label.strip().casefold()
    if c == "B" or lab == "innvandrere":
        return MappingEntry(code, label, "immigrant", MappingStatus.AUTO)
    if c == "C" or lab.startswith("norskfødte med innvandrerforeldre"):
        return MappingEntry(code, label, "norwegian_born_to_immigrants", MappingStatus.AUTO)
    if c.casefold() in {"rest", "øvrige"} or lab in {
        "øvrig befolkning",
        "befolkningen ellers",
        "rest of the population",
    }:
        return MappingEntry(code, label, "rest", MappingStatus.AUTO)
    if c.casefold() in {"ialt", "0", "999", "total"} or _is_total_label(code, label):
        return MappingEntry(code, label, TOTAL, MappingStatus.AUTO, "whole population")
    return MappingEntry(code, label, None, MappingStatus.UNMAPPED, "unknown immigration category")


def map_country_code(code: str, label: str = "") -> MappingEntry:
    """Map an SSB country-background code: countries to themselves, ``999`` to TOTAL.

    Codes that are not three digits (``"015a"``, ``"EU"``…) are groups of countries; they are
    left unmapped so a country list never counts anyone twice.
    """
    if code == "999" or _is_total_label(code, label):
        return MappingEntry(code, label, TOTAL, MappingStatus.AUTO, "all countries")
    if re.fullmatch(r"\d{3}", code):
        return MappingEntry(code, label, code, MappingStatus.AUTO)
    return MappingEntry(code, label, None, MappingStatus.UNMAPPED, "a group of countries, not one country")


def map_region_codes(
    dimension: TableDimension,
    targets: Mapping[str, str] | None,
    totals: Iterable[str] = (),
) -> tuple[MappingEntry, ...]:
    """Map region codes to the caller's districts/org areas; unknown codes stay unmapped.

    ``targets`` maps a region code to a district or org-area key (e.g. ``"999901"``) and is
    taken as confirmed. A code with a trailing letter suffix, as SSB uses for some city
    districts (``"030101a"``), falls back to the code without it (auto). ``totals`` lists codes
    that are the municipality total. With ``targets`` None every code maps to itself (auto).
    """
    total_set = set(totals)
    out = []
    for cat in dimension.categories:
        code = cat.code
        if code in total_set:
            out.append(MappingEntry(code, cat.label, TOTAL, MappingStatus.CONFIRMED, "total"))
        elif targets is None:
            out.append(MappingEntry(code, cat.label, code, MappingStatus.AUTO))
        elif code in targets:
            out.append(MappingEntry(code, cat.label, targets[code], MappingStatus.CONFIRMED))
        elif (stripped := re.sub(r"[A-Za-z]+$", "", code)) in targets and stripped != code:
            out.append(
                MappingEntry(
                    code,
                    cat.label,
                    targets[stripped],
                    MappingStatus.AUTO,
                    f"matched {stripped} without the letter suffix",
                )
            )
        else:
            out.append(
                MappingEntry(
                    code,
                    cat.label,
                    None,
                    MappingStatus.UNMAPPED,
                    "region not among the municipality's districts",
                )
            )
    return tuple(out)


_CODE_RULES = {
    AGE_BAND.key: map_age_code,
    GENDER.key: map_sex_code,
    IMMIGRANT_BACKGROUND.key: map_immigrant_code,
    COUNTRY_BACKGROUND: map_country_code,
}


def build_mapping(
    table: PopulationTable,
    *,
    region_targets: Mapping[str, str] | None = None,
    region_totals: Iterable[str] = (),
    selections: Mapping[str, str] | None = None,
) -> TableMapping:
    """Suggest a mapping for a table from SSB's code conventions.

    Dimensions are recognised by id (``Region``, ``Kjonn``, ``Alder``, ``InnvandrKat``,
    ``Landbakgrunn``, case-insensitive, also ``kjønn``/``alder`` from CSV). The time dimension
    is fixed to its latest category and ``ContentsCode`` to persons unless ``selections`` says
    otherwise; other single-category dimensions are fixed to that category.
    """
    chosen = dict(selections or {})
    dims: list[DimensionMapping] = []
    region_dimension = None
    for dim in table.dimensions:
        if dim.id in chosen:
            continue
        low = dim.id.casefold()
        target = _DIMENSION_ALIASES.get(low)
        if target is None and dim.role == "geo":
            target = DISTRICT.key
        if target == DISTRICT.key:
            region_dimension = dim.id
            entries = map_region_codes(dim, region_targets, region_totals)
            dims.append(DimensionMapping(dim.id, target, entries))
        elif target is not None:
            rule = _CODE_RULES[target]
            entries = tuple(rule(c.code, c.label) for c in dim.categories)
            dims.append(DimensionMapping(dim.id, target, entries, exhaustive=target != COUNTRY_BACKGROUND))
        elif dim.role == "time" or low in _TIME_IDS:
            chosen[dim.id] = dim.codes()[-1]
        elif dim.role == "metric" or low in _METRIC_IDS:
            persons = [c for c in _PERSON_METRICS if c in dim.codes()]
            chosen[dim.id] = persons[0] if persons else dim.codes()[0]
        elif len(dim) == 1:
            chosen[dim.id] = dim.codes()[0]
    return TableMapping(
        table_id=table.table_id,
        dimensions=tuple(dims),
        selections=tuple(chosen.items()),
        region_dimension=region_dimension,
    )


# --- applying ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CategoryCount:
    """Persons in one standard category within one region (None: the table has no region)."""

    dimension: str
    category: str
    region: str | None
    count: int | float
    suppressed_cells: int = 0


@dataclass(frozen=True, slots=True)
class MappingIssue:
    """A data problem found while applying a mapping (never fatal; shown to the analyst)."""

    code: MappingIssueCode
    dimension: str
    source_code: str | None
    message: str
    difference: int | float | None = None
    persons: int | float | None = None
    cell: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class MappingResult:
    """Aggregated counts per standard dimension, category and region, plus issues found."""

    counts: tuple[CategoryCount, ...]
    population: tuple[tuple[str | None, int | float], ...]
    issues: tuple[MappingIssue, ...]
    suppressed_population_cells: tuple[tuple[str | None, int], ...] = ()

    def count(self, dimension: str, category: str, region: str | None = None) -> int | float:
        """Return the count of a category, in one region or (``region`` None) in all."""
        return sum(
            c.count
            for c in self.counts
            if c.dimension == dimension and c.category == category and (region is None or c.region == region)
        )

    def suppressed(self, dimension: str, category: str, region: str | None = None) -> int:
        """Return how many cells without a value (unknown, not zero) fed a category."""
        return sum(
            c.suppressed_cells
            for c in self.counts
            if c.dimension == dimension and c.category == category and (region is None or c.region == region)
        )

    def categories(self, dimension: str, region: str | None = None) -> dict[str, int | float]:
        """Return category → count for a dimension, in first-seen order."""
        out: dict[str, int | float] = {}
        for c in self.counts:
            if c.dimension == dimension and (region is None or c.region == region):
                out[c.category] = out.get(c.category, 0) + c.count
        return out

    def regions(self) -> tuple[str | None, ...]:
        """Return the region keys in the result."""
        return tuple(r for r, _ in self.population)

    def population_total(self, region: str | None = None) -> int | float:
        """Return the known population, in one region or in all."""
        return sum(n for r, n in self.population if region is None or r == region)

    def issues_with(self, code: MappingIssueCode) -> tuple[MappingIssue, ...]:
        """Return the issues with one code."""
        return tuple(i for i in self.issues if i.code == code)


def apply_mapping(table: PopulationTable, mapping: TableMapping) -> MappingResult:
    """Aggregate a table into counts per standard dimension/category/region and check totals.

    Raise :class:`MappingError` if a dimension is neither mapped nor fixed by a selection, or
    a mapping names a dimension or code the table does not have.
    """
    selections = dict(mapping.selections)
    mapped = {d.source_dimension: d for d in mapping.dimensions}
    ids = table.dimension_ids
    problems = []
    for dim in table.dimensions:
        if dim.id in selections:
            if selections[dim.id] not in dim.codes():
                problems.append(f"{dim.id}: selected code {selections[dim.id]!r} not in table")
        elif dim.id in mapped:
            missing = set(dim.codes()) - {e.source_code for e in mapped[dim.id].entries}
            if missing:
                problems.append(f"{dim.id}: no mapping entry for {sorted(missing)}")
        else:
            problems.append(f"{dim.id}: neither mapped nor fixed to one category")
    problems.extend(f"{d}: not in table" for d in mapped if d not in ids)
    problems.extend(f"{d}: selected but not in table" for d in selections if d not in ids)
    if problems:
        raise MappingError("; ".join(problems))

    pos = {d: i for i, d in enumerate(ids)}
    cells = [c for c in table.cells if all(c.key[pos[d]] == code for d, code in selections.items())]
    region_dim = mapping.region_dimension if mapping.region_dimension in mapped else None
    # For each mapped dimension: which codes stand for "everyone" when another one is counted.
    use: dict[str, frozenset[str]] = {}
    for d, dm in mapped.items():
        totals = dm.total_codes()
        if d == region_dim:
            use[d] = frozenset(dm.part_codes() or totals)
        else:
            use[d] = frozenset(totals[:1]) if totals else frozenset(dm.part_codes())
    region_of: dict[str, str] = {}
    if region_dim is not None:
        for e in mapped[region_dim].entries:
            if e.target_key is not None:
                region_of[e.source_code] = e.target_key

    counts: dict[tuple[str, str, str | None], list[float]] = defaultdict(lambda: [0, 0])
    population: dict[str | None, list[float]] = defaultdict(lambda: [0, 0])
    unmapped_persons: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0])

    for cell in cells:
        region = region_of.get(cell.key[pos[region_dim]]) if region_dim else None
        off = [d for d in mapped if cell.key[pos[d]] not in use[d]]
        if not off:
            acc = population[region]
            _add(acc, cell.value)
        for d in mapped:
            code = cell.key[pos[d]]
            entry = mapped[d].entry(code)
            others_ok = all(o == d for o in off)
            if entry.target_key is None and others_ok:
                acc = unmapped_persons[(d, code)]
                _add(acc, cell.value)
                continue
            target = entry.target_key
            if not entry.is_part or not others_ok or target is None:
                continue
            if d == region_dim:
                key = (DISTRICT.key, target, region)
            else:
                key = (mapped[d].target_dimension, target, region)
            _add(counts[key], cell.value)

    issues: list[MappingIssue] = []
    for (d, code), (persons, unknown) in unmapped_persons.items():
        e = mapped[d].entry(code)
        issues.append(
            MappingIssue(
                MappingIssueCode.UNMAPPED_CODE,
                d,
                code,
                f"{d} code {code!r} ({e.source_label}) has no target"
                + (f": {e.note}" if e.note else "")
                + f"; {_whole(persons)} persons"
                + (f" and {unknown} cells without a value" if unknown else "")
                + " not counted",
                persons=_whole(persons),
            )
        )
    issues.extend(_check_totals(cells, ids, pos, mapped))

    return MappingResult(
        counts=tuple(
            CategoryCount(dim, cat, reg, _whole(v[0]), int(v[1])) for (dim, cat, reg), v in counts.items()
        ),
        population=tuple((r, _whole(v[0])) for r, v in population.items()),
        issues=tuple(issues),
        suppressed_population_cells=tuple((r, int(v[1])) for r, v in population.items()),
    )


def _add(acc: list[float], value: float | None) -> None:
    """Add a value to ``acc[0]``, or count a cell without a value in ``acc[1]``."""
    if value is None:
        acc[1] += 1
    else:
        acc[0] += value


def _whole(x: float) -> int | float:
    """Return a count summed from table cells as an int when it is whole (``12``, not ``12.0``)."""
    return int(x) if float(x).is_integer() else x


def _check_totals(
    cells: Sequence[Cell],
    ids: Sequence[str],
    pos: Mapping[str, int],
    mapped: Mapping[str, DimensionMapping],
) -> list[MappingIssue]:
    by_key = {c.key: c for c in cells}
    issues: list[MappingIssue] = []
    for d, dm in mapped.items():
        totals = set(dm.total_codes())
        if not totals or not dm.exhaustive:
            continue
        parts = [e.source_code for e in dm.entries if e.source_code not in totals]
        if not parts:
            continue
        for cell in cells:
            if cell.key[pos[d]] not in totals or cell.value is None:
                continue
            known = 0.0
            unknown = 0
            for p in parts:
                k = list(cell.key)
                k[pos[d]] = p
                part = by_key.get(tuple(k))
                if part is None or part.value is None:
                    unknown += 1
                else:
                    known += part.value
            diff = _whole(cell.value - known)
            where = ", ".join(f"{i}={c}" for i, c in zip(ids, cell.key, strict=True))
            if unknown and diff >= 0:
                if diff:
                    issues.append(
                        MappingIssue(
                            MappingIssueCode.SUPPRESSED_IN_TOTAL,
                            d,
                            cell.key[pos[d]],
                            f"{where}: {unknown} part(s) without a value hold {diff} persons",
                            difference=diff,
                            cell=cell.key,
                        )
                    )
            elif diff != 0:
                issues.append(
                    MappingIssue(
                        MappingIssueCode.INCONSISTENT_TOTAL,
                        d,
                        cell.key[pos[d]],
                        f"{where}: total {_whole(cell.value)} but parts sum to {_whole(known)} "
                        f"(difference {diff})",
                        difference=diff,
                        cell=cell.key,
                    )
                )
    return issues


# --- derived views -------------------------------------------------------------------------


def add_rest_of_population(
    result: MappingResult, population_by_region: Mapping[str | None, int | float]
) -> MappingResult:
    """Return a copy with immigrant_background "rest" = population − immigrants − born-to.

    SSB table 09817 only counts immigrants and Norwegian-born to immigrant parents; the rest of
    the population comes from the population total (07459 or 10826) for the same region.
    """
    extra = []
    for region, total in population_by_region.items():
        known = result.count(IMMIGRANT_BACKGROUND.key, "immigrant", region) + result.count(
            IMMIGRANT_BACKGROUND.key, "norwegian_born_to_immigrants", region
        )
        extra.append(CategoryCount(IMMIGRANT_BACKGROUND.key, "rest", region, _whole(total - known), 0))
    kept = tuple(
        c for c in result.counts if not (c.dimension == IMMIGRANT_BACKGROUND.key and c.category == "rest")
    )
    return replace(result, counts=kept + tuple(extra))


@dataclass(frozen=True, slots=True)
class CountryGroup:
    """One country background group with its count and share of all with a background."""

    code: str
    label: str
    count: int | float
    share: float | None


def largest_country_groups(
    result: MappingResult,
    mapping: TableMapping,
    *,
    n: int = 10,
    region: str | None = None,
) -> tuple[CountryGroup, ...]:
    """Return the ``n`` largest country-background groups, largest first (ties by code).

    ``share`` is relative to the sum of the immigrant_background categories "immigrant" and
    "norwegian_born_to_immigrants" in the same region (None if that is zero).
    """
    try:
        dm = next(d for d in mapping.dimensions if d.target_dimension == COUNTRY_BACKGROUND)
    except StopIteration:
        return ()
    labels = {e.target_key: e.source_label for e in dm.entries if e.is_part}
    counts = result.categories(COUNTRY_BACKGROUND, region)
    base = result.count(IMMIGRANT_BACKGROUND.key, "immigrant", region) + result.count(
        IMMIGRANT_BACKGROUND.key, "norwegian_born_to_immigrants", region
    )
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return tuple(
        CountryGroup(code, labels.get(code, code), cnt, cnt / base if base else None) for code, cnt in ranked
    )
