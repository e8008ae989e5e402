"""The survey builder's operations: pure functions from one definition document to the next.

Each operation takes a ``medvirk-survey/1`` document (never changed in place) and returns a new
one, so the builder's pages, its API and its property tests share them, and the stored result
goes through the same service as the JSON path (``services.survey_update_definition``: removed
items kept hidden, answered questions keep their type, keys keep their ids).

Keys: questions from the bank keep their bank keys; new ones get ``new_key`` (an ASCII slug of
the text, unique in the survey, ``q1``, ``q2`` … for text without Latin letters). No operation
ever changes a key. Refusals are ``ServiceError``s with a sentence a designer understands.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from medvirk.core.errors import ServiceError

from .. import qtypes
from ..enums import SurveysErrorCode
from .definition import LOCAL_PREFIX, OTHER_OPTION, Definition, other_key
from .refusal import parse_or_refuse

Document = dict[str, Any]
MAX_KEY = 40  # a slug longer than this is cut at a word boundary: keys appear in exports' headers
MAX_TEXT = 2000  # a question's text or help in one language

# Norwegian letters as Norwegian writes them in ASCII (unicodedata would drop æ and ø).
_TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "ß": "ss", "œ": "oe", "ð": "d", "þ": "th"})
UP, DOWN = "up", "down"


def _fail(message: str, *, field: str | None = None) -> ServiceError:
    return ServiceError(SurveysErrorCode.BUILDER_REFUSED, message, field=field)


# --- keys -------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """Return an ASCII slug of ``text`` ("Særskilte behov?" → ``saerskilte_behov``), or ``""``.

    Written here rather than taken from a slug library: keys follow Norwegian transliteration
    (æ → ae, ø → o, å → aa) and text in other scripts must give no key at all (``q1`` instead of
    a transliteration nobody can read back), which general slug libraries do not offer.
    """
    text = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLITERATE))
    ascii_text = "".join(ch for ch in text if ch.isascii())
    words = re.findall(r"[a-z0-9]+", ascii_text)
    out = ""
    for word in words:
        candidate = f"{out}_{word}" if out else word
        if len(candidate) > MAX_KEY:
            break
        out = candidate
    if not out and words:
        out = words[0][:MAX_KEY]
    out = out.lstrip("0123456789_")
    if out.startswith(LOCAL_PREFIX):  # reserved for units' own questions
        out = f"q_{out}"[:MAX_KEY]
    return out


def new_key(text: str, taken: Iterable[str]) -> str:
    """Return a new question key for ``text``: its slug, made unique; ``q<n>`` without Latin text."""
    used = set(taken)
    base = slug(text)
    if not base:
        number = 1
        while f"q{number}" in used:
            number += 1
        return f"q{number}"
    key, number = base, 2
    while key in used:
        suffix = f"_{number}"
        key = base[: MAX_KEY - len(suffix)] + suffix
        number += 1
    return key


def all_keys(document: Mapping[str, Any]) -> set[str]:
    """Return every key in use: sections, questions and matrix rows (hidden ones too)."""
    keys: set[str] = set()
    for section in document.get("sections", []):
        keys.add(section["key"])
        for q in section.get("questions", []):
            keys.add(q["key"])
            keys.update(r["key"] for r in q.get("rows", []))
            if any(o.get("other") for o in q.get("options") or []):
                keys.add(other_key(q["key"]))  # the text of its "other" option
    return keys


def _option_key(label: str, taken: set[str]) -> str:
    key = new_key(label, taken)
    taken.add(key)
    return key


# --- finding things -----------------------------------------------------------------------------


def _copy(document: Mapping[str, Any]) -> Document:
    return copy.deepcopy(dict(document))


def _sections(document: Document) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = document.setdefault("sections", [])
    return sections


def _find(document: Document, key: str) -> tuple[dict[str, Any], int]:
    """Return the section holding question ``key`` and the question's index in it."""
    for section in _sections(document):
        for index, q in enumerate(section.get("questions", [])):
            if q["key"] == key:
                return section, index
    raise _fail(_("This question does not exist (any more)."))


def _section(document: Document, key: str) -> dict[str, Any]:
    for section in _sections(document):
        if section["key"] == key:
            return section
    raise _fail(_("This page does not exist (any more)."), field="section")


def question_label(question: Mapping[str, Any], lang: str) -> str:
    """Return a question's text for a staff sentence (its own language first)."""
    return qtypes.text_in(question.get("text"), lang, "?")


def _languages(document: Mapping[str, Any]) -> list[str]:
    return list(document.get("languages") or ["nb"])


# --- checking ---------------------------------------------------------------------------------


def check(document: Mapping[str, Any]) -> Definition:
    """Return the parsed document, or refuse it with the builder's own sentences first.

    The rules of logic (earlier questions only, answers that exist, ranges that can hold) are
    said in words; whatever else the parser finds is listed as the JSON path lists it.
    """
    problems = logic_problems(document)
    if problems:
        raise _fail(problems[0], field="condition")
    return parse_or_refuse(document, listed=5)


def _leaves(condition: Any) -> Iterator[Mapping[str, Any]]:
    if not isinstance(condition, Mapping):
        return
    for group in ("all", "any"):
        if group in condition:
            for child in condition[group] or []:
                yield from _leaves(child)
            return
    yield condition


def _logic_type(question: Mapping[str, Any]) -> qtypes.QuestionType | None:
    """Return the type of a question other questions' logic may read, or None."""
    kind = qtypes.find(question.get("type"))
    return kind if kind is not None and kind.logic_source else None


def _answer_values(question: Mapping[str, Any]) -> set[Any] | None:
    """Return the answers a question can have, or None when they are not a fixed list."""
    kind = _logic_type(question)
    answers = kind.logic_answers(question, "") if kind is not None else None
    return None if kind is None or answers is None else {kind.logic_value(value) for value, _label in answers}


def _numeric(question: Mapping[str, Any]) -> tuple[float, float] | None:
    """Return the range of a question with numeric answers, or None."""
    kind = _logic_type(question)
    return kind.logic_range(question) if kind is not None else None


def logic_problems(document: Mapping[str, Any], lang: str | None = None) -> list[str]:
    """Return, in words, every condition that can never hold or reads a later question."""
    lang = lang or _languages(document)[0]
    problems: list[str] = []
    earlier: dict[str, Mapping[str, Any]] = {}
    everything = {
        item["key"]: item
        for s in document.get("sections", [])
        for q in s.get("questions", [])
        if isinstance(q, Mapping) and "key" in q
        for item in _answerable(q)
    }
    for section in document.get("sections", []):
        if section.get("condition"):
            where = _("The page «%(page)s»") % {"page": question_label({"text": section.get("title")}, lang)}
            problems += _condition_problems(section["condition"], earlier, everything, where, lang, None)
        for q in section.get("questions", []):
            if q.get("condition") and not q.get("hidden"):
                where = _("«%(question)s»") % {"question": question_label(q, lang)}
                problems += _condition_problems(q["condition"], earlier, everything, where, lang, q["key"])
            for item in _answerable(q):
                earlier[item["key"]] = item
    return problems


def _answerable(question: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Yield the question and, for a matrix, each statement as the rating question it is."""
    yield question
    for row in question.get("rows") or []:
        if isinstance(row, Mapping) and "key" in row:
            hidden = row.get("hidden") or question.get("hidden")
            yield {**row, "type": "rating", "scale": question.get("scale") or {}, "hidden": hidden}


def _condition_problems(
    condition: Mapping[str, Any],
    earlier: Mapping[str, Mapping[str, Any]],
    everything: Mapping[str, Mapping[str, Any]],
    where: str,
    lang: str,
    own_key: str | None,
) -> list[str]:
    problems: list[str] = []
    groups = [condition]
    for leaf in _leaves(condition):
        ref = str(leaf.get("question") or "")
        if ref == own_key:
            problems.append(_("%(where)s cannot depend on its own answer.") % {"where": where})
            continue
        if ref not in earlier:
            if ref in everything:
                problems.append(
                    _(
                        "%(where)s depends on «%(other)s», which comes after it. A question can only "
                        "depend on questions before it."
                    )
                    % {"where": where, "other": question_label(everything[ref], lang)}
                )
            else:
                problems.append(_("%(where)s depends on a question that does not exist.") % {"where": where})
            continue
        source = earlier[ref]
        name = question_label(source, lang)
        if source.get("hidden"):
            problems.append(
                _("%(where)s depends on «%(other)s», which has been removed, so it would never be shown.")
                % {"where": where, "other": name}
            )
            continue
        op = leaf.get("op")
        if op in ("equals", "one_of"):
            wanted = [leaf.get("value")] if op == "equals" else list(leaf.get("values") or [])
            possible = _answer_values(source)
            if possible is not None and not any(v in possible for v in wanted):
                problems.append(
                    _(
                        "%(where)s is shown on an answer «%(other)s» does not have, "
                        "so it would never be shown."
                    )
                    % {"where": where, "other": name}
                )
        elif op == "range":
            numeric = _numeric(source)
            lo, hi = leaf.get("min"), leaf.get("max")
            if numeric is None:
                problems.append(
                    _("«%(other)s» has no numbers to compare, so a range cannot be used.") % {"other": name}
                )
            elif lo is not None and hi is not None and lo > hi:
                problems.append(
                    _("In the condition of %(where)s the lowest value is above the highest.")
                    % {"where": where}
                )
            elif (lo is not None and lo > numeric[1]) or (hi is not None and hi < numeric[0]):
                problems.append(
                    _("%(where)s is shown on values «%(other)s» cannot have, so it would never be shown.")
                    % {"where": where, "other": name}
                )
    # "all of" two different single answers to the same question can never hold.
    for group in groups:
        if "all" in group:
            seen: dict[str, set[Any]] = {}
            for child in group["all"] or []:
                if isinstance(child, Mapping) and child.get("op") == "equals":
                    read = earlier.get(child.get("question", ""))
                    kind = qtypes.find(read.get("type")) if read is not None else None
                    # one answer at most: two different ones cannot both hold (not so for a
                    # multiple choice or a ranking, whose answer holds several options)
                    if read is not None and (kind is None or kind.exclusive):
                        seen.setdefault(child["question"], set()).add(_hashable(child.get("value")))
            for ref, values in seen.items():
                if len(values) > 1:
                    problems.append(
                        _(
                            "%(where)s needs two different answers to «%(other)s» at once, "
                            "so it would never be shown."
                        )
                        % {"where": where, "other": question_label(earlier[ref], lang)}
                    )
    return problems


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def dependants(document: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """Return the visible questions and pages whose condition reads question ``key``."""
    found: list[Mapping[str, Any]] = []
    for section in document.get("sections", []):
        if any(leaf.get("question") == key for leaf in _leaves(section.get("condition"))):
            found.append({"text": section.get("title") or {}, "key": section["key"]})
        for q in section.get("questions", []):
            if not q.get("hidden") and any(
                leaf.get("question") == key for leaf in _leaves(q.get("condition"))
            ):
                found.append(q)
    return found


# --- operations ---------------------------------------------------------------------------------


def _text(value: str, field: str) -> str:
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise _fail(_("A text can be at most %(n)s characters.") % {"n": MAX_TEXT}, field=field)
    return value


def _set_text(item: dict[str, Any], name: str, lang: str, value: str | None, *, required: bool) -> None:
    if value is None:
        return
    value = _text(value, name)
    texts = dict(item.get(name) or {})
    if value:
        texts[lang] = value
    else:
        if required and lang in texts and len([v for v in texts.values() if v.strip()]) <= 1:
            raise _fail(_("The question needs a text."), field=name)
        texts.pop(lang, None)
    if texts:
        item[name] = texts
    else:
        item.pop(name, None)


def add_section(document: Mapping[str, Any], *, title: str, lang: str) -> tuple[Document, str]:
    """Append a page with ``title`` (it needs a question before it is stored: ``add_question``)."""
    doc = _copy(document)
    title = _text(title, "title")
    if not title:
        raise _fail(_("Give the page a title."), field="title")
    key = new_key(title, all_keys(doc))
    _sections(doc).append({"key": key, "title": {lang: title}, "questions": []})
    return doc, key


def edit_section(
    document: Mapping[str, Any], key: str, *, lang: str, title: str, description: str | None = None
) -> Document:
    """Rename page ``key`` in language ``lang`` (and change its introduction); its key never changes."""
    doc = _copy(document)
    section = _section(doc, key)
    if not _text(title, "title"):
        raise _fail(_("Give the page a title."), field="title")
    _set_text(section, "title", lang, title, required=True)
    _set_text(section, "description", lang, description, required=False)
    return doc


def _fresh_question(qtype: str, text: str, lang: str, options: Sequence[str], key: str) -> dict[str, Any]:
    kind = qtypes.find(qtype)
    if kind is None or not kind.addable:
        raise _fail(_("Choose a kind of question."), field="type")
    question: dict[str, Any] = {"key": key, "type": qtype, "text": {lang: text}}
    if qtypes.Edit.OPTIONS in kind.edits:
        labels = [label.strip() for label in options if label.strip()]
        if not labels:
            raise _fail(_("A choice question needs at least one option."), field="options")
        taken: set[str] = set()
        question["options"] = [{"key": _option_key(label, taken), "label": {lang: label}} for label in labels]
    return question


def add_question(
    document: Mapping[str, Any],
    *,
    section: str,
    qtype: str,
    text: str,
    lang: str,
    options: Sequence[str] = (),
    after: str | None = None,
    other: str = "",
) -> tuple[Document, str]:
    """Add a new question to page ``section`` (at its end, or after question ``after``).

    ``other`` is the label of an "other, please specify" option to end its options with ("": none).
    """
    doc = _copy(document)
    text = _text(text, "text")
    if not text:
        raise _fail(_("Write the question."), field="text")
    key = new_key(text, all_keys(doc))
    question = _fresh_question(qtype, text, lang, options, key)
    other = _text(other, "other")
    if other:
        if not qtypes.get(qtype).other_option:
            raise _fail(_("Only choice questions can offer “Other” with a text field."), field="other")
        _set_other(question, other, lang)
    target = _section(doc, section)
    questions = target.setdefault("questions", [])
    index = len(questions)
    if after:
        holder, at = _find(doc, after)
        if holder is target:
            index = at + 1
    questions.insert(index, question)
    return doc, key


def add_bank_question(
    document: Mapping[str, Any], *, template: Definition, key: str, section: str
) -> tuple[Document, str]:
    """Add question ``key`` of a bank template with its bank key (so it compares across rounds).

    A question the survey already has is not added twice: a removed one is shown again.
    """
    doc = _copy(document)
    try:
        source = next(q for q in template.questions(include_rows=False) if q.key == key)
    except StopIteration:
        raise _fail(_("This question is not in the question bank."), field="key") from None
    for holder in _sections(doc):
        for q in holder.get("questions", []):
            if q["key"] == key:
                if not q.get("hidden"):
                    raise _fail(_("The survey already has this question."), field="key")
                q.pop("hidden", None)
                return doc, key
    if key in all_keys(doc):
        raise _fail(_("The survey already uses this question's key for something else."), field="key")
    question = source.to_dict()
    question.pop("condition", None)  # it may read questions this survey does not have
    theme = question.get("theme")
    if theme and doc.get("themes") and theme not in doc["themes"]:  # declared themes must list it
        if theme in template.themes:
            doc["themes"][theme] = dict(template.themes[theme])
        else:
            question.pop("theme")
    _section(doc, section).setdefault("questions", []).append(question)
    return doc, key


def edit_question(
    document: Mapping[str, Any],
    key: str,
    *,
    lang: str,
    text: str | None = None,
    help: str | None = None,
    required: bool | None = None,
    options: Sequence[tuple[str | None, str]] | None = None,
    min_label: str | None = None,
    max_label: str | None = None,
    dont_know: bool | None = None,
    scale_max: int | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    max_length: int | None = None,
    other: str | None = None,
    scale_min: int | None = None,
    rows: Sequence[tuple[str | None, str]] | None = None,
) -> Document:
    """Change what the builder's question form edits, in language ``lang``; keys never change.

    ``options``: (existing option key or None for a new one, label) in the order wanted; an
    existing option left out is hidden (its answers stay), a new one gets a slug key. The
    "other, please specify" option is not among them: ``other`` is its label (it is added, or
    shown again), "" removes it (hidden, its answers and texts kept), None leaves it. ``rows``:
    a matrix's statements as ``options`` (a new one gets a key unique in the whole survey).
    """
    doc = _copy(document)
    section, index = _find(doc, key)
    q = section["questions"][index]
    kind = qtypes.get(q["type"])
    _set_text(q, "text", lang, text, required=kind.text_required)
    _set_text(q, "help", lang, help, required=False)
    if required is not None:
        if required:
            q["required"] = True
        else:
            q.pop("required", None)
    if options is not None:
        if qtypes.Edit.OPTIONS not in kind.edits:
            raise _fail(_("This kind of question has no options."), field="options")
        q["options"] = _merged_options(q.get("options") or [], options, lang)
    if rows is not None:
        if qtypes.Edit.ROWS not in kind.edits:
            raise _fail(_("This kind of question has no statements."), field="rows")
        q["rows"] = _merged_rows(q.get("rows") or [], rows, lang, all_keys(doc))
    if any(v is not None for v in (min_label, max_label, dont_know, scale_max, scale_min)):
        if not kind.edits & {qtypes.Edit.SCALE, qtypes.Edit.SCALE_ENDS}:
            raise _fail(_("This kind of question has no scale."), field="scale")
        scale = dict(q.get("scale") or {})
        for name, value in (("min_label", min_label), ("max_label", max_label)):
            if value is not None:
                _set_text(scale, name, lang, value, required=False)
        if qtypes.Edit.SCALE in kind.edits:
            if dont_know is not None:
                if dont_know:
                    scale["dont_know"] = True
                else:
                    scale.pop("dont_know", None)
            if scale_min is not None:
                scale["min"] = scale_min
            if scale_max is not None:
                scale.setdefault("min", 1)
                scale["max"] = scale_max
            low, high = scale.get("min", 1), scale.get("max", 6)
            if not (isinstance(low, int) and isinstance(high, int) and 0 <= low < high <= 10):
                raise _fail(
                    _("A scale runs from a lower to a higher whole number, from 0 to 10."), field="scale"
                )
        q["scale"] = scale
    if minimum is not None or maximum is not None:
        if qtypes.Edit.RANGE not in kind.edits:
            raise _fail(_("This kind of question has no lowest and highest number."), field="min")
        for bound, number in (("min", minimum), ("max", maximum)):
            q[bound] = number
            if number is None:
                q.pop(bound)
    if max_length is not None:
        if qtypes.Edit.MAX_LENGTH not in kind.edits:
            raise _fail(_("This kind of question has no length limit."), field="max_length")
        q["max_length"] = max_length
    if other is not None:
        if not kind.other_option:
            raise _fail(
                _("Only single and multiple choice questions can have “Other, please specify”."),
                field="other",
            )
        _set_other(q, _text(other, "other"), lang)
    return doc


def _set_other(question: dict[str, Any], label: str, lang: str) -> None:
    """Give ``question`` an "other, please specify" option labelled ``label`` ("" hides it)."""
    options = question.setdefault("options", [])
    option = next((o for o in options if o.get("other")), None)
    if not label:
        if option is not None:
            option["hidden"] = True
        return
    if option is None:
        # A plain option keyed "other" becomes the one with a text (its answers stay "other").
        option = next((o for o in options if o["key"] == OTHER_OPTION), None)
        if option is None:
            option = {"key": _option_key(OTHER_OPTION, {o["key"] for o in options}), "label": {}}
        else:
            options.remove(option)
        options.append(option)
    option["other"] = True
    option.pop("hidden", None)
    option["label"] = {**(option.get("label") or {}), lang: label}


def _merged_options(
    old: list[dict[str, Any]], wanted: Sequence[tuple[str | None, str]], lang: str
) -> list[dict[str, Any]]:
    others = [o for o in old if o.get("other")]  # edited on its own (``other`` of edit_question)
    old = [o for o in old if not o.get("other")]
    by_key = {o["key"]: o for o in old}
    taken = set(by_key)
    out: list[dict[str, Any]] = []
    used: set[str] = set()
    for okey, label in wanted:
        label = _text(label, "options")
        if okey and okey in by_key and okey not in used:
            option = copy.deepcopy(by_key[okey])
            option.pop("hidden", None)
            if label:
                option["label"] = {**option.get("label", {}), lang: label}
        elif label:
            option = {"key": _option_key(label, taken), "label": {lang: label}}
        else:
            continue
        used.add(option["key"])
        out.append(option)
    if not out:
        raise _fail(_("A choice question needs at least one option."), field="options")
    # Left out: hidden at the end, never lost (their answers keep pointing at them).
    out += [{**copy.deepcopy(o), "hidden": True} for o in old if o["key"] not in used]
    return out + copy.deepcopy(others)


def _merged_rows(
    old: list[dict[str, Any]], wanted: Sequence[tuple[str | None, str]], lang: str, taken: set[str]
) -> list[dict[str, Any]]:
    """Return a matrix's statements as wanted: texts changed in ``lang``, new ones with fresh keys
    (answers are per statement key, so a key is never reused), left-out ones hidden."""
    by_key = {r["key"]: r for r in old}
    out: list[dict[str, Any]] = []
    used: set[str] = set()
    for rkey, text in wanted:
        text = _text(text, "rows")
        if rkey and rkey in by_key and rkey not in used:
            row = copy.deepcopy(by_key[rkey])
            row.pop("hidden", None)
            if text:
                row["text"] = {**row.get("text", {}), lang: text}
        elif text:
            row = {"key": _option_key(text, taken), "text": {lang: text}}
        else:
            continue
        used.add(row["key"])
        out.append(row)
    if not out:
        raise _fail(_("A matrix needs at least one statement."), field="rows")
    return out + [{**copy.deepcopy(r), "hidden": True} for r in old if r["key"] not in used]


def move_question(document: Mapping[str, Any], key: str, direction: str) -> Document:
    """Move a question one place up or down; past a page's edge it moves to the next page."""
    doc = _copy(document)
    sections = _sections(doc)
    section, index = _find(doc, key)
    questions = section["questions"]
    step = -1 if direction == UP else 1
    # Skip hidden questions: a move the designer sees is a move past a visible question.
    target = index + step
    while 0 <= target < len(questions) and questions[target].get("hidden"):
        target += step
    if 0 <= target < len(questions):
        questions.insert(target, questions.pop(index))
    else:
        number = sections.index(section) + step
        if not 0 <= number < len(sections):
            raise _fail(_("The question is already at the edge of the survey."), field="direction")
        question = questions.pop(index)
        if not [q for q in questions if not q.get("hidden")]:
            raise _fail(_("A page needs at least one question; add another before moving this one."))
        neighbour = sections[number].setdefault("questions", [])
        if direction == UP:
            neighbour.append(question)
        else:
            neighbour.insert(0, question)
    _check_order(doc)
    return doc


def move_before(document: Mapping[str, Any], key: str, before: str) -> Document:
    """Move question ``key`` to just before question ``before``, on that question's page (a drop)."""
    doc = _copy(document)
    if key == before:
        return doc
    holder, index = _find(doc, key)
    target, _at = _find(doc, before)
    question = holder["questions"].pop(index)
    if holder is not target and not [q for q in holder["questions"] if not q.get("hidden")]:
        raise _fail(_("A page needs at least one question; add another before moving this one."))
    _target, at = _find(doc, before)
    target["questions"].insert(at, question)
    _check_order(doc)
    return doc


def move_to_section(document: Mapping[str, Any], key: str, section: str) -> Document:
    """Move a question to the end of page ``section``."""
    doc = _copy(document)
    holder, index = _find(doc, key)
    target = _section(doc, section)
    if target is holder:
        return doc
    question = holder["questions"].pop(index)
    if not [q for q in holder["questions"] if not q.get("hidden")]:
        raise _fail(_("A page needs at least one question; add another before moving this one."))
    target.setdefault("questions", []).append(question)
    _check_order(doc)
    return doc


def move_section(document: Mapping[str, Any], key: str, direction: str) -> Document:
    """Move a page one place up or down."""
    doc = _copy(document)
    sections = _sections(doc)
    section = _section(doc, key)
    index = sections.index(section)
    target = index + (-1 if direction == UP else 1)
    if not 0 <= target < len(sections):
        raise _fail(_("The page is already at the edge of the survey."), field="direction")
    sections.insert(target, sections.pop(index))
    _check_order(doc)
    return doc


def _check_order(document: Document) -> None:
    """Refuse an order in which a question or page would come before one its logic reads."""
    for problem in logic_problems(document):
        raise _fail(problem + " " + _("Change the logic first, or move the other question too."))


def duplicate_question(document: Mapping[str, Any], key: str) -> tuple[Document, str]:
    """Copy a question right below itself, with a new key (answers are never shared)."""
    doc = _copy(document)
    section, index = _find(doc, key)
    source = section["questions"][index]
    kind = qtypes.find(source.get("type"))
    if kind is not None and qtypes.Edit.ROWS in kind.edits:  # its statements' keys would repeat
        raise _fail(_("A matrix cannot be copied; add its statements to a new one instead."))
    copy_ = copy.deepcopy(source)
    copy_.pop("hidden", None)
    copy_["options"] = [o for o in copy_.get("options", []) if not o.get("hidden")] or copy_.pop(
        "options", None
    )
    if copy_.get("options") is None:
        copy_.pop("options", None)
    copy_["key"] = new_key(question_label(source, _languages(doc)[0]), all_keys(doc))
    section["questions"].insert(index + 1, copy_)
    return doc, copy_["key"]


def remove_question(document: Mapping[str, Any], key: str) -> Document:
    """Hide a question: respondents no longer see it; its answers stay (and can come back)."""
    doc = _copy(document)
    section, index = _find(doc, key)
    lang = _languages(doc)[0]
    depending = dependants(doc, key)
    if depending:
        raise _fail(
            _("«%(other)s» is shown depending on this question. Change its logic first.")
            % {"other": question_label(depending[0], lang)}
        )
    section["questions"][index]["hidden"] = True
    if not [q for q in section["questions"] if not q.get("hidden")]:
        raise _fail(_("A page needs at least one question; add another before removing this one."))
    return doc


def restore_question(document: Mapping[str, Any], key: str) -> Document:
    """Show a removed question again."""
    doc = _copy(document)
    section, index = _find(doc, key)
    section["questions"][index].pop("hidden", None)
    return doc


def set_condition(document: Mapping[str, Any], key: str, condition: Mapping[str, Any] | None) -> Document:
    """Set (or with None remove) the show-when logic of question or page ``key``."""
    doc = _copy(document)
    item: dict[str, Any] | None = None
    for section in _sections(doc):
        if section["key"] == key:
            item = section
    if item is None:
        section, index = _find(doc, key)
        item = section["questions"][index]
    if condition:
        item["condition"] = copy.deepcopy(dict(condition))
    else:
        item.pop("condition", None)
    problems = logic_problems(doc)
    if problems:
        raise _fail(problems[0], field="condition")
    return doc


def set_texts(document: Mapping[str, Any], lang: str, texts: Mapping[str, str]) -> Document:
    """Set texts in language ``lang`` by place (``text_places``); an empty text removes it."""
    doc = _copy(document)
    slots = {place: (holder, name) for place, holder, name, _label in _slots(doc)}
    for place, value in texts.items():
        if place not in slots:
            continue
        holder, name = slots[place]
        value = _text(value, place)
        current = dict(holder.get(name) or {})
        if value:
            current[lang] = value
        else:
            current.pop(lang, None)
        holder[name] = current
    return doc


def _slots(document: Document) -> Iterator[tuple[str, dict[str, Any], str, str]]:
    """Yield (place, the object holding the text, its field, its name for a designer) for every
    translatable text."""
    names = {"title": _("Title of the survey"), "intro": _("Introduction"), "thanks": _("Thank-you text")}
    for name in ("title", "intro", "thanks"):
        if document.get(name):
            yield name, document, name, names[name]
    for number, theme_key in enumerate(document.get("themes") or {}, start=1):
        yield f"themes.{theme_key}", document["themes"], theme_key, _("Theme %(n)s") % {"n": number}
    number = 0
    for page, section in enumerate(document.get("sections", []), start=1):
        if section.get("title"):
            yield f"{section['key']}.title", section, "title", _("Page %(n)s: title") % {"n": page}
        if section.get("description"):
            yield (
                f"{section['key']}.description", section, "description",
                _("Page %(n)s: description") % {"n": page},
            )  # fmt: skip
        for q in section.get("questions", []):
            number += 1
            where = (_("Question %(n)s") if not q.get("hidden") else _("Question %(n)s (removed)")) % {
                "n": number
            }
            for row_number, item in enumerate((q, *q.get("rows", []))):
                here = (
                    where
                    if item is q
                    else _("%(where)s, statement %(n)s") % {"where": where, "n": row_number}
                )
                if item.get("text"):
                    yield f"{item['key']}.text", item, "text", here
                if item.get("help"):
                    yield f"{item['key']}.help", item, "help", _("%(where)s: help text") % {"where": here}
                for option_number, option in enumerate(item.get("options", []), start=1):
                    yield (
                        f"{item['key']}.{option['key']}", option, "label",
                        _("%(where)s: option %(n)s") % {"where": here, "n": option_number},
                    )  # fmt: skip
            scale = q.get("scale") or {}
            if scale.get("min_label"):
                yield f"{q['key']}.min_label", scale, "min_label", _("%(where)s: low end") % {"where": where}
            if scale.get("max_label"):
                yield f"{q['key']}.max_label", scale, "max_label", _("%(where)s: high end") % {"where": where}


def text_places(document: Mapping[str, Any]) -> list[tuple[str, dict[str, str]]]:
    """Return every translatable text with its place (the key ``set_texts`` takes)."""
    return [(place, dict(holder.get(name) or {})) for place, holder, name, _label in _slots(_copy(document))]


def text_rows(document: Mapping[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """Return every translatable text as (place, its name for a designer, its texts)."""
    return [
        (place, label, dict(holder.get(name) or {})) for place, holder, name, label in _slots(_copy(document))
    ]


# --- logic in words and drop-downs -------------------------------------------------------------


def answer_choices(question: Mapping[str, Any], lang: str) -> list[tuple[str, str]] | None:
    """Return the answers a condition on ``question`` can name, as (form value, label), or None
    when its answers are numbers compared by a range (number, line) or free text."""
    kind = _logic_type(question)
    return kind.logic_answers(question, lang) if kind is not None else None


def condition_value(question: Mapping[str, Any], raw: str) -> Any:
    """Return a drop-down's value typed as the question's answers (numbers, true, option keys)."""
    kind = qtypes.find(question.get("type"))
    try:
        return kind.logic_value(raw) if kind is not None else raw
    except ValueError:
        raise _fail(_("Choose an answer from the list."), field="values") from None


def earlier_questions(document: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """Return the visible questions (and a matrix's statements) before question or page ``key``:
    the ones its logic may read."""
    found: list[Mapping[str, Any]] = []
    for section in document.get("sections", []):
        if section["key"] == key:
            return found
        for q in section.get("questions", []):
            if q["key"] == key:
                return found
            if q.get("hidden"):
                continue
            for item in _answerable(q):
                shown = item is q or not item.get("hidden")
                kind = qtypes.find(item.get("type"))
                if shown and (kind is None or kind.logic_source):
                    found.append(item)
    return found


def build_condition(
    document: Mapping[str, Any],
    key: str,
    *,
    source: str,
    values: Sequence[str] = (),
    minimum: float | None = None,
    maximum: float | None = None,
    combine: str = "",
    part: int | None = None,
) -> dict[str, Any]:
    """Return the condition the logic drop-downs describe: question ``source`` has one of
    ``values`` (or lies between ``minimum`` and ``maximum``); ``combine`` "all" or "any" joins it
    to the present condition of ``key`` (otherwise it replaces it); ``part`` replaces only that
    part of a present and/or rule (``condition_parts``)."""
    earlier = {q["key"]: q for q in earlier_questions(document, key)}
    if source not in earlier:
        raise _fail(_("Choose a question that comes before this one."), field="source")
    question = earlier[source]
    leaf: dict[str, Any]
    if answer_choices(question, "nb") is not None:
        typed = [condition_value(question, v) for v in values]
        if not typed:
            raise _fail(_("Choose at least one answer."), field="values")
        leaf = (
            {"question": source, "op": "equals", "value": typed[0]}
            if len(typed) == 1
            else {"question": source, "op": "one_of", "values": typed}
        )
    else:
        if minimum is None and maximum is None:
            raise _fail(_("Give the lowest or the highest value, or both."), field="minimum")
        leaf = {"question": source, "op": "range"}
        if minimum is not None:
            leaf["min"] = minimum
        if maximum is not None:
            leaf["max"] = maximum
    present = _item(document, key).get("condition")
    if part is not None:
        group, parts = _group(present, part)
        parts[part] = leaf
        return {group: parts}
    if combine in ("all", "any") and present:
        if combine in present:
            return {combine: [*present[combine], leaf]}
        return {combine: [present, leaf]}
    return leaf


def condition_parts(condition: Mapping[str, Any] | None, document: Mapping[str, Any], lang: str) -> list[str]:
    """Return the parts of an and/or rule read back one by one (none for a single rule)."""
    if not condition or not ("all" in condition or "any" in condition):
        return []
    return [_rule(p, document, lang) for p in condition.get("all") or condition.get("any") or []]


def _group(condition: Mapping[str, Any] | None, part: int) -> tuple[str, list[Any]]:
    group = "all" if condition and "all" in condition else "any"
    parts = list((condition or {}).get(group) or [])
    if not 0 <= part < len(parts):
        raise _fail(_("The rule has no such part."), field="part")
    return group, copy.deepcopy(parts)


def without_part(condition: Mapping[str, Any] | None, part: int) -> dict[str, Any] | None:
    """Return an and/or rule without its part ``part`` (one part left: that part alone)."""
    group, parts = _group(condition, part)
    del parts[part]
    if len(parts) == 1:
        return dict(parts[0])
    return {group: parts} if parts else None


def _item(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    for section in document.get("sections", []):
        if section["key"] == key:
            return section
        for q in section.get("questions", []):
            if q["key"] == key:
                return q
    raise _fail(_("This question does not exist (any more)."))


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def condition_sentence(condition: Mapping[str, Any] | None, document: Mapping[str, Any], lang: str) -> str:
    """Return a condition read back as a sentence: «Vises når «Har barnet …?» er «Ja»»."""
    if not condition:
        return ""
    return _("Shown when %(rule)s") % {"rule": _rule(condition, document, lang)}


def _rule(condition: Mapping[str, Any], document: Mapping[str, Any], lang: str) -> str:
    for group, word in (("all", _("and")), ("any", _("or"))):
        if group in condition:
            return f" {word} ".join(_rule(child, document, lang) for child in condition[group] or [])
    everything = {
        item["key"]: item
        for s in document.get("sections", [])
        for q in s.get("questions", [])
        for item in _answerable(q)
    }
    source = everything.get(condition.get("question") or "", {})
    name = question_label(source, lang) if source else "?"
    labels = dict(answer_choices(source, lang) or []) if source else {}

    def said(value: Any) -> str:
        raw = "true" if value is True else str(value)
        return f"«{labels.get(raw, raw)}»"

    op = condition.get("op")
    if op == "equals":
        return _("«%(question)s» is %(answer)s") % {"question": name, "answer": said(condition.get("value"))}
    if op == "one_of":
        answers = f" {_('or')} ".join(said(v) for v in condition.get("values") or [])
        return _("«%(question)s» is %(answer)s") % {"question": name, "answer": answers}
    if op == "range":
        lo, hi = condition.get("min"), condition.get("max")
        if lo is not None and hi is not None:
            return _("«%(question)s» is between %(lo)s and %(hi)s") % {
                "question": name, "lo": _number(lo), "hi": _number(hi),
            }  # fmt: skip
        if lo is not None:
            return _("«%(question)s» is at least %(lo)s") % {"question": name, "lo": _number(lo)}
        return _("«%(question)s» is at most %(hi)s") % {"question": name, "hi": _number(hi)}
    if op == "answered":
        return _("«%(question)s» is answered") % {"question": name}
    return name


# --- operations as values (pages, API and property tests name them the same way) ---------------


@dataclass(frozen=True)
class AddQuestion:
    """Add a new question to page ``section``, or to a new page titled ``new_page`` ."""

    type: str
    text: str
    lang: str
    section: str = ""
    options: tuple[str, ...] = ()
    after: str | None = None
    new_page: str = ""
    other: str = ""  # the label of an "other, please specify" option ("": none)

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        section = self.section
        if self.new_page.strip() or not section:
            document, section = add_section(document, title=self.new_page, lang=self.lang)
        return add_question(
            document,
            section=section,
            qtype=self.type,
            text=self.text,
            lang=self.lang,
            options=self.options,
            after=self.after,
            other=self.other,
        )


@dataclass(frozen=True)
class AddFollowUp:
    """Add a question right after question ``source``, shown only when its answer is one of
    ``values`` (the follow-up of one answer, in one step)."""

    source: str
    values: tuple[str, ...]
    type: str
    text: str
    lang: str

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        holder, _index = _find(_copy(document), self.source)
        doc, key = add_question(
            document,
            section=holder["key"],
            qtype=self.type,
            text=self.text,
            lang=self.lang,
            after=self.source,
        )
        condition = build_condition(doc, key, source=self.source, values=self.values)
        return set_condition(doc, key, condition), key


@dataclass(frozen=True)
class AddBankQuestion:
    """Add question ``key`` of bank template ``template`` to page ``section``."""

    template: str
    key: str
    section: str

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        from .bank import list_templates, load_template

        if self.template not in list_templates():
            raise _fail(_("This question set is not in the question bank."), field="template")
        return add_bank_question(
            document, template=load_template(self.template), key=self.key, section=self.section
        )


@dataclass(frozen=True)
class EditQuestion:
    """Change a question's texts (in ``lang``), options, scale, limits or whether it is required."""

    key: str
    lang: str
    text: str | None = None
    help: str | None = None
    required: bool | None = None
    options: tuple[tuple[str | None, str], ...] | None = None
    min_label: str | None = None
    max_label: str | None = None
    dont_know: bool | None = None
    scale_max: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    other: str | None = None  # the "other, please specify" option's label; "" removes it
    scale_min: int | None = None
    rows: tuple[tuple[str | None, str], ...] | None = None  # a matrix's statements, as ``options``

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        changes = {
            name: getattr(self, name)
            for name in (
                "text",
                "help",
                "required",
                "options",
                "min_label",
                "max_label",
                "dont_know",
                "scale_max",
                "minimum",
                "maximum",
                "max_length",
                "other",
                "scale_min",
                "rows",
            )
        }
        return edit_question(document, self.key, lang=self.lang, **changes), self.key


@dataclass(frozen=True)
class MoveQuestion:
    """Move a question one place ``up`` or ``down`` (across pages at a page's edge)."""

    key: str
    direction: str

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        return move_question(document, self.key, self.direction), self.key


@dataclass(frozen=True)
class MoveToSection:
    """Move a question to the end of page ``section``."""

    key: str
    section: str

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        return move_to_section(document, self.key, self.section), self.key


@dataclass(frozen=True)
class MoveSection:
    """Move a page one place ``up`` or ``down``."""

    key: str
    direction: str

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        return move_section(document, self.key, self.direction), self.key


@dataclass(frozen=True)
class DuplicateQuestion:
    key: str

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        return duplicate_question(document, self.key)


@dataclass(frozen=True)
class RemoveQuestion:
    key: str

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        return remove_question(document, self.key), self.key


@dataclass(frozen=True)
class RestoreQuestion:
    key: str

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        return restore_question(document, self.key), self.key


@dataclass(frozen=True)
class SetCondition:
    """Set the show-when logic of question or page ``key`` (None removes it)."""

    key: str
    condition: Mapping[str, Any] | None = field(default=None, hash=False)

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        return set_condition(document, self.key, self.condition), self.key


@dataclass(frozen=True)
class SetTexts:
    """Set texts in language ``lang`` by place (the translation page)."""

    lang: str
    texts: Mapping[str, str] = field(default_factory=dict, hash=False)

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        return set_texts(document, self.lang, self.texts), None


@dataclass(frozen=True)
class MoveBefore:
    """Move question ``key`` to just before question ``before`` (drag and drop on the builder)."""

    key: str
    before: str

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        return move_before(document, self.key, self.before), self.key


@dataclass(frozen=True)
class EditSection:
    """Rename page ``key`` in ``lang`` (and change its introduction unless None)."""

    key: str
    lang: str
    title: str
    description: str | None = None

    def apply(self, document: Mapping[str, Any]) -> tuple[Document, str | None]:
        return edit_section(
            document, self.key, lang=self.lang, title=self.title, description=self.description
        ), self.key


Operation = (
    AddQuestion
    | AddFollowUp
    | AddBankQuestion
    | EditQuestion
    | MoveQuestion
    | MoveToSection
    | MoveSection
    | DuplicateQuestion
    | RemoveQuestion
    | RestoreQuestion
    | SetCondition
    | SetTexts
    | EditSection
    | MoveBefore
)
