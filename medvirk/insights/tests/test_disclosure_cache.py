"""The shared decision cache: decided once per data version, reused by another process, never stale."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from medvirk.accounts.demo import DemoData
from medvirk.insights import disclosure
from medvirk.insights.tables import SurveyResults
from medvirk.insights.tests.equity_fixtures import closed_survey
from medvirk.surveys.services import RESPONDENT

SHARED = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "disclosure": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-disclosure"},
}


def _decisions(survey: Any) -> tuple[Any, dict[int, Any]]:
    results = SurveyResults(survey)
    d = results.disclosure
    return d.respondents, {q.id: (d.answers(q.id), d.options(q.id)) for q in results.questions}


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
    # A round that does not exist was passed over without a word.
    with pytest.raises(CommandError, match=f"No survey round {survey.pk + 1000}\\."):
        call_command("warm_results", survey=[survey.pk, survey.pk + 1000], stdout=io.StringIO())
    call_command("warm_results", survey=[survey.pk], stdout=io.StringIO())
    with disclosure._LOCK:
        disclosure._STATE.clear()
    store = disclosure._persistent_store()
    results = SurveyResults(survey)
    key = results._state[disclosure._PERSIST_KEY]
    assert store.get(f"mv-disclosure:{key}:respondents") == results.disclosure.respondents
    disclosure.clear_cache()


@override_settings(CACHES=SHARED)
def test_an_open_round_is_decided_only_as_far_as_its_pages_show(demo: DemoData) -> None:
    """While a round is open its pages show only how many have answered (``insights.release``):
    ``warm_results`` decides its respondents and no question, and the home page's count is then
    read without a job. Once it has closed, every question is decided."""
    from medvirk.core.models import Job
    from medvirk.insights import selectors

    from .factories import answered_at_solsikken, close

    disclosure.clear_cache()
    survey, unit = answered_at_solsikken(demo)
    out = io.StringIO()
    call_command("warm_results", survey=[survey.pk], stdout=out)
    assert f"survey {survey.pk}: 1 decisions and reports" in out.getvalue()  # its respondents
    store, results = disclosure._persistent_store(), SurveyResults(survey)
    key = results._state[disclosure._PERSIST_KEY]
    assert store.get(f"mv-disclosure:{key}:respondents") is not None
    assert results.questions and not any(
        store.has_key(f"mv-disclosure:{key}:answers:{q.id}") for q in results.questions
    )
    progress = selectors.round_progress(user=demo.users["leder.solsikken"], survey=survey, node_id=unit.pk)
    assert progress is not None and progress.respondents == 9 and not Job.objects.exists()

    close(survey)
    call_command("warm_results", survey=[survey.pk], stdout=io.StringIO())
    closed = SurveyResults(survey)
    key = closed._state[disclosure._PERSIST_KEY]
    assert closed.disclosure.ready() and all(
        store.has_key(f"mv-disclosure:{key}:answers:{q.id}") for q in closed.questions
    )
    disclosure.clear_cache()


def _respondents_shown(survey: Any, unit_id: int) -> int | None:
    return SurveyResults(survey).disclosure.shown_respondents(unit_id)


def test_an_older_response_completed_later_and_a_deleted_one_refresh_the_results(demo: DemoData) -> None:
    """Freshness is the highest complete id plus ``responses_revision``, not a count of responses.

    A multi-page response started before others finishes last without a higher id; deleting a
    complete response need not lower the highest id. Both must still show new numbers.
    """
    from medvirk.insights.tests.factories import answer_many, kindergartens, make_survey
    from medvirk.surveys import services
    from medvirk.surveys.models import Response, Survey, SurveyUnit

    unit = kindergartens(demo)[0]
    survey = make_survey(demo, units=[unit])
    su = SurveyUnit.objects.get(survey=survey, unit=unit)
    early, _token = services.response_start(
        actor=RESPONDENT, survey_unit=su, channel="code", language="nb", idempotency_key="early-starter"
    )
    answer_many(survey, unit, [5] * 6)
    assert _respondents_shown(survey, unit.pk) == 6

    services.response_save_section(
        actor=RESPONDENT, response=early, section_key="s_main", answers={"q_overall": 4, "q_channel": "web"}
    )
    highest = Response.objects.filter(survey=survey, complete=True).latest("pk").pk
    services.response_submit(actor=RESPONDENT, response=early)
    assert early.pk < highest  # the highest complete id did not move …
    assert Survey.objects.get(pk=survey.pk).responses_revision == 1
    assert _respondents_shown(survey, unit.pk) == 7  # … and the page still counts it

    Response.objects.filter(pk=early.pk).delete()
    assert Survey.objects.get(pk=survey.pk).responses_revision == 2
    assert _respondents_shown(survey, unit.pk) == 6
    # Deleting an unfinished response changes no result and keeps the revision.
    unfinished, _ = services.response_start(
        actor=RESPONDENT, survey_unit=su, channel="link", language="nb", idempotency_key="x"
    )
    unfinished.delete()
    assert Survey.objects.get(pk=survey.pk).responses_revision == 2


def test_option_counts_from_the_decisions_rows_equal_a_direct_count(demo: DemoData) -> None:
    """The results pages count single-answer questions from the rows the decision reads."""
    from medvirk.insights import selectors

    survey = closed_survey(demo)
    results = SurveyResults(survey)
    layout = results.disclosure.layout
    checked = 0
    for q in results.questions:
        counted = results.disclosure.option_counts(q.id)
        direct = selectors.answer_counts(survey=survey, question_ids=[q.id])
        if counted is None:
            assert not q.exclusive
            continue
        assert {(u, o): n for u, per in counted.items() for o, n in per.items()} == {
            (u, o): n for (u, _q, o, _c), n in direct.items()
        }
        for dim in layout.dims:
            by = selectors.answer_counts(survey=survey, question_ids=[q.id], by=dim)
            expected: dict[tuple[int, str, int], int] = {}
            for (u, _q, o, c), n in by.items():
                if o is not None:
                    cat = c if c in layout.cats[dim] else disclosure.NOT_STATED
                    expected[u, cat, o] = expected.get((u, cat, o), 0) + n
            got = results.disclosure.option_counts_by(q.id, dim) or {}
            assert {(u, c, o): n for (u, c), per in got.items() for o, n in per.items()} == expected
            checked += 1
    assert checked, "the closed survey asks background questions"


@override_settings(CACHES=SHARED)
def test_a_watch_pass_decides_only_rounds_whose_data_changed(demo: DemoData) -> None:
    from medvirk.insights.management.commands.warm_results import Command
    from medvirk.insights.tests.factories import erase_one

    disclosure.clear_cache()
    survey = closed_survey(demo)
    command = Command(stdout=io.StringIO())
    command.pass_once([survey.pk], quiet=True)
    first = command.stdout.getvalue()
    assert f"survey {survey.pk}: " in first and " 0 decisions" not in first

    with disclosure._LOCK:  # a pass in another process, data unchanged: nothing to decide
        disclosure._STATE.clear()
    command = Command(stdout=io.StringIO())
    command.pass_once([survey.pk], quiet=True)
    assert command.stdout.getvalue() == ""
    assert SurveyResults(survey).disclosure.warm(q.id for q in SurveyResults(survey).questions) == 0

    # The round's data changes after it closed (a respondent's answers erased; a closed round takes
    # no new answer, not even a paper form): the next pass decides again.
    erase_one(survey, demo.units["Solsikken barnehage"])
    command = Command(stdout=io.StringIO())
    command.pass_once([survey.pk], quiet=True)
    assert f"survey {survey.pk}: " in command.stdout.getvalue()
    disclosure.clear_cache()


@override_settings(CACHES=SHARED)
def test_a_round_decided_ahead_opens_without_counting_its_answers_by_group(demo: DemoData) -> None:
    """After ``warm_results`` the overview reads decisions *and* option counts from the shared cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from medvirk.insights import reports

    disclosure.clear_cache()
    survey = closed_survey(demo)
    before = reports.overview(demo.users["analytiker"], SurveyResults(survey), demo.units[""].pk)
    call_command("warm_results", survey=[survey.pk], stdout=io.StringIO())
    with disclosure._LOCK:  # a new process
        disclosure._STATE.clear()
    with CaptureQueriesContext(connection) as ctx:
        after = reports.overview(demo.users["analytiker"], SurveyResults(survey), demo.units[""].pk)
    grouped = [q["sql"] for q in ctx.captured_queries if "surveys_answer" in q["sql"] and "bg_" in q["sql"]]
    assert grouped == []
    assert [(v.question.key, v.figures) for v in after.questions] == [
        (v.question.key, v.figures) for v in before.questions
    ]
    disclosure.clear_cache()


def test_warming_shares_what_this_process_already_worked_out(
    demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decisions made while no shared cache was reachable are shared by ``warm``, not made again."""
    disclosure.clear_cache()
    survey = closed_survey(demo)
    first = _decisions(survey)  # test settings: no shared cache, so these stay in this process

    def no_suppress(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("decided again although this process holds the decision")

    monkeypatch.setattr(disclosure, "suppress", no_suppress)
    with override_settings(CACHES=SHARED):
        results = SurveyResults(survey)
        results.prefetch()  # the option counts, like a page would have
        assert results.disclosure.warm(q.id for q in results.questions) == 0
        with disclosure._LOCK:  # another process now finds everything in the shared cache
            disclosure._STATE.clear()
        assert _decisions(survey) == first
        store = disclosure._persistent_store()
        key = SurveyResults(survey)._state[disclosure._PERSIST_KEY]
        counted = results.questions  # single and multiple choice alike
        assert counted and all(store.has_key(f"mv-disclosure:{key}:counts:{q.id}") for q in counted)
        disclosure.clear_cache()


@pytest.mark.postgresql
@override_settings(CACHES=SHARED)
def test_a_round_is_decided_by_one_process_at_a_time(demo: DemoData) -> None:
    """While another process decides a round (a job a page started), ``warm_results`` passes it
    over instead of solving the same LPs beside it (issue 21, bench/mixed); then decides it."""
    from django.db import connection

    from .factories import answer_many, make_survey

    disclosure.clear_cache()
    survey = make_survey(demo)
    answer_many(survey, demo.units["Solsikken barnehage"], [2, 2, 2, 5, 5, 5, 6, 6, 6])
    other = connection.copy()  # another database session, as another process holds
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [disclosure.DECIDING_LOCK, survey.pk])
        out = io.StringIO()
        call_command("warm_results", survey=[survey.pk], stdout=out)
        assert "being decided by another process" in out.getvalue()
        assert not SurveyResults(survey).disclosure.ready()
    finally:
        other.close()  # its lock goes with its session
    call_command("warm_results", survey=[survey.pk], stdout=io.StringIO())
    assert SurveyResults(survey).disclosure.ready()
    disclosure.clear_cache()


def test_watching_runs_below_the_web_servers_cpu_priority(monkeypatch: pytest.MonkeyPatch) -> None:
    """``warm_results --watch`` decides for minutes at a time; web requests come first (issue 21)."""
    from medvirk.insights.management.commands import warm_results

    class Stop(Exception):
        pass

    def stop(seconds: float) -> None:
        raise Stop

    niced: list[int] = []
    monkeypatch.setattr(warm_results.os, "nice", niced.append)
    monkeypatch.setattr(warm_results.time, "sleep", stop)
    monkeypatch.setattr(warm_results, "close_old_connections", lambda: None)
    monkeypatch.setattr(warm_results.Command, "pass_once", lambda self, only, *, quiet: None)
    with pytest.raises(Stop):
        call_command("warm_results", watch=5)
    assert niced == [warm_results.WATCH_NICENESS] and warm_results.WATCH_NICENESS > 0


@pytest.mark.sqlite_only  # which entries and how many queries: the cache's business, not the database's
@pytest.mark.usefixtures("english_jobs")
@override_settings(CACHES=SHARED)
def test_a_web_workers_first_read_of_a_new_decision_is_one_shared_read(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bench/mixed (issue 21): each web worker's first request after a new decision read it from
    the shared cache one entry at a time (three or four per question) and the round's question ids
    once per question (two queries each): about 60 queries and 90 reads for the demo's open round,
    paid on whichever page came first, the unit PDF's p95 under load. The worker that decides
    also keeps what pages read of the decision in one entry: a fresh web worker's first PDF reads
    that entry, runs few more queries than its next one and prints the same figures, whether the
    decision is current or shown while new answers are decided."""
    import hashlib

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from medvirk.insights import pdf
    from tests.jobs import DB_TASKS

    from .conftest import recording_reads
    from .factories import NINE, answered_at_solsikken, close, erase_one

    # The PDF is a digest of the HTML it is laid out from: the same bytes, the same figures.
    monkeypatch.setattr(pdf, "_render", lambda html, progress=None: hashlib.sha256(html.encode()).digest())
    disclosure.clear_cache()
    survey, sol = answered_at_solsikken(demo, (*NINE, 6))
    close(survey)
    SurveyResults(survey).disclosure.decide()  # the worker
    client = client_as("admin")
    url = f"/results/{survey.pk}/report.pdf?unit={sol.pk}"
    printed = client.get(url).content  # as read from the worker's own decisions

    def first_and_next() -> tuple[list[str], int, int]:
        with disclosure._LOCK:  # a web worker that has read nothing of the decision
            disclosure._STATE.clear()
            disclosure._LATEST.clear()
            disclosure._EARLIER.clear()
        with pytest.MonkeyPatch.context() as patch, CaptureQueriesContext(connection) as first:
            read = recording_reads(patch)
            assert client.get(url).content == printed
        with CaptureQueriesContext(connection) as after:
            assert client.get(url).content == printed
        return read, len(first), len(after)

    read, first, after = first_and_next()
    decision = f"mv-disclosure:{SurveyResults(survey).disclosure.data_version}:"
    assert [key[len(decision) :] for key in read if key.startswith(decision)] == ["units", "complete"]
    # Besides the decisions, a new worker reads the round's invited numbers (3 queries) and the
    # question ids of each round it has no decisions of (2: the previous round, never decided
    # here; the new answers' while they are decided). Before: 35 queries against 16.
    assert first <= after + 7, (first, after)

    with override_settings(TASKS=DB_TASKS):
        disclosure.watcher_seen(5)  # the changed answers are left to warm_results --watch
        erase_one(survey, sol)  # the decision above is now shown "being updated"
        read, first, after = first_and_next()
    assert [key[len(decision) :] for key in read if key.startswith(decision)] == ["units"]
    assert first <= after + 7, (first, after)
    disclosure.clear_cache()
