"""Local questions: a unit's own few questions in a round run for many units."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from medvirk.accounts.demo import DemoData
from medvirk.core.errors import ServiceError
from medvirk.surveys import services
from medvirk.surveys.design import local, local_services
from medvirk.surveys.models import Answer, Channel, Response, SurveyQuestion, SurveyUnit
from medvirk.surveys.services import RESPONDENT
from medvirk.surveys.types import parse_definition
from tests.sample_survey import COMPLETE_ANSWERS as TEMPLATE_ANSWERS
from tests.sample_survey import sample_definition
from tests.survey_rounds import KINDERGARTENS, close_round, open_survey, start_key, submit

RATING = {
    "type": "rating",
    "required": True,
    "text": {"nb": "Hvor fornøyd er du med uteområdet?", "en": "How satisfied are you with the playground?"},
    "scale": {"min": 1, "max": 5},
}
CHOICE: dict[str, Any] = {
    "type": "single",
    "text": {"nb": "Hvilken dag passer best?", "en": "Which day suits you best?"},
    "options": [
        {"key": "mon", "label": {"nb": "Mandag", "en": "Monday"}},
        {"key": "fri", "label": {"nb": "Fredag", "en": "Friday"}},
    ],
}


@pytest.fixture
def survey(demo: DemoData) -> Any:
    return open_survey(demo, *KINDERGARTENS)


def su_of(survey: Any, demo: DemoData, name: str) -> SurveyUnit:
    return SurveyUnit.objects.select_related("survey", "unit").get(survey=survey, unit=demo.units[name])


def test_unit_leader_adds_namespaced_questions_up_to_the_limit(survey: Any, demo: DemoData) -> None:
    leader = demo.users["leder.solsikken"]
    su = su_of(survey, demo, "Solsikken barnehage")
    version = survey.definition_version
    add = local_services.local_question_add
    keys = [add(actor=leader, survey_unit=su, question=RATING) for _ in range(3)]
    unit_id = demo.units["Solsikken barnehage"].pk
    assert keys == [f"local_{unit_id}_{n}" for n in (1, 2, 3)]
    rows = SurveyQuestion.objects.filter(survey=survey, key__in=keys)
    assert rows.count() == 3 and not rows.filter(hidden=True).exists()
    with pytest.raises(ServiceError) as exc:
        local_services.local_question_add(actor=leader, survey_unit=su, question=RATING)
    assert exc.value.code == "local_limit"
    survey.refresh_from_db()
    assert survey.definition_version == version + 3  # caches keyed by the version see the change
    # The survey's own definition (template, export, comparisons) does not change.
    assert not any(k.startswith("local_") for k in json.dumps(survey.definition).split('"'))


def test_only_designers_of_that_unit_may_add(survey: Any, demo: DemoData) -> None:
    nordlys = su_of(survey, demo, "Nordlys barnehage")
    for user in ("leder.solsikken", "koordinator"):
        with pytest.raises(ServiceError) as exc:
            local_services.local_question_add(actor=demo.users[user], survey_unit=nordlys, question=RATING)
        assert exc.value.code == "forbidden"
    with pytest.raises(ServiceError) as exc:
        local_services.local_question_add(
            actor=demo.users["analytiker"], survey_unit=nordlys, question={**RATING, "type": "matrix"}
        )
    assert exc.value.code == "type_invalid"


def test_template_keys_cannot_use_the_local_prefix(survey: Any, demo: DemoData) -> None:
    document = sample_definition()
    document["sections"][0]["questions"][0]["key"] = "local_1_1"
    with pytest.raises(ServiceError) as exc:
        services.survey_update_definition(actor=demo.users["analytiker"], survey=survey, document=document)
    assert "reserved" in str(exc.value.message)


def test_only_that_units_respondents_see_and_answer_them(survey: Any, demo: DemoData) -> None:
    leader = demo.users["leder.solsikken"]
    own = su_of(survey, demo, "Solsikken barnehage")
    other = su_of(survey, demo, "Nordlys barnehage")
    key = local_services.local_question_add(actor=leader, survey_unit=own, question=RATING)
    assert local.definition_for_unit(other).sections == parse_definition(survey.definition).sections
    last = local.definition_for_unit(own).sections[-1]
    assert last.title["nb"] == "Spørsmål fra Solsikken barnehage"
    assert [q.key for q in last.questions] == [key]

    # Whole responses (API, paper): required in its own unit, unknown elsewhere; nothing stored.
    with pytest.raises(services.AnswerErrors) as missing:
        submit(own, TEMPLATE_ANSWERS, "a")
    assert [(e.question, e.code) for e in missing.value.errors] == [(key, "required")]
    with pytest.raises(services.AnswerErrors) as unknown:
        submit(other, {**TEMPLATE_ANSWERS, key: 4}, "b")
    assert [e.code for e in unknown.value.errors] == ["unknown_question"]
    response, created = submit(own, {**TEMPLATE_ANSWERS, key: 4}, "c")
    assert created and services.stored_answers(response)[key] == 4


def test_web_flow_shows_the_local_page_last(survey: Any, demo: DemoData) -> None:
    own = su_of(survey, demo, "Solsikken barnehage")
    leader = demo.users["leder.solsikken"]
    key = local_services.local_question_add(actor=leader, survey_unit=own, question=CHOICE)
    client = Client()
    idem = start_key(client.get(f"/a/{own.link_key}/?lang=en").content.decode())
    location = client.post(f"/a/{own.link_key}/start/", {"idempotency_key": idem, "lang": "en"})["Location"]
    token = location.split("/")[3]
    page = client.get(f"/a/r/{token}/4/").content.decode()
    assert "Questions from Solsikken barnehage" in page and "Which day suits you best?" in page
    assert "Page 4 of 4" in page
    r = client.post(f"/a/r/{token}/4/", {f"q-{key}": "fri"})
    assert r.status_code == 302
    response = Response.objects.get(survey=survey, idempotency_key=idem)
    assert services.stored_answers(response)[key] == "fri"


def test_live_edits_keep_keys_and_answers(survey: Any, demo: DemoData) -> None:
    leader = demo.users["leder.solsikken"]
    own = su_of(survey, demo, "Solsikken barnehage")
    key = local_services.local_question_add(actor=leader, survey_unit=own, question=CHOICE)
    submit(own, {**TEMPLATE_ANSWERS, key: "mon"}, "x")
    question_id = SurveyQuestion.objects.get(survey=survey, key=key).pk
    reworded = {
        **CHOICE,
        "text": {"nb": "Hvilken ukedag passer best?", "en": "Which weekday suits you best?"},
        "options": [CHOICE["options"][1]],  # Monday removed
    }
    local_services.local_question_update(actor=leader, survey_unit=own, key=key, question=reworded)
    own.refresh_from_db()
    stored = own.local_questions[0]
    assert stored["key"] == key and stored["text"]["en"] == "Which weekday suits you best?"
    assert {o["key"]: o.get("hidden", False) for o in stored["options"]} == {"fri": False, "mon": True}
    assert SurveyQuestion.objects.get(survey=survey, key=key).pk == question_id
    with pytest.raises(ServiceError) as exc:
        local_services.local_question_update(actor=leader, survey_unit=own, key=key, question=RATING)
    assert exc.value.code == "type_change"
    unanswered = local_services.local_question_add(actor=leader, survey_unit=own, question=CHOICE)
    local_services.local_question_update(actor=leader, survey_unit=own, key=unanswered, question=RATING)
    assert SurveyQuestion.objects.get(survey=survey, key=unanswered).qtype == "rating"
    local_services.local_question_remove(actor=leader, survey_unit=own, key=unanswered)
    # The owner editing the survey's own questions does not touch the unit's.
    services.survey_update_definition(
        actor=demo.users["analytiker"], survey=survey, document=sample_definition()
    )
    assert not SurveyQuestion.objects.get(pk=question_id).hidden

    local_services.local_question_remove(actor=leader, survey_unit=own, key=key)
    own.refresh_from_db()
    assert own.local_questions[0]["hidden"] is True
    assert SurveyQuestion.objects.get(pk=question_id).hidden
    assert Answer.objects.filter(question_id=question_id).count() == 1  # kept
    assert local.definition_for_unit(own).sections[-1].key != local.section_key(own.unit_id)
    # The freed place can be used again, under a new key.
    again = local_services.local_question_add(actor=leader, survey_unit=own, question=RATING)
    assert again != key and again.endswith("_3")


def test_results_pages_list_them_for_that_unit(client_as: Any, survey: Any, demo: DemoData) -> None:
    own = su_of(survey, demo, "Solsikken barnehage")
    leader = demo.users["leder.solsikken"]
    key = local_services.local_question_add(actor=leader, survey_unit=own, question=RATING)
    text_key = local_services.local_question_add(
        actor=leader,
        survey_unit=own,
        question={"type": "textarea", "text": {"nb": "Noe mer?", "en": "More?"}},
    )
    for i in range(10):
        services.response_submit_complete(
            actor=RESPONDENT,
            survey_unit=own,
            answers={**TEMPLATE_ANSWERS, key: 3, text_key: f"Mer sandkasse {i}"},
            language="nb",
            channel=Channel.CODE,  # counted towards the threshold, so the comments are listed
            idempotency_key=f"p{i}",
        )
    close_round(survey)  # its results are shown only once it has closed
    client = client_as("leder.solsikken")
    base = f"/results/{survey.pk}"
    page = client.get(f"{base}/?unit={own.unit_id}").content.decode()
    assert "Hvor fornøyd er du med uteområdet?" in page
    crosstab = client.get(f"{base}/crosstab/?unit={own.unit_id}&question={key}&by=age_band")
    assert crosstab.status_code == 200 and "Hvor fornøyd er du med uteområdet?" in crosstab.content.decode()
    texts = client.get(f"{base}/text/?unit={own.unit_id}&question={text_key}")
    assert texts.status_code == 200 and "Mer sandkasse 3" in texts.content.decode()


def test_page_adds_edits_and_removes(client_as: Any, survey: Any, demo: DemoData, settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    own = su_of(survey, demo, "Solsikken barnehage")
    client = client_as("leder.solsikken")
    url = f"/surveys/{survey.pk}/units/{own.pk}/local/"
    with translation.override("en"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200 and "Add a question" in page.content.decode()
        bad = client.post(
            url, {"action": "add", "new-type": "single", "new-text_nb": "Hva?", "new-scale_max": "6"}
        )
        assert bad.status_code == 400 and "needs at least one option" in bad.content.decode()
        r = client.post(
            url,
            {
                "action": "add",
                "new-type": "single",
                "new-scale_max": "6",
                "new-text_nb": "Hvilken dag?",
                "new-text_en": "Which day?",
                "new-options_nb": "Mandag\nFredag",
                "new-options_en": "Monday\nFriday",
            },
        )
        assert r.status_code == 302
        own.refresh_from_db()
        [question] = own.local_questions
        assert [o["label"] for o in question["options"]] == [
            {"nb": "Mandag", "en": "Monday"},
            {"nb": "Fredag", "en": "Friday"},
        ]
        key = question["key"]
        page = client.get(url).content.decode()
        assert "Which day?" in page and "Translation missing" not in page
        # Empty the first line: Monday is hidden, Friday keeps its key; Saturday is new.
        r = client.post(
            url,
            {
                "action": "save",
                "key": key,
                f"{key}-type": "single",
                f"{key}-scale_max": "6",
                f"{key}-text_nb": "Hvilken dag passer?",
                f"{key}-options_nb": "\nFredag\nLørdag",
            },
        )
        assert r.status_code == 302
        own.refresh_from_db()
        options = own.local_questions[0]["options"]
        keys = {o["key"]: o.get("hidden", False) for o in options}
        assert keys == {"o2": False, "o3": False, "o1": True}
        assert "Translation missing" in client.get(url).content.decode()  # English text removed
        r = client.post(url, {"action": "remove", "key": key})
        assert r.status_code == 302
        own.refresh_from_db()
        assert own.local_questions[0]["hidden"] is True
    # A leader of another unit gets 404.
    nordlys = su_of(survey, demo, "Nordlys barnehage")
    assert client.get(f"/surveys/{survey.pk}/units/{nordlys.pk}/local/").status_code == 404


def test_api_round_trip(client_as: Any, survey: Any, demo: DemoData) -> None:
    own = su_of(survey, demo, "Solsikken barnehage")
    client = client_as("leder.solsikken")
    base = f"/api/v1/surveys/{survey.pk}/units/{own.pk}/local-questions"
    created = client.post(base, data=json.dumps(CHOICE), content_type="application/json")
    assert created.status_code == 201, created.content
    [question] = created.json()["questions"]
    key = question["key"]
    assert created.json()["max"] == local.MAX_LOCAL_QUESTIONS and question["local"] is True
    changed = client.put(
        f"{base}/{key}",
        data=json.dumps({**CHOICE, "text": {"nb": "Ny tekst"}}),
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["questions"][0]["text"] == {"nb": "Ny tekst"}
    public = client.get(f"/api/v1/public/surveys/{own.link_key}").json()["definition"]
    assert public["sections"][-1]["questions"][0]["key"] == key
    assert client.delete(f"{base}/{key}").json()["questions"][0]["hidden"] is True
    bad = client.post(base, data=json.dumps({**RATING, "type": "nps"}), content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "type_invalid"
    nordlys = su_of(survey, demo, "Nordlys barnehage")
    assert client.get(f"/api/v1/surveys/{survey.pk}/units/{nordlys.pk}/local-questions").status_code == 404
