"""Parse JSON-stat 2.0 datasets as returned by Statistics Norway's statbank API.

Both SSB APIs answer in JSON-stat 2.0 (``class: dataset``): PxWebApi v0 when the POST body asks
for ``"response": {"format": "json-stat2"}`` and PxWebApi v2, where it is the default output
format of ``/tables/{id}/data``. This module turns such a response into a typed, immutable
:class:`PopulationTable` or raises one :class:`JsonStatError` that lists *every* problem found,
each with a stable :class:`JsonStatErrorCode` and a JSON-path-like location, so an analyst can
fix a broken upload in one round. Nothing half-parsed is ever returned.

The parser is hand-written on purpose. ``pyjstat`` (the library SSB's own examples use) pulls in
pandas and returns a DataFrame without validation; ``jsonstat.py`` is unmaintained. What we need
is small (the JSON-stat dataset class, row-major value arrays, the object/array forms of
``index``, ``value`` and ``status``), but it must be strict and report coded, located errors,
which neither library does. The standard library's ``json`` module is all we need.

Format rules implemented (JSON-stat 2.0, https://json-stat.org/format/):

* ``version`` must be ``"2.0"`` and ``class`` must be ``"dataset"``; ``id`` and ``size`` are
  parallel arrays giving the dimension order.
* ``dimension.<id>.category.index`` is either an object ``{code: position}`` or an array of
  codes; it may be omitted only for a single-category dimension, whose code then comes from
  ``category.label``.
* ``value`` is a row-major array (the last dimension in ``id`` varies fastest; ``null`` means no
  value) or a sparse object ``{"<flat index>": value}``.
* ``status`` is a string (applies to every cell), an array (one entry per cell, or a single entry
  for all), or a sparse object ``{"<flat index>": symbol}``. SSB uses the symbols ``"."`` (not
  applicable), ``".."`` (missing), ``"..."`` (not yet available), ``":"`` (suppressed for
  confidentiality) and ``"-"`` (nil).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from medvirk.common.textfiles import TextFileError, TextProblem, load_json

__all__ = [
    "CC_BY_4_0",
    "SSB_CREDIT",
    "SSB_SOURCE_NAMES",
    "STATUS_SYMBOLS",
    "Cell",
    "JsonStatError",
    "JsonStatErrorCode",
    "JsonStatIssue",
    "PopulationTable",
    "TableCategory",
    "TableDimension",
    "flat_index",
    "parse_jsonstat",
    "parse_jsonstat_data",
    "table_to_jsonstat",
]

SSB_SOURCE_NAMES = frozenset({"Statistisk sentralbyrå", "Statistics Norway", "SSB"})
SSB_CREDIT = "Kilde: Statistisk sentralbyrå"
CC_BY_4_0 = "CC BY 4.0"

# SSB's explanation of symbols ("Symbolforklaring"); values are bokmål labels for display.
STATUS_SYMBOLS: Mapping[str, str] = {
    ".": "Lar seg ikke føre opp (ikke aktuelt)",
    "..": "Tallgrunnlag mangler",
    "...": "Oppgave mangler foreløpig",
    ":": "Vises ikke av konfidensialitetshensyn",
    "-": "Null",
}

# A response larger than this is refused before any array is allocated (SSB caps a single
# extraction at 800 000 cells, so this leaves room for other providers without risking memory).
DEFAULT_MAX_CELLS = 2_000_000

_TABLE_ID_IN_LABEL = re.compile(r"^\s*(\d{5})\s*:")


class JsonStatErrorCode(StrEnum):
    """Why a JSON-stat document was rejected; stable codes for the UI, logs and the API."""

    MALFORMED_JSON = "malformed_json"
    NOT_AN_OBJECT = "not_an_object"
    UNKNOWN_VERSION = "unknown_version"
    UNSUPPORTED_CLASS = "unsupported_class"
    MISSING_FIELD = "missing_field"
    WRONG_TYPE = "wrong_type"
    ID_SIZE_MISMATCH = "id_size_mismatch"
    UNKNOWN_DIMENSION = "unknown_dimension"
    INDEX_SIZE_MISMATCH = "index_size_mismatch"
    INVALID_INDEX = "invalid_index"
    DUPLICATE_CODE = "duplicate_code"
    VALUE_LENGTH_MISMATCH = "value_length_mismatch"
    VALUE_INDEX_OUT_OF_RANGE = "value_index_out_of_range"
    NON_NUMERIC_VALUE = "non_numeric_value"
    NEGATIVE_COUNT = "negative_count"
    STATUS_LENGTH_MISMATCH = "status_length_mismatch"
    INVALID_STATUS = "invalid_status"
    TOO_LARGE = "too_large"
    TOO_DEEP = "too_deep"  # lists or objects nested deeper than any JSON-stat document needs


@dataclass(frozen=True, slots=True)
class JsonStatIssue:
    """One problem in a JSON-stat document: a coded reason, where it is, and a plain message."""

    code: JsonStatErrorCode
    location: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """Return the issue as a JSON-serialisable dict."""
        return {"code": str(self.code), "location": self.location, "message": self.message}


class JsonStatError(ValueError):
    """Raised when a document is not a valid JSON-stat 2.0 dataset; carries every issue found."""

    def __init__(self, issues: Sequence[JsonStatIssue]) -> None:
        """Store the full list of issues; the message summarises the first few."""
        self.issues: tuple[JsonStatIssue, ...] = tuple(issues)
        head = "; ".join(f"{i.code} at {i.location}: {i.message}" for i in self.issues[:3])
        more = f" (+{len(self.issues) - 3} more)" if len(self.issues) > 3 else ""
        super().__init__(f"{len(self.issues)} JSON-stat problem(s): {head}{more}")

    @property
    def codes(self) -> tuple[JsonStatErrorCode, ...]:
        """Return the error codes in the order they were found."""
        return tuple(i.code for i in self.issues)


@dataclass(frozen=True, slots=True)
class TableCategory:
    """One category of an imported dimension: the provider's code, its label and unit."""

    code: str
    label: str
    unit_base: str | None = None
    unit_decimals: int | None = None


@dataclass(frozen=True, slots=True)
class TableDimension:
    """An imported dimension with its categories in table order and its JSON-stat role."""

    id: str
    label: str
    categories: tuple[TableCategory, ...]
    role: str | None = None  # "time", "geo" or "metric" when the dataset says so

    def codes(self) -> tuple[str, ...]:
        """Return the category codes in table order."""
        return tuple(c.code for c in self.categories)

    def label_for(self, code: str) -> str:
        """Return the label of ``code`` (the code itself if it has no label)."""
        for c in self.categories:
            if c.code == code:
                return c.label
        raise KeyError(code)

    def __len__(self) -> int:
        """Return the number of categories."""
        return len(self.categories)


@dataclass(frozen=True, slots=True)
class Cell:
    """One data cell: category codes in dimension order, the value (None if absent), status."""

    key: tuple[str, ...]
    value: float | int | None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class PopulationTable:
    """An imported statistics table: metadata, dimensions and every cell in row-major order.

    ``cells`` holds the full cube (one :class:`Cell` per combination of categories, ``value``
    ``None`` where the provider gave none). ``credit`` and ``licence`` are what must be shown
    wherever the numbers are shown (SSB requires "Kilde: Statistisk sentralbyrå", CC BY 4.0).
    """

    table_id: str | None
    title: str
    source: str | None
    updated: str | None
    dimensions: tuple[TableDimension, ...]
    cells: tuple[Cell, ...]
    credit: str | None = None
    licence: str | None = None
    notes: tuple[str, ...] = ()
    _lookup: dict[tuple[str, ...], Cell] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        """Build the key → cell index once (the dict is private and never mutated later)."""
        object.__setattr__(self, "_lookup", {c.key: c for c in self.cells})

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        """Return the dimension ids in table order."""
        return tuple(d.id for d in self.dimensions)

    @property
    def size(self) -> tuple[int, ...]:
        """Return the number of categories per dimension."""
        return tuple(len(d) for d in self.dimensions)

    def dimension(self, dimension_id: str) -> TableDimension:
        """Return the dimension with this id."""
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise KeyError(dimension_id)

    def has_dimension(self, dimension_id: str) -> bool:
        """Return whether the table has a dimension with this id."""
        return any(d.id == dimension_id for d in self.dimensions)

    def cell(self, **codes: str) -> Cell:
        """Return the cell for one code per dimension, given as keyword arguments."""
        missing = [d for d in self.dimension_ids if d not in codes]
        if missing or len(codes) != len(self.dimensions):
            raise KeyError(f"give exactly one code for each of {self.dimension_ids}")
        return self._lookup[tuple(codes[d] for d in self.dimension_ids)]

    def get(self, key: tuple[str, ...]) -> Cell | None:
        """Return the cell for a full key in dimension order, or None if there is no such cell."""
        return self._lookup.get(key)

    def total(self) -> float | int:
        """Return the sum of all present values (meaningful only for a table without totals)."""
        return sum(c.value for c in self.cells if c.value is not None)

    def iter_values(self) -> Iterator[tuple[tuple[str, ...], float | int | None, str | None]]:
        """Yield ``(key, value, status)`` for every cell in row-major order."""
        for c in self.cells:
            yield c.key, c.value, c.status


def flat_index(positions: Sequence[int], size: Sequence[int]) -> int:
    """Return the row-major flat index of category positions (last dimension fastest)."""
    idx = 0
    for pos, n in zip(positions, size, strict=True):
        idx = idx * n + pos
    return idx


# --- parsing -------------------------------------------------------------------------------


class _Obj(dict[str, Any]):
    """A JSON object that remembers keys that occurred more than once (json keeps the last)."""

    __slots__ = ("duplicates",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__()
        dups: list[str] = []
        for k, v in pairs:
            if k in self:
                dups.append(k)
            self[k] = v
        self.duplicates: tuple[str, ...] = tuple(dups)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


class _Collector:
    def __init__(self) -> None:
        self.issues: list[JsonStatIssue] = []

    def add(self, code: JsonStatErrorCode, location: str, message: str) -> None:
        self.issues.append(JsonStatIssue(code, location, message))


def _path(*parts: str | int) -> str:
    out = "$"
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p):
            out += f".{p}"
        else:
            out += f"[{json.dumps(p, ensure_ascii=False)}]"
    return out


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def parse_jsonstat(
    text: str | bytes,
    *,
    allow_negative: bool = False,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> PopulationTable:
    """Parse a JSON-stat 2.0 dataset from text or bytes (UTF-8, -16 or -32, BOM tolerated).

    Raise :class:`JsonStatError` with every problem found if the document is not a valid
    dataset. Negative values are errors unless ``allow_negative`` (population counts cannot be
    negative; set it for tables of changes such as net migration). Lists and objects nested
    deeper than ``medvirk.common.textfiles.MAX_JSON_DEPTH`` are refused (``too_deep``).
    """
    try:
        data = load_json(text, object_pairs_hook=_Obj, parse_constant=_reject_constant)
    except TextFileError as exc:
        deep = exc.code == TextProblem.JSON_DEPTH
        code = JsonStatErrorCode.TOO_DEEP if deep else JsonStatErrorCode.MALFORMED_JSON
        where = f"line {exc.lineno}" if exc.lineno else "document"
        raise JsonStatError([JsonStatIssue(code, "$", f"{where}: {exc.message}")]) from None
    return parse_jsonstat_data(data, allow_negative=allow_negative, max_cells=max_cells)


def parse_jsonstat_data(
    data: object,
    *,
    allow_negative: bool = False,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> PopulationTable:
    """Parse an already-decoded JSON-stat 2.0 dataset (dicts and lists) into a table.

    Duplicate keys can only be detected when the text is parsed by :func:`parse_jsonstat`.
    """
    col = _Collector()
    if not isinstance(data, dict):
        col.add(JsonStatErrorCode.NOT_AN_OBJECT, "$", "the document must be a JSON object")
        raise JsonStatError(col.issues)

    version = data.get("version")
    if version is None:
        col.add(JsonStatErrorCode.MISSING_FIELD, _path("version"), "'version' is required")
    elif version != "2.0":
        col.add(
            JsonStatErrorCode.UNKNOWN_VERSION,
            _path("version"),
            f"only JSON-stat 2.0 is supported, got {version!r}",
        )
    klass = data.get("class")
    if klass is None:
        col.add(JsonStatErrorCode.MISSING_FIELD, _path("class"), "'class' is required")
    elif klass != "dataset":
        col.add(
            JsonStatErrorCode.UNSUPPORTED_CLASS,
            _path("class"),
            f"only class 'dataset' is supported, got {klass!r}",
        )

    ids = _string_list(data, "id", col)
    size = _size_list(data, col)
    dims_obj = data.get("dimension")
    if dims_obj is None:
        col.add(JsonStatErrorCode.MISSING_FIELD, _path("dimension"), "'dimension' is required")
        dims_obj = {}
    elif not isinstance(dims_obj, dict):
        col.add(JsonStatErrorCode.WRONG_TYPE, _path("dimension"), "'dimension' must be an object")
        dims_obj = {}

    if ids is not None and size is not None and len(ids) != len(size):
        col.add(
            JsonStatErrorCode.ID_SIZE_MISMATCH,
            _path("size"),
            f"'id' lists {len(ids)} dimensions but 'size' has {len(size)} entries",
        )
    if ids is not None and len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        col.add(JsonStatErrorCode.DUPLICATE_CODE, _path("id"), f"repeated dimension id(s) {dup}")

    roles = _roles(data, ids or [], col)

    dimensions: list[TableDimension] = []
    if ids is not None:
        for pos, dim_id in enumerate(ids):
            expected = size[pos] if size is not None and pos < len(size) else None
            dim = _parse_dimension(dim_id, dims_obj.get(dim_id), expected, roles, col)
            if dim is not None:
                dimensions.append(dim)

    n_cells: int | None = None
    if size is not None and ids is not None and len(ids) == len(size):
        n_cells = math.prod(size)
        if n_cells > max_cells:
            col.add(
                JsonStatErrorCode.TOO_LARGE,
                _path("size"),
                f"{n_cells} cells is more than the limit of {max_cells}",
            )
            n_cells = None

    values: list[float | int | None] | None = None
    statuses: list[str | None] | None = None
    if n_cells is not None:
        values = _parse_values(data, n_cells, allow_negative, col)
        statuses = _parse_status(data, n_cells, col)

    if col.issues:
        raise JsonStatError(col.issues)
    assert ids is not None and values is not None and statuses is not None

    cells = tuple(Cell(key, values[i], statuses[i]) for i, key in enumerate(_row_major_keys(dimensions)))
    return _table_from_parts(data, dimensions, cells)


def _row_major_keys(dimensions: Sequence[TableDimension]) -> Iterator[tuple[str, ...]]:
    return itertools.product(*(d.codes() for d in dimensions))


def _table_from_parts(
    data: Mapping[str, Any], dimensions: list[TableDimension], cells: tuple[Cell, ...]
) -> PopulationTable:
    label = data.get("label") if isinstance(data.get("label"), str) else ""
    source = data.get("source") if isinstance(data.get("source"), str) else None
    updated = data.get("updated") if isinstance(data.get("updated"), str) else None
    table_id = None
    ext = data.get("extension")
    if isinstance(ext, dict):
        px = ext.get("px")
        if isinstance(px, dict) and isinstance(px.get("tableid"), str):
            table_id = px["tableid"]
    if table_id is None and label:
        m = _TABLE_ID_IN_LABEL.match(label)
        if m:
            table_id = m.group(1)
    notes: list[str] = []
    raw_note = data.get("note")
    if isinstance(raw_note, str):
        notes.append(raw_note)
    elif isinstance(raw_note, list):
        notes.extend(n for n in raw_note if isinstance(n, str))
    credit = licence = None
    if source in SSB_SOURCE_NAMES:
        credit, licence = SSB_CREDIT, CC_BY_4_0
    elif source:
        credit = f"Kilde: {source}"
    return PopulationTable(
        table_id=table_id,
        title=label or "",
        source=source,
        updated=updated,
        dimensions=tuple(dimensions),
        cells=cells,
        credit=credit,
        licence=licence,
        notes=tuple(notes),
    )


def _string_list(data: Mapping[str, Any], key: str, col: _Collector) -> list[str] | None:
    raw = data.get(key)
    if raw is None:
        col.add(JsonStatErrorCode.MISSING_FIELD, _path(key), f"'{key}' is required")
        return None
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        col.add(JsonStatErrorCode.WRONG_TYPE, _path(key), f"'{key}' must be an array of strings")
        return None
    return list(raw)


def _size_list(data: Mapping[str, Any], col: _Collector) -> list[int] | None:
    raw = data.get("size")
    if raw is None:
        col.add(JsonStatErrorCode.MISSING_FIELD, _path("size"), "'size' is required")
        return None
    if not isinstance(raw, list) or not all(
        isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in raw
    ):
        col.add(
            JsonStatErrorCode.WRONG_TYPE,
            _path("size"),
            "'size' must be an array of non-negative integers",
        )
        return None
    return list(raw)


def _roles(data: Mapping[str, Any], ids: Sequence[str], col: _Collector) -> dict[str, str]:
    raw = data.get("role")
    out: dict[str, str] = {}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        col.add(JsonStatErrorCode.WRONG_TYPE, _path("role"), "'role' must be an object")
        return out
    for role, dim_ids in raw.items():
        if not isinstance(dim_ids, list) or not all(isinstance(d, str) for d in dim_ids):
            col.add(
                JsonStatErrorCode.WRONG_TYPE,
                _path("role", role),
                "a role must list dimension ids",
            )
            continue
        for d in dim_ids:
            if d not in ids:
                col.add(
                    JsonStatErrorCode.UNKNOWN_DIMENSION,
                    _path("role", role),
                    f"role {role!r} names dimension {d!r}, which is not in 'id'",
                )
            else:
                out[d] = role
    return out


def _parse_dimension(
    dim_id: str,
    raw: object,
    expected: int | None,
    roles: Mapping[str, str],
    col: _Collector,
) -> TableDimension | None:
    where = ("dimension", dim_id)
    if raw is None:
        col.add(
            JsonStatErrorCode.UNKNOWN_DIMENSION,
            _path(*where),
            f"dimension {dim_id!r} is listed in 'id' but not described in 'dimension'",
        )
        return None
    if not isinstance(raw, dict):
        col.add(JsonStatErrorCode.WRONG_TYPE, _path(*where), "a dimension must be an object")
        return None
    cat = raw.get("category")
    if not isinstance(cat, dict):
        code = JsonStatErrorCode.MISSING_FIELD if cat is None else JsonStatErrorCode.WRONG_TYPE
        col.add(code, _path(*where, "category"), "'category' must be an object")
        return None
    labels = cat.get("label")
    if labels is not None and not isinstance(labels, dict):
        col.add(JsonStatErrorCode.WRONG_TYPE, _path(*where, "category", "label"), "must be object")
        labels = None
    labels = labels or {}
    if isinstance(labels, _Obj) and labels.duplicates:
        col.add(
            JsonStatErrorCode.DUPLICATE_CODE,
            _path(*where, "category", "label"),
            f"category code(s) {sorted(set(labels.duplicates))} appear more than once",
        )

    codes = _category_codes(cat, labels, where, col)
    if codes is None:
        return None
    if expected is not None and len(codes) != expected:
        col.add(
            JsonStatErrorCode.INDEX_SIZE_MISMATCH,
            _path(*where, "category", "index"),
            f"dimension has {len(codes)} categories but 'size' says {expected}",
        )
    raw_units = cat.get("unit")
    units: dict[str, Any] = raw_units if isinstance(raw_units, dict) else {}
    categories: list[TableCategory] = []
    for category_code in codes:
        lab = labels.get(category_code, category_code)
        raw_unit = units.get(category_code)
        unit: dict[str, Any] = raw_unit if isinstance(raw_unit, dict) else {}
        raw_base = unit.get("base")
        base = raw_base if isinstance(raw_base, str) else None
        dec = unit.get("decimals")
        categories.append(
            TableCategory(
                code=category_code,
                label=lab if isinstance(lab, str) else str(lab),
                unit_base=base,
                unit_decimals=dec if isinstance(dec, int) and not isinstance(dec, bool) else None,
            )
        )
    raw_label = raw.get("label")
    label = raw_label if isinstance(raw_label, str) else dim_id
    return TableDimension(dim_id, label, tuple(categories), roles.get(dim_id))


def _category_codes(
    cat: Mapping[str, Any], labels: Mapping[str, Any], where: tuple[str, str], col: _Collector
) -> list[str] | None:
    index = cat.get("index")
    loc = _path(*where, "category", "index")
    if index is None:
        if len(labels) == 1:
            return list(labels)
        col.add(
            JsonStatErrorCode.MISSING_FIELD,
            loc,
            "'index' is required unless the dimension has exactly one category",
        )
        return None
    if isinstance(index, list):
        if not all(isinstance(c, str) for c in index):
            col.add(JsonStatErrorCode.WRONG_TYPE, loc, "an index array must list string codes")
            return None
        dups = sorted({c for c in index if index.count(c) > 1})
        if dups:
            col.add(JsonStatErrorCode.DUPLICATE_CODE, loc, f"code(s) {dups} appear more than once")
        return list(index)
    if isinstance(index, dict):
        ok = True
        if isinstance(index, _Obj) and index.duplicates:
            col.add(
                JsonStatErrorCode.DUPLICATE_CODE,
                loc,
                f"code(s) {sorted(set(index.duplicates))} appear more than once",
            )
            ok = False
        positions = list(index.values())
        if not all(isinstance(p, int) and not isinstance(p, bool) for p in positions):
            col.add(JsonStatErrorCode.WRONG_TYPE, loc, "index positions must be integers")
            return None
        if sorted(positions) != list(range(len(positions))):
            col.add(
                JsonStatErrorCode.INVALID_INDEX,
                loc,
                f"positions must be 0..{len(positions) - 1}, each exactly once",
            )
            ok = False
        codes = [c for c, _ in sorted(index.items(), key=lambda kv: kv[1])]
        return codes if ok else None
    col.add(JsonStatErrorCode.WRONG_TYPE, loc, "'index' must be an object or an array")
    return None


def _check_value(
    v: object, loc: str, allow_negative: bool, col: _Collector
) -> tuple[bool, float | int | None]:
    if v is None:
        return True, None
    if not _is_number(v):
        col.add(JsonStatErrorCode.NON_NUMERIC_VALUE, loc, f"expected a number or null, got {v!r}")
        return False, None
    assert isinstance(v, int | float)
    if isinstance(v, float) and not math.isfinite(v):
        col.add(JsonStatErrorCode.NON_NUMERIC_VALUE, loc, f"{v!r} is not a finite number")
        return False, None
    if v < 0 and not allow_negative:
        col.add(JsonStatErrorCode.NEGATIVE_COUNT, loc, f"negative count {v!r}")
        return False, None
    if isinstance(v, float) and v.is_integer():
        return True, int(v)
    return True, v


def _parse_values(
    data: Mapping[str, Any], n_cells: int, allow_negative: bool, col: _Collector
) -> list[float | int | None]:
    raw = data.get("value")
    out: list[float | int | None] = [None] * n_cells
    if raw is None:
        col.add(JsonStatErrorCode.MISSING_FIELD, _path("value"), "'value' is required")
        return out
    if isinstance(raw, list):
        if len(raw) != n_cells:
            col.add(
                JsonStatErrorCode.VALUE_LENGTH_MISMATCH,
                _path("value"),
                f"'value' has {len(raw)} entries but the product of 'size' is {n_cells}",
            )
        for i, v in enumerate(raw[:n_cells]):
            _ok, parsed = _check_value(v, _path("value", i), allow_negative, col)
            out[i] = parsed
        return out
    if isinstance(raw, dict):
        for k, v in raw.items():
            loc = _path("value", k)
            if not (k.isascii() and k.isdigit()) or int(k) >= n_cells:
                col.add(
                    JsonStatErrorCode.VALUE_INDEX_OUT_OF_RANGE,
                    loc,
                    f"sparse value key {k!r} is not a cell index in 0..{n_cells - 1}",
                )
                continue
            _ok, parsed = _check_value(v, loc, allow_negative, col)
            out[int(k)] = parsed
        return out
    col.add(JsonStatErrorCode.WRONG_TYPE, _path("value"), "'value' must be an array or an object")
    return out


def _parse_status(data: Mapping[str, Any], n_cells: int, col: _Collector) -> list[str | None]:
    raw = data.get("status")
    out: list[str | None] = [None] * n_cells
    if raw is None:
        return out
    if isinstance(raw, str):
        return [raw] * n_cells
    if isinstance(raw, list):
        if len(raw) == 1 and n_cells != 1:
            raw = raw * n_cells
        elif len(raw) != n_cells:
            col.add(
                JsonStatErrorCode.STATUS_LENGTH_MISMATCH,
                _path("status"),
                f"'status' has {len(raw)} entries but the dataset has {n_cells} cells",
            )
        for i, s in enumerate(raw[:n_cells]):
            if s is not None and not isinstance(s, str):
                col.add(JsonStatErrorCode.INVALID_STATUS, _path("status", i), "must be a string")
            else:
                out[i] = s
        return out
    if isinstance(raw, dict):
        for k, s in raw.items():
            loc = _path("status", k)
            if not (k.isascii() and k.isdigit()) or int(k) >= n_cells:
                col.add(
                    JsonStatErrorCode.INVALID_STATUS,
                    loc,
                    f"status key {k!r} is not a cell index in 0..{n_cells - 1}",
                )
            elif s is not None and not isinstance(s, str):
                col.add(JsonStatErrorCode.INVALID_STATUS, loc, "a status must be a string")
            else:
                out[int(k)] = s
        return out
    col.add(JsonStatErrorCode.WRONG_TYPE, _path("status"), "'status' must be string/array/object")
    return out


# --- writing -------------------------------------------------------------------------------


def table_to_jsonstat(
    table: PopulationTable,
    *,
    index_as: str = "object",
    sparse: bool = False,
    extension: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Serialise a table as a JSON-stat 2.0 dataset dict (row-major ``value``).

    ``index_as`` is ``"object"`` (SSB's style, ``{code: position}``) or ``"array"``;
    ``sparse`` writes ``value`` and ``status`` as objects keyed by flat index, leaving out
    absent cells. The result parses back to an equal table with :func:`parse_jsonstat_data`.
    """
    if index_as not in {"object", "array"}:
        raise ValueError("index_as must be 'object' or 'array'")
    dims: dict[str, Any] = {}
    roles: dict[str, list[str]] = {}
    for d in table.dimensions:
        codes = d.codes()
        category: dict[str, Any] = {
            "index": {c: i for i, c in enumerate(codes)} if index_as == "object" else list(codes),
            "label": {c.code: c.label for c in d.categories},
        }
        units = {
            c.code: {"base": c.unit_base, "decimals": c.unit_decimals}
            for c in d.categories
            if c.unit_base is not None
        }
        if units:
            category["unit"] = units
        dims[d.id] = {"label": d.label, "category": category}
        if d.role:
            roles.setdefault(d.role, []).append(d.id)
    out: dict[str, Any] = {"version": "2.0", "class": "dataset", "label": table.title}
    if table.source is not None:
        out["source"] = table.source
    if table.updated is not None:
        out["updated"] = table.updated
    if table.notes:
        out["note"] = list(table.notes)
    if roles:
        out["role"] = roles
    out["id"] = list(table.dimension_ids)
    out["size"] = list(table.size)
    out["dimension"] = dims
    if sparse:
        out["value"] = {str(i): c.value for i, c in enumerate(table.cells) if c.value is not None}
    else:
        out["value"] = [c.value for c in table.cells]
    status = {str(i): c.status for i, c in enumerate(table.cells) if c.status is not None}
    if status:
        out["status"] = status
    ext: dict[str, Any] = dict(extension or {})
    if table.table_id is not None:
        ext.setdefault("px", {}).setdefault("tableid", table.table_id)
    if ext:
        out["extension"] = ext
    return out
