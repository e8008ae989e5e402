"""XLSForm interchange: lossless round trips, the sheets we write, KoboToolbox files and broken files."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook

from medvirk.surveys.design.bank import list_templates, load_template
from medvirk.surveys.design.definition import QType
from medvirk.surveys.design.parser import parse_definition
from medvirk.surveys.interchange.files import definition_from_json, read_survey_file
from medvirk.surveys.interchange.xlsform import (
    RelevantError,
    condition_to_relevant,
    definition_to_xlsform,
    relevant_to_condition,
    xlsform_to_definition,
)
from tests.sample_survey import sample_definition
from tests.workbooks import xlsx

from .round_trips import assert_xlsform_round_trip


def sheet_rows(data: bytes, name: str) -> list[dict[str, Any]]:
    ws = load_workbook(io.BytesIO(data))[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def workbook(survey: list[list[Any]], choices: list[list[Any]] | None = None, settings=None) -> bytes:
    sheets = {"survey": survey, "choices": choices or [], "settings": settings or []}
    return xlsx({name: rows for name, rows in sheets.items() if name == "survey" or rows})


@pytest.mark.parametrize("key", list_templates())
def test_bank_templates_round_trip_exactly(key: str) -> None:
    definition = load_template(key)
    assert_xlsform_round_trip(definition)


def test_sample_with_arabic_round_trips_exactly() -> None:
    definition = parse_definition(sample_definition(languages=("nb", "en", "ar")))
    assert_xlsform_round_trip(definition)


def test_written_sheets_follow_the_xlsform_conventions() -> None:
    data = definition_to_xlsform(parse_definition(sample_definition(languages=("nb", "en", "ar"))))
    assert load_workbook(io.BytesIO(data)).sheetnames == ["survey", "choices", "settings"]
    survey = sheet_rows(data, "survey")
    by_name = {r["name"]: r for r in survey if r["name"]}
    assert {
        "label::Norsk bokmål (nb)",
        "label::English (en)",
        "label::Arabic (ar)",
        "hint::English (en)",
    } <= set(survey[0])
    assert survey[0]["type"] == "begin_group" and survey[0]["appearance"] == "field-list"
    assert by_name["q_overall"]["type"] == "select_one q_overall"
    assert (
        by_name["q_overall"]["appearance"] == "likert" and by_name["q_overall"]["medvirk::type"] == "rating"
    )
    assert json.loads(by_name["q_overall"]["medvirk::scale"])["dont_know"] is True
    assert by_name["q_overall"]["required"] == "yes"
    assert by_name["q_why"]["type"] == "text" and by_name["q_why"]["appearance"] == "multiline"
    assert by_name["q_why"]["relevant"] == "${q_overall} <= 2"
    assert by_name["q_used"]["type"] == "select_multiple q_used"
    assert by_name["q_matrix"]["type"] == "begin_group" and by_name["q_matrix"]["appearance"] == "table-list"
    assert by_name["q_m_staff"]["type"] == "select_one q_matrix"
    assert by_name["q_visits"]["type"] == "decimal"
    assert by_name["q_visits"]["constraint"] == ". >= 0 and . <= 365"
    assert by_name["q_name"]["constraint"] == "string-length(.) <= 40"
    assert by_name["q_first"]["type"] == "date"
    assert by_name["q_consent"]["type"] == "acknowledge"
    assert by_name["bg_age"]["medvirk::dimension"] == "age_band"
    choices = sheet_rows(data, "choices")
    overall = [c["name"] for c in choices if c["list_name"] == "q_overall"]
    assert overall == ["1", "2", "3", "4", "5", "6", "dont_know"]
    gender = [c["name"] for c in choices if c["list_name"] == "bg_gender"]
    assert gender == ["female", "male", "other", "prefer_not_to_say"]
    settings = sheet_rows(data, "settings")[0]
    assert settings["form_id"] == "test_survey" and settings["form_title"] == "Brukerundersøkelse"
    assert settings["default_language"] == "Norsk bokmål (nb)"


def test_texts_that_cells_would_change_still_come_back_exactly() -> None:
    raw = sample_definition()
    raw["title"] = {"nb": "  Mellomrom\u00a0og =SUM(A1) ", "en": "=1+1"}
    raw["sections"][0]["questions"][0]["text"]["en"] = "bell\x07 and\r\nreturn"
    raw["sections"][0]["questions"][2]["options"][0]["label"] = {"nb": "", "en": " x"}
    raw["sections"][0]["questions"][3]["condition"] = {
        "any": [{"question": "q_channel", "op": "one_of", "values": ["friends", "web"]}]
    }
    definition = parse_definition(raw)
    assert_xlsform_round_trip(definition)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${q} = 'x'", {"question": "q", "op": "equals", "value": "x"}),
        ("selected(${q}, 'x')", {"question": "q", "op": "equals", "value": "x"}),
        ("${q}=3", {"question": "q", "op": "equals", "value": 3}),
        ("${q} >= 1 and ${q} <= 2", {"question": "q", "op": "range", "min": 1, "max": 2}),
        ("2.5 <= ${q}", {"question": "q", "op": "range", "min": 2.5}),
        ("${q} != ''", {"question": "q", "op": "answered"}),
        ("${c} = true()", {"question": "c", "op": "equals", "value": True}),
        (
            "(${a} = 'x' or ${b} = 'y') and ${c} != ''",
            {
                "all": [
                    {
                        "any": [
                            {"question": "a", "op": "equals", "value": "x"},
                            {"question": "b", "op": "equals", "value": "y"},
                        ]
                    },
                    {"question": "c", "op": "answered"},
                ]
            },
        ),
    ],
)
def test_relevant_expressions_are_read(text: str, expected: dict[str, Any]) -> None:
    assert relevant_to_condition(text) == expected


@pytest.mark.parametrize(
    "text", ["${q} > 3", "not(selected(${q}, 'a'))", "count-selected(${q}) >= 2", "${q} = ", "${q} = 'a' and"]
)
def test_unsupported_relevant_expressions_raise(text: str) -> None:
    with pytest.raises(RelevantError):
        relevant_to_condition(text)


def test_conditions_are_written_with_parentheses() -> None:
    condition = {
        "any": [
            {"question": "a", "op": "range", "min": 1, "max": 2},
            {"question": "m", "op": "one_of", "values": ["x", "y"]},
            {"question": "c", "op": "answered"},
        ]
    }
    text = condition_to_relevant(condition, {"m": QType.MULTIPLE})
    assert text == "(${a} >= 1 and ${a} <= 2) or (selected(${m}, 'x') or selected(${m}, 'y')) or ${c} != ''"


KOBO_SURVEY: list[list[Any]] = [
    [
        "type",
        "name",
        "label::English (en)",
        "label::Norsk bokmål (nb)",
        "hint::English (en)",
        "required",
        "relevant",
        "appearance",
        "constraint",
        "calculation",
        "choice_filter",
    ],
    ["start", "start"],
    ["end", "end"],
    ["note", "intro_note", "Welcome", "Velkommen"],
    ["select_one yes_no", "Consent_Given", "Do you agree?", "Samtykker du?", None, "yes"],
    [
        "begin_group",
        "about",
        "About the service",
        "Om tjenesten",
        None,
        None,
        "${Consent_Given} = 'yes'",
        "field-list",
    ],
    [
        "integer",
        "age",
        "Age",
        "Alder",
        "Whole years",
        "${Consent_Given} = 'yes'",
        None,
        None,
        ". >= 0 and . <= 120",
    ],
    ["select_one sat", "satisfied", "How satisfied?", "Hvor fornøyd?", None, "yes"],
    ["text", "why", "Why?", "Hvorfor?", None, None, "${satisfied} <= 2", "multiline"],
    ["select_multiple used", "used", "What have you used?", "Hva har du brukt?"],
    ["text", "other_used", "Other?", "Annet?", None, None, "selected(${used}, 'other')"],
    ["calculate", "score", None, None, None, None, None, None, None, "${age} * 2"],
    ["text", "after_calc", "Double age?", "Dobbel alder?", None, None, "${score} > 10"],
    ["geopoint", "location", "Where are you?", "Hvor er du?"],
    ["begin_repeat", "children", "Children", "Barn"],
    ["text", "child_name", "Name", "Navn"],
    ["end_repeat"],
    ["select_one district", "district", "District", "Bydel"],
    ["select_one area", "area", "Area", "Område", None, None, None, None, None, None, "district=${district}"],
    ["date", "visit", "Last visit", "Siste besøk", None, None, "${age} > 17"],
    ["end_group"],
    ["begin_group", "grid", "Rate the staff", "Vurder de ansatte", None, None, None, "table-list"],
    ["select_one sat", "polite", "Polite", "Høflige"],
    ["select_one sat", "helpful", "Helpful", "Hjelpsomme"],
    ["end_group"],
    ["acknowledge", "done", "I am done", "Jeg er ferdig"],
    ["audio", "voice", "Say something", "Si noe"],
]
KOBO_CHOICES: list[list[Any]] = [
    ["list_name", "name", "label::English (en)", "label::Norsk bokmål (nb)", "district"],
    ["yes_no", "yes", "Yes", "Ja"],
    ["yes_no", "no", "No", "Nei"],
    ["sat", "1", "1 – Very dissatisfied", "1 – Svært misfornøyd"],
    ["sat", "2", "2", "2"],
    ["sat", "3", "3", "3"],
    ["sat", "4", "4 – Very satisfied", "4 – Svært fornøyd"],
    ["sat", "dont_know", "Don't know", "Vet ikke"],
    ["used", "Course-A", "Course", "Kurs"],
    ["used", "other", "Other", "Annet"],
    ["district", "north", "North", "Nord"],
    ["district", "south", "South", "Sør"],
    ["area", "n1", "N1", "N1", "north"],
    ["area", "s1", "S1", "S1", "south"],
]


def kobo_file() -> bytes:
    settings = [
        ["form_title", "form_id", "version", "default_language"],
        ["Service survey 2025", "aXyZ-kobo-123", "1", "English (en)"],
    ]
    return workbook(KOBO_SURVEY, KOBO_CHOICES, settings)


def test_kobotoolbox_file_imports_what_it_can_and_lists_the_rest() -> None:
    definition, problems = xlsform_to_definition(kobo_file())
    assert definition is not None
    assert definition.languages == ("en", "nb")
    assert definition.title == {"en": "Service survey 2025"}
    assert definition.key == "axyz_kobo_123"
    questions = {q.key: q for q in definition.questions()}
    assert questions["consent_given"].type == QType.SINGLE
    assert questions["age"].type == QType.NUMBER and (questions["age"].min, questions["age"].max) == (0, 120)
    assert not questions["age"].required and questions["age"].help == {"en": "Whole years"}
    sat = questions["satisfied"]
    assert sat.type == QType.RATING and sat.scale is not None
    assert (sat.scale.min, sat.scale.max, sat.scale.dont_know) == (1, 4, True)
    assert sat.scale.min_label == {"en": "Very dissatisfied", "nb": "Svært misfornøyd"}
    assert questions["why"].type == QType.TEXTAREA
    assert questions["why"].condition.to_dict() == {"question": "satisfied", "op": "range", "max": 2}
    assert [o.key for o in questions["used"].options] == ["course_a", "other"]
    assert questions["other_used"].condition.to_dict() == {
        "question": "used",
        "op": "equals",
        "value": "other",
    }
    assert questions["grid"].type == QType.MATRIX and [r.key for r in questions["grid"].rows] == [
        "polite",
        "helpful",
    ]
    assert questions["done"].type == QType.CONSENT
    about = definition.sections[1]
    assert about.key == "about"
    assert about.condition.to_dict() == {"question": "consent_given", "op": "equals", "value": "yes"}
    assert definition.sections[0].questions[0].key == "consent_given"
    for gone in ("start", "score", "location", "child_name", "voice", "intro_note"):
        assert gone not in questions
    found = {(p.feature, p.row) for p in problems}
    assert {
        ("metadata", 2),
        ("metadata", 3),
        ("note", 4),
        ("calculate", 12),
        ("relevant", 13),  # reads the calculate field
        ("geopoint", 14),
        ("repeat", 15),
        ("choice_filter", 19),
        ("relevant", 20),  # ">" is not a Medvirk condition
        ("required", 7),
        ("audio", 27),
        ("choice_names", 10),
    } <= found
    assert all(p.row for p in problems if p.feature not in ("names", "xlsform"))
    assert "after_calc" in questions and questions["after_calc"].condition is None


def test_kobo_file_without_languages_reads_labels_as_bokmal() -> None:
    data = workbook([["type", "name", "label"], ["text", "navn", "Hva heter du?"]])
    definition, problems = xlsform_to_definition(data)
    assert definition is not None
    assert definition.languages == ("nb",)
    assert definition.sections[0].questions[0].text == {"nb": "Hva heter du?"}
    assert [p.feature for p in problems] == ["language"]


def test_not_a_zip_gives_one_clear_problem() -> None:
    definition, problems = xlsform_to_definition(b"type,name,label\ntext,a,A\n")
    assert definition is None
    assert [p.feature for p in problems] == ["not_xlsform"]
    assert "not an Excel workbook" in problems[0].message


def test_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hi")
    definition, problems = xlsform_to_definition(buffer.getvalue())
    assert definition is None and [p.feature for p in problems] == ["not_xlsform"]


def test_workbook_with_empty_survey_sheet() -> None:
    definition, problems = xlsform_to_definition(workbook([]))
    assert definition is None and [p.feature for p in problems] == ["no_survey"]
    definition, problems = xlsform_to_definition(workbook([["type", "name", "label"]]))
    assert definition is None and [p.feature for p in problems] == ["no_survey"]


def test_workbook_without_any_supported_question() -> None:
    definition, problems = xlsform_to_definition(
        workbook([["type", "name", "label"], ["geopoint", "g", "Where"]])
    )
    assert definition is None
    assert "geopoint" in {p.feature for p in problems} and "invalid" in {p.feature for p in problems}


def test_json_syntax_error_and_validation_errors() -> None:
    definition, problems = definition_from_json(b'{"key": "x",\n "title": }')
    assert definition is None and problems[0].feature == "json_syntax" and problems[0].row == 2
    definition, problems = definition_from_json(json.dumps({"key": "Bad Key", "sections": []}).encode())
    assert definition is None
    assert {p.feature for p in problems} == {"invalid"}
    assert any("$.sections" in p.message for p in problems)
    definition, problems = definition_from_json('{"key": "Sørbyen"}'.encode("cp1252"))
    assert definition is None and problems[0].feature == "json_encoding"
    definition, problems = definition_from_json(json.dumps(sample_definition()).encode("utf-16"))
    assert definition is not None and problems == []  # Windows Notepad's "Unicode"


def test_read_survey_file_sniffs_extension_and_content() -> None:
    good = json.dumps(sample_definition()).encode()
    assert read_survey_file(good, "x.JSON")[0] is not None
    assert read_survey_file(good, "x.csv")[1][0].feature == "extension"
    assert read_survey_file(good, "x.xlsx")[1][0].feature == "not_xlsform"
    assert read_survey_file(kobo_file(), "x.json")[1][0].feature == "not_json"
    assert read_survey_file(b"", "x.json")[1][0].feature == "empty"
    assert read_survey_file(b" " * (5 * 1024 * 1024 + 1), "x.json")[1][0].feature == "too_large"
