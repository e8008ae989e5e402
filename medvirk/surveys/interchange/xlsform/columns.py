"""XLSForm columns, type names, language headers and cell-safe values shared by reader and writer."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from medvirk.common import languages
from medvirk.common.dimensions import PREFER_NOT_TO_SAY

from ...design.definition import OTHER_LABELS, OTHER_OPTION
from ...qtypes.base import DONT_KNOW

ZIP_MAGIC = b"PK\x03\x04"  # .xlsx
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)

DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    DONT_KNOW: {
        "nb": "Vet ikke / ikke aktuelt",
        "nn": "Veit ikkje / ikkje aktuelt",
        "en": "Don't know / N/A",
    },
    PREFER_NOT_TO_SAY: {"nb": "Vil ikke svare", "nn": "Vil ikkje svare", "en": "Prefer not to say"},
    OTHER_OPTION: OTHER_LABELS,
}
OR_OTHER_NAME = (
    OTHER_OPTION  # the choice ``or_other`` adds (pyxform's name; its text is ``<question>_other``)
)

SURVEY_COLUMNS_BEFORE = ["type", "name"]
SURVEY_COLUMNS_AFTER = [
    "required",
    "relevant",
    "appearance",
    "constraint",
    "medvirk::type",
    "medvirk::scale",
    "medvirk::dimension",
    "medvirk::theme",
    "medvirk::local",
    "medvirk::hidden",
    "medvirk::condition",
    "medvirk::extra",
]

SELECT_RE = re.compile(
    r"^(select_one|select one|select1|select_multiple|select all that apply)\s+(\S+)(\s+or[_ ]other)?$"
)
RANK_RE = re.compile(r"^rank\s+(\S+)$")  # ODK's ranking of a choice list
MULTIPLE_WORDS = frozenset({"select_multiple", "select all that apply"})
LANG_IN_HEADER = re.compile(r"^(.*?)\s*\(([^()]{2,10})\)\s*$")
SAFE_LANG = re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,9}$")

METADATA_TYPES = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "imei",
        "username",
        "email",
        "phonenumber",
        "simserial",
        "subscriberid",
        "audit",
        "start-geopoint",
        "background-audio",
        "background-geopoint",
        "uri:deviceid",
        "uri:email",
        "uri:username",
        "uri:phonenumber",
        "uri:subscriberid",
        "uri:simserial",
    }
)
UNSUPPORTED_TYPES: dict[str, str] = {
    "calculate": "calculated fields",
    "hidden": "hidden fields",
    "geopoint": "GPS locations",
    "geotrace": "GPS lines",
    "geoshape": "GPS areas",
    "audio": "audio recordings",
    "video": "video recordings",
    "image": "photos",
    "photo": "photos",
    "file": "file uploads",
    "barcode": "barcodes",
    "note": "notes (read-only text)",
    "range": "range sliders (only a line from 0 to 10 in steps of 0.1: parameters start=0 end=10 step=0.1)",
    "time": "times of day",
    "datetime": "date and time",
    "dateTime": "date and time",
    "trigger": "triggers",
    "xml-external": "external data",
    "csv-external": "external data",
}
UNSUPPORTED_COLUMNS: dict[str, str] = {
    "choice_filter": "cascading choices (choice_filter)",
    "calculation": "calculations",
    "default": "default values",
    "read_only": "read-only fields",
    "repeat_count": "repeat counts",
    "trigger": "triggers",
    "image": "media (image)",
    "audio": "media (audio)",
    "video": "media (video)",
    "big-image": "media (big-image)",
    "parameters": "question parameters",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in an imported file that Medvirk could not use; ``row`` is the sheet row."""

    feature: str  # short code: "calculate", "repeat", "relevant", "not_xlsform", …
    message: str
    row: int | None = None
    sheet: str = "survey"
    names: tuple[str, ...] = ()  # what the message names (columns), so pages can word it themselves

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "message": self.message, "row": self.row, "sheet": self.sheet}

    def __str__(self) -> str:
        if not self.row:
            return self.message
        return (
            f"{self.sheet} row {self.row}: {self.message}"
            if self.sheet
            else f"line {self.row}: {self.message}"
        )


def language_header(code: str) -> str:
    """Return the XLSForm language suffix for a code: ``Norsk bokmål (nb)``, ``Arabic (ar)``.

    Norway's own languages by their own name, others by their English name, as XLSForm tools
    (KoboToolbox, ODK) name language columns."""
    found = languages.LANGUAGES.get(code)
    name = (found.endonym if found.national else found.en) if found else code
    return f"{name} ({code})"


def cell_safe(value: Any) -> bool:
    """Whether a string survives a trip through a cell and pyxform unchanged."""
    return (
        isinstance(value, str)
        and value != ""
        and value == value.strip()
        and "\u00a0" not in value
        and "\r" not in value
        and not ILLEGAL_CHARACTERS_RE.search(value)
    )


def text_safe(text: Mapping[str, Any]) -> bool:
    return all(SAFE_LANG.match(k) and cell_safe(v) for k, v in text.items())


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))


def canonical(condition: Any) -> str:
    return as_json(condition)
