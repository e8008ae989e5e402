"""The line from 0 to 10 (``vas``): definition, answering with and without a slider, storage, interchange."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook

from medvirk.accounts.demo import DemoData
from medvirk.surveys import qtypes, services
from medvirk.surveys.answering import engine
from medvirk.surveys.design.definition import DefinitionError, QType
from medvirk.surveys.design.parser import parse_definition
from medvirk.surveys.interchange.xlsform import definition_to_xlsform, xlsform_to_definition
from medvirk.surveys.models import Answer, SurveyUnit
from tests.sample_survey import PAIN, with_line
from tests.survey_rounds import open_round, page_after_the_first, submit
from tests.workbooks import xlsx

from .round_trips import assert_json_round_trip, assert_xlsform_round_trip


def parse_answer(raw: str) -> tuple[engine.Answers, list[engine.FieldError]]:
    question = parse_definition(with_line()).question("q_pain")
    return engine.parse_question(question, {"q-q_pain": [raw]})


# --- definition ---------------------------------------------------------------------------------


def test_the_line_runs_from_0_to_10_and_keeps_its_end_labels() -> None:
    question = parse_definition(with_line()).question("q_pain")
    assert question.type == QType.VAS
    assert question.scale is not None
    assert (question.scale.min, question.scale.max) == (0, 10)
    assert question.scale.max_label["nb"] == "Verst tenkelige smerte"
    assert question.to_dict()["scale"] == {"min": 0, "max": 10, **PAIN["scale"]}


@pytest.mark.parametrize(
    "scale",
    [{"min": 1, "max": 10}, {"min": 0, "max": 5}, {"dont_know": True}, {"top_box": 8}],
)
def test_other_ends_dont_know_or_top_box_are_refused(scale: dict[str, Any]) -> None:
    with pytest.raises(DefinitionError, match="a line from 0 to 10 has only end labels"):
        parse_definition(with_line(scale=scale))


# --- answers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [("0", 0.0), ("10", 10.0), ("7,3", 7.3), ("7.25", 7.3), ("4.04", 4.0), (" 3,5 ", 3.5), ("9.95", 10.0)],
)
def test_answers_have_one_decimal(raw: str, value: float) -> None:
    assert parse_answer(raw) == ({"q_pain": value}, [])


@pytest.mark.parametrize(
    ("raw", "code"),
    [("10.1", "out_of_range"), ("-1", "out_of_range"), ("mye", "not_a_number"), ("", "required")],
)
def test_answers_off_the_line_are_refused(raw: str, code: str) -> None:
    answers, errors = parse_answer(raw)
    assert answers == {}
    assert [e.code for e in errors] == [code]


@pytest.fixture
def su(demo: DemoData) -> SurveyUnit:
    return open_round(demo, with_line(), "vas")


def test_a_whole_response_stores_the_point_as_a_number(su: SurveyUnit) -> None:
    response, created = submit(su, {"q_overall": 4, "q_channel": "web", "q_pain": 6.4}, "vas-1")
    assert created
    row = Answer.objects.get(response=response, question__key="q_pain")
    assert row.value_num == pytest.approx(6.4)
    assert row.option_id is None
    assert services.stored_answers(response)["q_pain"] == pytest.approx(6.4)
    with pytest.raises(services.AnswerErrors) as refused:
        submit(su, {"q_overall": 4, "q_channel": "web", "q_pain": 11}, "vas-2")
    assert [(e.question, e.code) for e in refused.value.errors] == [("q_pain", "out_of_range")]


def test_the_page_has_a_labelled_slider_and_number_field_and_works_without_javascript(
    su: SurveyUnit, client: Any
) -> None:
    page_url = page_after_the_first(client, su, 4)
    page = client.get(page_url).content.decode()
    assert '<input class="mv-range__slider" type="range"' in page
    assert 'min="0" max="10" step="0.1"' in page
    assert 'aria-labelledby="f-q_pain-label"' in page  # the slider is named by the question
    label = '<label class="ds-label" data-weight="regular" for="f-q_pain-0">'
    assert f"{label}Ditt svar, et tall fra 0 til 10</label>" in page
    assert "0 = Ingen smerte" in page
    assert "10 = Verst tenkelige smerte" in page
    assert 'name="q-q_pain"' in page
    assert page.count('name="q-q_pain"') == 1  # only the number field is sent: the slider has no name
    wrong = client.post(page_url, {"q-q_pain": "12", "nav": "next"})
    assert wrong.status_code == 400
    assert "Skriv et tall fra 0 til 10." in wrong.content.decode()
    done = client.post(page_url, {"q-q_pain": "2,5", "nav": "next"})
    assert done.status_code == 302
    assert done["Location"].endswith("/done/")
    stored = Answer.objects.get(response__survey=su.survey, question__key="q_pain")
    assert stored.value_num == pytest.approx(2.5)


# --- interchange --------------------------------------------------------------------------------


def test_json_and_xlsform_round_trips_keep_the_line() -> None:
    definition = parse_definition(with_line())
    assert_json_round_trip(definition)
    data = definition_to_xlsform(definition)
    rows = list(load_workbook(io.BytesIO(data))["survey"].iter_rows(values_only=True))
    header = rows[0]
    row = next(dict(zip(header, r, strict=True)) for r in rows[1:] if "q_pain" in r)
    assert row["type"] == "range"
    assert row["parameters"] == "start=0 end=10 step=0.1"
    assert_xlsform_round_trip(definition, data)  # pyxform accepted the range question


def kobo(parameters: str) -> bytes:
    return xlsx(
        {
            "survey": [
                ["type", "name", "label::English (en)", "parameters"],
                ["range", "pain", "How much pain?", parameters],
            ],
            "choices": [["list_name", "name", "label::English (en)"]],
            "settings": [
                ["form_title", "form_id", "default_language"],
                ["Pain", "pain_survey", "English (en)"],
            ],
        }
    )


def test_an_xlsform_range_from_0_to_10_in_tenths_is_read_as_a_line() -> None:
    definition, problems = xlsform_to_definition(kobo("start=0 end=10 step=0.1"))
    assert problems == []
    assert definition is not None
    question = definition.question("pain")
    assert question.type == "vas"
    assert question.text == {"en": "How much pain?"}


def test_other_ranges_are_listed_as_not_supported() -> None:
    definition, problems = xlsform_to_definition(kobo("start=1 end=5 step=1"))
    assert definition is None  # nothing else to import: the survey would be empty
    assert [p.feature for p in problems if p.feature != "empty_section"][:1] == ["range"]
    assert "only a line from 0 to 10" in str(problems[0])


def test_the_registry_knows_the_line_for_pickers_results_and_exports() -> None:
    vas = qtypes.get("vas")
    with translation.override("en"):
        assert str(vas.label) == "Line from 0 to 10"
    with translation.override("nn"):
        assert str(vas.label) == "Linje frå 0 til 10"
    assert vas.edits == {qtypes.Edit.SCALE_ENDS}
    assert vas.figures == qtypes.Figures.NUMBERS
    assert vas.export == qtypes.ExportColumn.VALUE
    assert vas.spss == qtypes.SpssKind.NUMBER
