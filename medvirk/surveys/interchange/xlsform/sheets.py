"""Sheets and columns as pyxform reads them, in the names the reader expects.

XLSForms from KoboToolbox, ODK Build and people's own Excel files write what pyxform accepts but
the reader did not: column names in capitals or with spaces (``Type``, ``LIST NAME``,
``Label::English (en)``), the older type syntax (``select one from yes_no``, ``select all that
apply from …``), and duplicated columns, which pyxform refuses without naming the sheet. This
layer runs between pyxform's workbook backend and the reader, before any per-type code:

- a column whose first part (before ``::``) is a column pyxform knows for that sheet, in any
  case and with spaces for underscores (pyxform's own ``to_snake_case``), gets its standard
  name; the language part keeps its spelling, and unknown columns (``medvirk::…``, a
  ``choice_filter`` expression's names) are kept as they are, as pyxform keeps them;
- a ``type`` cell in an older select syntax is written as ``select_one <list>`` /
  ``select_multiple <list>`` (pyxform's ``aliases.select``; selects from a file stay as they are);
- :func:`duplicate_column` finds the sheet and column pyxform's "Duplicate column header"
  refers to, reading only the first row of each sheet.

Sheet names need nothing: pyxform's backend already reads ``Survey`` or ``CHOICES`` as
``survey`` and ``choices``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pyxform import aliases, constants
from pyxform.parsing.sheet_headers import to_snake_case
from pyxform.question import MultipleChoiceQuestion, Option
from pyxform.survey import Survey
from pyxform.xls2json_backends import DefinitionData

from .columns import Problem

# Column names pyxform recognises per sheet (its header columns and their aliases).
KNOWN_COLUMNS: dict[str, frozenset[str]] = {
    "survey": frozenset(MultipleChoiceQuestion.get_slot_names()) | frozenset(aliases.survey_header),
    "choices": frozenset(Option.get_slot_names()) | frozenset(aliases.list_header),
    "settings": frozenset(Survey.get_slot_names()) | frozenset(aliases.settings_header),
}
_SELECT_ONE = sorted(
    (alias for alias, kind in aliases.select.items() if kind == constants.SELECT_ONE and "file" not in alias),
    key=len,
    reverse=True,
)
_SELECT_MULTIPLE = sorted(
    (
        alias
        for alias, kind in aliases.select.items()
        if kind == constants.SELECT_ALL_THAT_APPLY and "file" not in alias
    ),
    key=len,
    reverse=True,
)
# As pyxform matches them: the exact alias (lower case), any run of spaces between its words.
_OLD_SELECT = re.compile(
    r"^(?P<kind>"
    + "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in [*_SELECT_ONE, *_SELECT_MULTIPLE])
    + r")\s+(?P<rest>\S.*)$"
)


def standard_column(header: str, sheet: str) -> str:
    """Return the name the reader expects for ``header`` on ``sheet`` (itself when unknown)."""
    first, sep, rest = header.partition("::")
    name = to_snake_case(first)
    if name == first or name not in KNOWN_COLUMNS.get(sheet, frozenset()):
        return header
    return f"{name}{sep}{rest.strip()}" if sep else name


def standard_type(value: Any) -> Any:
    """Return a select type cell in today's syntax (``select one from x`` → ``select_one x``)."""
    if not isinstance(value, str):
        return value
    text = re.sub(r"\s+", " ", value.strip())
    match = _OLD_SELECT.match(text)
    if not match:
        return value
    standard = "select_one" if match["kind"] in _SELECT_ONE else "select_multiple"
    return f"{standard} {match['rest']}"


def _rename(rows: Iterable[Mapping[str, Any]] | None, names: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{names.get(key, key): value for key, value in row.items()} for row in rows or []]


def normalise(book: DefinitionData) -> tuple[DefinitionData, list[Problem]]:
    """Return the workbook with standard column names and select syntax, and any clash found.

    Two columns that name the same column (``Type`` and ``type``) are a problem, and that
    sheet's columns are left as they are.
    """
    problems: list[Problem] = []
    for sheet in ("survey", "choices", "settings"):
        header = getattr(book, f"{sheet}_header", None)
        if not header:
            continue
        names = {original: standard_column(original, sheet) for original in header[0]}
        seen: dict[str, str] = {}
        clashes = []
        for original, name in names.items():
            if name in seen:
                message = f"The columns {seen[name]!r} and {original!r} on the {sheet} sheet are one column."
                clashes.append(Problem("duplicate_column", message, 1, sheet, (seen[name], original)))
            seen.setdefault(name, original)
        problems.extend(clashes)
        if not clashes:
            setattr(book, f"{sheet}_header", [dict.fromkeys(names.values())])
            setattr(book, sheet, _rename(getattr(book, sheet, None), names))
    for row in book.survey or []:
        if "type" in row:
            row["type"] = standard_type(row["type"])
    return book, problems


def duplicate_column(data: bytes, file_type: str) -> tuple[str, str] | None:
    """Return (sheet, column) of the first column named twice in a sheet's first row, or None."""
    for sheet, headers in _first_rows(data, file_type):
        seen: set[str] = set()
        for cell in headers:
            if cell is None or not str(cell).strip():
                continue
            if cell in seen:
                return sheet, str(cell)
            seen.add(cell)
    return None


def _first_rows(data: bytes, file_type: str) -> Iterable[tuple[str, list[Any]]]:
    if file_type == ".xls":
        import xlrd

        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        try:
            for sheet in book.sheets():
                yield sheet.name, sheet.row_values(0) if sheet.nrows else []
        finally:
            book.release_resources()
        return
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            first = next(sheet.iter_rows(max_row=1, values_only=True), ())
            yield sheet.title, list(first)
    finally:
        workbook.close()
