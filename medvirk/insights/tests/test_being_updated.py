"""No results request waits for the anonymity decision (issue 16, item 3).

The combining attacker's LP can take minutes for a whole municipality, and any change to a round's
answers makes the round's decisions out of date: a new answer in an open round (whose progress is
shown), or, once it has closed and shows its figures, a response erased. Pages, the API and the
PDF therefore never decide: they show the last decisions with the counts they were made from, marked "being
updated", or (before a round's first decision) answer 202 / send to the job's progress page,
while the worker decides. These tests make any decision in the request fail loudly.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.accounts.demo import DemoData
from medvirk.core.jobs import execute_job
from medvirk.core.models import Job, JobStatus
from medvirk.insights import disclosure
from medvirk.insights.jobs import DECIDE_JOB
from medvirk.insights.tables import SurveyResults
from tests.jobs import DB_TASKS, forbid

from .conftest import recording_reads
from .factories import NINE, answer_many, answered_at_solsikken, close, erase_one, make_survey


def _no_deciding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every suppression call fail: a request that decides would answer 500."""
    forbid(monkeypatch, "a request made an anonymity decision", (disclosure, "suppress"))


def _closed_with_ten(demo: DemoData) -> tuple[Any, Any]:
    """Return a closed round with ten answers at Solsikken (the last a 6), and Solsikken."""
    survey, sol = answered_at_solsikken(demo, (*NINE, 6))
    return close(survey), sol


def _summary(client: Any, survey: Any, unit: int) -> Any:
    return client.get(f"/api/v1/results/surveys/{survey.pk}?unit_id={unit}")


@pytest.mark.usefixtures("in_english")
def test_new_answers_show_the_last_decision_with_its_own_counts_marked_being_updated(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    survey, sol = _closed_with_ten(demo)
    client = client_as("admin")
    first = _summary(client, survey, sol.pk).json()  # decided at once (immediate task backend)
    assert first["being_updated"] is False and first["group"]["respondents"] == 10

    with override_settings(TASKS=DB_TASKS):
        erase_one(survey, sol)  # one response erased: the decisions above are out of date
        _no_deciding(monkeypatch)
        late = _summary(client, survey, sol.pk)
        assert late.status_code == 200
        data = late.json()
        # The previous figures, from the ten answers they were decided for: never nine answers
        # counted under a decision made for ten.
        assert data["being_updated"] is True and data["group"]["respondents"] == 10
        overall = next(q for q in data["questions"] if q["key"] == "q_overall")["unit"]
        assert overall["n"] == 10
        page = client.get(f"/results/{survey.pk}/?unit={sol.pk}")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Being updated." in html and "The answers have changed" in html
        # How far the new figures have come, polled; once they are made the page loads again.
        queued = Job.objects.get(kind=DECIDE_JOB, status=JobStatus.QUEUED)
        assert f'hx-get="/jobs/{queued.pk}/?then=refresh"' in html
        assert "Waiting for the server to start the work." in html
        pdf = client.get(f"/results/{survey.pk}/report.pdf?unit={sol.pk}")
        assert pdf.status_code == 200
        crosstab = client.get(
            f"/api/v1/results/surveys/{survey.pk}/crosstab?unit_id={sol.pk}&question=q_overall&by=gender"
        )
        assert crosstab.status_code == 200 and crosstab.json()["being_updated"] is True
        # The worker decides; one job for the round, however many requests came.
        jobs = Job.objects.filter(kind=DECIDE_JOB, status=JobStatus.QUEUED)
        assert jobs.count() == 1
        monkeypatch.undo()
        decide = jobs.get().pk
        execute_job(decide)
        poll = client.get(f"/jobs/{decide}/?then=refresh", headers={"HX-Request": "true"})
        assert poll.status_code == 286 and poll["HX-Refresh"] == "true"

    fresh = _summary(client, survey, sol.pk).json()
    assert fresh["being_updated"] is False and fresh["group"]["respondents"] == 9
    assert "Being updated." not in client.get(f"/results/{survey.pk}/?unit={sol.pk}").content.decode()


@pytest.mark.usefixtures("in_english")
@override_settings(TASKS=DB_TASKS)
def test_a_round_never_decided_answers_202_or_the_progress_page(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    survey, sol = answered_at_solsikken(demo)
    close(survey)
    _no_deciding(monkeypatch)
    client = client_as("admin")
    pending = _summary(client, survey, sol.pk)
    assert pending.status_code == 202
    job_id = pending.json()["job_id"]
    assert Job.objects.get(pk=job_id).kind == DECIDE_JOB
    assert pending.json()["job"]["status"] == "queued"
    page = client.get(f"/results/{survey.pk}/?unit={sol.pk}")
    assert page.status_code == 302 and page["Location"] == f"/jobs/{job_id}/"  # the same job
    export = client.get(f"/api/v1/results/surveys/{survey.pk}/export?unit_id={sol.pk}")
    assert export.status_code == 202 and export.json()["job_id"] == job_id
    equity = client.get(f"/api/v1/population/units/{sol.pk}/gaps?survey_id={survey.pk}")
    assert equity.status_code in (202, 404)  # open rounds are not in the equity report at all

    waiting = client.get(f"/jobs/{job_id}/").content.decode()
    assert "Waiting for the server to start the work." in waiting and "Running" not in waiting
    # The worker reports the questions it has decided (as ``decide_round`` does, see its progress).
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now() - timedelta(seconds=90),
        done=10,
        total=40,
        message=str(_("Working out which figures can be shown without revealing anyone")),
    )
    running = client.get(f"/jobs/{job_id}/").content.decode()
    assert "Working out which figures can be shown without revealing anyone" in running
    assert "About 25 % done (10 of 40 steps)." in running and "About 5 minutes left." in running
    assert "Running" not in running  # the status name said nothing to a user
    assert f'hx-get="/jobs/{job_id}/"' in running and '<meta http-equiv="refresh" content="3">' in running
    assert f'<a class="ds-link" href="/jobs/{job_id}/">Update now</a>' in running  # without JavaScript

    Job.objects.filter(pk=job_id).update(status=JobStatus.QUEUED)  # for the worker to take it up
    monkeypatch.undo()
    execute_job(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == JobStatus.DONE
    assert job.result_url == f"/results/{survey.pk}/?unit={sol.pk}"  # back to the page asked for
    # Whoever watched the progress is taken to the results; without JavaScript a link shows.
    poll = client.get(f"/jobs/{job_id}/", headers={"HX-Request": "true"})
    assert poll.status_code == 286 and poll["HX-Redirect"] == job.result_url
    done = client.get(f"/jobs/{job_id}/").content.decode()
    assert "The results are ready." in done and f'href="{job.result_url}"' in done
    assert _summary(client, survey, sol.pk).json()["group"]["respondents"] == 9


@override_settings(TASKS=DB_TASKS)
def test_the_home_page_shows_no_count_it_has_not_decided(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The home page's "answers so far" of an open round never decide in the request either, and
    show a count only as the results do: no count for a group below the threshold."""
    from medvirk.insights.selectors import round_progress

    survey = make_survey(demo, units=[demo.units["Solsikken barnehage"]])
    sol = demo.units["Solsikken barnehage"]
    answer_many(survey, sol, [5, 6, 6])  # three answers: below the threshold
    _no_deciding(monkeypatch)
    leader = demo.users["leder.solsikken"]
    progress = round_progress(user=leader, survey=survey)
    assert progress is not None and progress.respondents is None and progress.rate is None
    assert progress.pending  # no decision yet: the page says it is being worked out
    home = client_as("leder.solsikken").get("/overview/")
    assert home.status_code == 200
    assert "Regnes ut nå; vises om noen minutter" in home.content.decode()
    assert "for å verne dem som har svart" not in home.content.decode()
    monkeypatch.undo()
    SurveyResults(survey).disclosure.decide()
    answer_many(survey, sol, [5, 6, 6])  # six now; the last decision (three, hidden) is shown
    _no_deciding(monkeypatch)
    later = round_progress(user=leader, survey=survey)
    assert later is not None and later.respondents is None and not later.pending
    page = client_as("leder.solsikken").get("/overview/").content.decode()
    assert "Vises ikke ennå, for å verne dem som har svart" in page  # hidden by the decision


SHARED = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "disclosure": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-evicted"},
}


def _ten_answers_decided(demo: DemoData, client_as: Any) -> tuple[Any, Any, Any]:
    """Return a closed round with ten answers at one kindergarten, decided and in the shared cache
    (asked once through the API), the kindergarten and an administrator's client."""
    disclosure.clear_cache()
    survey, sol = _closed_with_ten(demo)
    client = client_as("admin")
    assert _summary(client, survey, sol.pk).json()["group"]["respondents"] == 10
    return survey, sol, client


def _a_web_worker() -> None:
    """Forget what this process decided or read: a web worker holds only what it reads itself."""
    with disclosure._LOCK:
        disclosure._STATE.clear()
        disclosure._LATEST.clear()
        disclosure._EARLIER.clear()


def _another_process_with_a_part_evicted(question_key: str, survey: Any) -> None:
    """Forget this process's decisions (as another process would not have them) and evict one
    question's decision from the shared cache, as its size limit may: its own entries and the
    one entry of what pages read of every question (``units``)."""
    _a_web_worker()
    store = disclosure._persistent_store()
    results = SurveyResults(survey)
    qid = results.question_by_key[question_key].id
    # LocMemCache keys: ":1:mv-disclosure:<digest>:<kind>:<question id>[:…]"
    held = [k for k in store._cache if str(qid) in k.partition("mv-disclosure:")[2].split(":")[2:]]
    assert held
    held += [k for k in store._cache if k.startswith(":1:mv-disclosure:") and k.endswith(":units")]
    for key in held:
        store.delete(key.split(":", 2)[2])  # without the cache's version prefix


@pytest.mark.usefixtures("in_english")
@override_settings(CACHES=SHARED)
def test_an_earlier_decision_that_lost_a_part_is_never_a_500(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The earlier decision shown while the worker decides may have lost a part to the shared
    cache's eviction: the page, the PDF and the API then show the work's progress (202) instead
    of an error, and once the worker has decided, the current figures."""
    survey, sol, client = _ten_answers_decided(demo, client_as)

    before = SurveyResults(survey).disclosure.data_version
    with override_settings(TASKS=DB_TASKS):
        erase_one(survey, sol)
        assert SurveyResults(survey).disclosure.data_version != before  # what precomputed results key on
        _another_process_with_a_part_evicted("q_overall", survey)
        _no_deciding(monkeypatch)
        api = _summary(client, survey, sol.pk)
        assert api.status_code == 202
        job_id = api.json()["job_id"]
        page = client.get(f"/results/{survey.pk}/?unit={sol.pk}")
        assert page.status_code == 302 and page["Location"] == f"/jobs/{job_id}/"
        pdf = client.get(f"/results/{survey.pk}/report.pdf?unit={sol.pk}")
        assert pdf.status_code == 302 and pdf["Location"] == f"/jobs/{job_id}/"
        # The broken earlier decision is no longer offered: the next request does not try it.
        assert _summary(client, survey, sol.pk).json()["job_id"] == job_id
        monkeypatch.undo()
        execute_job(job_id)
    assert _summary(client, survey, sol.pk).json()["group"]["respondents"] == 9

    disclosure.clear_cache()


@pytest.mark.usefixtures("in_english")
@override_settings(CACHES=SHARED)
def test_while_answers_keep_arriving_a_worker_reads_the_earlier_decisions_once(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: while the answers keep changing, the current answers are never decided yet and
    every page shows the latest earlier decisions. A web worker reads them from the shared cache once,
    not again on every request after each new answer (that took 0.5–1.3 s per results page)."""
    survey, sol, client = _ten_answers_decided(demo, client_as)
    earlier = SurveyResults(survey).disclosure.data_version
    with override_settings(TASKS=DB_TASKS):
        erase_one(survey, sol)
        _a_web_worker()
        _no_deciding(monkeypatch)
        first = _summary(client, survey, sol.pk).json()
        assert first["being_updated"] is True and first["group"]["respondents"] == 10
        erase_one(survey, sol)  # another change: a new data version, again not decided
        read = recording_reads(monkeypatch)
        again = _summary(client, survey, sol.pk).json()
        page = client.get(f"/results/{survey.pk}/?unit={sol.pk}")
        crosstab = client.get(f"/results/{survey.pk}/crosstab/?unit={sol.pk}&question=q_overall")
    assert again == first  # the same earlier figures, with the counts they were decided for
    assert page.status_code == 200 and "Being updated." in page.content.decode()
    assert crosstab.status_code == 200 and "Being updated." in crosstab.content.decode()
    assert read and not [key for key in read if key.startswith(f"mv-disclosure:{earlier}:")]
    disclosure.clear_cache()


def _counting_figures(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count every question's figures worked out (shown or hidden) from here on."""
    from medvirk.insights import tables

    made: list[str] = []
    for name in ("question_figures", "hidden_figures"):
        work = getattr(tables, name)

        def counted(*args: Any, _work: Any = work, **kwargs: Any) -> Any:
            made.append(args[0].key)
            return _work(*args, **kwargs)

        monkeypatch.setattr(tables, name, counted)
    return made


@pytest.mark.usefixtures("in_english")
@override_settings(CACHES=SHARED)
def test_a_decision_that_goes_out_of_date_is_not_read_or_worked_out_again(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21 (bench/mixed: the results API 4x slower while respondents answer). A web worker that
    showed the current decisions keeps using what it read and worked out of them once a new answer
    makes them the earlier ones shown while the worker decides, and works out no figure again on
    the requests after: the API answers from the same decision, marked being updated."""
    survey, sol, client = _ten_answers_decided(demo, client_as)
    earlier = SurveyResults(survey).disclosure.data_version
    _a_web_worker()
    current = _summary(client, survey, sol.pk).json()  # read from the shared cache, as a worker does
    assert current["being_updated"] is False
    with override_settings(TASKS=DB_TASKS):
        erase_one(survey, sol)  # the decision above is out of date, the new one not made
        _no_deciding(monkeypatch)
        read = recording_reads(monkeypatch)
        made = _counting_figures(monkeypatch)
        late = [_summary(client, survey, sol.pk).json() for _ in range(2)]
    assert late[0] == late[1] and late[0]["being_updated"] is True
    # Ten answers, as decided (number questions' medians wait for the new decision: today's answers).
    for part in ("group", "questions"):
        assert late[0][part] == current[part]
    assert not [key for key in read if key.startswith(f"mv-disclosure:{earlier}:")]
    assert made == []  # every figure as worked out while the decision was the current one


@pytest.mark.usefixtures("in_english")
@override_settings(CACHES=SHARED)
def test_figures_of_earlier_decisions_are_worked_out_once_per_worker(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that first meets a decision as the earlier one works out its figures on the first
    request only; the next requests (the answers changed again, still being decided) read them."""
    survey, sol, client = _ten_answers_decided(demo, client_as)
    with override_settings(TASKS=DB_TASKS):
        erase_one(survey, sol)
        _a_web_worker()
        _no_deciding(monkeypatch)
        made = _counting_figures(monkeypatch)
        first = _summary(client, survey, sol.pk).json()
        assert first["being_updated"] is True and made
        made.clear()
        erase_one(survey, sol)  # another new data version, again not decided
        again = _summary(client, survey, sol.pk).json()
    assert again == first and made == []
    disclosure.clear_cache()


@pytest.mark.usefixtures("in_english")
def test_while_warm_results_watches_new_answers_start_no_job(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bench/mixed (issue 21): every page after a new answer started a job that decided the round
    again in the job worker, at full priority beside the web server, while ``warm_results
    --watch`` (nice +10) decided the same answers. While the watcher runs, pages show the earlier
    decisions and leave the new ones to it; when it is gone, they ask the job worker again."""
    import time

    survey, sol, client = _ten_answers_decided(demo, client_as)
    jobs = Job.objects.count()
    with override_settings(TASKS=DB_TASKS):
        erase_one(survey, sol)
        _no_deciding(monkeypatch)
        disclosure.watcher_seen(5)  # as warm_results --watch 5 does on every pass
        late = _summary(client, survey, sol.pk).json()
        page = client.get(f"/results/{survey.pk}/?unit={sol.pk}").content.decode()
        assert late["being_updated"] is True and late["group"]["respondents"] == 10
        assert "Being updated." in page and "?then=refresh" not in page  # no job to follow
        assert "Load the page again in a minute or two to see the new figures." in page  # so say how
        assert Job.objects.count() == jobs
        disclosure.shared_set(disclosure._WATCH_KEY, (time.time() - 61, 5))  # not seen for a minute
        assert _summary(client, survey, sol.pk).json()["being_updated"] is True
        assert Job.objects.filter(status=JobStatus.QUEUED).get().kind == DECIDE_JOB


# A shared cache whose default timeout keeps nothing: only what is stored for a set time is kept.
KEEPS_NOTHING_BY_DEFAULT = {
    **SHARED,
    "disclosure": {**SHARED["disclosure"], "LOCATION": "test-no-default", "TIMEOUT": 0},
}


@override_settings(CACHES=KEEPS_NOTHING_BY_DEFAULT)
def test_the_latest_decision_is_offered_as_long_as_it_is_kept(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which decision is the latest was kept for the cache's default time only (5 minutes): after
    that, new answers sent every page to a progress page (202 from the API) until the worker had
    decided again, minutes on a busy server (bench/mixed, issue 21)."""
    disclosure.clear_cache()
    survey, sol = _closed_with_ten(demo)
    SurveyResults(survey).disclosure.decide()
    with override_settings(TASKS=DB_TASKS):
        erase_one(survey, sol)
        _a_web_worker()
        _no_deciding(monkeypatch)
        late = _summary(client_as("admin"), survey, sol.pk)
    assert late.status_code == 200
    assert late.json()["being_updated"] is True and late.json()["group"]["respondents"] == 10
    disclosure.clear_cache()
