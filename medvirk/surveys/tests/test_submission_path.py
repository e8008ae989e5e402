"""The fast path of whole-response submissions (issue 4): a public link's target read in one
statement, answers stored in one (PostgreSQL) or a few statements, per-process caches that
follow definition changes. Behaviour must equal the model-based path."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from medvirk.accounts.demo import DemoData
from medvirk.surveys import services
from medvirk.surveys.answering import answer_store
from medvirk.surveys.answering.expansion import EXPANDER
from medvirk.surveys.design import local_services
from medvirk.surveys.models import Answer, Response, SurveyUnit
from medvirk.surveys.services import RESPONDENT
from tests.jobs import DUMMY_TASKS
from tests.sample_survey import sample_definition
from tests.survey_rounds import open_survey, submit

from .test_local import RATING, TEMPLATE_ANSWERS
from .test_services import GOOD

TRICKY = "Fin 'hverdag', \"god\" mat\\ og\nnye ord: æøå – ⅔ 😀 ‏عربي"


@pytest.fixture
def survey(demo: DemoData) -> Any:
    return open_survey(demo, "Solsikken barnehage", "Nordlys barnehage")


@pytest.fixture
def clean_caches() -> Iterator[None]:
    """Empty the process caches before and after: ids are reused once a test rolls back."""
    registry = answer_store.Registry
    caches = (registry._definitions, registry._registries, registry._versions)
    for cache in caches:
        cache.clear()
    yield
    for cache in caches:
        cache.clear()


def _units(survey: Any) -> list[SurveyUnit]:
    return list(SurveyUnit.objects.select_related("survey", "unit").filter(survey=survey).order_by("pk"))


def _post(link: str, key: str, answers: dict[str, Any]) -> Any:
    body = {"idempotency_key": key, "language": "nb", "answers": answers}
    return Client().post(
        f"/api/v1/public/surveys/{link}/responses", data=json.dumps(body), content_type="application/json"
    )


def _as_json(answers: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}


def test_link_target_matches_the_models(survey: Any, demo: DemoData) -> None:
    services.survey_set_dates(
        actor=demo.users["analytiker"], survey=survey, opens_on=dt.date(2026, 1, 5), closes_on=None
    )
    su = _units(survey)[0]
    assert answer_store.submission_target(link_key="nope") is None
    target = answer_store.submission_target(link_key=su.link_key, idempotency_key="k1")
    assert target is not None
    assert (target.survey_unit_id, target.survey_id, target.unit_id, target.municipality_id) == (
        su.pk,
        survey.pk,
        su.unit_id,
        survey.municipality_id,
    )
    assert (target.status, target.opens_on, target.closes_on) == ("open", dt.date(2026, 1, 5), None)
    assert target.stored_response_id is None
    assert target.document() == survey.definition
    response, created = submit(target, GOOD, "k1")
    assert created
    again = answer_store.submission_target(link_key=su.link_key, idempotency_key="k1")
    assert again is not None and again.stored_response_id == response.pk
    assert (
        answer_store.submission_target(link_key=su.link_key, idempotency_key="k2").stored_response_id is None
    )


def test_public_link_stores_exactly_what_the_model_path_stores(survey: Any) -> None:
    by_link, by_model = _units(survey)
    answers = {**GOOD, "q_overall": 1, "q_why": TRICKY, "q_visits": 12.25, "q_used": ("c", "a")}
    assert _post(by_link.link_key, "k1", _as_json(answers)).status_code == 201
    model_response, created = submit(by_model, answers, "k2")  # idempotency keys are per survey
    assert created
    link_response = Response.objects.get(survey=survey, unit=by_link.unit)
    expected = {**answers, "q_used": ("a", "c")}  # kept in the definition's option order
    assert services.stored_answers(link_response) == services.stored_answers(model_response) == expected
    fields = ["complete", "channel", "language", "created_on", "submitted_on", "bg_age_band", "bg_district"]
    link_response.refresh_from_db()
    model_response.refresh_from_db()
    assert [getattr(link_response, f) for f in fields] == [getattr(model_response, f) for f in fields]
    assert link_response.bg_district == "999901" and link_response.complete
    assert (
        Answer.objects.filter(response=link_response).count()
        == Answer.objects.filter(response=model_response).count()
    )


def test_retry_racing_a_stored_response_answers_duplicate(survey: Any) -> None:
    su = _units(survey)[0]
    stale = answer_store.submission_target(link_key=su.link_key, idempotency_key="k1")  # read before …
    first, _ = submit(su, GOOD, "k1")  # … a concurrent request stored the same key
    again, created = services.response_submit_complete(
        actor=RESPONDENT,
        survey_unit=stale,  # type: ignore[arg-type]
        answers=GOOD,
        language="nb",
        idempotency_key="k1",
    )
    assert (created, again.pk) == (False, first.pk)
    assert Response.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(survey=survey).count() == Answer.objects.filter(response=first).count()


def test_local_questions_are_answered_through_their_own_link_only(survey: Any, demo: DemoData) -> None:
    own, other = _units(survey)
    leader = demo.users["leder.solsikken"]
    key = local_services.local_question_add(actor=leader, survey_unit=own, question=RATING)
    assert own.unit.name == "Solsikken barnehage"
    missing = _post(own.link_key, "a", _as_json(TEMPLATE_ANSWERS))
    assert missing.status_code == 422
    assert [(f["question"], f["code"]) for f in missing.json()["error"]["fields"]] == [(key, "required")]
    unknown = _post(other.link_key, "b", _as_json({**TEMPLATE_ANSWERS, key: 4}))
    assert [f["code"] for f in unknown.json()["error"]["fields"]] == ["unknown_question"]
    assert _post(own.link_key, "c", _as_json({**TEMPLATE_ANSWERS, key: 4})).status_code == 201
    stored = Response.objects.get(survey=survey, idempotency_key="c")
    assert services.stored_answers(stored)[key] == 4


def test_cached_definitions_follow_version_changes(
    survey: Any, demo: DemoData, clean_caches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answer_store, "_committed", lambda: True)  # as outside a transaction
    su = _units(survey)[0]
    assert _post(su.link_key, "k1", _as_json(GOOD)).status_code == 201
    # A worker that is not running (the dummy backend queues and runs nothing): the request alone.
    with override_settings(TASKS=DUMMY_TASKS), CaptureQueriesContext(connection) as queries:
        assert _post(su.link_key, "k2", _as_json(GOOD)).status_code == 201
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    # The definition and the registry come from the caches: the link's SELECT, the district
    # codes (the sample asks for the district), then one INSERT of the received response.
    assert len(statements) == 3, statements
    assert not any('"definition"' in sql for sql in statements)
    assert services.received_expand(actor=EXPANDER) == 1

    document = sample_definition()
    channel = document["sections"][0]["questions"][2]
    channel["options"].append({"key": "radio", "label": {"nb": "Radio", "en": "Radio", "ar": "راديو"}})
    services.survey_update_definition(actor=demo.users["analytiker"], survey=survey, document=document)
    assert _post(su.link_key, "k3", _as_json({**GOOD, "q_channel": "radio"})).status_code == 201
    stored = Response.objects.get(survey=survey, idempotency_key="k3")
    assert services.stored_answers(stored)["q_channel"] == "radio"


@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b", "\udfff"])
def test_unstorable_text_is_a_4xx_not_a_crash(survey: Any, bad: str) -> None:
    """NUL and lone surrogates (JSON "\\u0000", "\\ud800") cannot be stored; before, a 500."""
    su = _units(survey)[0]
    body = json.dumps({"idempotency_key": "k1", "answers": {**_as_json(GOOD), "q_name": bad}})
    url = f"/api/v1/public/surveys/{su.link_key}/responses"
    answer = Client().post(url, data=body, content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert [(f["question"], f["code"]) for f in answer.json()["error"]["fields"]] == [
        ("q_name", "invalid_text")
    ]
    keyed = json.dumps({"idempotency_key": bad, "answers": _as_json(GOOD)})
    assert Client().post(url, data=keyed, content_type="application/json").status_code == 400
    empty = json.dumps({"idempotency_key": "k2", "answers": {}})
    nul_link = "/api/v1/public/surveys/x%00b/responses"  # Django decodes it to a NUL in the path
    assert Client().post(nul_link, data=empty, content_type="application/json").status_code == 404
    assert Client().get("/api/v1/public/surveys/x%00b").status_code == 404
    assert Response.objects.filter(survey=survey).count() == 0


@pytest.mark.postgresql
def test_the_submission_statements_are_prepared_on_the_server_and_nothing_else(survey: Any) -> None:
    """PostgreSQL plans the link's SELECT and the received INSERT once per connection; Django's
    own queries stay unprepared, and ``DB_PREPARED=0`` prepares nothing."""

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [sql for (sql,) in cursor.fetchall()]

    su = _units(survey)[0]
    earlier = set(prepared())
    with override_settings(TASKS=DUMMY_TASKS, DB_PREPARED_STATEMENTS=False):
        assert _post(su.link_key, "k0", _as_json(GOOD)).status_code == 201
        assert set(prepared()) == earlier
    with override_settings(TASKS=DUMMY_TASKS):
        for key in ("k1", "k2"):
            assert _post(su.link_key, key, _as_json(GOOD)).status_code == 201
    for _ in range(6):  # more often than psycopg's default threshold (5)
        Response.objects.filter(survey=survey).count()  # an ORM query
    statements = [sql for sql in prepared() if sql not in earlier]
    assert any("surveys_surveyunit" in sql and "link_key" in sql for sql in statements), statements
    assert any(sql.startswith('INSERT INTO "surveys_receivedresponse"') for sql in statements), statements
    assert not any("count(*)" in sql.lower() for sql in statements), statements
    assert len(statements) <= 3  # the district codes are the third
    assert Response.objects.filter(survey=survey).count() == 0  # received, not yet counted
