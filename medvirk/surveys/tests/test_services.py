"""Survey services: creation for many units, live edits that keep data, idempotent answering."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from medvirk.accounts.demo import DemoData
from medvirk.accounts.services import role_grant
from medvirk.accounts.unit_services import unit_create
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import OrgUnit, ServiceArea
from medvirk.surveys import services
from medvirk.surveys.answering.engine import DONT_KNOW
from medvirk.surveys.models import Answer, Response, SurveyOption, SurveyQuestion, SurveyUnit
from medvirk.surveys.services import RESPONDENT
from tests.sample_survey import sample_definition
from tests.survey_rounds import open_survey, submit

GOOD = {
    "q_overall": 2,
    "q_why": "Mer åpent i helgene",
    "q_channel": "web",
    "q_used": ("a", "c"),
    "q_m_staff": 5,
    "q_m_rooms": DONT_KNOW,
    "q_nps": 9,
    "q_visits": 12,
    "q_first": "2025-08-15",
    "q_name": "Ola",
    "q_consent": True,
    "bg_age": "35-44",
    "bg_gender": "prefer_not_to_say",
    "bg_district": "999901",
}


@pytest.fixture
def survey(demo: DemoData):
    return open_survey(demo, *[u for u in demo.units.values() if u.service_area == ServiceArea.KINDERGARTEN])


def test_create_for_all_kindergartens_at_once(survey, demo: DemoData) -> None:
    kindergartens = {u.pk for u in demo.units.values() if u.service_area == ServiceArea.KINDERGARTEN}
    assert len(kindergartens) == 6
    assert set(SurveyUnit.objects.filter(survey=survey).values_list("unit_id", flat=True)) == kindergartens
    assert len({su.link_key for su in SurveyUnit.objects.filter(survey=survey)}) == 6
    keys = set(SurveyQuestion.objects.filter(survey=survey).values_list("key", flat=True))
    assert {"q_overall", "q_m_staff", "bg_district"} <= keys
    district_options = SurveyOption.objects.filter(question__survey=survey, question__key="bg_district")
    assert set(district_options.values_list("key", flat=True)) >= {"999901", "999905", "prefer_not_to_say"}


def test_unit_leader_cannot_create_for_other_units(demo: DemoData) -> None:
    with pytest.raises(ServiceError) as err:
        services.survey_create(
            actor=demo.users["leder.solsikken"],
            owner_unit=demo.units["Bydel Nord"],
            document=sample_definition(),
            units=[demo.units["Nordlys barnehage"]],
            round_label="2026",
        )
    assert err.value.code == "forbidden"


def test_new_work_on_a_closed_unit_is_refused_with_one_code(demo: DemoData) -> None:
    """A survey round, a role and a unit below a unit the import closed: the same code ``unit_closed``."""
    admin = demo.users["admin"]
    closed = demo.units["Bydel Nord"]
    OrgUnit.objects.filter(pk=closed.pk).update(closed_on=date(2026, 1, 1))
    closed.refresh_from_db()
    attempts = {
        "owner_unit": lambda: services.survey_create(
            actor=admin, owner_unit=closed, document={}, units=[closed], round_label="2026"
        ),
        "unit": lambda: role_grant(actor=admin, user=demo.users["uten.rolle"], unit=closed, role="read_only"),
        "parent": lambda: unit_create(actor=admin, parent=closed, name="Ny enhet"),
    }
    for field, attempt in attempts.items():
        with pytest.raises(ServiceError) as refused:
            attempt()
        assert (str(refused.value.code), refused.value.status, refused.value.field) == (
            "unit_closed",
            400,
            field,
        )


def test_complete_submission_stores_exactly_and_is_idempotent(survey, demo: DemoData) -> None:
    su = SurveyUnit.objects.filter(survey=survey).first()
    assert su is not None
    response, created = submit(su, GOOD, "k1")
    assert created
    again, created_again = submit(su, GOOD, "k1")
    assert not created_again and again.pk == response.pk
    assert Response.objects.filter(survey=survey).count() == 1
    assert services.stored_answers(response) == GOOD
    response.refresh_from_db()
    assert (response.bg_age_band, response.bg_gender, response.bg_district) == ("35-44", "", "999901")
    assert Answer.objects.filter(response=response, question__key="q_used").count() == 2


def test_skip_logic_drops_answers_to_hidden_questions(survey) -> None:
    su = SurveyUnit.objects.filter(survey=survey).first()
    assert su is not None
    answers = {**GOOD, "q_overall": 5}  # q_why is only shown when q_overall <= 2
    response, _ = submit(su, answers, "k2")
    assert "q_why" not in services.stored_answers(response)


def test_invalid_answers_store_nothing(survey) -> None:
    su = SurveyUnit.objects.filter(survey=survey).first()
    assert su is not None
    bad = {**GOOD, "q_overall": 7, "q_channel": "tv", "q_visits": 1000}
    with pytest.raises(services.AnswerErrors) as err:
        submit(su, bad, "k3")
    assert {(e.question, e.code) for e in err.value.errors} == {
        ("q_overall", "out_of_range"),
        ("q_channel", "invalid_choice"),
        ("q_visits", "out_of_range"),
    }
    assert not Response.objects.filter(survey=survey).exists()


def test_editing_live_survey_keeps_ids_and_answers(survey, demo: DemoData) -> None:
    su = SurveyUnit.objects.filter(survey=survey).first()
    assert su is not None
    response, _ = submit(su, GOOD, "k4")
    ids_before = dict(SurveyQuestion.objects.filter(survey=survey).values_list("key", "id"))
    doc = copy.deepcopy(sample_definition())
    main = doc["sections"][0]["questions"]
    main[0]["text"]["nb"] = "Alt i alt, hvor fornøyd er du?"  # reword
    main[2]["options"] = [o for o in main[2]["options"] if o["key"] != "web"]  # remove an option
    doc["sections"][1]["questions"] = [q for q in doc["sections"][1]["questions"] if q["key"] != "q_name"]
    updated = services.survey_update_definition(actor=demo.users["analytiker"], survey=survey, document=doc)
    ids_after = dict(SurveyQuestion.objects.filter(survey=survey).values_list("key", "id"))
    assert ids_after == ids_before
    assert SurveyQuestion.objects.get(survey=survey, key="q_name").hidden
    assert SurveyOption.objects.get(question__survey=survey, question__key="q_channel", key="web").hidden
    assert services.stored_answers(response) == GOOD  # nothing shifted or lost
    assert updated.definition_version == 2
    channel = next(q for q in updated.definition["sections"][0]["questions"] if q["key"] == "q_channel")
    assert {o["key"]: o.get("hidden", False) for o in channel["options"]} == {"friends": False, "web": True}


def test_changing_type_of_answered_question_is_refused(survey, demo: DemoData) -> None:
    su = SurveyUnit.objects.filter(survey=survey).first()
    assert su is not None
    submit(su, GOOD, "k5")
    doc = sample_definition()
    doc["sections"][1]["questions"][1]["type"] = "text"
    doc["sections"][1]["questions"][1].pop("min")
    doc["sections"][1]["questions"][1].pop("max")
    with pytest.raises(ServiceError) as err:
        services.survey_update_definition(actor=demo.users["analytiker"], survey=survey, document=doc)
    assert err.value.code == "type_change"


def test_start_is_idempotent_and_resume_token_stable(survey) -> None:
    su = SurveyUnit.objects.filter(survey=survey).first()
    assert su is not None
    r1, t1 = services.response_start(
        actor=RESPONDENT, survey_unit=su, channel="link", language="nb", idempotency_key="abc"
    )
    r2, t2 = services.response_start(
        actor=RESPONDENT, survey_unit=su, channel="link", language="nb", idempotency_key="abc"
    )
    assert r1.pk == r2.pk and t1 == t2
    assert services.response_by_token(t1).pk == r1.pk
    assert services.response_by_token("nope") is None
