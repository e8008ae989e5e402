"""Responses received through a public link and not yet stored by the worker (issue 21) are
never counted: the round's figures and data version stay as they were until the worker stores
them, then the data version moves and the anonymity decision is made again."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client, override_settings

from medvirk.accounts.demo import DemoData
from medvirk.core.actors import SystemActor
from medvirk.insights import disclosure
from medvirk.insights.tables import SurveyResults
from medvirk.surveys import services as survey_services
from medvirk.surveys.models import Response, SurveyUnit
from tests.jobs import DB_TASKS

from .factories import answered_at_solsikken


def _receive(survey: Any, unit: Any, key: str) -> None:
    """Answer through the public API (acknowledged; stored by the worker once it runs)."""
    link = SurveyUnit.objects.get(survey=survey, unit=unit).link_key
    body = {"idempotency_key": key, "language": "nb", "answers": {"q_overall": 6, "q_channel": "web"}}
    posted = Client().post(
        f"/api/v1/public/surveys/{link}/responses", data=json.dumps(body), content_type="application/json"
    )
    assert posted.status_code == 201


def test_a_received_response_counts_only_once_the_worker_stored_it(demo: DemoData, client_as: Any) -> None:
    disclosure.clear_cache()
    survey, sol = answered_at_solsikken(demo)
    client = client_as("admin")
    summary = f"/api/v1/results/surveys/{survey.pk}?unit_id={sol.pk}"
    shown = client.get(summary).json()
    before = SurveyResults(survey).disclosure.data_version
    with override_settings(TASKS=DB_TASKS):  # the worker has not run yet
        _receive(survey, sol, "k1")
        assert SurveyResults(survey).disclosure.data_version == before
        assert client.get(summary).json() == shown
        assert Response.objects.filter(survey=survey).count() == 9
    assert survey_services.received_expand(actor=SystemActor("the job worker")) == 1
    assert Response.objects.filter(survey=survey).count() == 10
    assert SurveyResults(survey).disclosure.data_version != before  # decided again


def test_a_round_that_closes_stores_what_it_received_first(demo: DemoData, client_as: Any) -> None:
    """Red team (2026-12-07, third session): a response received through the public API just
    before the close was stored by the worker after it, so the closed round's figures, read
    before and after, moved by that one answer. Closing now stores the round's received
    responses first: what a closed round holds never changes."""
    survey, sol = answered_at_solsikken(demo)
    with override_settings(TASKS=DB_TASKS):  # the worker has not run yet
        _receive(survey, sol, "late")
        survey_services.survey_set_status(actor=demo.users["analytiker"], survey=survey, status="closed")
    assert Response.objects.filter(survey=survey).count() == 10  # stored at the close
    assert survey_services.received_expand(actor=SystemActor("the job worker")) == 0
