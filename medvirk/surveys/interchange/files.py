"""Read an uploaded survey file: ``medvirk-survey/1`` JSON or an XLSForm workbook.

Pure Python, so the upload guard can run :func:`read_survey_file` in a child process
(``medvirk.surveys.interchange.upload``). JSON is read with ``medvirk.common.textfiles.load_json``:
nesting deeper than its limit raises ``TextFileError`` (an attack, not a mistake to list).
"""

from __future__ import annotations

from medvirk.common.textfiles import TextFileError, TextProblem, load_json

from ..design.definition import (
    Definition,
    DefinitionError,
)
from ..design.parser import parse_definition
from .xlsform.columns import (
    ZIP_MAGIC,
    Problem,
)
from .xlsform.reader import xlsform_to_definition

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def definition_from_json(data: bytes) -> tuple[Definition | None, list[Problem]]:
    """Read a ``medvirk-survey/1`` JSON document; return it or the problems (syntax or validation).

    Raise ``TextFileError`` (``json_depth``) for a document nested deeper than the limit.
    """
    try:
        raw = load_json(data)
    except TextFileError as exc:
        if exc.code == TextProblem.JSON_DEPTH:
            raise
        if exc.code == TextProblem.JSON_SYNTAX:
            return None, [
                Problem("json_syntax", f"The file is not valid JSON: {exc.message}.", exc.lineno, "")
            ]
        return None, [Problem("json_encoding", "The file is not UTF-8 text.", None, "")]
    try:
        return parse_definition(raw), []
    except DefinitionError as exc:
        return None, [Problem("invalid", f"{where}: {what}", None, "") for where, what in exc.problems]


def read_survey_file(data: bytes, filename: str) -> tuple[Definition | None, list[Problem]]:
    """Read an uploaded .json, .xlsx or .xls survey, choosing by extension and checking the content."""
    name = (filename or "").lower()
    if len(data) > MAX_UPLOAD_BYTES:
        return None, [Problem("too_large", "The file is larger than 5 MB.", None, "")]
    if not data:
        return None, [Problem("empty", "The file is empty.", None, "")]
    if name.endswith(".json"):
        if data.startswith(ZIP_MAGIC):
            return None, [Problem("not_json", "The file is called .json but is a zip/Excel file.", None, "")]
        return definition_from_json(data)
    if name.endswith((".xlsx", ".xls")):
        return xlsform_to_definition(data)
    return None, [Problem("extension", "Upload a .json, .xlsx or .xls file.", None, "")]
