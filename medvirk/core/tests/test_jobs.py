"""Background jobs: start, progress, result, failure, access, status page, API, worker, purge."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from medvirk.core.actors import SystemActor
from medvirk.core.errors import ErrorCode, ServiceError
from medvirk.core.jobs import JobResult, Progress, execute_job, job_handler, jobs_purge, start_job
from medvirk.core.models import Job, JobStatus
from tests.jobs import DB_TASKS, make_job, run_worker

pytestmark = pytest.mark.django_db
SEEN: list[tuple[int, int, str]] = []


@job_handler("tests.count", label="Counting")
def _count(job: Job, progress: Progress) -> JobResult:
    n = job.params["n"]
    for i in range(n):
        progress(i, n, "Counting")
        SEEN.append((i, n, Job.objects.get(pk=job.pk).status))
    return JobResult(file=("x" * n).encode(), filename="count.txt", content_type="text/plain", data={"n": n})


@job_handler("tests.stream")
def _stream(job: Job, progress: Progress) -> JobResult:
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the job framework closes it)
    out.write(b"y" * job.params["n"])
    return JobResult(file=out, filename="stream.txt", content_type="text/plain")


class _TestCode(ErrorCode):
    POOL_EMPTY = "pool_empty"


@job_handler("tests.refuse")
def _refuse(job: Job, progress: Progress) -> None:
    raise ServiceError(_TestCode.POOL_EMPTY, "The pool is empty, so nothing can be drawn.")


@job_handler("tests.crash")
def _crash(job: Job, progress: Progress) -> None:
    raise RuntimeError("internal detail that must not reach the user")


def _start(demo: Any, user: str = "koordinator", kind: str = "tests.count", n: int = 3) -> Job:
    return start_job(kind=kind, municipality=demo.municipality, user=demo.users[user], params={"n": n})


def test_job_runs_reports_progress_and_stores_its_file(demo: Any) -> None:
    SEEN.clear()
    job = _start(demo, n=4)
    assert job.status == JobStatus.DONE
    assert [s for *_, s in SEEN] == ["running"] * 4  # the row says "running" while the handler works
    assert (job.done, job.total, job.result) == (4, 4, {"n": 4})
    assert job.result_file.read() == b"xxxx"
    assert f"jobs/{demo.municipality.pk}/{job.pk}/" in str(job.result_file.name)
    assert job.finished_at and job.expires_at > timezone.now() + timedelta(days=6)
    assert job.created_by == demo.users["koordinator"] and job.language == "en"


def test_an_open_file_result_is_copied_and_closed(demo: Any) -> None:
    job = _start(demo, kind="tests.stream", n=70_000)
    assert job.status == JobStatus.DONE and job.result_name == "stream.txt"
    assert job.result_file.read() == b"y" * 70_000


def test_start_job_refuses_an_unknown_kind(demo: Any) -> None:
    with pytest.raises(ValueError, match="No handler"):
        _start(demo, kind="tests.typo")
    assert not Job.objects.filter(kind="tests.typo").exists()


def test_service_error_is_shown_in_plain_words_and_crashes_hide_details(demo: Any, client_as: Any) -> None:
    refused = _start(demo, kind="tests.refuse")
    assert (refused.status, refused.error) == ("failed", "The pool is empty, so nothing can be drawn.")
    crashed = _start(demo, kind="tests.crash")
    assert crashed.status == "failed"
    assert "internal detail" not in crashed.error and "try again" in crashed.error
    page = client_as("koordinator").get(f"/jobs/{crashed.pk}/").content.decode()
    assert "Something went wrong" in page and "internal detail" not in page


def test_a_job_runs_once(demo: Any) -> None:
    SEEN.clear()
    job = _start(demo)
    execute_job(job.pk)  # a retried task finds the job finished and leaves it alone
    assert len(SEEN) == 3 and Job.objects.get(pk=job.pk).finished_at == job.finished_at


def _running(demo: Any, user: str = "koordinator") -> Job:
    return make_job(demo.users[user], "tests.count", JobStatus.RUNNING, done=3, total=10, message="Counting")


def test_status_page_while_running_polls_and_refreshes_without_javascript(demo: Any, client_as: Any) -> None:
    job = _running(demo)
    client = client_as("koordinator")
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert '<progress class="mv-progress" id="mv-job-progress" max="10" value="3">' in page
    assert "About 30 % done (3 of 10 steps)." in page and "Counting" in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert 'hx-trigger="every 2s"' in page and 'role="status"' in page and 'aria-live="polite"' in page
    fragment = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert "3 of 10" in fragment.content.decode()

    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, done=10, result_url="/panels/")
    final = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert final.status_code == 286  # htmx stops polling
    assert 'href="/panels/"' in final.content.decode()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "http-equiv" not in page and "hx-trigger" not in page and "<progress" not in page


def test_done_page_offers_the_download(demo: Any, client_as: Any) -> None:
    job = _start(demo, n=2)
    client = client_as("koordinator")
    assert f'href="/jobs/{job.pk}/download/"' in client.get(f"/jobs/{job.pk}/").content.decode()
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response["Content-Type"] == "text/plain"
    assert "count.txt" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"xx"


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("koordinator", 200),
        ("admin", 200),
        ("analytiker", 404),
        ("leder.solsikken", 404),
        ("provestad.admin", 404),
    ],
)
def test_only_the_creator_and_municipality_admins_see_a_job(
    demo: Any, client_as: Any, actor: str, status: int
) -> None:
    job = _start(demo)
    client = client_as(actor)
    assert client.get(f"/jobs/{job.pk}/").status_code == status
    assert client.get(f"/jobs/{job.pk}/download/").status_code == status
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == status
    assert client.get(f"/api/v1/jobs/{job.pk}/result").status_code == status


def test_missing_job_is_404_and_anonymous_goes_to_login(demo: Any, client_as: Any) -> None:
    assert client_as("admin").get("/jobs/999999/").status_code == 404
    job = _start(demo)
    assert client_as(None).get(f"/jobs/{job.pk}/")["Location"].startswith("/accounts/login/")


def test_api_reports_status_and_result(demo: Any, client_as: Any) -> None:
    job = _start(demo, n=5)
    body = client_as("koordinator").get(f"/api/v1/jobs/{job.pk}").json()
    assert body["status"] == "done" and (body["done"], body["total"]) == (5, 5)
    assert body["label"] == "Counting" and body["result"] == {"n": 5}
    assert body["download_url"] == f"/api/v1/jobs/{job.pk}/result"
    assert body["page_url"] == f"/jobs/{job.pk}/"
    result = client_as("koordinator").get(body["download_url"])
    assert b"".join(result.streaming_content) == b"xxxxx"


@override_settings(TASKS=DB_TASKS)
def test_database_backend_queues_the_job_and_the_worker_runs_it(demo: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    job = _start(demo, n=3)
    assert job.status == JobStatus.QUEUED and job.done == 0  # nothing ran in the request
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.task_path == "medvirk.core.jobs.run_job" and task.args_kwargs["args"] == [job.pk]
    run_worker("test-worker")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result_file.read() == b"xxx"
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


def test_purge_dry_run_counts_expired_jobs_and_keeps_them(demo: Any) -> None:
    old = _start(demo)
    Job.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()
    call_command(
        "purge_personal_data",
        "--dry-run",
        "--kind",
        "core.jobs",
        "--municipality",
        demo.municipality.code,
        stdout=out,
    )
    assert f"{demo.municipality.name}: core.jobs (kept 7 days): 1 would be removed" in out.getvalue()
    old.refresh_from_db()
    assert os.path.exists(old.result_file.path)  # neither the job nor its file is touched


def test_purge_deletes_expired_jobs_and_their_files(demo: Any) -> None:
    old, fresh = _start(demo), _start(demo)
    path = old.result_file.path
    Job.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()
    call_command("purge_jobs", stdout=out)
    assert "core.jobs (kept 7 days): 1 removed" in out.getvalue()
    assert list(Job.objects.filter(pk__in=[old.pk, fresh.pk])) == [fresh]
    assert not os.path.exists(path)
    assert jobs_purge(actor=SystemActor("test")) == 0
    with pytest.raises(TypeError):  # a person never purges jobs: only Medvirk's daily command
        jobs_purge(actor=demo.users["admin"])
