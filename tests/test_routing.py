"""The hot paths name the municipality in every statement, so a database distributed by it
(Citus, docs/scaling.md) routes each statement to one shard.

The checker (tests/routing.py) is tested on hand-written statements first, so a broken checker
cannot pass the paths; then the real SQL of each path is captured and checked.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from medvirk.accounts.demo import DemoData
from medvirk.core.tenancy import ENTRY_KEYS, PLACEMENT
from medvirk.surveys.answering import answer_store
from tests.jobs import DB_TASKS
from tests.routing import unrouted

DIST = {"a", "b"}


@pytest.mark.parametrize(
    ("sql", "loose"),
    [
        ('SELECT a.x FROM "a" WHERE a.municipality_id = 3', []),
        ('SELECT x FROM "a" WHERE "municipality_id" = 3 AND x > 1', []),
        ('SELECT a.x FROM "a" WHERE a.survey_id = 3', ["a"]),
        ('SELECT a.x FROM "a" WHERE a.municipality_id = 3 OR a.x = 1', ["a"]),
        ("SELECT a.x FROM a JOIN b ON b.id = a.b_id WHERE a.municipality_id = 3", ["b"]),
        (
            "SELECT a.x FROM a JOIN b ON b.id = a.b_id WHERE a.municipality_id = 3 AND b.municipality_id = 3",
            [],
        ),
        (
            "SELECT a.x FROM a JOIN b ON b.municipality_id = a.municipality_id AND b.id = a.b_id "
            "WHERE a.municipality_id = 3",
            [],
        ),
        ("SELECT a.x FROM a JOIN b ON b.municipality_id = a.municipality_id WHERE a.x = 1", ["a", "b"]),
        ("SELECT a.x FROM a WHERE a.link = 'k'", []),  # an entry key
        (
            "SELECT a.x FROM a JOIN b ON b.id = a.b_id "
            "WHERE a.link = 'k' AND b.municipality_id = (a.municipality_id)",
            [],
        ),
        (
            "SELECT a.x, (SELECT b.y FROM b WHERE b.municipality_id = a.municipality_id) "
            "FROM a WHERE a.link = 'k'",
            [],
        ),
        ("SELECT a.x, (SELECT b.y FROM b WHERE b.a_id = a.id) FROM a WHERE a.municipality_id = 1", ["b"]),
        ('INSERT INTO "a" ("municipality_id", "x") VALUES (1, 2)', []),
        ('INSERT INTO "a" ("x") VALUES (2)', ["a"]),
        (
            "WITH r AS (INSERT INTO a (municipality_id, x) VALUES (1, 2) RETURNING id, municipality_id), "
            "n AS (INSERT INTO b (municipality_id, a_id) SELECT r.municipality_id, r.id FROM r) "
            "SELECT r.id FROM r",
            [],
        ),
        (
            "WITH r AS (INSERT INTO a (municipality_id, x) VALUES (1, 2) RETURNING id), "
            "n AS (INSERT INTO b (a_id) SELECT r.id FROM r) SELECT r.id FROM r",
            ["b"],
        ),
        ('UPDATE "a" SET "x" = 1 WHERE "a"."id" = 4', ["a"]),
        ('UPDATE "a" SET "x" = 1 WHERE "a"."municipality_id" = 2 AND "a"."id" = 4', []),
        ('SELECT c.x FROM "c" WHERE c.y = 1', []),  # not distributed
    ],
)
def test_the_checker(sql: str, loose: list[str]) -> None:
    assert sorted(unrouted(sql, dialect="postgres", distributed=DIST, entry_keys={("a", "link")})) == loose


def _distributed() -> set[str]:
    return {
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_config.name.startswith("medvirk.") and m._meta.label not in PLACEMENT
    }


def _entry_keys() -> set[tuple[str, str]]:
    keys = set()
    for key in ENTRY_KEYS:
        label, field = key.rsplit(".", 1)
        model = apps.get_model(label)
        keys.add((model._meta.db_table, model._meta.get_field(field).column))
    return keys


def _loose(ctx: CaptureQueriesContext) -> list[str]:
    dialect = "postgres" if connection.vendor == "postgresql" else "sqlite"
    distributed, entry = _distributed(), _entry_keys()
    found = []
    for query in ctx.captured_queries:
        sql = query["sql"]
        if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            continue
        tables = unrouted(sql, dialect=dialect, distributed=distributed, entry_keys=entry)
        if tables:
            found.append(f"{sorted(set(tables))}: {sql[:300]}")
    return found


@pytest.fixture
def open_unit(demo: DemoData) -> Any:
    from medvirk.surveys.models import SurveyUnit

    return (
        SurveyUnit.objects.filter(survey__municipality=demo.municipality, survey__status="open")
        .select_related("survey")
        .order_by("pk")
        .first()
    )


def test_a_submission_through_a_public_link_names_the_municipality_in_every_statement(open_unit: Any) -> None:
    from medvirk.surveys.tests.test_services import GOOD

    answers = {k: list(v) if isinstance(v, tuple) else v for k, v in GOOD.items()}
    body = json.dumps({"idempotency_key": "route-1", "language": "nb", "answers": answers})
    url = f"/api/v1/public/surveys/{open_unit.link_key}/responses"
    # As in production: the request queues the storing of its answer rows for the job worker.
    with override_settings(TASKS=DB_TASKS), CaptureQueriesContext(connection) as ctx:
        response = Client().post(url, data=body, content_type="application/json")
    assert response.status_code in (201, 422), response.content  # 422: the demo round asks other questions
    assert len(ctx.captured_queries) >= 1
    assert _loose(ctx) == []
    # The worker's batches, one municipality at a time.
    with CaptureQueriesContext(connection) as ctx:
        answer_store.expand_received(open_unit.municipality_id)
    assert _loose(ctx) == []


def test_answering_page_by_page_names_the_municipality_in_every_statement(open_unit: Any) -> None:
    client = Client()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/a/{open_unit.link_key}/").status_code == 200
        started = client.post(f"/a/{open_unit.link_key}/start/", {"idempotency_key": "route-2"})
        assert started.status_code == 302
        page = client.get(started["Location"])
        assert page.status_code == 200
        client.post(started["Location"], {})  # an empty page: stored or asked again, both read the same rows
    assert _loose(ctx) == []


def test_staff_results_pages_name_the_municipality_in_every_statement(demo: DemoData, client_as: Any) -> None:
    from medvirk.surveys.models import Survey

    survey = Survey.objects.filter(municipality=demo.municipality, status="open").order_by("pk").first()
    assert survey is not None
    from medvirk.insights.tables import SurveyResults
    from tests.survey_rounds import close_round

    close_round(survey)  # its results and equity report are shown only once it has closed
    SurveyResults(survey).disclosure.decide()  # as the worker does before any page reads them
    client = client_as("admin")
    root = demo.units[""].pk
    loose = []
    for url in (
        f"/results/{survey.pk}/",
        f"/results/{survey.pk}/crosstab/",
        f"/population/equity/units/{root}/",
        f"/population/equity/units/{root}/?survey={survey.pk}",
    ):
        if "?survey=" in url:
            from django.conf import settings

            from medvirk.insights import equity_ahead

            # The report is made in the worker, as the round's decisions are, before pages read it.
            equity_ahead.prepare(survey, demo.units[""], language=settings.LANGUAGE_CODE)
        caches["default"].clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        assert len(ctx.captured_queries) >= 3
        loose += _loose(ctx)
    assert loose == []


def _get_all(client: Any, urls: list[str]) -> list[str]:
    """GET each page twice (the first may make what the worker keeps), check the second's SQL."""
    loose = []
    for url in urls:
        assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(ctx.captured_queries) >= 3, url
        loose += [f"{url}: {q}" for q in _loose(ctx)]
    return loose


def test_dashboards_of_participation_feedback_and_choice_name_the_municipality_in_every_statement(
    demo: DemoData, client_as: Any
) -> None:
    from medvirk.choice.models import ChoiceService

    service = ChoiceService.objects.filter(municipality=demo.municipality).order_by("pk").first()
    assert service is not None
    urls = [
        "/participation/report/",
        "/feedback/outcomes/",
        "/feedback/what-matters/",
        f"/choice/statistics/{service.pk}/",  # /choice/statistics/ leads to the first service's
    ]
    assert _get_all(client_as("admin"), urls) == []


def test_the_api_results_routes_name_the_municipality_in_every_statement(
    demo: DemoData, client_as: Any
) -> None:
    from medvirk.insights.tables import SurveyResults
    from medvirk.surveys.models import Survey
    from tests.survey_rounds import close_round

    survey = Survey.objects.filter(municipality=demo.municipality, status="open").order_by("pk").first()
    assert survey is not None
    close_round(survey)  # its results are shown only once it has closed
    SurveyResults(survey).disclosure.decide()  # as the worker does before any route reads them
    root = demo.units[""].pk
    question = SurveyResults(survey).questions[0].key
    base = f"/api/v1/results/surveys/{survey.pk}"
    urls = [
        "/api/v1/results/surveys",
        f"{base}?unit_id={root}",
        f"{base}/crosstab?unit_id={root}&question={question}&by=gender",
        f"{base}/export?unit_id={root}",
    ]
    assert _get_all(client_as("admin"), urls) == []


def test_the_survey_page_and_its_units_name_the_municipality_to_the_responses(
    demo: DemoData, client_as: Any
) -> None:
    """Each unit's complete answers on the survey's page (distribution) and in the API's list of its
    units: a probe of the index led by municipality, round and unit, not a walk through every
    response the unit ever had by its unit_id index (docs/operations.md). Only the statements
    that read responses: the page's other reads of the unit tree are not routed yet."""
    from medvirk.surveys.models import Survey

    survey = Survey.objects.filter(municipality=demo.municipality, status="open").order_by("pk").first()
    assert survey is not None
    urls = [f"/surveys/{survey.pk}/", f"/api/v1/surveys/{survey.pk}/units"]
    loose = _get_all(client_as("admin"), urls)
    assert [q for q in loose if "surveys_response" in q] == []
