"""Read the first sheet of an XLSX workbook as rows of text, for imports that take CSV or XLSX.

Pure (no Django): uploads run it in a limited child process (``core.uploads.parse_limited``)
after the zip guard (``core.uploads.check_archive``). openpyxl reads the file in read-only mode,
so memory does not grow with the sheet; the values are written as a person would type them in a
CSV file (whole numbers without ".0", dates as 31.12.2026).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime


def cell_text(value: object) -> str:
    """Return a cell's value as text: ``974760673`` for the number 974760673.0, dates as 31.12.2026."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y") if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


def first_sheet_rows(data: bytes, max_rows: int) -> list[tuple[int, list[str]]] | None:
    """Return (row number, cells as text) of the first sheet's non-empty rows, at most ``max_rows`` + 1.

    One row more than ``max_rows`` is returned so the caller can say the file is too long.
    None when the bytes are not a workbook (a parser in the child process returns problems rather
    than raising them).
    """
    from openpyxl import load_workbook  # imported here so the fork server preloads it once

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        rows: list[tuple[int, list[str]]] = []
        if sheet is None:
            return rows
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            rows.append((number, cells))
            if len(rows) > max_rows:
                break
        return rows
    finally:
        workbook.close()
