"""The survey import's way through the upload guard (``medvirk.core.uploads``), for the page and
the API alike: a zip's directory is checked before it is opened, a workbook is parsed in a child
process within the time and memory limits, and JSON nested beyond the limit is refused (400).
"""

from __future__ import annotations

import json
from typing import Any

from medvirk.common.textfiles import TextFileError, json_depth_exceeds
from medvirk.core.uploads import check_archive, parse_limited, refusal

from ..design.definition import Definition
from .files import definition_from_json, read_survey_file
from .xlsform import Problem

WORKBOOK_EXTENSIONS = (".xlsx", ".xls")
# Imported once by the fork server, so a parse forks a process that has pyxform loaded already.
PARSER_MODULES = ("medvirk.surveys.interchange.files",)


def read_survey_upload(
    data: bytes, filename: str, *, field: str = "file"
) -> tuple[Definition | None, list[Problem]]:
    """Read an uploaded survey file; raise ``UploadRefused`` when the upload guard refuses it."""
    check_archive(data, field=field)
    try:
        if (filename or "").lower().endswith(WORKBOOK_EXTENSIONS):
            return parse_limited(read_survey_file, data, filename, preload=PARSER_MODULES, field=field)
        return read_survey_file(data, filename)
    except TextFileError as error:
        raise refusal(error, field=field) from None


def read_survey_document(
    document: Any, *, field: str = "definition"
) -> tuple[Definition | None, list[Problem]]:
    """Read a definition that arrived as parsed JSON (API); refuse one nested beyond the limit."""
    if json_depth_exceeds(document):
        raise refusal(TextFileError.too_deep(), field=field)
    return definition_from_json(json.dumps(document).encode())
