"""XLSForm interchange: write a survey definition as an XLSForm workbook and read one back.

Pure Python (no Django). ``definition_to_xlsform`` writes the ``survey``, ``choices`` and
``settings`` sheets of the XLSForm standard (https://xlsform.org), so a Medvirk survey opens in
KoboToolbox, ODK and other XLSForm tools. Columns named ``medvirk::…`` carry what XLSForm cannot
express (rating scales, background dimensions, themes, exact conditions), so a file written here
comes back unchanged: ``xlsform_to_definition(definition_to_xlsform(d))[0].to_dict() ==
d.to_dict()``.

``xlsform_to_definition`` reads any XLSForm with pyxform (which also validates it) and converts
what Medvirk supports; everything else is listed as a ``Problem`` with its sheet row, never
raised. A file that is not an XLSForm at all gives one problem and no definition.

Conditions map to ``relevant`` expressions::

    equals    ${q} = 'x'   (multiple choice: selected(${q}, 'x'))
    one_of    ${q} = 'a' or ${q} = 'b'
    range     ${q} >= 1 and ${q} <= 2
    answered  ${q} != ''
    all/any   (…) and (…) / (…) or (…)

When an expression reads back as a different but equivalent condition (``one_of`` comes back as
``any`` of ``equals``), the exact condition is also kept as JSON in ``medvirk::condition``; it is
used only while the ``relevant`` cell still says the same thing, so edits in Excel win.
"""

from __future__ import annotations

import copy
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from pyxform import xls2json, xls2json_backends
from pyxform.errors import PyXFormError

from medvirk.common.dimensions import DIMENSIONS_BY_KEY, PREFER_NOT_TO_SAY

from .definition import (
    FORMAT,
    KEY_RE,
    Definition,
    DefinitionError,
    QType,
    Question,
    Text,
    parse_definition,
)

DONT_KNOW = "dont_know"  # the engine's "don't know" answer key (medvirk.surveys.engine.DONT_KNOW)
ZIP_MAGIC = b"PK\x03\x04"

# Header names for language columns: ``label::Norsk bokmål (nb)``.
LANGUAGE_NAMES: dict[str, str] = {
    "nb": "Norsk bokmål",
    "nn": "Norsk nynorsk",
    "no": "Norsk",
    "se": "Davvisámegiella",
    "sma": "Åarjelsaemien",
    "smj": "Julevsámegiella",
    "en": "English",
    "ar": "Arabic",
    "so": "Somali",
    "pl": "Polish",
    "ur": "Urdu",
    "ti": "Tigrinya",
    "uk": "Ukrainian",
    "ru": "Russian",
    "fa": "Persian",
    "prs": "Dari",
    "ps": "Pashto",
    "ku": "Kurdish",
    "ckb": "Central Kurdish",
    "tr": "Turkish",
    "sv": "Swedish",
    "da": "Danish",
    "fi": "Finnish",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "lt": "Lithuanian",
    "th": "Thai",
    "vi": "Vietnamese",
    "ta": "Tamil",
    "tl": "Tagalog",
    "sw": "Swahili",
}
_NAME_TO_CODE = {name.lower(): code for code, name in LANGUAGE_NAMES.items()} | {
    "norwegian": "nb",
    "bokmål": "nb",
    "bokmal": "nb",
    "nynorsk": "nn",
    "northern sami": "se",
    "north sami": "se",
    "farsi": "fa",
    "english": "en",
    "arabic": "ar",
    "العربية": "ar",
}
_DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    DONT_KNOW: {
        "nb": "Vet ikke / ikke aktuelt",
        "nn": "Veit ikkje / ikkje aktuelt",
        "en": "Don't know / N/A",
    },
    PREFER_NOT_TO_SAY: {"nb": "Vil ikke svare", "nn": "Vil ikkje svare", "en": "Prefer not to say"},
}

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

_SELECT_RE = re.compile(
    r"^(select_one|select one|select1|select_multiple|select all that apply)\s+(\S+)(\s+or[_ ]other)?$"
)
_LANG_IN_HEADER = re.compile(r"^(.*?)\s*\(([^()]{2,10})\)\s*$")
_SAFE_LANG = re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,9}$")
_MIN_RE = r"\.\s*>=\s*(-?\d+(?:\.\d+)?)"
_MAX_RE = r"\.\s*<=\s*(-?\d+(?:\.\d+)?)"
_LENGTH_RE = re.compile(r"^string-length\(\s*\.\s*\)\s*<=\s*(\d+)$")

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
    "range": "range sliders",
    "rank": "ranking",
    "time": "times of day",
    "datetime": "date and time",
    "dateTime": "date and time",
    "trigger": "triggers",
    "xml-external": "external data",
    "csv-external": "external data",
}
_UNSUPPORTED_COLUMNS: dict[str, str] = {
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


# --- small helpers ------------------------------------------------------------------------


def language_header(code: str) -> str:
    """Return the XLSForm language suffix for a code: ``Norsk bokmål (nb)``."""
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


def _cell_safe(value: Any) -> bool:
    """Whether a string survives a trip through a cell and pyxform unchanged."""
    return (
        isinstance(value, str)
        and value != ""
        and value == value.strip()
        and "\u00a0" not in value
        and "\r" not in value
        and not ILLEGAL_CHARACTERS_RE.search(value)
    )


def _text_safe(text: Mapping[str, Any]) -> bool:
    return all(_SAFE_LANG.match(k) and _cell_safe(v) for k, v in text.items())


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))


def _number(value: Any) -> str:
    """Write a number so it reads back as the same value and the same type (int or float)."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(float(value))), "f")
    return text if "." in text else text + ".0"


def _read_number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _canonical(condition: Any) -> str:
    return _json(condition)


# --- conditions <-> relevant ----------------------------------------------------------------


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, int | float):
        return _number(value)
    text = value if isinstance(value, str) else _json(value)
    return f'"{text}"' if "'" in text else f"'{text}'"


def _compound(c: Mapping[str, Any]) -> bool:
    if "all" in c or "any" in c:
        return len(c.get("all") or c.get("any") or []) > 1
    if c.get("op") == "one_of":
        return len(c.get("values") or []) > 1
    return c.get("op") == "range" and c.get("min") is not None and c.get("max") is not None


def condition_to_relevant(c: Mapping[str, Any], types: Mapping[str, str]) -> str:
    """Write a condition (its JSON form) as an XLSForm ``relevant`` expression."""

    def part(child: Mapping[str, Any]) -> str:
        text = condition_to_relevant(child, types)
        return f"({text})" if _compound(child) else text

    for group, joiner in (("all", " and "), ("any", " or ")):
        if group in c:
            return joiner.join(part(child) for child in c[group])
    ref = "${" + str(c.get("question")) + "}"
    op = c.get("op")

    def equals(value: Any) -> str:
        if types.get(str(c.get("question"))) == QType.MULTIPLE:
            return f"selected({ref}, {_literal(value)})"
        return f"{ref} = {_literal(value)}"

    if op == "equals":
        return equals(c.get("value"))
    if op == "one_of":
        return " or ".join(equals(v) for v in c.get("values") or [])
    if op == "range":
        parts = []
        if c.get("min") is not None:
            parts.append(f"{ref} >= {_literal(c['min'])}")
        if c.get("max") is not None:
            parts.append(f"{ref} <= {_literal(c['max'])}")
        return " and ".join(parts)
    return f"{ref} != ''"


class RelevantError(ValueError):
    """A ``relevant`` expression that Medvirk's conditions cannot express."""


_TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[^}]*\})|(?P<str>'[^']*'|\"[^\"]*\")|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<op>>=|<=|!=|=|>|<|\(|\)|,)|(?P<word>[A-Za-z_][\w.:-]*))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise RelevantError(f"cannot read {text[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


class _RelevantParser:
    def __init__(self, text: str, resolve: Callable[[str], str]) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.resolve = resolve

    def peek(self, offset: int = 0) -> tuple[str, str]:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None, kind: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if (value is not None and token[1] != value) or (kind is not None and token[0] != kind):
            raise RelevantError(f"expected {value or kind}, found {token[1] or 'the end'!r}")
        self.pos += 1
        return token

    def parse(self) -> dict[str, Any]:
        result = self.expr()
        if self.peek()[0] != "end":
            raise RelevantError(f"unexpected {self.peek()[1]!r}")
        return result

    def expr(self) -> dict[str, Any]:
        items = [self.and_expr()]
        while self.peek() == ("word", "or"):
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else {"any": items}

    def and_expr(self) -> dict[str, Any]:
        items = [self.unary()]
        bare = [self.last_bare]
        while self.peek() == ("word", "and"):
            self.take()
            items.append(self.unary())
            bare.append(self.last_bare)
        if len(items) == 1:
            return items[0]
        a, b = items if len(items) == 2 else (None, None)
        if (
            a
            and b
            and all(bare)
            and a.get("op") == b.get("op") == "range"
            and a["question"] == b["question"]
            and set(a) ^ set(b) == {"min", "max"}
        ):
            return {**a, **b}
        return {"all": items}

    def unary(self) -> dict[str, Any]:
        self.last_bare = False
        kind, value = self.peek()
        if (kind, value) == ("op", "("):
            self.take()
            inner = self.expr()
            self.take(")")
            self.last_bare = False
            return inner
        if (kind, value) == ("word", "selected"):
            self.take()
            self.take("(")
            ref = self.ref()
            self.take(",")
            literal = self.literal()
            self.take(")")
            return {"question": ref, "op": "equals", "value": literal}
        if kind == "ref":
            ref = self.ref()
            op = self.take(kind="op")[1]
            return self.comparison(ref, op, self.literal())
        literal = self.literal()
        op = self.take(kind="op")[1]
        flipped = {">=": "<=", "<=": ">=", "=": "=", "!=": "!=", ">": "<", "<": ">"}.get(op, op)
        return self.comparison(self.ref(), flipped, literal)

    def comparison(self, ref: str, op: str, literal: Any) -> dict[str, Any]:
        self.last_bare = True
        if op == "=" and literal != "":
            return {"question": ref, "op": "equals", "value": literal}
        if op == "!=" and literal == "":
            return {"question": ref, "op": "answered"}
        if op in (">=", "<=") and isinstance(literal, int | float) and not isinstance(literal, bool):
            return {"question": ref, "op": "range", "min" if op == ">=" else "max": literal}
        raise RelevantError(f"the comparison {op!r} with {literal!r} is not supported")

    def ref(self) -> str:
        token = self.take(kind="ref")[1]
        return self.resolve(token[2:-1].strip())

    def literal(self) -> Any:
        kind, value = self.peek()
        if kind == "str":
            self.take()
            return value[1:-1]
        if kind == "num":
            self.take()
            return _read_number(value)
        if kind == "word" and value in ("true", "false") and self.peek(1) == ("op", "("):
            self.take()
            self.take("(")
            self.take(")")
            return value == "true"
        raise RelevantError(f"expected a value, found {value or 'the end'!r}")


def relevant_to_condition(text: str, resolve: Callable[[str], str] = lambda name: name) -> dict[str, Any]:
    """Read a ``relevant`` expression into a condition (JSON form); raise ``RelevantError``."""
    return _RelevantParser(text, resolve).parse()


# --- export -------------------------------------------------------------------------------


def _walk_texts(definition: Definition) -> Iterator[Text]:
    yield definition.title
    yield definition.intro
    yield definition.thanks
    yield from definition.themes.values()
    for section in definition.sections:
        yield section.title
        yield section.description
        for q in section.questions:
            for item in (q, *q.rows):
                yield item.text
                yield item.help
                for o in item.options:
                    yield o.label


def _languages(definition: Definition) -> list[str]:
    langs = [lang for lang in definition.languages if _SAFE_LANG.match(lang)]
    for text in _walk_texts(definition):
        langs.extend(lang for lang in text if lang not in langs and _SAFE_LANG.match(lang))
    return langs


class _Writer:
    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.langs = _languages(definition)
        self.survey: list[dict[str, str]] = []
        self.choices: list[dict[str, str]] = []
        self.types = {q.key: q.type for q in definition.questions()}

    def texts(self, prefix: str, text: Text) -> dict[str, str]:
        """Language columns for a text; values a cell would change are left to ``medvirk::extra``."""
        return {
            f"{prefix}::{language_header(lang)}": value
            for lang, value in text.items()
            if _SAFE_LANG.match(lang) and _cell_safe(value)
        }

    def choice(self, list_name: str, key: str, label: Text, hidden: bool = False) -> None:
        row = {"list_name": list_name, "name": key, **self.texts("label", label)}
        if hidden:
            row["medvirk::hidden"] = "yes"
        if not _text_safe(label):
            row["medvirk::extra"] = _json({"label": dict(label)})
        self.choices.append(row)

    def common(self, q: Question, row: dict[str, str], represented: set[str]) -> dict[str, str]:
        """Fill the columns every question has; what columns cannot hold goes to ``medvirk::extra``."""
        data = q.to_dict()
        extra: dict[str, Any] = {}
        row["name"] = q.key
        for prefix, name in (("label", "text"), ("hint", "help")):
            text = getattr(q, name)
            row.update(self.texts(prefix, text))
            if not _text_safe(text):
                extra[name] = dict(text)
        if q.required:
            row["required"] = "yes"
        if q.condition is not None:
            self.condition(q.condition.to_dict(), row)
        if q.theme is not None:
            if _cell_safe(q.theme):
                row["medvirk::theme"] = q.theme
            else:
                extra["theme"] = q.theme
        if q.local:
            row["medvirk::local"] = "yes"
        if q.hidden:
            row["medvirk::hidden"] = "yes"
        if q.scale is not None:
            row["medvirk::scale"] = _json(q.scale.to_dict())
        represented |= {"key", "type", "text", "help", "required", "condition", "theme", "local", "hidden"}
        represented |= {"scale"}
        extra.update({k: v for k, v in data.items() if k not in represented})
        if extra:
            row["medvirk::extra"] = _json(extra)
        return row

    def condition(self, condition: dict[str, Any], row: dict[str, str]) -> None:
        relevant = condition_to_relevant(condition, self.types)
        if not _cell_safe(relevant):
            row["medvirk::condition"] = _json(condition)
            return
        row["relevant"] = relevant
        try:
            same = _canonical(relevant_to_condition(relevant)) == _canonical(condition)
        except RelevantError:
            same = False
        if not same:
            row["medvirk::condition"] = _json(condition)

    def scale_choices(self, q: Question) -> None:
        scale = q.scale
        values = scale.values() if scale is not None else list(range(11))
        lo_label = scale.min_label if scale else {}
        hi_label = scale.max_label if scale else {}
        for value in values:
            end = (
                lo_label if scale and value == scale.min else hi_label if scale and value == scale.max else {}
            )
            label = {lang: f"{value} – {end[lang]}" if end.get(lang) else str(value) for lang in self.langs}
            self.choice(q.key, str(value), label)
        if scale is not None and scale.dont_know:
            self.choice(q.key, DONT_KNOW, self.default_text(DONT_KNOW))

    def default_text(self, key: str) -> dict[str, str]:
        known = _DEFAULT_TEXTS[key]
        return {lang: known.get(lang, known["en"]) for lang in self.langs}

    def question(self, q: Question) -> None:
        row: dict[str, str] = {"medvirk::type": q.type}
        represented: set[str] = set()
        if q.type in QType.WITH_OPTIONS:
            row["type"] = f"{'select_one' if q.type == QType.SINGLE else 'select_multiple'} {q.key}"
            represented.add("options")
            for o in q.options:
                self.choice(q.key, o.key, o.label, o.hidden)
        elif q.type in (QType.RATING, QType.NPS):
            row["type"] = f"select_one {q.key}"
            row["appearance"] = "likert"
            self.scale_choices(q)
        elif q.type == QType.BACKGROUND and q.dimension in DIMENSIONS_BY_KEY:
            row["type"] = f"select_one {q.key}"
            row["medvirk::dimension"] = q.dimension
            represented.add("dimension")
            dimension = DIMENSIONS_BY_KEY[q.dimension]
            for category in dimension.categories:
                self.choice(q.key, category.key, {lang: category.label(lang) for lang in self.langs})
            self.choice(q.key, PREFER_NOT_TO_SAY, self.default_text(PREFER_NOT_TO_SAY))
        elif q.type == QType.NUMBER:
            row["type"] = "decimal"
            parts = []
            if q.min is not None:
                parts.append(f". >= {_number(q.min)}")
            if q.max is not None:
                parts.append(f". <= {_number(q.max)}")
            if parts:
                row["constraint"] = " and ".join(parts)
            represented |= {"min", "max"}
        elif q.type == QType.DATE:
            row["type"] = "date"
        elif q.type in (QType.TEXT, QType.TEXTAREA):
            row["type"] = "text"
            if q.type == QType.TEXTAREA:
                row["appearance"] = "multiline"
            if q.max_length is not None:
                row["constraint"] = f"string-length(.) <= {q.max_length}"
            represented.add("max_length")
        elif q.type == QType.CONSENT:
            row["type"] = "acknowledge"
        elif q.type == QType.MATRIX:
            self.matrix(q)
            return
        self.survey.append(self.common(q, row, represented))

    def matrix(self, q: Question) -> None:
        group = {"type": "begin_group", "appearance": "table-list", "medvirk::type": QType.MATRIX}
        self.survey.append(self.common(q, group, {"rows"}))
        self.scale_choices(q)
        for r in q.rows:
            self.survey.append(self.common(r, {"type": f"select_one {q.key}"}, set()))
        self.survey.append({"type": "end_group"})

    def section_rows(self) -> None:
        for section in self.definition.sections:
            row: dict[str, str] = {"type": "begin_group", "name": section.key, "appearance": "field-list"}
            extra: dict[str, Any] = {}
            for prefix, name in (("label", "title"), ("hint", "description")):
                text = getattr(section, name)
                row.update(self.texts(prefix, text))
                if not _text_safe(text):
                    extra[name] = dict(text)
            if section.condition is not None:
                self.condition(section.condition.to_dict(), row)
            if extra:
                row["medvirk::extra"] = _json(extra)
            self.survey.append(row)
            for q in section.questions:
                self.question(q)
            self.survey.append({"type": "end_group"})

    def settings(self) -> dict[str, str]:
        d = self.definition
        first = next((lang for lang in d.languages if d.title.get(lang)), next(iter(d.title), None))
        row: dict[str, str] = {
            "form_title": d.title[first] if first and _cell_safe(d.title[first]) else d.key,
            "form_id": d.key,
            "style": "pages",
            "medvirk::format": FORMAT,
            "medvirk::languages": _json(list(d.languages)),
        }
        if self.langs:
            row["default_language"] = language_header(d.languages[0] if d.languages else self.langs[0])
        extra: dict[str, Any] = {}
        for name in ("title", "intro", "thanks"):
            text = getattr(d, name)
            row.update(self.texts(f"medvirk::{name}", text))
            if not _text_safe(text):
                extra[name] = dict(text)
        if d.service_area is not None:
            if _cell_safe(d.service_area):
                row["medvirk::service_area"] = d.service_area
            else:
                extra["service_area"] = d.service_area
        if d.themes:
            row["medvirk::themes"] = _json({k: dict(v) for k, v in d.themes.items()})
        if extra:
            row["medvirk::extra"] = _json(extra)
        return row


def _sheet(wb: Workbook, title: str, rows: list[dict[str, str]], first: list[str], last: list[str]) -> None:
    ws = wb.create_sheet(title)
    seen = {k for row in rows for k in row}
    middle: list[str] = []
    for row in rows:
        middle.extend(k for k in row if k not in first and k not in last and k not in middle)
    headers = [*first, *[k for k in middle if k in seen], *[k for k in last if k in seen]]
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str) and cell.data_type != "s":
                cell.data_type = "s"  # text, even when it starts with "=" (never a formula)


def definition_to_xlsform(definition: Definition) -> bytes:
    """Return the definition as an XLSForm workbook (.xlsx bytes)."""
    writer = _Writer(definition)
    writer.section_rows()
    label_cols = [f"{p}::{language_header(lang)}" for p in ("label", "hint") for lang in writer.langs]
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "survey", writer.survey, [*SURVEY_COLUMNS_BEFORE, *label_cols], SURVEY_COLUMNS_AFTER)
    choice_labels = [f"label::{language_header(lang)}" for lang in writer.langs]
    _sheet(wb, "choices", writer.choices, ["list_name", "name", *choice_labels], ["medvirk::hidden"])
    _sheet(wb, "settings", [writer.settings()], ["form_title", "form_id"], [])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- import -------------------------------------------------------------------------------


def _flag(value: Any) -> bool | None:
    """Read an XLSForm yes/no cell; None when it is an expression we cannot evaluate."""
    text = str(value or "").strip().lower()
    if text in ("", "no", "false", "false()", "0", "n"):
        return False
    if text in ("yes", "true", "true()", "1", "y"):
        return True
    return None


def _sanitise(name: str, prefix: str) -> str:
    key = re.sub(r"[^a-z0-9_]+", "_", name.strip().lower()).strip("_")
    key = re.sub(r"_+", "_", key)
    if not key or not key[0].isalpha():
        key = f"{prefix}_{key}" if key else prefix
    return key[:63]


class _Reader:
    def __init__(self, book: Any) -> None:
        self.book = book
        self.problems: list[Problem] = []
        self.settings: dict[str, str] = dict((book.settings or [{}])[0] or {})
        self.native = bool(self.settings.get("medvirk::format"))
        self.keys: set[str] = set()
        self.names: dict[str, str] = {}  # XLSForm name -> Medvirk key
        self.renamed: list[tuple[int, str, str]] = []
        self.seen: set[str] = set()  # keys of questions converted so far (conditions may read these)
        self.types: dict[str, str] = {}
        self.option_names: dict[str, dict[str, str]] = {}
        self.lang_codes: dict[str, str] = {}
        self.unknown_langs: set[str] = set()
        self.choices = self._choice_lists()
        self.languages = self._languages()
        self.sections: list[dict[str, Any]] = []
        self.section: dict[str, Any] | None = None
        self.auto_count = 0

    def problem(self, feature: str, message: str, row: int | None = None, sheet: str = "survey") -> None:
        self.problems.append(Problem(feature, message, row, sheet))

    # languages ---------------------------------------------------------------------------

    def lang_code(self, suffix: str | None) -> str | None:
        """Return the language code of a column suffix (``Norsk bokmål (nb)``, ``English``, ``en``)."""
        if suffix is None:
            return self.default_lang
        if suffix in self.lang_codes:
            return self.lang_codes[suffix]
        m = _LANG_IN_HEADER.match(suffix)
        code: str | None
        if m and _SAFE_LANG.match(m.group(2).strip()):
            code = m.group(2).strip()
        elif suffix.strip().lower() in _NAME_TO_CODE:
            code = _NAME_TO_CODE[suffix.strip().lower()]
        elif re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", suffix.strip()):
            code = suffix.strip()
        else:
            code = None
            if suffix not in self.unknown_langs:
                self.unknown_langs.add(suffix)
                self.problem(
                    "language",
                    f"The language {suffix!r} is not recognised; name language columns like "
                    f"'label::English (en)'. Its columns were not imported.",
                    row=1,
                )
        self.lang_codes[suffix] = code  # type: ignore[assignment]
        return code

    def _headers(self, sheet: str) -> list[str]:
        header = getattr(self.book, f"{sheet}_header", None) or [{}]
        return list(header[0].keys()) if header else []

    def _languages(self) -> list[str]:
        default = self.settings.get("default_language")
        self.default_lang = "nb"
        if default:
            code = self.lang_code(default)
            if code:
                self.default_lang = code
        declared = self.settings.get("medvirk::languages")
        if declared:
            try:
                langs = json.loads(declared)
                if isinstance(langs, list) and all(isinstance(x, str) for x in langs):
                    return langs
            except ValueError:
                pass
        langs: list[str] = []
        for header in self._headers("survey"):
            base, _, suffix = header.partition("::")
            if base == "label":
                code = self.lang_code(suffix or None)
                if code and code not in langs:
                    langs.append(code)
        if not langs:
            langs = [self.default_lang]
        if "label" in self._headers("survey") and not default and len(langs) == 1:
            self.problem(
                "language",
                "The labels have no language; they were read as Norwegian bokmål (nb). Name language "
                "columns like 'label::Norsk bokmål (nb)' to choose another language.",
                row=1,
            )
        return langs

    def text(self, row: Mapping[str, Any], prefix: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for column, value in row.items():
            if column == prefix:
                code = self.default_lang
            elif column.startswith(prefix + "::"):
                code = self.lang_code(column[len(prefix) + 2 :])
            else:
                continue
            if code and value not in (None, ""):
                out[code] = str(value)
        return out

    # choices -----------------------------------------------------------------------------

    def _choice_lists(self) -> dict[str, list[tuple[int, dict[str, Any]]]]:
        lists: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for i, row in enumerate(self.book.choices or []):
            if not row:
                continue
            name = row.get("list_name") or row.get("list name")
            if not name:
                continue
            lists.setdefault(str(name), []).append((i + 2, row))
        return lists

    def options(self, key: str, list_name: str, rownum: int) -> list[dict[str, Any]]:
        names: dict[str, str] = {}
        out: list[dict[str, Any]] = []
        renamed = []
        for choice_row, choice in self.choices.get(list_name, []):
            raw = str(choice.get("name", "")).strip()
            if not raw:
                self.problem("choice", f"A choice in list {list_name!r} has no name.", choice_row, "choices")
                continue
            okey = raw if KEY_RE.match(raw) else _sanitise(raw, "o")
            if okey == PREFER_NOT_TO_SAY:
                continue  # Medvirk adds it to every background question itself
            if okey in names.values():
                okey = f"{okey[:58]}_{len(names) + 1}"
            if okey != raw:
                renamed.append(f"{raw} → {okey}")
            names[raw] = okey
            option: dict[str, Any] = {
                "key": okey,
                "label": self.text(choice, "label") or {self.default_lang: raw},
            }
            if _flag(choice.get("medvirk::hidden")):
                option["hidden"] = True
            option.update(self.extra_fields(choice, choice_row, "choices"))
            out.append(option)
        if renamed:
            self.problem(
                "choice_names",
                f"Choice names in list {list_name!r} were changed to valid keys: {', '.join(renamed)}.",
                rownum,
            )
        self.option_names[key] = names
        return out

    def scale_from_choices(self, list_name: str) -> dict[str, Any] | None:
        """Return a rating scale when the list is whole numbers 0–10 in a row (plus "don't know")."""
        values: list[int] = []
        labels: dict[int, dict[str, str]] = {}
        dont_know = False
        for _row, choice in self.choices.get(list_name, []):
            name = str(choice.get("name", "")).strip()
            if name.lower() in (DONT_KNOW, "dk", "vet_ikke", "dont-know"):
                dont_know = True
                continue
            if not re.fullmatch(r"-?\d+", name):
                return None
            values.append(int(name))
            labels[int(name)] = self.text(choice, "label")
        if len(values) < 2 or sorted(values) != list(range(min(values), max(values) + 1)):
            return None
        lo, hi = min(values), max(values)
        if not 0 <= lo < hi <= 10:
            return None
        scale: dict[str, Any] = {"min": lo, "max": hi}
        for end, name in ((lo, "min_label"), (hi, "max_label")):
            label = {
                lang: re.sub(rf"^{end}\s*[–:.-]?\s*", "", text) or text
                for lang, text in labels[end].items()
                if text.strip() != str(end)
            }
            if label:
                scale[name] = label
        if dont_know:
            scale["dont_know"] = True
        return scale

    # rows --------------------------------------------------------------------------------

    def extra_fields(self, row: Mapping[str, Any], rownum: int, sheet: str = "survey") -> dict[str, Any]:
        raw = row.get("medvirk::extra")
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            self.problem(
                "medvirk_extra", "The medvirk::extra cell is not a JSON object; ignored.", rownum, sheet
            )
            return {}
        return value

    def key(self, name: Any, rownum: int, prefix: str = "q") -> str:
        raw = str(name or "").strip()
        key = raw if KEY_RE.match(raw) else _sanitise(raw or f"row_{rownum}", prefix)
        base, n = key, 2
        while key in self.keys:
            key = f"{base[:58]}_{n}"
            n += 1
        self.keys.add(key)
        if key != raw:
            self.renamed.append((rownum, raw, key))
        if raw:
            self.names.setdefault(raw, key)
        return key

    def condition(self, row: Mapping[str, Any], rownum: int) -> dict[str, Any] | None:
        relevant = str(row.get("relevant") or "").strip()
        exact = row.get("medvirk::condition")
        if not relevant and not exact:
            return None
        if exact:
            try:
                candidate = json.loads(exact)
                if not relevant or condition_to_relevant(candidate, self.types) == relevant:
                    return candidate
            except (ValueError, TypeError, AttributeError, KeyError):
                pass
        unknown: list[str] = []

        def resolve(name: str) -> str:
            key = self.names.get(name)
            if key is None or key not in self.seen:
                unknown.append(name)
                return name
            return key

        try:
            condition = relevant_to_condition(relevant, resolve)
        except RelevantError as exc:
            self.problem(
                "relevant",
                f"The condition {relevant!r} cannot be used ({exc}); the item is always shown.",
                rownum,
            )
            return None
        if unknown:
            self.problem(
                "relevant",
                f"The condition {relevant!r} reads {', '.join(sorted(set(unknown)))}, which is not an "
                "earlier imported question; the item is always shown.",
                rownum,
            )
            return None
        return condition if self.native else self.coerce(condition)

    def coerce(self, c: dict[str, Any]) -> dict[str, Any]:
        """Match condition values to imported answers (renamed choices, numbers on scales)."""
        for group in ("all", "any"):
            if group in c:
                return {group: [self.coerce(child) for child in c[group]]}
        key = c.get("question", "")

        def fix(value: Any) -> Any:
            if self.types.get(key) in (QType.RATING, QType.NPS) and isinstance(value, str):
                return int(value) if re.fullmatch(r"-?\d+", value) else value
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = (
                    str(value) if self.types.get(key) in (*QType.WITH_OPTIONS, QType.BACKGROUND) else value
                )
            return self.option_names.get(key, {}).get(value, value) if isinstance(value, str) else value

        if c.get("op") == "equals":
            return {**c, "value": fix(c.get("value"))}
        if c.get("op") == "one_of":
            return {**c, "values": [fix(v) for v in c.get("values", [])]}
        return c

    def common(self, row: Mapping[str, Any], rownum: int, key: str) -> dict[str, Any]:
        q: dict[str, Any] = {"key": key, "text": self.text(row, "label")}
        help_text = self.text(row, "hint")
        if help_text:
            q["help"] = help_text
        required = _flag(row.get("required"))
        if required is None:
            self.problem(
                "required", "A 'required' expression is not supported; the item is optional.", rownum
            )
        elif required:
            q["required"] = True
        condition = self.condition(row, rownum)
        if condition is not None:
            q["condition"] = condition
        if row.get("medvirk::theme"):
            q["theme"] = row["medvirk::theme"]
        for name in ("local", "hidden"):
            if _flag(row.get(f"medvirk::{name}")):
                q[name] = True
        for column, feature in _UNSUPPORTED_COLUMNS.items():
            if row.get(column) and not (column == "parameters" and "randomize" in str(row[column])):
                self.problem(column, f"Not supported: {feature} ('{column}' column); ignored.", rownum)
        return q

    def scale_json(self, row: Mapping[str, Any], rownum: int) -> dict[str, Any] | None:
        raw = row.get("medvirk::scale")
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if isinstance(value, dict):
            return value
        self.problem("medvirk_scale", "The medvirk::scale cell is not a JSON object; ignored.", rownum)
        return None

    def question(self, row: Mapping[str, Any], rownum: int) -> dict[str, Any] | None:
        """Convert one survey row; None (with a problem) when it is not supported."""
        qtype_raw = re.sub(r"\s+", " ", str(row.get("type", "")).strip())
        mtype = str(row.get("medvirk::type") or "").strip()
        appearance = str(row.get("appearance") or "")
        select = _SELECT_RE.match(qtype_raw)
        base = qtype_raw.split(" ")[0]
        name = row.get("name") or ""
        if not select and base in METADATA_TYPES:
            self.problem("metadata", f"The metadata field '{base}' ({name}) is not imported.", rownum)
            return None
        if not select and (base in UNSUPPORTED_TYPES or base.startswith(("select_one_", "select_multiple_"))):
            feature = UNSUPPORTED_TYPES.get(base, "choices from a file or external source")
            self.problem(base, f"Not supported: {feature} (type '{qtype_raw}', {name}); skipped.", rownum)
            return None
        simple = {
            "integer": QType.NUMBER,
            "int": QType.NUMBER,
            "decimal": QType.NUMBER,
            "date": QType.DATE,
            "text": QType.TEXT,
            "string": QType.TEXT,
            "acknowledge": QType.CONSENT,
        }
        if not select and base not in simple:
            self.problem("type", f"Unknown question type '{qtype_raw}' ({name}); skipped.", rownum)
            return None
        if select and select.group(2) not in self.choices:
            self.problem("choices", f"The choice list {select.group(2)!r} does not exist; skipped.", rownum)
            return None
        key = self.key(name, rownum)
        q = self.common(row, rownum, key)
        scale = self.scale_json(row, rownum)
        if select:
            list_name = select.group(2)
            if select.group(3):
                self.problem(
                    "or_other", "Not supported: 'or_other' (free text other); imported without it.", rownum
                )
            if select.group(1) in ("select_multiple", "select all that apply"):
                q["type"] = QType.MULTIPLE
            elif mtype == QType.BACKGROUND and row.get("medvirk::dimension"):
                q["type"] = QType.BACKGROUND
                q["dimension"] = row["medvirk::dimension"]
                self.option_names[key] = {}
            elif mtype in (QType.RATING, QType.NPS):
                q["type"] = mtype
            elif mtype == QType.SINGLE:
                q["type"] = QType.SINGLE
            else:
                found = self.scale_from_choices(list_name)
                if found and (found["min"], found["max"]) == (0, 10) and not found.get("dont_know"):
                    q["type"] = QType.NPS
                elif found:
                    q["type"] = QType.RATING
                    scale = scale or found
                else:
                    q["type"] = QType.SINGLE
            if q["type"] in QType.WITH_OPTIONS:
                q["options"] = self.options(key, list_name, rownum)
            elif q["type"] == QType.RATING and scale is None:
                scale = self.scale_from_choices(list_name)
        else:
            q["type"] = simple[base]
            constraint = str(row.get("constraint") or "").strip()
            if q["type"] == QType.TEXT and (mtype == QType.TEXTAREA or "multiline" in appearance):
                q["type"] = QType.TEXTAREA
            if constraint:
                self.constraint(q, constraint, rownum)
        if scale is not None:
            q["scale"] = scale
        q.update(self.extra_fields(row, rownum))
        if not q["text"] and q["type"] != QType.BACKGROUND:
            q["text"] = {self.default_lang: str(name or key)}
            self.problem("label", f"The question {name!r} has no label; its name is used.", rownum)
        if not q["text"]:
            del q["text"]
        self.types[key] = q["type"]
        self.seen.add(key)
        return q

    def constraint(self, q: dict[str, Any], constraint: str, rownum: int) -> None:
        if q["type"] == QType.NUMBER:
            both = re.fullmatch(rf"{_MIN_RE}\s+and\s+{_MAX_RE}", constraint)
            lo = re.fullmatch(_MIN_RE, constraint)
            hi = re.fullmatch(_MAX_RE, constraint)
            if both:
                q["min"], q["max"] = _read_number(both.group(1)), _read_number(both.group(2))
                return
            if lo:
                q["min"] = _read_number(lo.group(1))
                return
            if hi:
                q["max"] = _read_number(hi.group(1))
                return
        elif q["type"] in (QType.TEXT, QType.TEXTAREA):
            m = _LENGTH_RE.match(constraint)
            if m:
                q["max_length"] = int(m.group(1))
                return
        self.problem("constraint", f"The constraint {constraint!r} is not supported; ignored.", rownum)

    # groups and sections -----------------------------------------------------------------

    def open_section(self, row: Mapping[str, Any] | None, rownum: int) -> None:
        if row is None:
            self.auto_count += 1
            key = self.key(f"section_{self.auto_count}", rownum, "s")
            title = self.title()
            self.section = {"key": key, "title": title, "questions": [], "auto": True}
        else:
            key = self.key(row.get("name"), rownum, "s")
            section: dict[str, Any] = {
                "key": key,
                "title": self.text(row, "label") or {self.default_lang: str(row.get("name") or key)},
                "questions": [],
            }
            description = self.text(row, "hint")
            if description:
                section["description"] = description
            condition = self.condition(row, rownum)
            if condition is not None:
                section["condition"] = condition
            section.update(self.extra_fields(row, rownum))
            self.section = section
        self.sections.append(self.section)

    def add(self, question: dict[str, Any] | None, rownum: int) -> None:
        if question is None:
            return
        if self.section is None:
            self.open_section(None, rownum)
        assert self.section is not None
        self.section["questions"].append(question)

    def title(self) -> dict[str, str]:
        title = {
            code: v
            for k, v in self.settings.items()
            if k.startswith("medvirk::title::") and (code := self.lang_code(k[len("medvirk::title::") :]))
        }
        if not title and self.settings.get("form_title"):
            title = {self.default_lang: str(self.settings["form_title"])}
        return title or {self.default_lang: str(self.settings.get("form_id") or "Imported survey")}

    def matrix(
        self, group: Mapping[str, Any], group_row: int, children: list[tuple[int, dict[str, Any]]]
    ) -> None:
        """Turn a table-list group into a matrix; when it is not a rating grid, keep its questions."""
        selects = [(n, r) for n, r in children if _SELECT_RE.match(str(r.get("type", "")).strip())]
        lists = {_SELECT_RE.match(str(r.get("type", "")).strip()).group(2) for _n, r in selects}  # type: ignore[union-attr]
        explicit = str(group.get("medvirk::type") or "") == QType.MATRIX
        scale = self.scale_json(group, group_row) if explicit else None
        if scale is None and len(lists) == 1:
            scale = self.scale_from_choices(next(iter(lists)))
        if not children or len(selects) != len(children) or len(lists) != 1 or scale is None:
            if explicit:
                self.problem(
                    "matrix",
                    "This matrix does not have rating rows on one scale; kept as questions.",
                    group_row,
                )
            condition = self.condition(group, group_row)
            for n, r in children:
                question = self.question(r, n)
                if question is not None and condition is not None:
                    question["condition"] = (
                        {"all": [condition, question["condition"]]} if "condition" in question else condition
                    )
                self.add(question, n)
            return
        key = self.key(group.get("name"), group_row)
        q = self.common(group, group_row, key)
        q["type"] = QType.MATRIX
        q["scale"] = scale
        q.update({k: v for k, v in self.extra_fields(group, group_row).items() if k != "rows"})
        if not q["text"]:
            q["text"] = {self.default_lang: str(group.get("name") or key)}
        self.seen.add(key)
        self.types[key] = QType.MATRIX
        rows = []
        for n, r in children:
            rkey = self.key(r.get("name"), n)
            item = self.common(r, n, rkey)
            item.update(self.extra_fields(r, n))
            if not item["text"]:
                item["text"] = {self.default_lang: str(r.get("name") or rkey)}
            rows.append(item)
            self.seen.add(rkey)
            self.types[rkey] = QType.RATING
        q["rows"] = rows
        self.add(q, group_row)

    def run(self) -> None:
        rows = list(enumerate(self.book.survey or [], start=2))
        i = 0
        stack: list[str] = []  # "section", "flat"
        flat_conditions: list[dict[str, Any] | None] = []
        while i < len(rows):
            rownum, row = rows[i]
            i += 1
            if not row:
                continue
            kind = re.sub(r"[\s_]+", "_", str(row.get("type", "")).strip().lower())
            if not kind:
                self.problem("type", "This row has no type; skipped.", rownum)
                continue
            if kind in ("begin_repeat", "begin_loop"):
                depth, start = 1, rownum
                while i < len(rows) and depth:
                    inner = re.sub(r"[\s_]+", "_", str(rows[i][1].get("type", "")).strip().lower())
                    depth += inner in ("begin_repeat", "begin_loop")
                    depth -= inner in ("end_repeat", "end_loop")
                    i += 1
                self.problem(
                    "repeat",
                    f"Not supported: repeat groups ({row.get('name')}); rows {start}–{rows[i - 1][0]} "
                    "skipped.",
                    rownum,
                )
                continue
            if kind == "begin_group":
                appearance = str(row.get("appearance") or "")
                if str(row.get("medvirk::type") or "") == QType.MATRIX or "table-list" in appearance:
                    children, depth = [], 1
                    while i < len(rows):
                        n, r = rows[i]
                        i += 1
                        inner = re.sub(r"[\s_]+", "_", str(r.get("type", "")).strip().lower())
                        if inner == "begin_group":
                            depth += 1
                        elif inner == "end_group":
                            depth -= 1
                            if not depth:
                                break
                        if r and depth == 1:
                            children.append((n, r))
                    self.matrix(row, rownum, children)
                    continue
                if not stack:
                    self.open_section(row, rownum)
                    stack.append("section")
                else:
                    self.problem(
                        "nested_group",
                        f"The group {row.get('name')!r} inside another group was merged into its section.",
                        rownum,
                    )
                    flat_conditions.append(self.condition(row, rownum))
                    stack.append("flat")
                continue
            if kind == "end_group":
                if not stack:
                    self.problem("group", "'end_group' without 'begin_group'; ignored.", rownum)
                    continue
                if stack.pop() == "section":
                    self.section = None
                else:
                    flat_conditions.pop()
                continue
            question = self.question(row, rownum)
            active = [c for c in flat_conditions if c is not None]
            if question is not None and active:
                conditions = [*active, *([question["condition"]] if "condition" in question else [])]
                question["condition"] = conditions[0] if len(conditions) == 1 else {"all": conditions}
            self.add(question, rownum)
        if stack:
            self.problem("group", "A group was not closed with 'end_group'.", None)

    def document(self) -> dict[str, Any]:
        sections = []
        for section in self.sections:
            section.pop("auto", None)
            if not section["questions"]:
                self.problem(
                    "empty_section", f"The group {section['key']!r} has no importable questions; left out."
                )
                continue
            sections.append(section)
        if self.renamed:
            names = ", ".join(f"{old or '(empty)'} → {new}" for _row, old, new in self.renamed[:20])
            self.problem("names", f"Some names were changed to valid keys: {names}.", self.renamed[0][0])
        s = self.settings
        key_raw = str(s.get("form_id") or "").strip()
        key = key_raw if KEY_RE.match(key_raw) else _sanitise(key_raw or "imported_survey", "survey")
        doc: dict[str, Any] = {
            "format": FORMAT,
            "key": key,
            "title": self.title(),
            "languages": self.languages,
            "sections": sections,
        }
        for name in ("intro", "thanks"):
            text = self.text(s, f"medvirk::{name}")
            if text:
                doc[name] = text
        if s.get("medvirk::service_area"):
            doc["service_area"] = s["medvirk::service_area"]
        if s.get("medvirk::themes"):
            try:
                doc["themes"] = json.loads(s["medvirk::themes"])
            except ValueError:
                self.problem(
                    "medvirk_themes", "The medvirk::themes cell is not JSON; ignored.", 2, "settings"
                )
        doc.update(self.extra_fields(s, 2, "settings"))
        return doc


def _validate(book: Any) -> list[Problem]:
    """Run pyxform's own checks (it converts to an XForm in memory); its error becomes a problem."""
    warnings: list[str] = []
    try:
        xls2json.workbook_to_json(copy.deepcopy(book), form_name="data", warnings=warnings)
    except PyXFormError as exc:
        return [Problem("xlsform", f"The XLSForm has an error: {exc}")]
    except Exception as exc:  # pyxform may fail in other ways on odd files
        return [Problem("xlsform", f"The XLSForm could not be checked: {exc}")]
    return []


def xlsform_to_definition(data: bytes) -> tuple[Definition | None, list[Problem]]:
    """Read an XLSForm workbook; return the definition (None when unusable) and every problem."""
    if not data.startswith(ZIP_MAGIC):
        return None, [Problem("not_xlsform", "The file is not an Excel workbook (.xlsx).", None, "")]
    try:
        book = xls2json_backends.get_xlsform(data, file_type=".xlsx")
    except Exception:  # a zip that is not a workbook, a damaged file, duplicate headers, …
        return None, [
            Problem("not_xlsform", "The file could not be read as an Excel workbook (.xlsx).", None, "")
        ]
    if not book.survey or not any(book.survey) or "type" not in (book.survey_header or [{}])[0]:
        return None, [
            Problem(
                "no_survey",
                "The workbook has no XLSForm 'survey' sheet with a 'type' column and at least one row.",
                None,
                "",
            )
        ]
    problems = _validate(book)
    reader: _Reader | None = None
    try:
        reader = _Reader(book)
        reader.run()
        document = reader.document()
    except Exception as exc:  # defensive: an import must never crash the page
        failed = Problem("error", f"The file could not be converted: {exc}")
        return None, [*problems, *(reader.problems if reader else []), failed]
    problems.extend(reader.problems)
    try:
        definition = parse_definition(document)
    except DefinitionError as exc:
        problems.extend(Problem("invalid", f"{where}: {what}", None, "") for where, what in exc.problems)
        return None, problems
    return definition, problems


# --- JSON and file sniffing ---------------------------------------------------------------

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
