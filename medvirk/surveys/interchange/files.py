"""Read an uploaded survey file: ``medvirk-survey/1`` JSON or an XLSForm workbook."""

from __future__ import annotations

import json

from ..design.definition import (
    Definition,
    DefinitionError,
    parse_definition,
)
from .xlsform.columns import (
    ZIP_MAGIC,
    Problem,
)
from .xlsform.reader import xlsform_to_definition

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def definition_from_json(data: bytes) -> tuple[Definition | None, list[Problem]]:
    """Read a ``medvirk-survey/1`` JSON document; return it or the problems (syntax or validation)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem("json_encoding", "The file is not UTF-8 text.", None, "")]
    try:
        raw = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        detail = getattr(exc, "msg", str(exc))
        return None, [Problem("json_syntax", f"The file is not valid JSON: {detail}.", line, "")]
    try:
        return parse_definition(raw), []
    except DefinitionError as exc:
        return None, [Problem("invalid", f"{where}: {what}", None, "") for where, what in exc.problems]


def read_survey_file(data: bytes, filename: str) -> tuple[Definition | None, list[Problem]]:
    """Read an uploaded .json or .xlsx survey, choosing by extension and checking the content."""
    name = (filename or "").lower()
    if len(data) > MAX_UPLOAD_BYTES:
        return None, [Problem("too_large", "The file is larger than 5 MB.", None, "")]
    if not data:
        return None, [Problem("empty", "The file is empty.", None, "")]
    if name.endswith(".json"):
        if data.startswith(ZIP_MAGIC):
            return None, [Problem("not_json", "The file is called .json but is a zip/Excel file.", None, "")]
        return definition_from_json(data)
    if name.endswith(".xlsx"):
        return xlsform_to_definition(data)
    return None, [Problem("extension", "Upload a .json or .xlsx file.", None, "")]
