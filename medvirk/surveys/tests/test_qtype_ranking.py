"""Ranking (``ranking``): definition, answering with drop-downs per place, storage, interchange."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from medvirk.accounts.demo import DemoData
from medvirk.surveys import qtypes, services
from medvirk.surveys.answering import engine
from medvirk.surveys.design.definition import DefinitionError, QType
from medvirk.surveys.design.parser import parse_definition
from medvirk.surveys.interchange.xlsform import definition_to_xlsform, xlsform_to_definition
from medvirk.surveys.models import Answer, SurveyUnit
from tests.sample_survey import COMPLETE_ANSWERS, RANKING, with_ranking
from tests.survey_rounds import open_round, page_after_the_first, submit
from tests.workbooks import xlsx

from .round_trips import assert_json_round_trip, assert_xlsform_round_trip


def parse_answer(*values: str) -> tuple[engine.Answers, list[engine.FieldError]]:
    question = parse_definition(with_ranking()).question("q_rank")
    return engine.parse_question(question, {"q-q_rank": list(values)})


# --- definition ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 11])
def test_a_ranking_has_2_to_10_options(count: int) -> None:
    options = [{"key": f"o{i}", "label": {"nb": f"Valg {i}"}} for i in range(count)]
    with pytest.raises(DefinitionError, match="a ranking needs 2 to 10 options"):
        parse_definition(with_ranking(options=options))


# --- answers ------------------------------------------------------------------------------------


def test_every_option_once_in_the_order_given_is_the_answer() -> None:
    assert parse_answer("staff", "outdoors", "food") == ({"q_rank": ("staff", "outdoors", "food")}, [])
    assert parse_answer("", "", "") == ({}, [engine.FieldError("q_rank", "required")])


@pytest.mark.parametrize(
    ("values", "code"),
    [
        (("staff", "staff", "food"), "rank_all"),  # one option twice
        (("staff", "", "food"), "rank_all"),  # a place left empty
        (("staff", "food"), "rank_all"),
        (("staff", "food", "outdoors", "food"), "rank_all"),
        (("staff", "food", "pool"), "invalid_choice"),
    ],
)
def test_a_ranking_that_leaves_out_or_repeats_an_option_is_refused(
    values: tuple[str, ...], code: str
) -> None:
    answers, errors = parse_answer(*values)
    assert answers == {}
    assert [e.code for e in errors] == [code]


# --- storage and the page -----------------------------------------------------------------------


@pytest.fixture
def su(demo: DemoData) -> SurveyUnit:
    return open_round(demo, with_ranking(), "ranking")


def test_each_option_is_stored_with_its_place(su: SurveyUnit) -> None:
    response, created = submit(su, {**COMPLETE_ANSWERS, "q_rank": ("outdoors", "food", "staff")}, "rank-1")
    assert created
    rows = Answer.objects.filter(response=response, question__key="q_rank").order_by("value_num")
    assert [(r.option.key if r.option else None, r.value_num) for r in rows] == [
        ("outdoors", 1.0),
        ("food", 2.0),
        ("staff", 3.0),
    ]
    assert services.stored_answers(response)["q_rank"] == ("outdoors", "food", "staff")


def test_the_page_asks_for_each_place_with_a_labelled_drop_down_without_javascript(
    su: SurveyUnit, client: Any
) -> None:
    page_url = page_after_the_first(client, su, 4)
    page = client.get(page_url).content.decode()
    assert '<legend class="ds-label">Hva er viktigst for deg?' in page
    for place in (1, 2, 3):
        label = (
            f'<label class="ds-label" data-weight="regular" for="f-q_rank-{place - 1}">{place}. plass</label>'
        )
        assert label in page
    assert page.count('<select class="ds-input" name="q-q_rank"') == 3
    assert page.count('<option value="staff">De ansatte</option>') == 3
    twice = client.post(page_url, {"q-q_rank": ["staff", "staff", "food"], "nav": "next"})
    assert twice.status_code == 400
    body = twice.content.decode()
    assert "Gi hvert alternativ sin egen plass." in body
    assert 'href="#f-q_rank-0"' in body  # the error summary leads to the first place
    assert '<option value="staff" selected>De ansatte</option>' in body  # what was chosen stays
    done = client.post(page_url, {"q-q_rank": ["staff", "food", "outdoors"], "nav": "next"})
    assert done.status_code == 302 and done["Location"].endswith("/done/")
    stored = Answer.objects.filter(response__survey=su.survey, question__key="q_rank", value_num=1).get()
    assert stored.option is not None and stored.option.key == "staff"


# --- interchange --------------------------------------------------------------------------------


def test_json_and_xlsform_round_trips_keep_the_ranking() -> None:
    definition = parse_definition(with_ranking())
    assert_json_round_trip(definition)
    data = definition_to_xlsform(definition)
    rows = list(load_workbook(io.BytesIO(data))["survey"].iter_rows(values_only=True))
    assert ("rank q_rank", "q_rank") in [r[:2] for r in rows]
    assert_xlsform_round_trip(definition, data)  # pyxform accepted the rank question


def test_an_odk_rank_question_is_read_as_a_ranking() -> None:
    choices = [["matters", option["key"], option["label"]["en"]] for option in RANKING["options"]]
    data = xlsx(
        {
            "survey": [
                ["type", "name", "label::English (en)"],
                ["rank matters", "matters", "What matters most?"],
            ],
            "choices": [["list_name", "name", "label::English (en)"], *choices],
            "settings": [
                ["form_title", "form_id", "default_language"],
                ["Matters", "matters", "English (en)"],
            ],
        }
    )
    definition, problems = xlsform_to_definition(data)
    assert problems == []
    assert definition is not None
    question = definition.question("matters")
    assert question.type == QType.RANKING
    assert [o.key for o in question.options] == ["food", "staff", "outdoors"]


def test_the_registry_knows_the_ranking_for_pickers_and_exports() -> None:
    ranking = qtypes.get("ranking")
    assert ranking.edits == {qtypes.Edit.OPTIONS}
    assert not ranking.exclusive  # one answer row per option
    assert ranking.export == qtypes.ExportColumn.JOINED  # first place first
