"""Read an XLSForm workbook into a survey definition, listing every unsupported feature as a problem."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from pyxform import xls2json, xls2json_backends
from pyxform.errors import PyXFormError

from medvirk.common import languages
from medvirk.common.dimensions import PREFER_NOT_TO_SAY
from medvirk.common.textfiles import load_json

from ... import qtypes
from ...design.definition import (
    FORMAT,
    KEY_RE,
    Definition,
    DefinitionError,
    QType,
    other_key,
)
from ...design.parser import parse_definition
from ...qtypes import QuestionType, XlsRow
from . import sheets
from .columns import (
    DEFAULT_TEXTS,
    DONT_KNOW,
    LANG_IN_HEADER,
    METADATA_TYPES,
    MULTIPLE_WORDS,
    OLE_MAGIC,
    OR_OTHER_NAME,
    RANK_RE,
    SAFE_LANG,
    SELECT_RE,
    UNSUPPORTED_COLUMNS,
    UNSUPPORTED_TYPES,
    ZIP_MAGIC,
    Problem,
)
from .relevant import (
    RelevantError,
    condition_to_relevant,
    relevant_to_condition,
)


def _flag(value: Any) -> bool | None:
    """Read an XLSForm yes/no cell; None when it is an expression we cannot evaluate."""
    text = str(value or "").strip().lower()
    if text in ("", "no", "false", "false()", "0", "n"):
        return False
    if text in ("yes", "true", "true()", "1", "y"):
        return True
    return None


def _group_type(row: Mapping[str, Any]) -> QuestionType | None:
    """Return the type a ``begin group`` row names in ``medvirk::type`` when it is written as a group."""
    kind = qtypes.find(str(row.get("medvirk::type") or ""))
    return kind if kind is not None and kind.xlsform_group else None


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
        m = LANG_IN_HEADER.match(suffix)
        code: str | None
        if m and SAFE_LANG.match(m.group(2).strip()):
            code = m.group(2).strip()
        elif languages.code_for_name(suffix):
            code = languages.code_for_name(suffix)
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
                listed = load_json(declared)
                if isinstance(listed, list) and all(isinstance(x, str) for x in listed):
                    return listed
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
            code: str | None
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
            value = load_json(raw)
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
                candidate = load_json(exact)
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

        qtype = qtypes.find(self.types.get(key))

        def fix(value: Any) -> Any:
            if qtype is not None:
                value = qtype.condition_value(value)  # typed as the answer: "3" on a scale is 3
            return self.option_names.get(key, {}).get(value, value) if isinstance(value, str) else value

        if c.get("op") == "equals":
            return {**c, "value": fix(c.get("value"))}
        if c.get("op") == "one_of":
            return {**c, "values": [fix(v) for v in c.get("values", [])]}
        return c

    def common(
        self, row: Mapping[str, Any], rownum: int, key: str, own: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
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
        for column, feature in UNSUPPORTED_COLUMNS.items():
            if column in own:  # the question type reads it (a line's range parameters)
                continue
            if row.get(column) and not (column == "parameters" and "randomize" in str(row[column])):
                self.problem(column, f"Not supported: {feature} ('{column}' column); ignored.", rownum)
        return q

    def scale_json(self, row: Mapping[str, Any], rownum: int) -> dict[str, Any] | None:
        raw = row.get("medvirk::scale")
        if not raw:
            return None
        try:
            value = load_json(raw)
        except ValueError:
            value = None
        if isinstance(value, dict):
            return value
        self.problem("medvirk_scale", "The medvirk::scale cell is not a JSON object; ignored.", rownum)
        return None

    def question_type(self, row: XlsRow) -> QuestionType | None:
        """Return the type an XLSForm row is read as: the one Medvirk wrote, else the best fit."""
        native = qtypes.find(row.native)
        if native is not None and native.xlsform_score(row, self) > 0:
            return native
        best = max(qtypes.all_types(), key=lambda t: (t.xlsform_score(row, self), -t.order))
        return best if best.xlsform_score(row, self) > 0 else None

    def question(self, row: Mapping[str, Any], rownum: int) -> dict[str, Any] | None:
        """Convert one survey row; None (with a problem) when it is not supported."""
        qtype_raw = re.sub(r"\s+", " ", str(row.get("type", "")).strip())
        select = SELECT_RE.match(qtype_raw)
        base = qtype_raw.split(" ")[0]
        name = row.get("name") or ""
        if not select and base in METADATA_TYPES:
            self.problem("metadata", f"The metadata field '{base}' ({name}) is not imported.", rownum)
            return None
        ranked = RANK_RE.match(qtype_raw)
        list_name = select.group(2) if select else ranked.group(1) if ranked else None
        if list_name is not None and list_name not in self.choices:
            self.problem("choices", f"The choice list {list_name!r} does not exist; skipped.", rownum)
            return None
        info = XlsRow(
            base=base,
            select=None if not select else "multiple" if select.group(1) in MULTIPLE_WORDS else "one",
            list_name=list_name,
            native=str(row.get("medvirk::type") or "").strip(),
            appearance=str(row.get("appearance") or ""),
            cells=row,
        )
        qtype = self.question_type(info)
        if qtype is None:
            if base in UNSUPPORTED_TYPES or base.startswith(("select_one_", "select_multiple_")):
                feature = UNSUPPORTED_TYPES.get(base, "choices from a file or external source")
                self.problem(base, f"Not supported: {feature} (type '{qtype_raw}', {name}); skipped.", rownum)
            else:
                self.problem("type", f"Unknown question type '{qtype_raw}' ({name}); skipped.", rownum)
            return None
        key = self.key(name, rownum)
        q = self.common(row, rownum, key, qtype.xlsform_columns)
        q["type"] = qtype.key
        scale = self.scale_json(row, rownum)
        if scale is not None:
            q["scale"] = scale
        qtype.xlsform_read(q, info, self, rownum)
        if select and select.group(3):
            self.or_other(q, qtype, rownum)
        q.update(self.extra_fields(row, rownum))
        if not q["text"] and qtype.text_required:
            q["text"] = {self.default_lang: str(name or key)}
            self.problem("label", f"The question {name!r} has no label; its name is used.", rownum)
        if not q["text"]:
            del q["text"]
        self.types[key] = q["type"]
        self.seen.add(key)
        return q

    def or_other(self, q: dict[str, Any], qtype: QuestionType, rownum: int) -> None:
        """Read ``or_other``: the choice "other" (added when the list lacks it) asks for a text."""
        if not qtype.other_option:
            self.problem(
                "or_other", "Not supported: 'or_other' on this question; imported without it.", rownum
            )
            return
        options = q.setdefault("options", [])
        original = self.option_names.get(q["key"], {})
        option = next((o for o in options if o["key"] == original.get(OR_OTHER_NAME, OR_OTHER_NAME)), None)
        if option is None:
            known = DEFAULT_TEXTS[OR_OTHER_NAME]
            label = {lang: known.get(lang, known["en"]) for lang in self.languages}
            option = {"key": OR_OTHER_NAME, "label": label}
            options.append(option)
        for o in options:
            o.pop("other", None)
        option["other"] = True
        self.keys.add(other_key(q["key"]))  # the text's key, as pyxform names it

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
        matches = [(n, r, SELECT_RE.match(str(r.get("type", "")).strip())) for n, r in children]
        selects = [(n, r) for n, r, m in matches if m]
        lists = {m.group(2) for _n, _r, m in matches if m}
        explicit = _group_type(group) is not None
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
                if _group_type(row) is not None or "table-list" in appearance:
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
                doc["themes"] = load_json(s["medvirk::themes"])
            except ValueError:
                self.problem(
                    "medvirk_themes", "The medvirk::themes cell is not JSON; ignored.", 2, "settings"
                )
        doc.update(self.extra_fields(s, 2, "settings"))
        return doc


def _unreadable(data: bytes, file_type: str) -> Problem:
    """Say why pyxform could not read the workbook: a duplicated column by name, else unreadable."""
    try:
        duplicate = sheets.duplicate_column(data, file_type)
    except Exception:  # the workbook cannot be opened at all
        duplicate = None
    if duplicate:
        sheet, column = duplicate
        message = f"The column {column!r} appears twice on the {sheet} sheet."
        return Problem("duplicate_column", message, 1, sheet, (column,))
    return Problem("not_xlsform", "The file could not be read as an Excel workbook (.xlsx).", None, "")


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
    """Read an XLSForm workbook (.xlsx, or Excel 97-2003 .xls); return the definition (None when
    unusable) and every problem."""
    file_type = ".xlsx" if data.startswith(ZIP_MAGIC) else ".xls" if data.startswith(OLE_MAGIC) else None
    if file_type is None:
        return None, [Problem("not_xlsform", "The file is not an Excel workbook (.xlsx).", None, "")]
    try:
        book = xls2json_backends.get_xlsform(data, file_type=file_type)
    except Exception:  # a zip that is not a workbook, a damaged file, duplicate headers, …
        return None, [_unreadable(data, file_type)]
    book, clashes = sheets.normalise(book)
    if clashes:
        return None, clashes
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
