"""\"Other, please specify\" on single and multiple choice: definition, answers, page, storage, XLSForm."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from medvirk.accounts.demo import DemoData
from medvirk.surveys import services
from medvirk.surveys.answering import engine
from medvirk.surveys.design.definition import DefinitionError, QType
from medvirk.surveys.design.parser import parse_definition
from medvirk.surveys.interchange.xlsform import definition_to_xlsform, xlsform_to_definition
from medvirk.surveys.models import Answer, SurveyQuestion, SurveyUnit
from tests.sample_survey import COMPLETE_ANSWERS, OTHER, sample_definition, with_other
from tests.survey_rounds import open_round, start_response, submit
from tests.workbooks import xlsx

from .round_trips import assert_json_round_trip, assert_xlsform_round_trip

# --- definition ---------------------------------------------------------------------------------


def test_the_other_option_brings_a_text_question_right_after_its_choice() -> None:
    definition = parse_definition(with_other())
    keys = [q.key for q in definition.sections[0].questions]
    assert keys[keys.index("q_channel") + 1] == "q_channel_other"
    assert keys[keys.index("q_used") + 1] == "q_used_other"
    text = definition.question("q_channel_other")
    assert text.type == QType.TEXT
    assert text.specifies == "q_channel"
    assert text.required  # as its choice question: choosing "other" asks for what
    assert text.text["nb"] == "Hvordan fikk du vite om tilbudet? – Annet"
    assert text.condition is not None and text.condition.to_dict() == {
        "question": "q_channel",
        "op": "equals",
        "value": "other",
    }
    assert not definition.question("q_used_other").required
    # The text is made, never stored: the document reads back as it was written.
    assert definition.to_dict() == parse_definition(definition.to_dict()).to_dict()
    assert "q_channel_other" not in json.dumps(definition.to_dict())
    assert definition.to_dict()["sections"][0]["questions"][2]["options"][-1] == OTHER


def _with(question_key: str, **changes: Any) -> dict[str, Any]:
    document = sample_definition()
    for question in document["sections"][0]["questions"]:
        if question["key"] == question_key:
            question.update(changes)
    return document


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (
            _with("q_channel", options=[{**OTHER, "key": "x"}, {**OTHER, "key": "y"}]),
            "only one 'other' option",
        ),
        (_with("q_overall", options=[OTHER]), "rating questions have no options"),
        (_with("q_channel", key="q_used_other", options=[OTHER]), None),  # fine on its own …
    ],
)
def test_one_other_option_and_only_on_choice_questions(document: dict[str, Any], problem: str | None) -> None:
    if problem is None:
        parse_definition(document)
        return
    with pytest.raises(DefinitionError, match=problem):
        parse_definition(document)


def test_the_text_key_may_not_be_taken_by_another_question() -> None:
    document = with_other()
    document["sections"][1]["questions"][0]["key"] = "q_used_other"
    with pytest.raises(DefinitionError, match="'q_used_other' is used twice"):
        parse_definition(document)


def test_a_hidden_other_option_hides_its_text_and_keeps_it() -> None:
    document = with_other()
    document["sections"][0]["questions"][2]["options"][-1]["hidden"] = True
    definition = parse_definition(document)
    assert definition.question("q_channel_other").hidden
    assert not definition.question("q_used_other").hidden


# --- answers ------------------------------------------------------------------------------------


def parse_main(data: dict[str, list[str]]) -> tuple[engine.Answers, list[engine.FieldError]]:
    definition = parse_definition(with_other())
    return engine.parse_section(definition, definition.sections[0], data, {})


BASE = {"q-q_overall": ["5"], "q-q_m_staff": ["4"], "q-q_m_rooms": ["4"]}


def test_choosing_other_keeps_its_text_and_asks_for_it_when_required() -> None:
    answers, errors = parse_main({**BASE, "q-q_channel": ["other"], "q-q_channel_other": [" Avisa "]})
    assert errors == []
    assert answers["q_channel"] == "other"
    assert answers["q_channel_other"] == "Avisa"
    _answers, errors = parse_main({**BASE, "q-q_channel": ["other"], "q-q_channel_other": [""]})
    assert [(e.question, e.code) for e in errors] == [("q_channel_other", "required")]


def test_a_text_without_other_chosen_is_not_kept() -> None:
    answers, errors = parse_main(
        {
            **BASE,
            "q-q_channel": ["web"],
            "q-q_channel_other": ["Avisa"],
            "q-q_used": ["a"],
            "q-q_used_other": ["x"],
        }
    )
    assert errors == []
    assert "q_channel_other" not in answers and "q_used_other" not in answers
    answers, errors = parse_main(
        {**BASE, "q-q_channel": ["web"], "q-q_used": ["a", "other"], "q-q_used_other": ["Bibliotek"]}
    )
    assert errors == []
    assert answers["q_used"] == ("a", "other")
    assert answers["q_used_other"] == "Bibliotek"


# --- storage, the page ----------------------------------------------------------------------------


@pytest.fixture
def su(demo: DemoData) -> SurveyUnit:
    return open_round(demo, with_other(), "other")


def test_the_text_is_stored_as_free_text_of_its_own(su: SurveyUnit) -> None:
    row = SurveyQuestion.objects.get(survey=su.survey, key="q_channel_other")
    assert row.qtype == QType.TEXT
    answers = {**COMPLETE_ANSWERS, "q_channel": "other", "q_channel_other": "Avisa", "q_used": ("other",)}
    response, created = submit(su, answers, "other-1")
    assert created
    text = Answer.objects.get(response=response, question__key="q_channel_other")
    assert (text.value_text, text.option_id) == ("Avisa", None)
    choice = Answer.objects.select_related("option").get(response=response, question__key="q_channel")
    assert choice.option is not None and choice.option.key == "other"
    stored = services.stored_answers(response)
    assert (stored["q_channel"], stored["q_channel_other"], stored["q_used"]) == (
        "other",
        "Avisa",
        ("other",),
    )
    assert "q_used_other" not in stored  # not required there, so "other" alone is an answer
    with pytest.raises(services.AnswerErrors) as refused:
        submit(su, {**COMPLETE_ANSWERS, "q_channel": "other"}, "other-2")
    assert [(e.question, e.code) for e in refused.value.errors] == [("q_channel_other", "required")]


def test_the_page_shows_a_labelled_text_field_with_the_option_and_works_without_javascript(
    su: SurveyUnit, client: Any
) -> None:
    page_url = start_response(client, su)
    page = client.get(page_url).content.decode()
    assert 'value="other"' in page
    assert '<label class="ds-label" data-weight="regular" for="f-q_channel_other-0">Skriv hva' in page
    assert '<span class="ds-sr-only"> – Annet</span>' in page
    assert 'name="q-q_channel_other"' in page and 'name="q-q_used_other"' in page
    assert "Hvordan fikk du vite om tilbudet? – Annet" not in page  # not a question of its own
    sent = {
        "q-q_overall": "5",
        "q-q_channel": "other",
        "q-q_m_staff": "4",
        "q-q_m_rooms": "4",
        "nav": "next",
    }
    missing = client.post(page_url, sent)
    assert missing.status_code == 400
    body = missing.content.decode()
    summary = '<a class="ds-link" href="#f-q_channel_other-0">Hvordan fikk du vite om tilbudet? – Annet:'
    assert summary in body  # the error summary names the question and leads to the text field
    assert 'id="f-q_channel_other-error"' in body
    done = client.post(page_url, {**sent, "q-q_channel_other": "Plakat på butikken"})
    assert done.status_code == 302
    stored = Answer.objects.get(response__survey=su.survey, question__key="q_channel_other")
    assert stored.value_text == "Plakat på butikken"


# --- interchange --------------------------------------------------------------------------------


def test_json_and_xlsform_round_trips_keep_other_as_or_other() -> None:
    definition = parse_definition(with_other())
    assert_json_round_trip(definition)
    data = definition_to_xlsform(definition)
    book = load_workbook(io.BytesIO(data))
    rows = list(book["survey"].iter_rows(values_only=True))
    types = {r[1]: r[0] for r in rows[1:]}
    assert types["q_channel"] == "select_one q_channel or_other"
    assert types["q_used"] == "select_multiple q_used or_other"
    assert "q_channel_other" not in types  # or_other makes it
    assert_xlsform_round_trip(definition, data)  # pyxform accepted or_other with our own "other" choice


def kobo(qtype: str, choices: list[str]) -> bytes:
    return xlsx(
        {
            "survey": [["type", "name", "label::English (en)"], [qtype, "heard", "How did you hear of us?"]],
            "choices": [
                ["list_name", "name", "label::English (en)"],
                *(["ways", n, n.title()] for n in choices),
            ],
            "settings": [["form_title", "form_id", "default_language"], ["Heard", "heard", "English (en)"]],
        }
    )


@pytest.mark.parametrize(
    ("qtype", "choices", "label"),
    [
        ("select_one ways or_other", ["radio", "web"], {"en": "Other"}),  # or_other adds the choice
        ("select_multiple ways or_other", ["radio", "other"], {"en": "Other"}),  # … or takes it
    ],
)
def test_an_xlsform_or_other_is_read_as_other_please_specify(
    qtype: str, choices: list[str], label: dict[str, str]
) -> None:
    definition, problems = xlsform_to_definition(kobo(qtype, choices))
    assert problems == []
    assert definition is not None
    question = definition.question("heard")
    option = question.other_option()
    assert option is not None and (option.key, dict(option.label)) == ("other", label)
    assert [o.key for o in question.options][-1] == "other"
    assert definition.question("heard_other").specifies == "heard"
