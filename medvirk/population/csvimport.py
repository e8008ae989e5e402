"""Import a population table from CSV into the same :class:`PopulationTable` as JSON-stat.

Two layouts are accepted, both as Statistics Norway's statbank and municipal analysts produce:

* **Long format**: one column per dimension and one value column, e.g.
  ``Region;Kjonn;Alder;Tid;Personer`` with codes in the cells.
* **SSB "codes and texts" export**: the statbank download (and PxWebApi v2
  ``outputformat=csv&outputformatparams=usecodesandtexts``) writes each category as
  ``"<code> <label>"`` (``"9999 Eksempel kommune"``, ``"1 Menn"``, ``"000 0 år"``) and may put
  the heading variables in the column titles, giving several value columns such as
  ``"Personer 2026"``. Such columns become categories of one extra dimension
  (``heading_dimension``). A title line (``"07459: Befolkning, etter ..."``) above the header
  is read as table id and title.

Reading rules: UTF-8, UTF-16 or UTF-32 with or without BOM, falling back to Windows-1252 (Excel
on Norwegian Windows), decoded by ``medvirk.common.textfiles.decode_text`` (a file that is not
text, say a workbook, is one ``not_text`` error); the delimiter (``;`` or ``,``, also tab) is
sniffed from the header line; numbers may use Norwegian formats (``"1 234"`` with a space or
no-break space as thousands separator, ``"1234,0"`` with a decimal comma, ``"1.234,5"``); SSB's
symbols ``.``, ``..``, ``...`` and ``:`` in the value column mean "no value" and are kept as the
cell status, ``-`` means nil (0). Every bad row is reported (line number, column, coded
reason); one :class:`CsvImportError` carries them all and nothing half-imported is returned.
Combinations absent from the file are kept as cells with no value and status ``".."``
(missing), never as zero.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from medvirk.common.csvtext import sniff_delimiter
from medvirk.common.textfiles import TextFileError, decode_text
from medvirk.population.jsonstat import (
    CC_BY_4_0,
    SSB_CREDIT,
    SSB_SOURCE_NAMES,
    Cell,
    PopulationTable,
    TableCategory,
    TableDimension,
)

__all__ = [
    "MISSING_STATUS",
    "NO_VALUE_SYMBOLS",
    "CsvErrorCode",
    "CsvImportError",
    "CsvRowError",
    "ParsedNumber",
    "parse_csv",
    "parse_norwegian_number",
]

NO_VALUE_SYMBOLS = frozenset({".", "..", "...", ":"})
NIL_SYMBOL = "-"
MISSING_STATUS = ".."

_TITLE = re.compile(r"^\s*(\d{5})\s*:\s*(.*\S)\s*$")
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_VALUE_HEADERS = frozenset({"value", "verdi", "personer", "antall", "value_symbol"})


class CsvErrorCode(StrEnum):
    """Why a CSV row or file was rejected; stable codes for the UI, logs and the API."""

    EMPTY_FILE = "empty_file"
    NO_HEADER = "no_header"
    DUPLICATE_COLUMN = "duplicate_column"
    UNKNOWN_COLUMN = "unknown_column"
    NO_VALUE_COLUMN = "no_value_column"
    WRONG_FIELD_COUNT = "wrong_field_count"
    EMPTY_CODE = "empty_code"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE_COUNT = "negative_count"
    DUPLICATE_ROW = "duplicate_row"
    INCONSISTENT_LABEL = "inconsistent_label"
    NOT_TEXT = "not_text"


@dataclass(frozen=True, slots=True)
class CsvRowError:
    """One problem in a CSV file: 1-based line number (0 for the file), column, coded reason."""

    line: int
    column: str | None
    code: CsvErrorCode
    message: str

    def as_dict(self) -> dict[str, object]:
        """Return the error as a JSON-serialisable dict."""
        return {
            "line": self.line,
            "column": self.column,
            "code": str(self.code),
            "message": self.message,
        }


class CsvImportError(ValueError):
    """Raised when a CSV file cannot be imported; carries every row error found."""

    def __init__(self, errors: Sequence[CsvRowError]) -> None:
        """Store all errors; the message summarises the first few."""
        self.errors: tuple[CsvRowError, ...] = tuple(errors)
        head = "; ".join(f"line {e.line}: {e.code} ({e.message})" for e in self.errors[:3])
        more = f" (+{len(self.errors) - 3} more)" if len(self.errors) > 3 else ""
        super().__init__(f"{len(self.errors)} CSV problem(s): {head}{more}")

    @property
    def codes(self) -> tuple[CsvErrorCode, ...]:
        """Return the error codes in file order."""
        return tuple(e.code for e in self.errors)


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """A value cell read from CSV: the number (None if absent) and SSB status symbol if any."""

    value: int | float | None
    status: str | None = None


def parse_norwegian_number(text: str) -> ParsedNumber:
    """Parse a value cell: Norwegian or English number formats, or an SSB status symbol.

    Raise ValueError if the text is neither. Integral results are returned as ``int``.
    """
    raw = text.strip()
    if raw in NO_VALUE_SYMBOLS:
        return ParsedNumber(None, raw)
    if raw == NIL_SYMBOL:
        return ParsedNumber(0, NIL_SYMBOL)
    if raw == "":
        return ParsedNumber(None, MISSING_STATUS)
    s = _NUMBER_SPACES.sub("", raw)
    if "," in s and "." in s:
        # Whichever separator comes last is the decimal one: "1.234,5" or "1,234.5".
        decimal_comma = s.rfind(",") > s.rfind(".")
        s = s.replace(".", "").replace(",", ".") if decimal_comma else s.replace(",", "")
    elif "," in s:
        if s.count(",") > 1:
            raise ValueError(f"{text!r} is not a number")
        s = s.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", s):
        raise ValueError(f"{text!r} is not a number")
    num = float(s)
    if num.is_integer() and "e" not in s.lower():
        return ParsedNumber(int(num))
    return ParsedNumber(num)


def _split_code_label(values: set[str]) -> dict[str, tuple[str, str]] | None:
    """Return value → (code, label) if every value reads as "<code> <label>" one-to-one."""
    if not values:
        return None
    out: dict[str, tuple[str, str]] = {}
    code_of: dict[str, str] = {}
    for v in values:
        parts = v.split(maxsplit=1)
        if len(parts) != 2 or not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z+\-_.]*", parts[0]):
            return None
        code, label = parts
        if code in code_of and code_of[code] != v:
            return None
        code_of[code] = v
        out[v] = (code, label)
    return out


def parse_csv(
    data: bytes | str,
    *,
    dimension_columns: Sequence[str] | None = None,
    value_columns: Sequence[str] | None = None,
    heading_dimension: str = "heading",
    codes_and_texts: bool | None = None,
    table_id: str | None = None,
    title: str | None = None,
    source: str | None = None,
    allow_negative: bool = False,
) -> PopulationTable:
    """Parse a population CSV (long format or SSB codes-and-texts export) into a table.

    ``dimension_columns`` names the dimension columns (default: every column that is not a
    value column). ``value_columns`` names the value columns (default: the column named
    value/verdi/personer/antall if there is one, else the last column; with SSB's pivoted
    export every column whose title is not a dimension). With more than one value column their
    titles become categories of ``heading_dimension``. ``codes_and_texts`` forces splitting
    ``"<code> <label>"`` cells (None: detect per column). Raise :class:`CsvImportError` with
    every problem found.
    """
    errors: list[CsvRowError] = []
    if isinstance(data, bytes):
        try:
            data = decode_text(data).text
        except TextFileError as exc:
            raise CsvImportError([CsvRowError(0, None, CsvErrorCode.NOT_TEXT, exc.message)]) from None
    text = data.removeprefix("\ufeff")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise CsvImportError([CsvRowError(0, None, CsvErrorCode.EMPTY_FILE, "the file is empty")])

    # Skip an SSB title line and blank lines before the header.
    header_at = 0
    while header_at < len(lines):
        line = lines[header_at]
        if not line.strip():
            header_at += 1
            continue
        delim = sniff_delimiter(line)
        fields = next(csv.reader([line], delimiter=delim))
        if len(fields) >= 2:
            break
        m = _TITLE.match(fields[0] if fields else "")
        if m:
            table_id = table_id or m.group(1)
            title = title or m.group(2)
        elif fields and title is None:
            title = fields[0].strip()
        header_at += 1
    else:
        raise CsvImportError([CsvRowError(0, None, CsvErrorCode.NO_HEADER, "no header row found")])

    delim = sniff_delimiter(lines[header_at])
    reader = csv.reader(io.StringIO("\n".join(lines[header_at:])), delimiter=delim)
    header = [h.strip() for h in next(reader)]
    header_line = header_at + 1
    if len(set(header)) != len(header):
        dups = sorted({h for h in header if header.count(h) > 1})
        errors.append(
            CsvRowError(header_line, None, CsvErrorCode.DUPLICATE_COLUMN, f"repeated column(s) {dups}")
        )

    dims, vals = _choose_columns(header, dimension_columns, value_columns, header_line, errors)
    if errors:
        raise CsvImportError(errors)

    # Read raw rows first so code/label splitting can look at whole columns.
    rows: list[tuple[int, list[str]]] = []
    for offset, fields in enumerate(reader):
        line_no = header_line + 1 + offset
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            errors.append(
                CsvRowError(
                    line_no,
                    None,
                    CsvErrorCode.WRONG_FIELD_COUNT,
                    f"expected {len(header)} fields, got {len(fields)}",
                )
            )
            continue
        rows.append((line_no, [f.strip() for f in fields]))

    col_index = {h: i for i, h in enumerate(header)}
    splitters: dict[str, dict[str, tuple[str, str]] | None] = {}
    for d in dims:
        distinct = {r[col_index[d]] for _, r in rows if r[col_index[d]]}
        split = _split_code_label(distinct) if codes_and_texts is not False else None
        if codes_and_texts and split is None and distinct:
            errors.append(
                CsvRowError(0, d, CsvErrorCode.INCONSISTENT_LABEL, "cells are not '<code> <label>' pairs")
            )
        splitters[d] = split

    heading_split = _split_code_label(set(vals)) if len(vals) > 1 else None
    dim_ids = list(dims) + ([heading_dimension] if len(vals) > 1 else [])
    order: dict[str, dict[str, str]] = {d: {} for d in dim_ids}  # code → label, insertion order
    if len(vals) > 1:
        for v in vals:
            code, label = heading_split[v] if heading_split else (v, v)
            order[heading_dimension][code] = label

    cells: dict[tuple[str, ...], tuple[int | float | None, str | None]] = {}
    first_line: dict[tuple[str, ...], int] = {}
    for line_no, fields in rows:
        key_prefix: list[str] = []
        ok = True
        for d in dims:
            raw = fields[col_index[d]]
            if not raw:
                errors.append(CsvRowError(line_no, d, CsvErrorCode.EMPTY_CODE, "empty category"))
                ok = False
                continue
            split = splitters[d]
            code, label = split[raw] if split else (raw, raw)
            known = order[d].get(code)
            if known is not None and known != label:
                errors.append(
                    CsvRowError(
                        line_no,
                        d,
                        CsvErrorCode.INCONSISTENT_LABEL,
                        f"code {code!r} has label {label!r} here but {known!r} earlier",
                    )
                )
            order[d].setdefault(code, label)
            key_prefix.append(code)
        for v in vals:
            try:
                parsed = parse_norwegian_number(fields[col_index[v]])
            except ValueError as exc:
                errors.append(CsvRowError(line_no, v, CsvErrorCode.NOT_A_NUMBER, str(exc)))
                continue
            if parsed.value is not None and parsed.value < 0 and not allow_negative:
                errors.append(
                    CsvRowError(line_no, v, CsvErrorCode.NEGATIVE_COUNT, f"negative count {parsed.value}")
                )
                continue
            if not ok:
                continue
            key = tuple(key_prefix)
            if len(vals) > 1:
                key += ((heading_split[v][0] if heading_split else v),)
            if key in cells:
                errors.append(
                    CsvRowError(
                        line_no,
                        v,
                        CsvErrorCode.DUPLICATE_ROW,
                        f"{key} was already given on line {first_line[key]}",
                    )
                )
                continue
            cells[key] = (parsed.value, parsed.status)
            first_line[key] = line_no

    if errors:
        errors.sort(key=lambda e: e.line)
        raise CsvImportError(errors)

    dimensions = tuple(
        TableDimension(
            d,
            d,
            tuple(TableCategory(code, label) for code, label in order[d].items()),
            _guess_role(d),
        )
        for d in dim_ids
    )
    all_cells = []
    for key in itertools.product(*(dim.codes() for dim in dimensions)):
        value, status = cells.get(key, (None, MISSING_STATUS))
        all_cells.append(Cell(key, value, status))
    is_ssb = source in SSB_SOURCE_NAMES
    return PopulationTable(
        table_id=table_id,
        title=title or "",
        source=source,
        updated=None,
        dimensions=dimensions,
        cells=tuple(all_cells),
        credit=SSB_CREDIT if is_ssb else (f"Kilde: {source}" if source else None),
        licence=CC_BY_4_0 if is_ssb else None,
    )


def _guess_role(dim_id: str) -> str | None:
    low = dim_id.casefold()
    if low in {"tid", "år", "time", "year"}:
        return "time"
    if low in {"region", "bydel", "kommune"}:
        return "geo"
    if low in {"contentscode", "statistikkvariabel"}:
        return "metric"
    return None


def _choose_columns(
    header: list[str],
    dimension_columns: Sequence[str] | None,
    value_columns: Sequence[str] | None,
    header_line: int,
    errors: list[CsvRowError],
) -> tuple[list[str], list[str]]:
    for name in [*(dimension_columns or ()), *(value_columns or ())]:
        if name not in header:
            errors.append(
                CsvRowError(header_line, name, CsvErrorCode.UNKNOWN_COLUMN, f"no column named {name!r}")
            )
    if errors:
        return [], []
    if value_columns is not None:
        vals = list(value_columns)
    elif dimension_columns is not None:
        vals = [h for h in header if h not in dimension_columns]
    else:
        named = [h for h in header if h.casefold() in _VALUE_HEADERS]
        vals = named[:1] if named else header[-1:]
    dims = list(dimension_columns) if dimension_columns is not None else [h for h in header if h not in vals]
    if not vals:
        errors.append(CsvRowError(header_line, None, CsvErrorCode.NO_VALUE_COLUMN, "no value column"))
    return dims, vals
