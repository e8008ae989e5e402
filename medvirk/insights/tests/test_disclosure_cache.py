"""The shared decision cache: decided once per data version, reused by another process, never stale."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from medvirk.demo import DemoData
from medvirk.insights import disclosure
from medvirk.insights.tables import SurveyResults
from medvirk.population.tests.equity_fixtures import closed_survey

SHARED = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "disclosure": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-disclosure"},
}


def _decisions(survey: Any) -> tuple[Any, dict[int, Any]]:
    results = SurveyResults(survey)
    d = results.disclosure
    return d.respondents, {q.id: d.answers(q.id) for q in results.questions}


@override_settings(CACHES=SHARED)
def test_a_new_process_reuses_the_decisions_and_new_answers_are_decided_afresh(
    demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    disclosure.clear_cache()
    survey = closed_survey(demo)
    first = _decisions(survey)
    assert first[1], "the survey has counted questions"

    # A "new process": the in-process state is gone, the shared cache is not; nothing is re-decided.
    with disclosure._LOCK:
        disclosure._STATE.clear()

    def no_suppress(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("decided again although the shared cache holds the decision")

    monkeypatch.setattr(disclosure, "suppress", no_suppress)
    assert _decisions(survey) == first

    # A new complete response is a new data version: it must be decided again, not read.
    from medvirk.surveys.models import Response

    latest = Response.objects.filter(survey=survey, complete=True).latest("pk")
    latest.pk = None
    latest.idempotency_key = "copy-for-the-cache-test"
    latest.save()
    with pytest.raises(AssertionError, match="decided again"):
        _decisions(survey)
    disclosure.clear_cache()


@override_settings(CACHES=SHARED)
def test_warm_results_command_fills_the_shared_cache(demo: DemoData) -> None:
    disclosure.clear_cache()
    survey = closed_survey(demo)
    call_command("warm_results", survey=[survey.pk], stdout=io.StringIO())
    with disclosure._LOCK:
        disclosure._STATE.clear()
    store = disclosure._persistent_store()
    results = SurveyResults(survey)
    key = results._state[disclosure._PERSIST_KEY]
    assert store.get(f"mv-disclosure:{key}:respondents") == results.disclosure.respondents
    disclosure.clear_cache()
