"""XLSForms that pyxform accepts are accepted: column names in capitals or with spaces, the older
``select one from`` syntax, Excel 97-2003 (.xls) files; a duplicated column is named with its sheet.
Each case failed before (no survey sheet found, "unknown question type", "cannot be read")."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pyxform import xls2json, xls2json_backends
from pyxform.builder import create_survey_element_from_dict

from medvirk.surveys.design.definition import QType, parse_definition
from medvirk.surveys.interchange.files import read_survey_file
from medvirk.surveys.interchange.xlsform import definition_to_xlsform, xlsform_to_definition
from medvirk.surveys.interchange.xlsform.sheets import standard_column, standard_type
from tests.sample_survey import sample_definition
from tests.workbooks import xlsx

from .xls_fixture import CELLS, XLS_PATH


def _pyxform_accepts(data: bytes, file_type: str = ".xlsx") -> bool:
    """Whether pyxform converts the workbook to an XForm (what KoboToolbox and ODK do with it)."""
    book = xls2json_backends.get_xlsform(data, file_type=file_type)
    survey = create_survey_element_from_dict(xls2json.workbook_to_json(book, form_name="data", warnings=[]))
    return "<h:html" in survey.to_xml()


SURVEY = [
    ["type", "name", "label::English (en)", "required"],
    ["select_one yn", "liked", "Did you like it?", "yes"],
    ["select_multiple places", "where", "Where?", ""],
    ["text", "why", "Why?", ""],
]
CHOICES = [
    ["list_name", "name", "label::English (en)"],
    ["yn", "yes", "Yes"],
    ["yn", "no", "No"],
    ["places", "home", "At home"],
    ["places", "away", "Away"],
]


def _reference() -> Any:
    definition, problems = xlsform_to_definition(xlsx({"survey": SURVEY, "choices": CHOICES}))
    assert definition is not None and problems == []
    return definition


@pytest.mark.parametrize("case", [str.upper, str.title, lambda s: s.replace("_", " ").upper()])
def test_sheet_and_column_names_in_capitals_read_the_same(case: Any) -> None:
    survey = [[case(h.split("::")[0]) + h[len(h.split("::")[0]) :] for h in SURVEY[0]], *SURVEY[1:]]
    choices = [[case(h.split("::")[0]) + h[len(h.split("::")[0]) :] for h in CHOICES[0]], *CHOICES[1:]]
    data = xlsx({case("survey"): survey, case("choices"): choices})
    assert _pyxform_accepts(data)
    definition, problems = xlsform_to_definition(data)
    assert problems == []
    assert definition is not None and definition.to_dict() == _reference().to_dict()


def test_the_older_select_syntax_reads_like_todays() -> None:
    survey = [
        SURVEY[0],
        ["select one from yn", "liked", "Did you like it?", "yes"],
        ["select all that apply from places", "where", "Where?", ""],
        SURVEY[3],
    ]
    data = xlsx({"survey": survey, "choices": CHOICES})
    assert _pyxform_accepts(data)
    definition, problems = xlsform_to_definition(data)
    assert problems == []
    assert definition is not None and definition.to_dict() == _reference().to_dict()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("select one from yn", "select_one yn"),
        ("select all that apply from places", "select_multiple places"),
        ("add select one prompt using yn", "select_one yn"),
        ("select1 yn", "select_one yn"),
        ("Select One From yn", "Select One From yn"),  # pyxform knows the alias in lower case only
        ("select one yn or_other", "select_one yn or_other"),
        ("select_one_from_file towns.csv", "select_one_from_file towns.csv"),  # unsupported: left alone
        ("text", "text"),
        (3, 3),
    ],
)
def test_standard_type(cell: Any, expected: Any) -> None:
    assert standard_type(cell) == expected


def test_standard_column_keeps_languages_and_unknown_columns() -> None:
    assert standard_column("Label::Norsk bokmål (nb)", "survey") == "label::Norsk bokmål (nb)"
    assert standard_column("LIST NAME", "choices") == "list_name"
    assert standard_column("Medvirk::Type", "survey") == "Medvirk::Type"  # not pyxform's column
    assert standard_column("Form_Title", "settings") == "form_title"
    assert standard_column("Colour", "survey") == "Colour"


def test_an_excel_97_2003_file_reads_like_its_xlsx_twin() -> None:
    data = XLS_PATH.read_bytes()
    assert _pyxform_accepts(data, ".xls")
    definition, problems = read_survey_file(data, "old_excel.xls")
    twin, twin_problems = xlsform_to_definition(xlsx(CELLS))
    assert definition is not None and twin is not None
    assert (definition.to_dict(), problems) == (twin.to_dict(), twin_problems)
    questions = {q.key: q for q in definition.questions()}
    assert questions["satisfied"].type == QType.RATING and questions["satisfied"].scale.max == 4
    assert questions["used"].type == QType.MULTIPLE
    assert [o.key for o in questions["used"].options] == ["library", "pool"]
    assert questions["why"].condition.to_dict() == {"question": "satisfied", "op": "range", "max": 2}
    assert definition.title == {"en": "Old Excel form"} and definition.languages == ("en", "nb")


def test_a_duplicated_column_is_named_with_its_sheet() -> None:
    """pyxform refuses it ("Duplicate column header: name") without naming the sheet; the page
    said only that the workbook could not be read."""
    survey = [["type", "name", "label::English (en)", "name"], ["text", "why", "Why?", "why2"]]
    definition, problems = xlsform_to_definition(xlsx({"survey": survey}))
    assert definition is None
    assert [(p.feature, p.sheet, p.names) for p in problems] == [("duplicate_column", "survey", ("name",))]
    choices = [
        ["list_name", "name", "Label::English (en)", "label::English (en)"],
        ["yn", "yes", "Yes", "Ja"],
    ]
    definition, problems = xlsform_to_definition(xlsx({"survey": SURVEY, "choices": choices}))
    assert definition is None
    assert [(p.feature, p.sheet, p.names) for p in problems] == [
        ("duplicate_column", "choices", ("Label::English (en)", "label::English (en)"))
    ]


@settings(max_examples=25)
@given(st.lists(st.sampled_from([str.upper, str.title, str.lower]), min_size=40, max_size=40))
def test_any_casing_of_an_exported_workbooks_columns_reads_back_losslessly(cases: list[Any]) -> None:
    """Our own export, its column names re-cased as Excel users do, still round-trips exactly."""
    definition = parse_definition(sample_definition(languages=("nb", "en", "ar")))
    book = load_workbook(io.BytesIO(definition_to_xlsform(definition)))
    choose = iter(cases * 10)
    for sheet in book.worksheets:
        for cell in next(sheet.iter_rows(max_row=1)):
            if isinstance(cell.value, str) and not cell.value.startswith("medvirk::"):
                first, sep, rest = cell.value.partition("::")
                cell.value = next(choose)(first) + sep + rest
    out = io.BytesIO()
    book.save(out)
    back, problems = xlsform_to_definition(out.getvalue())
    assert problems == []
    assert back is not None and back.to_dict() == definition.to_dict()


def test_json_cells_nested_too_deep_are_ignored_with_a_problem() -> None:
    """``medvirk::extra`` (and the other JSON cells) went through ``json.loads``: a cell nested a
    few hundred levels came into the definition, for every later walk to recurse over."""
    deep = '{"a": ' * 300 + "1" + "}" * 300
    survey = [[*SURVEY[0], "medvirk::extra"], *[[*row, ""] for row in SURVEY[1:]]]
    survey[3][-1] = deep
    definition, problems = xlsform_to_definition(xlsx({"survey": survey, "choices": CHOICES}))
    assert definition is not None and definition.to_dict() == _reference().to_dict()
    assert [(p.feature, p.row) for p in problems] == [("medvirk_extra", 4)]
