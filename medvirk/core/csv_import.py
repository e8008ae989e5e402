"""Open an uploaded CSV file for an import preview: size limit, decoding, delimiter, header.

The steps every CSV import takes before it looks at its own columns (``core.uploads.read_text``
for the bytes, ``common.csvtext.sniff_delimiter`` for the separator), with a readable reason
when the file cannot be read. Every CSV import of rows uses it (clients, organisations,
volunteers, the organisation tree).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from medvirk.common.csvpreview import ImportPreview
from medvirk.common.csvtext import sniff_delimiter

from .uploads import UploadRefused, read_text

P = TypeVar("P", bound=ImportPreview[Any])

# The limits of the imports of rows (clients, volunteers, organisations).
IMPORT_MAX_BYTES = 2_000_000
IMPORT_MAX_ROWS = 5000


class CsvUnreadable(Exception):
    """The file is not a CSV file Medvirk can read; ``message`` says why, for people."""

    def __init__(self, message: str, *, encoding: str = "", delimiter: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.encoding = encoding
        self.delimiter = delimiter


@dataclass
class CsvFile:
    """A decoded CSV file: its header and a reader positioned at the first data line."""

    encoding: str
    delimiter: str
    header: list[str]
    reader: Iterator[list[str]]

    def columns(self, aliases: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
        """Return key → column number for the header cells that name a key (any case, BOM ignored)."""
        found: dict[str, int] = {}
        for i, raw in enumerate(self.header):
            cell = raw.strip().lower().lstrip("\ufeff")
            for key, names in aliases.items():
                if key not in found and cell in names:
                    found[key] = i
        return found

    def lines(self, *, max_rows: int) -> Iterator[tuple[int, list[str]]]:
        """Yield (line number, cells) of the non-empty data lines; raise CsvUnreadable past ``max_rows``."""
        count = 0
        try:
            for line, cells in enumerate(self.reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                count += 1
                if count > max_rows:
                    raise CsvUnreadable(_("The file has more than %(n)d lines.") % {"n": max_rows})
                yield line, cells
        except csv.Error as error:
            raise CsvUnreadable(_("The file could not be read as CSV: %s") % error) from None


def cell_reader(cells: list[str], columns: Mapping[str, int]) -> Callable[[str], str]:
    """Return ``cell(key)``: the stripped text of a line's cell in the column of ``key`` ("" when absent)."""

    def cell(key: str) -> str:
        i = columns.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    return cell


def open_csv(data: bytes, *, max_bytes: int) -> CsvFile:
    """Decode ``data`` and read its header line; raise CsvUnreadable with the reason otherwise."""
    if len(data) > max_bytes:
        raise CsvUnreadable(_("The file is too large (at most %(mb)d MB).") % {"mb": max_bytes // 1_000_000})
    try:
        decoded = read_text(data)
    except UploadRefused as refused:
        raise CsvUnreadable(str(refused.message)) from None
    if not decoded.text.strip():
        raise CsvUnreadable(_("The file is empty."), encoding=decoded.encoding)
    delimiter = sniff_delimiter(decoded.text)
    reader = csv.reader(io.StringIO(decoded.text), delimiter=delimiter)
    try:
        header = next(reader)
    except (csv.Error, StopIteration):
        raise CsvUnreadable(
            _("The file could not be read as CSV."), encoding=decoded.encoding, delimiter=delimiter
        ) from None
    return CsvFile(decoded.encoding, delimiter, header, reader)


def _header_problems(
    file: CsvFile,
    columns: Mapping[str, int],
    aliases: Mapping[str, tuple[str, ...]],
    required: Collection[str],
) -> list[str]:
    """Say what the first line has and which required column is not among it, so that someone
    who chose the wrong file (the organisation tree's export for the organisations register, say)
    sees it at once."""
    named = [c.strip().lstrip("\ufeff")[:40] for c in file.header if c.strip().lstrip("\ufeff")][:20]
    problems = [
        _("The first line of this file names these columns: %(columns)s.") % {"columns": ", ".join(named)}
    ]
    problems += [
        _("The column “%(name)s” is missing.") % {"name": aliases[key][0]}
        for key in required
        if key not in columns
    ]
    return problems


def preview_csv(
    preview: Callable[..., P],
    data: bytes,
    *,
    aliases: Mapping[str, tuple[str, ...]],
    required: Collection[str],
    missing: str,
    reader: Callable[[dict[str, int]], Callable[[int, list[str]], Any]],
    max_bytes: int = IMPORT_MAX_BYTES,
    max_rows: int = IMPORT_MAX_ROWS,
) -> P:
    """Read an uploaded CSV file into ``preview``: the file's problem, or one row a data line.

    ``missing`` says so when the first line does not name every ``required`` column; ``reader``
    gets the columns found and returns what reads one line (its number and cells) into a row.
    """
    try:
        file = open_csv(data, max_bytes=max_bytes)
    except CsvUnreadable as problem:
        return preview([], [problem.message], problem.encoding, problem.delimiter)
    columns = file.columns(aliases)
    if any(key not in columns for key in required):
        said = " ".join([missing, *_header_problems(file, columns, aliases, required)])
        return preview([], [said], file.encoding, file.delimiter)
    row = reader(columns)
    rows: list[Any] = []
    try:
        for line, cells in file.lines(max_rows=max_rows):
            rows.append(row(line, cells))
    except CsvUnreadable as problem:
        return preview(rows, [problem.message], file.encoding, file.delimiter)
    return preview(rows, encoding=file.encoding, delimiter=file.delimiter)
