"""Responses received through a public link (issue 21): acknowledged after one INSERT of the
whole, validated response, expanded into a response and its answer rows by the job worker in
batches, exactly once, even when a batch fails midway. Nothing but the expansion reads them."""

# ruff: noqa: F811 - the ``survey`` fixture is imported from test_submission_path
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django_tasks import default_task_backend

from medvirk.surveys import services
from medvirk.surveys.answering import answer_store, expansion
from medvirk.surveys.answering.expansion import EXPANDER
from medvirk.surveys.models import Answer, ReceivedResponse, Response
from tests.jobs import DB_TASKS, DUMMY_TASKS

from .test_services import GOOD
from .test_submission_path import _as_json, _post, _units, survey  # noqa: F401 (fixture)


def _received(survey: Any) -> list[str]:
    return sorted(ReceivedResponse.objects.filter(survey=survey).values_list("idempotency_key", flat=True))


@override_settings(TASKS=DUMMY_TASKS)  # a worker that has not run yet
def test_an_acknowledged_response_is_received_and_the_worker_stores_it_once(survey: Any) -> None:
    su = _units(survey)[0]
    assert _post(su.link_key, "k1", _as_json(GOOD)).status_code == 201
    assert _received(survey) == ["k1"]
    assert not Response.objects.filter(survey=survey).exists()  # nothing counts it yet
    queued = default_task_backend.results  # type: ignore[attr-defined]
    assert [r.task.module_path for r in queued] == [expansion.expand_received_responses.module_path]
    # A retry while received, and after it is stored, stores nothing more.
    assert _post(su.link_key, "k1", _as_json(GOOD)).json() == {"status": "duplicate"}
    assert _received(survey) == ["k1"]
    assert services.received_expand(actor=EXPANDER) == 1
    assert _received(survey) == []
    stored = Response.objects.get(survey=survey, idempotency_key="k1")
    assert stored.complete and stored.channel == "api" and stored.bg_district == "999901"
    assert services.stored_answers(stored) == GOOD
    assert _post(su.link_key, "k1", _as_json(GOOD)).json() == {"status": "duplicate"}
    assert services.received_expand(actor=EXPANDER) == 0
    assert Response.objects.filter(survey=survey).count() == 1
    # Invalid answers are refused in full before anything is stored.
    bad = _post(su.link_key, "k2", _as_json({**GOOD, "q_nps": 11}))
    assert bad.status_code == 422 and _received(survey) == []


@override_settings(TASKS=DUMMY_TASKS)
def test_expansion_goes_in_batches_and_drops_a_key_stored_already(survey: Any) -> None:
    su = _units(survey)[0]
    for i in range(5):
        assert _post(su.link_key, f"k{i}", _as_json(GOOD)).status_code == 201
    rows = Answer.objects.count()
    mine = survey.municipality_id
    assert [answer_store.expand_received(mine, 2) for _ in range(4)] == [(2, 2), (2, 2), (1, 1), (0, 0)]
    assert Response.objects.filter(survey=survey).count() == 5
    per_response = (Answer.objects.count() - rows) // 5
    assert per_response > 10
    # A received row under a key stored meanwhile (a retry racing the worker) is dropped.
    first = Response.objects.get(survey=survey, idempotency_key="k0")
    ReceivedResponse.objects.create(
        municipality_id=first.municipality_id,
        survey=survey,
        unit_id=first.unit_id,
        language="nb",
        channel="api",
        received_on=first.created_on,
        idempotency_key="k0",
        answers="[]",
    )
    assert answer_store.expand_received(mine, 10) == (1, 0)
    assert _received(survey) == [] and Response.objects.filter(survey=survey).count() == 5
    assert Answer.objects.count() - rows == 5 * per_response


@override_settings(TASKS=DUMMY_TASKS)
def test_a_batch_that_fails_midway_leaves_every_response_received(survey: Any) -> None:
    """A worker that dies (here: fails) in the middle of a batch stores none of it; the next run
    stores each exactly once."""
    su = _units(survey)[0]
    for key in ("a", "b", "c"):
        assert _post(su.link_key, key, _as_json(GOOD)).status_code == 201
    ReceivedResponse.objects.filter(idempotency_key="b").update(answers="not JSON")
    with pytest.raises(Exception):  # noqa: B017 - the database's or json's own error
        answer_store.expand_received(survey.municipality_id, 10)
    assert _received(survey) == ["a", "b", "c"]
    assert not Response.objects.filter(survey=survey).exists()
    ReceivedResponse.objects.filter(idempotency_key="b").delete()
    assert services.received_expand(actor=EXPANDER) == 2
    assert sorted(Response.objects.filter(survey=survey).values_list("idempotency_key", flat=True)) == [
        "a",
        "c",
    ]


@override_settings(TASKS=DB_TASKS)
def test_submissions_queue_one_expansion_while_one_waits(
    survey: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django_tasks_db.models import DBTaskResult

    su = _units(survey)[0]
    for key in ("a", "b", "c"):
        assert _post(su.link_key, key, _as_json(GOOD)).status_code == 201
    task_path = expansion.expand_received_responses.module_path
    assert DBTaskResult.objects.ready().filter(task_path=task_path).count() == 1
    monkeypatch.setattr(expansion, "PAUSE", 0)
    assert expansion.expand_received_responses.func() == 3  # what db_worker runs
    assert _received(survey) == [] and Response.objects.filter(survey=survey).count() == 3


@override_settings(TASKS=DB_TASKS)
def test_warm_results_queues_an_expansion_when_received_responses_wait(survey: Any) -> None:
    """The backstop: received rows left by a worker that died are queued again by the watcher."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    su = _units(survey)[0]
    assert _post(su.link_key, "a", _as_json(GOOD)).status_code == 201
    DBTaskResult.objects.all().delete()  # the queued task was lost
    call_command("warm_results", survey=[survey.pk])
    assert (
        DBTaskResult.objects.ready()
        .filter(task_path=expansion.expand_received_responses.module_path)
        .exists()
    )


def test_nothing_but_the_expansion_reads_received_responses() -> None:
    """Results, exports, the API and every count see only expanded responses: no module other
    than the submission path and the expansion names the received table."""
    root = Path(__file__).resolve().parents[2]
    allowed = {
        "surveys/models.py",
        "surveys/answering/answer_store.py",
        "surveys/answering/services.py",
        "surveys/answering/expansion.py",
    }
    naming = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and ("ReceivedResponse" in (text := path.read_text()) or "receivedresponse" in text)
    }
    assert naming <= allowed, naming - allowed


def test_received_rows_keep_their_answers_as_json(survey: Any) -> None:
    """The stored form the expansion reads: [question id, option id, number, text] in order."""
    su = _units(survey)[0]
    with override_settings(TASKS=DUMMY_TASKS):
        assert _post(su.link_key, "k1", _as_json(GOOD)).status_code == 201
    rows = json.loads(ReceivedResponse.objects.get(idempotency_key="k1").answers)
    assert all(len(row) == 4 for row in rows) and len(rows) >= len(GOOD)


def test_the_worker_waits_while_responses_keep_arriving(monkeypatch: pytest.MonkeyPatch) -> None:
    """A burst gets the CPU first: the task stores once arrivals pause, or after MAX_WAIT."""
    slept: list[float] = []
    monkeypatch.setattr(expansion.time, "sleep", slept.append)
    arriving = iter([3, 7, 9, 9])
    monkeypatch.setattr(answer_store, "received_latest", lambda: next(arriving))
    assert expansion.wait_for_a_lull() == 3 * expansion.PAUSE  # 3, 7, 9: arriving; 9 again: a lull
    endless = iter(range(1000))
    monkeypatch.setattr(answer_store, "received_latest", lambda: next(endless))
    slept.clear()
    assert expansion.wait_for_a_lull() == pytest.approx(expansion.MAX_WAIT)
    assert len(slept) == expansion.MAX_WAIT / expansion.PAUSE


@override_settings(TASKS=DB_TASKS)
def test_the_expansion_task_prunes_its_own_finished_rows(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each burst leaves one finished task row; the task deletes those past their time, a bounded
    number per run, and leaves recent, failed-but-recent, waiting and other tasks' rows alone."""
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    path = expansion.expand_received_responses.module_path
    now = timezone.now()

    def row(status: str, age: dt.timedelta, task_path: str = path) -> str:
        result = DBTaskResult.objects.create(
            task_path=task_path,
            args_kwargs={"args": [], "kwargs": {}},
            status=status,
            finished_at=None if status == "READY" else now - age,
            backend_name="default",
        )
        return str(result.pk)

    hour, day = dt.timedelta(hours=1), dt.timedelta(days=1)
    old = [row("SUCCESSFUL", 2 * hour + i * dt.timedelta(minutes=1)) for i in range(3)]
    kept = {
        row("SUCCESSFUL", hour / 2),  # recent
        row("FAILED", 2 * day),  # failed: kept 14 days to find out why
        row("READY", 2 * day),  # waiting
        row("SUCCESSFUL", 30 * day, task_path="medvirk.core.jobs.run_job"),  # another task
    }
    old_failed = row("FAILED", 15 * day)
    monkeypatch.setattr(expansion, "PRUNE_AT_MOST", 2)
    assert services.finished_expansions_prune(actor=EXPANDER) == 2  # bounded, oldest first
    left = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert old_failed not in left and old[2] not in left and old[0] in left
    monkeypatch.setattr(expansion, "PAUSE", 0)
    assert expansion.expand_received_responses.func() == 0  # what db_worker runs: it prunes too
    left = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert left == kept
