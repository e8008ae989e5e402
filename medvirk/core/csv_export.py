"""The one CSV writer for every export: UTF-8 with a BOM, every text cell guarded against formulas.

Spreadsheets execute a cell that starts with ``= + - @`` (and, after a paste, a tab or carriage
return), so a text cell starting with one gets a quote in front (OWASP's advice for CSV
injection); numbers are written as they are. Small exports use :func:`csv_response`; large
ones stream :func:`csv_chunks`, which guards a whole batch with one search of its text
(:func:`csv_text`), so a million rows cost what ``csv.writer`` costs.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse

FORMULA_START = frozenset("=+-@\t\r")
BATCH = 5000  # rows per chunk of a streamed CSV
BOM = "\ufeff"  # so spreadsheet programs read the file as UTF-8 (æ, ø, å)


def safe_cell(value: Any) -> Any:
    """Return ``value`` with a quote in front if a spreadsheet would read it as a formula."""
    if type(value) is str and value[:1] in FORMULA_START:
        return "'" + value
    return value


@functools.cache
def _formula_field_re(delimiter: str) -> re.Pattern[str]:
    """A field starting with a formula character, as ``csv.writer`` writes it: at the start of a
    line or after a delimiter, possibly inside quotes (a carriage return is always quoted)."""
    return re.compile(f'(?:^|[{re.escape(delimiter)}\\n])(?:"?[=+\\-@\\t]|"\\r)')


def _formula_field(text: str, delimiter: str = ",") -> bool:
    """Return whether a field of the CSV ``text`` may start with a formula character.

    Plain substring searches (each runs at memory speed) for "-" and "+", which occur in age
    bands and numbers; the regular expression only when a rarer formula character or a quote
    occurs at all.
    """
    if any(c in text for c in '=@\t"'):  # quotes: a quoted field may start with "-", "+" or CR
        return _formula_field_re(delimiter).search(text) is not None
    return text[:1] in ("-", "+") or any(s in text for s in (delimiter + "-", delimiter + "+", "\n-", "\n+"))


def csv_text(rows: Sequence[Sequence[Any]], *, delimiter: str = ",") -> str:
    """Return ``rows`` as CSV text with every text cell guarded as :func:`safe_cell` does.

    The rows are written as they are and the text searched once for a field that starts with
    a formula character; only then (a negative number, free text starting with "=" …) is the
    batch written again cell by cell. Both give the same text whenever no cell needs a quote.
    """
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    text = buffer.getvalue()
    if not _formula_field(text, delimiter):
        return text
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([safe_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def csv_chunks(batches: Iterable[Sequence[Sequence[Any]]], *, delimiter: str = ",") -> Iterator[str]:
    """Yield a CSV file one chunk per batch of rows, the BOM first (one chunk per row is slow)."""
    yield BOM
    for batch in batches:
        if batch:
            yield csv_text(batch, delimiter=delimiter)


def csv_stream(rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> Iterator[str]:
    """Yield the CSV of ``rows`` in chunks of :data:`BATCH` rows."""
    iterator = iter(rows)
    yield from csv_chunks(iter(lambda: list(itertools.islice(iterator, BATCH)), []), delimiter=delimiter)


def csv_response(rows: Iterable[Sequence[Any]], *, filename: str, delimiter: str = ",") -> HttpResponse:
    """Return a small export as a CSV download (the whole file in memory)."""
    response = HttpResponse(
        "".join(csv_stream(rows, delimiter=delimiter)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
