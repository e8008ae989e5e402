"""Write a survey definition as an XLSForm workbook (``survey``, ``choices``, ``settings``)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook

from ... import qtypes
from ...design.definition import (
    FORMAT,
    Definition,
    Question,
    Text,
)
from .columns import (
    DEFAULT_TEXTS,
    DONT_KNOW,
    OR_OTHER_NAME,
    SAFE_LANG,
    SURVEY_COLUMNS_AFTER,
    SURVEY_COLUMNS_BEFORE,
    as_json,
    canonical,
    cell_safe,
    language_header,
    text_safe,
)
from .relevant import (
    RelevantError,
    condition_to_relevant,
    relevant_to_condition,
)


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
    langs = [lang for lang in definition.languages if SAFE_LANG.match(lang)]
    for text in _walk_texts(definition):
        langs.extend(lang for lang in text if lang not in langs and SAFE_LANG.match(lang))
    return langs


def _cell(row: dict[str, str], extra: dict[str, Any], column: str, name: str, value: str) -> None:
    """Write ``value`` into ``row[column]``, or into ``extra[name]`` when a cell would change it."""
    if cell_safe(value):
        row[column] = value
    else:
        extra[name] = value


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
            if SAFE_LANG.match(lang) and cell_safe(value)
        }

    def text_cells(
        self, thing: Any, names: Iterable[tuple[str, str]], row: dict[str, str], extra: dict[str, Any]
    ) -> None:
        """Write ``thing``'s texts (column prefix, attribute) into ``row``; keep in ``extra`` any
        text a cell would change (``texts`` leaves out those languages)."""
        for prefix, name in names:
            text = getattr(thing, name)
            row.update(self.texts(prefix, text))
            if not text_safe(text):
                extra[name] = dict(text)

    def choice(
        self, list_name: str, key: str, label: Text, hidden: bool = False, other: bool = False
    ) -> None:
        row = {"list_name": list_name, "name": key, **self.texts("label", label)}
        if hidden:
            row["medvirk::hidden"] = "yes"
        extra: dict[str, Any] = {} if text_safe(label) else {"label": dict(label)}
        if other and key != OR_OTHER_NAME:
            extra["other"] = True  # ``or_other`` names the choice "other"; any other name says so here
        if extra:
            row["medvirk::extra"] = as_json(extra)
        self.choices.append(row)

    def common(self, q: Question, row: dict[str, str], represented: set[str]) -> dict[str, str]:
        """Fill the columns every question has; what columns cannot hold goes to ``medvirk::extra``."""
        data = q.to_dict()
        extra: dict[str, Any] = {}
        row["name"] = q.key
        self.text_cells(q, (("label", "text"), ("hint", "help")), row, extra)
        if q.required:
            row["required"] = "yes"
        if q.condition is not None:
            self.condition(q.condition.to_dict(), row)
        if q.theme is not None:
            _cell(row, extra, "medvirk::theme", "theme", q.theme)
        if q.local:
            row["medvirk::local"] = "yes"
        if q.hidden:
            row["medvirk::hidden"] = "yes"
        if q.scale is not None:
            row["medvirk::scale"] = as_json(q.scale.to_dict())
        represented |= {"key", "type", "text", "help", "required", "condition", "theme", "local", "hidden"}
        represented |= {"scale"}
        extra.update({k: v for k, v in data.items() if k not in represented})
        if extra:
            row["medvirk::extra"] = as_json(extra)
        return row

    def condition(self, condition: dict[str, Any], row: dict[str, str]) -> None:
        relevant = condition_to_relevant(condition, self.types)
        if not cell_safe(relevant):
            row["medvirk::condition"] = as_json(condition)
            return
        row["relevant"] = relevant
        try:
            same = canonical(relevant_to_condition(relevant)) == canonical(condition)
        except RelevantError:
            same = False
        if not same:
            row["medvirk::condition"] = as_json(condition)

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
        known = DEFAULT_TEXTS[key]
        return {lang: known.get(lang, known["en"]) for lang in self.langs}

    def question(self, q: Question) -> None:
        """Append the question's rows; its type writes them (see ``QuestionType.xlsform_rows``)."""
        qtypes.get(q.type).xlsform_rows(q, self)

    def section_rows(self) -> None:
        for section in self.definition.sections:
            row: dict[str, str] = {"type": "begin_group", "name": section.key, "appearance": "field-list"}
            extra: dict[str, Any] = {}
            self.text_cells(section, (("label", "title"), ("hint", "description")), row, extra)
            if section.condition is not None:
                self.condition(section.condition.to_dict(), row)
            if extra:
                row["medvirk::extra"] = as_json(extra)
            self.survey.append(row)
            for q in section.questions:
                if q.specifies is None:  # an "other" text is the choice's ``or_other``
                    self.question(q)
            self.survey.append({"type": "end_group"})

    def settings(self) -> dict[str, str]:
        d = self.definition
        first = next((lang for lang in d.languages if d.title.get(lang)), next(iter(d.title), None))
        row: dict[str, str] = {
            "form_title": d.title[first] if first and cell_safe(d.title[first]) else d.key,
            "form_id": d.key,
            "style": "pages",
            "medvirk::format": FORMAT,
            "medvirk::languages": as_json(list(d.languages)),
        }
        if self.langs:
            row["default_language"] = language_header(d.languages[0] if d.languages else self.langs[0])
        extra: dict[str, Any] = {}
        self.text_cells(d, [(f"medvirk::{name}", name) for name in ("title", "intro", "thanks")], row, extra)
        if d.service_area is not None:
            _cell(row, extra, "medvirk::service_area", "service_area", d.service_area)
        if d.themes:
            row["medvirk::themes"] = as_json({k: dict(v) for k, v in d.themes.items()})
        if extra:
            row["medvirk::extra"] = as_json(extra)
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
