"""The question-type registry: what every type promises, checked for each registered type.

A new type module gets these checks without writing them again: its examples parse back from
form values, store and read back unchanged, and its picker entry is complete.
"""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.surveys import qtypes
from medvirk.surveys.answering import engine
from medvirk.surveys.design.definition import DefinitionError, Question
from medvirk.surveys.design.parser import parse_definition
from medvirk.surveys.qtypes import AnswerContext, Edit, ExportColumn, Figures, SpssKind

BUILT_IN = {
    "single",
    "multiple",
    "ranking",
    "rating",
    "nps",
    "matrix",
    "number",
    "vas",
    "date",
    "text",
    "textarea",
    "consent",
    "background",
}


def minimal(key: str) -> dict[str, Any]:
    """Return the smallest valid question of a type, using only the fields it edits."""
    qtype = qtypes.get(key)
    raw: dict[str, Any] = {"key": "q", "type": key, "text": {"nb": "Spørsmål"}}
    if Edit.OPTIONS in qtype.edits:
        raw["options"] = [{"key": "a", "label": {"nb": "A"}}, {"key": "b", "label": {"nb": "B"}}]
    if Edit.ROWS in qtype.edits:
        raw["rows"] = [{"key": "r1", "text": {"nb": "Rad"}}]
    if Edit.DIMENSION in qtype.edits:
        raw["dimension"] = "gender"
    return raw


def parsed(key: str) -> Question:
    document: dict[str, Any] = {
        "key": "s",
        "title": {"nb": "T"},
        "sections": [{"key": "s1", "title": {"nb": "S"}}],
    }
    document["sections"][0]["questions"] = [minimal(key)]
    return parse_definition(document).sections[0].questions[0]


def test_every_built_in_type_is_registered_once_with_a_picker_entry() -> None:
    types = qtypes.all_types()
    assert {t.key for t in types} == BUILT_IN
    assert len({t.order for t in types}) == len(types), "picker order must be unambiguous"
    for qtype in types:
        assert str(qtype.label).strip(), qtype.key
        assert str(qtype.description).strip(), qtype.key
        assert isinstance(qtype.figures, Figures)
        assert isinstance(qtype.export, ExportColumn)
        assert isinstance(qtype.spss, SpssKind)
        assert all(isinstance(edit, Edit) for edit in qtype.edits)
    with pytest.raises(ValueError, match="registered twice"):
        qtypes.register(type(qtypes.get("single")))


@pytest.mark.parametrize("key", sorted(BUILT_IN - {"matrix"}))
def test_examples_parse_from_form_values_and_store_unchanged(key: str) -> None:
    question = parsed(key)
    qtype = qtypes.get(key)
    examples = qtype.examples(question)
    assert examples, f"{key} gives no example answers"
    for value in examples:
        form = engine.answers_to_form({"q": value})
        answers, errors = qtype.parse(question, form, AnswerContext(["999901"]))
        assert errors == [], (key, value)
        assert answers == {"q": value}, (key, value)
        read: Any = None
        for option_key, number, text in qtype.storage_rows(value):
            if option_key is not None:
                assert option_key in qtype.option_keys(question, ["999901"]), (key, option_key)
            read = qtype.stored_value(read, option_key, number, text)
        assert read == value, (key, value)


def test_a_matrix_answers_through_its_rows() -> None:
    question = parsed("matrix")
    matrix = qtypes.get("matrix")
    assert list(matrix.answer_keys(question)) == [("r1", False)]
    answers, errors = matrix.parse(question, {"q-r1": ["4"], "q-q": ["9"]}, AnswerContext())
    assert (answers, errors) == ({"r1": 4}, [])
    assert matrix.option_keys(question, ()) == []
    assert matrix.export == ExportColumn.NONE


def test_scale_items_are_a_rating_or_each_statement_of_a_matrix() -> None:
    rating, matrix = parsed("rating"), parsed("matrix")
    assert qtypes.get("rating").scale_items(rating) == ((rating, rating.scale),)
    assert [(item.key, scale) for item, scale in qtypes.get("matrix").scale_items(matrix)] == [
        ("r1", matrix.scale)
    ]
    others = sorted(key for key in BUILT_IN if qtypes.get(key).scale_items(parsed(key)))
    assert others == ["matrix", "rating"]  # NPS, numbers and choices have no rating scale to compare


@pytest.mark.parametrize("key", sorted(BUILT_IN))
def test_fields_a_type_does_not_edit_are_refused(key: str) -> None:
    qtype = qtypes.get(key)
    raw = minimal(key)
    expected = []
    if Edit.OPTIONS not in qtype.edits:
        raw["options"] = [{"key": "a", "label": {"nb": "A"}}]
        expected.append("options come from" if Edit.DIMENSION in qtype.edits else "questions have no options")
    if Edit.ROWS not in qtype.edits:
        raw["rows"] = [{"key": "r9", "text": {"nb": "Rad"}}]
        expected.append("only matrix questions have rows")
    if Edit.DIMENSION not in qtype.edits:
        raw["dimension"] = "gender"
        expected.append("only background questions have a dimension")
    document: dict[str, Any] = {
        "key": "s",
        "title": {"nb": "T"},
        "sections": [{"key": "s1", "title": {"nb": "S"}}],
    }
    document["sections"][0]["questions"] = [raw]
    with pytest.raises(DefinitionError) as refused:
        parse_definition(document)
    problems = " | ".join(what for _where, what in refused.value.problems)
    for message in expected:
        assert message in problems, (key, message, problems)


def test_unknown_types_are_refused_by_name() -> None:
    document = {
        "key": "s",
        "title": {"nb": "T"},
        "sections": [{"key": "s1", "title": {"nb": "S"}, "questions": [{"key": "q", "type": "slider"}]}],
    }
    with pytest.raises(ValueError, match="unknown question type 'slider'"):
        parse_definition(document)
    assert qtypes.find("slider") is None
    assert qtypes.find(None) is None


@pytest.mark.parametrize("key", sorted(BUILT_IN))
def test_the_builders_logic_offers_answers_respondents_can_give(key: str) -> None:
    """A condition the survey builder writes names answers the type really has, or numbers in the
    range its answers lie in; types whose answers no condition compares offer neither."""
    qtype = qtypes.get(key)
    raw = minimal(key)
    question = parsed(key)
    answers = qtype.logic_answers(raw, "nb")
    span = qtype.logic_range(raw)
    if not qtype.logic_source:
        assert (answers, span) == (None, None)
        return
    examples = qtype.examples(question)
    # a condition on a multiple choice holds when the answer has the option (engine.condition_holds)
    possible = [qtype.condition_value(v) for e in examples for v in (e if isinstance(e, tuple) else [e])]
    if answers is not None:
        assert answers, "a fixed list of answers is never empty"
        assert all(label for _value, label in answers)
        assert {qtype.logic_value(value) for value, _label in answers} <= {*possible, True}
    if span is not None:
        lo, hi = span
        assert all(lo <= v <= hi for v in possible if not isinstance(v, str))


def test_only_a_scale_refuses_a_logic_value_that_is_not_one_of_its_answers() -> None:
    assert qtypes.get("rating").logic_value("4") == 4
    assert qtypes.get("rating").logic_value(qtypes.DONT_KNOW) == qtypes.DONT_KNOW
    with pytest.raises(ValueError):
        qtypes.get("nps").logic_value("ti")
    assert qtypes.get("consent").logic_value("true") is True
    assert qtypes.get("single").logic_value("a") == "a"
