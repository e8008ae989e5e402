"""Writes for population data: import a table, correct its mapping, enter service-user counts.

Every write is one transaction with its audit event. An import is all or nothing: the document is
parsed and mapped in full before anything is stored, and a refused import stores nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from medvirk.accounts.access import Actor, acting_user, ensure_can
from medvirk.accounts.permissions import Perm
from medvirk.common.dimensions import DIMENSIONS_BY_KEY, DISTRICT
from medvirk.common.textfiles import TextFileError, decode_text
from medvirk.core.audit import audit_record
from medvirk.core.errors import ErrorCode, ServiceError
from medvirk.core.uploads import UploadErrorCode, text_problem
from medvirk.orgs.models import Municipality, OrgUnit
from medvirk.orgs.selectors import municipality_root

from . import mapping as pure
from .csvimport import CsvImportError, parse_csv
from .enums import PopulationAuditAction, PopulationErrorCode
from .jsonstat import JsonStatError, parse_jsonstat
from .jsonstat import PopulationTable as ParsedTable
from .models import (
    POPULATION_TOTAL,
    MappingEntry,
    MappingStatus,
    PopulationCount,
    PopulationTable,
    SourceFormat,
    UserCount,
    UserCountSource,
)
from .selectors import OTHER_MUNICIPALITY, other_municipality_message

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
BLOCKING = frozenset({pure.MappingIssueCode.INCONSISTENT_TOTAL})


class ImportRejected(ServiceError):
    """An upload that cannot be imported; ``issues`` lists every problem (code, where, message)."""

    def __init__(self, code: ErrorCode, message: Any, issues: list[dict[str, Any]]) -> None:
        super().__init__(code, message, field="file")
        self.issues = issues

    def as_dict(self) -> dict[str, Any]:
        """Return the structured form the API sends, with every issue."""
        return {**super().as_dict(), "issues": self.issues}


@dataclass
class Preview:
    """A parsed and mapped upload, not yet stored: what the analyst checks before importing."""

    parsed: ParsedTable
    mapping: pure.TableMapping
    result: pure.MappingResult
    year: int
    source_format: str
    text: str
    blocking: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether the upload can be imported."""
        return not self.blocking


def _issue_dict(issue: pure.MappingIssue) -> dict[str, Any]:
    return {
        "code": str(issue.code),
        "location": issue.dimension + (f"/{issue.source_code}" if issue.source_code else ""),
        "message": issue.message,
    }


def _require_manage(actor: Actor, municipality: Municipality) -> OrgUnit:
    root = municipality_root(municipality=municipality)
    ensure_can(actor, Perm.POPULATION_MANAGE, root, _("You cannot manage population data."))
    return root


def _detect_format(data: bytes, filename: str) -> str:
    name = filename.lower()
    if name.endswith(".json"):
        return SourceFormat.JSONSTAT
    if name.endswith((".csv", ".txt", ".tsv")):
        return SourceFormat.CSV
    return SourceFormat.JSONSTAT if data.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{") else SourceFormat.CSV


def _parse(text: str, source_format: str, source: str) -> ParsedTable:
    """Parse a document; raise ImportRejected with every parser issue."""
    try:
        if source_format == SourceFormat.JSONSTAT:
            return parse_jsonstat(text)
        return parse_csv(text, source=source or None)
    except JsonStatError as exc:
        issues = [i.as_dict() for i in exc.issues]
        raise ImportRejected(
            PopulationErrorCode.INVALID_JSONSTAT,
            _("The file is not valid JSON-stat 2.0. Nothing was imported."),
            issues,
        ) from None
    except CsvImportError as exc:
        issues = [
            {
                "code": str(e.code),
                "location": _("line %(line)s") % {"line": e.line} + (f", {e.column}" if e.column else ""),
                "message": e.message,
            }
            for e in exc.errors
        ]
        raise ImportRejected(
            PopulationErrorCode.INVALID_CSV, _("The CSV file has errors. Nothing was imported."), issues
        ) from None


def _is_region_dim(dim: Any) -> bool:
    return dim.id.casefold() in {"region", "bydel"} or dim.role == "geo"


def _only_this_municipality(
    municipality: Municipality, parsed: ParsedTable
) -> tuple[ParsedTable, list[dict[str, Any]]]:
    """Leave out other municipalities' rows (4-digit codes), reporting each; keep everything else."""
    dims = list(parsed.dimensions)
    warnings: list[dict[str, Any]] = []
    for i, dim in enumerate(dims):
        if not _is_region_dim(dim):
            continue
        other = [c for c in dim.categories if re.fullmatch(r"\d{4}", c.code) and c.code != municipality.code]
        if not other or len(other) == len(dim.categories):
            continue
        warnings.extend(
            {
                "code": OTHER_MUNICIPALITY,
                "location": f"{dim.id}/{c.code}",
                # Kept with the table and said in the reader's language (selectors.issue_message).
                "label": c.label,
                "region": c.code,
                "message": other_municipality_message(c.label, c.code),
            }
            for c in other
        )
        drop = {c.code for c in other}
        dims[i] = replace(dim, categories=tuple(c for c in dim.categories if c.code not in drop))
        cells = tuple(c for c in parsed.cells if c.key[i] not in drop)
        parsed = replace(parsed, dimensions=tuple(dims), cells=cells)
    return parsed, warnings


def _region_setup(municipality: Municipality, parsed: ParsedTable) -> tuple[dict[str, str], list[str]]:
    """Return region targets (districts, or the municipality itself) and total codes."""
    districts = set(
        OrgUnit.objects.filter(municipality=municipality)
        .exclude(region_code="")
        .values_list("region_code", flat=True)
    ) - {municipality.code}
    region_codes: set[str] = set()
    for dim in parsed.dimensions:
        if _is_region_dim(dim):
            region_codes |= {re.sub(r"[A-Za-z]+$", "", c) for c in dim.codes()}
    targets = {code: code for code in districts}
    if region_codes & districts:
        return targets, [municipality.code]
    targets[municipality.code] = municipality.code
    return targets, []


def _year(parsed: ParsedTable, mapping: pure.TableMapping, year: int | None) -> int:
    for dim_id, code in mapping.selections:
        dim = parsed.dimension(dim_id)
        if (dim.role == "time" or dim_id.casefold() in {"tid", "år", "year"}) and (
            m := re.match(r"(\d{4})", code)
        ):
            return int(m.group(1))
    if year:
        return year
    raise ImportRejected(
        PopulationErrorCode.YEAR_REQUIRED,
        _("The table has no year. Give the year the numbers are for."),
        [{"code": "year_required", "location": "year", "message": _("No time dimension in the table.")}],
    )


def import_preview(
    *,
    municipality: Municipality,
    data: bytes,
    filename: str = "",
    source: str = "",
    year: int | None = None,
) -> Preview:
    """Parse and map an upload without storing anything; raise ImportRejected if it cannot be read."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRejected(PopulationErrorCode.TOO_LARGE, _("The file is too large (at most 20 MB)."), [])
    source_format = _detect_format(data, filename)
    try:  # CSV may be Windows-1252 (Excel); JSON is Unicode
        text = decode_text(data, legacy_fallback=source_format == SourceFormat.CSV).text
    except TextFileError as error:
        raise ImportRejected(UploadErrorCode(error.code.value), text_problem(error), []) from None
    parsed, left_out = _only_this_municipality(municipality, _parse(text, source_format, source))
    targets, totals = _region_setup(municipality, parsed)
    mapping = pure.build_mapping(parsed, region_targets=targets, region_totals=totals)
    preview = _mapped_preview(parsed, mapping, year=year, source_format=source_format, text=text)
    preview.warnings[:0] = left_out
    return preview


def _mapped_preview(
    parsed: ParsedTable, mapping: pure.TableMapping, *, year: int | None, source_format: str, text: str
) -> Preview:
    try:
        result = pure.apply_mapping(parsed, mapping)
    except pure.MappingError as exc:
        raise ImportRejected(
            PopulationErrorCode.MAPPING_FAILED,
            _("The table's dimensions could not be matched. Nothing was imported."),
            [{"code": "mapping_failed", "location": "dimension", "message": str(exc)}],
        ) from None
    preview = Preview(parsed, mapping, result, _year(parsed, mapping, year), source_format, text)
    for issue in result.issues:
        (preview.blocking if issue.code in BLOCKING else preview.warnings).append(_issue_dict(issue))
    if not any(c.count for c in result.counts):
        preview.blocking.append(
            {
                "code": "no_counts",
                "location": "Region",
                "message": _("None of the table's regions is this municipality or one of its districts."),
            }
        )
    return preview


def _store_result(table: PopulationTable, result: pure.MappingResult) -> None:
    PopulationCount.objects.filter(table=table).delete()
    rows = [
        PopulationCount(
            municipality_id=table.municipality_id,
            table=table,
            region=c.region or "",
            dimension=c.dimension,
            category=c.category,
            count=round(c.count),
            suppressed_cells=c.suppressed_cells,
        )
        for c in result.counts
    ]
    rows += [
        PopulationCount(
            municipality_id=table.municipality_id,
            table=table,
            region=region or "",
            dimension=POPULATION_TOTAL,
            category="all",
            count=round(n),
        )
        for region, n in result.population
    ]
    PopulationCount.objects.bulk_create(rows)


def table_import(
    *,
    actor: Actor,
    municipality: Municipality,
    data: bytes,
    filename: str = "",
    source: str = "",
    year: int | None = None,
    replace: bool = False,
) -> PopulationTable:
    """Import a JSON-stat 2.0 or CSV table with its suggested mapping, all or nothing."""
    _require_manage(actor, municipality)
    preview = import_preview(
        municipality=municipality, data=data, filename=filename, source=source, year=year
    )
    if not preview.ok:
        raise ImportRejected(
            PopulationErrorCode.INCONSISTENT_TABLE,
            _("The table contradicts itself. Nothing was imported."),
            preview.blocking,
        )
    parsed = preview.parsed
    table_id = parsed.table_id or (filename.rsplit(".", 1)[0][:20] if filename else "table")
    with transaction.atomic():
        existing = PopulationTable.objects.filter(
            municipality=municipality, table_id=table_id, year=preview.year
        ).first()
        if existing is not None:
            if not replace:
                raise ServiceError(
                    PopulationErrorCode.TABLE_EXISTS,
                    _("Table %(table)s for %(year)s is already imported. Choose to replace it.")
                    % {"table": table_id, "year": preview.year},
                    field="replace",
                )
            existing.delete()
        table = PopulationTable.objects.create(
            municipality=municipality,
            source=parsed.source or source,
            table_id=table_id,
            year=preview.year,
            title=parsed.title[:400],
            credit=parsed.credit or "",
            licence=parsed.licence or "",
            source_format=preview.source_format,
            filename=filename[:200],
            raw=preview.text,
            selections=dict(preview.mapping.selections),
            region_dimension=preview.mapping.region_dimension or "",
            issues=preview.warnings,
            imported_by=acting_user(actor),
        )
        MappingEntry.objects.bulk_create(
            MappingEntry(
                municipality=municipality,
                table=table,
                position=i,
                source_dimension=row["source_dimension"],
                target_dimension=row["target_dimension"],
                source_code=row["source_code"],
                source_label=row["source_label"][:200],
                target_key=row["target_key"],
                status=row["status"],
                note=row["note"][:300],
            )
            for i, row in enumerate(r for r in preview.mapping.as_rows() if r["status"] != "selected")
        )
        _store_result(table, preview.result)
        audit_record(
            actor=actor,
            action=PopulationAuditAction.POPULATION_IMPORTED,
            obj=table,
            data={"table": table_id, "year": preview.year, "replaced": existing is not None},
        )
    return table


def table_mapping(table: PopulationTable) -> pure.TableMapping:
    """Rebuild the pure mapping of a stored table from its entries."""
    dims: dict[str, list[MappingEntry]] = {}
    for e in table.mapping_entries.all():
        dims.setdefault(e.source_dimension, []).append(e)
    return pure.TableMapping(
        table_id=table.table_id,
        dimensions=tuple(
            pure.DimensionMapping(
                source_dimension=dim,
                target_dimension=entries[0].target_dimension,
                entries=tuple(
                    pure.MappingEntry(
                        e.source_code,
                        e.source_label,
                        e.target_key or None,
                        pure.MappingStatus(e.status),
                        e.note,
                    )
                    for e in entries
                ),
                exhaustive=entries[0].target_dimension != pure.COUNTRY_BACKGROUND,
            )
            for dim, entries in dims.items()
        ),
        selections=tuple(table.selections.items()),
        region_dimension=table.region_dimension or None,
    )


def target_choices(table: PopulationTable, target_dimension: str) -> list[str]:
    """Return the target keys an entry of ``target_dimension`` may take (besides unused)."""
    if target_dimension == DISTRICT.key:
        codes = OrgUnit.objects.filter(municipality_id=table.municipality_id).exclude(region_code="")
        keys = sorted(set(codes.values_list("region_code", flat=True)))
        return [*keys, table.municipality.code, pure.TOTAL]
    if target_dimension in DIMENSIONS_BY_KEY:
        return [*DIMENSIONS_BY_KEY[target_dimension].keys(), pure.TOTAL]
    return []


def mapping_correct(*, actor: Actor, entry: MappingEntry, target_key: str | None) -> MappingEntry:
    """Map one source code to another category (None: not used) and recount the table."""
    table = entry.table
    _require_manage(actor, table.municipality)
    choices = target_choices(table, entry.target_dimension)
    if target_key and choices and target_key not in choices:
        raise ServiceError(
            PopulationErrorCode.INVALID_TARGET, _("Choose one of the listed categories."), field="target_key"
        )
    if target_key and not choices and not re.fullmatch(r"\d{3}", target_key):
        raise ServiceError(
            PopulationErrorCode.INVALID_TARGET, _("Give a three-digit country code."), field="target_key"
        )
    new = table_mapping(table).with_entry(entry.source_dimension, entry.source_code, target_key or None)
    parsed, left_out = _only_this_municipality(
        table.municipality, _parse(table.raw, table.source_format, table.source)
    )
    preview = _mapped_preview(parsed, new, year=table.year, source_format=table.source_format, text=table.raw)
    preview.warnings[:0] = left_out
    if not preview.ok:
        raise ImportRejected(
            PopulationErrorCode.INCONSISTENT_MAPPING,
            _("With this change the table's totals no longer add up. Nothing was changed."),
            preview.blocking,
        )
    before = entry.target_key
    with transaction.atomic():
        entry.target_key = target_key or ""
        entry.status = MappingStatus.CONFIRMED if target_key else MappingStatus.UNMAPPED
        entry.save(update_fields=["target_key", "status"])
        table.issues = preview.warnings
        table.save(update_fields=["issues"])
        _store_result(table, preview.result)
        audit_record(
            actor=actor,
            action=PopulationAuditAction.POPULATION_MAPPING_CORRECTED,
            obj=table,
            data={
                "dimension": entry.source_dimension,
                "code": entry.source_code,
                "from": before,
                "to": entry.target_key,
            },
        )
    return entry


def table_delete(*, actor: Actor, table: PopulationTable) -> None:
    """Delete an imported table with its mapping and counts."""
    _require_manage(actor, table.municipality)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=PopulationAuditAction.POPULATION_DELETED,
            obj=table,
            data={"table": table.table_id, "year": table.year},
        )
        table.delete()


USER_COUNT_DIMENSIONS = (
    "age_band",
    "gender",
    "immigrant_background",
    "home_language",
    "functional_impairment",
)


def user_counts_set(
    *,
    actor: Actor,
    unit: OrgUnit,
    year: int,
    dimension: str,
    counts: Mapping[str, int | None],
    source: str = UserCountSource.ENTERED,
) -> list[UserCount]:
    """Replace a unit's user counts for one year and dimension (None or missing: not known)."""
    ensure_can(actor, Perm.USER_COUNTS_EDIT, unit, _("You cannot enter user counts for this unit."))
    if dimension not in USER_COUNT_DIMENSIONS:
        raise ServiceError(
            PopulationErrorCode.INVALID_DIMENSION, _("Unknown background dimension."), field="dimension"
        )
    if not 1900 <= year <= 2200:
        raise ServiceError(PopulationErrorCode.INVALID_YEAR, _("Give a year such as 2026."), field="year")
    allowed = set(DIMENSIONS_BY_KEY[dimension].keys())
    unknown = sorted(set(counts) - allowed)
    if unknown:
        raise ServiceError(
            PopulationErrorCode.INVALID_CATEGORY,
            _("Unknown categories: %(keys)s.") % {"keys": ", ".join(unknown)},
            field=unknown[0],
        )
    for key, n in counts.items():
        if n is not None and (not isinstance(n, int) or n < 0):
            raise ServiceError(
                PopulationErrorCode.INVALID_COUNT, _("Counts must be whole numbers, 0 or more."), field=key
            )
    with transaction.atomic():
        UserCount.objects.filter(unit=unit, year=year, dimension=dimension).delete()
        rows = UserCount.objects.bulk_create(
            UserCount(
                municipality_id=unit.municipality_id,
                unit=unit,
                year=year,
                dimension=dimension,
                category=key,
                count=n,
                source=source,
                updated_by=acting_user(actor),
            )
            for key, n in counts.items()
            if n is not None
        )
        audit_record(
            actor=actor,
            action=PopulationAuditAction.POPULATION_USER_COUNTS_SET,
            obj=unit,
            data={"year": year, "dimension": dimension, "total": sum(n or 0 for n in counts.values())},
        )
    return rows


def user_counts_import(*, actor: Actor, unit: OrgUnit, year: int, counts: dict[str, dict[str, int]]) -> int:
    """Store the counts, replacing each given dimension's counts for the year; all or nothing."""
    with transaction.atomic():
        stored = 0
        for dimension in sorted(counts):
            rows = user_counts_set(
                actor=actor,
                unit=unit,
                year=year,
                dimension=dimension,
                counts=counts[dimension],
                source=UserCountSource.IMPORTED,
            )
            stored += len(rows)
    return stored
