"""Response-level exports prepared in the background: file, progress, checks at run time, API."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.test import override_settings
from django.utils.http import content_disposition_header

from medvirk.accounts.demo import DemoData
from medvirk.accounts.models import RoleAssignment
from medvirk.core.jobs import execute_job
from medvirk.core.models import AuditEvent, Job, JobStatus
from tests.jobs import DB_TASKS

from .. import exports
from ..jobs import EXPORT_JOB
from ..tables import SurveyResults
from .factories import answer, answer_many, close, make_survey
from .sav_files import read_sav

pytestmark = pytest.mark.usefixtures("english_jobs")


@pytest.fixture
def survey(demo: DemoData):
    s = make_survey(demo, anonymous=True)
    sol = demo.units["Solsikken barnehage"]
    answer_many(s, sol, [3, 4, 5, 6, 6])
    answer(s, sol, overall=1, q_why='=HYPERLINK("http://x") eller ola@example.no')
    return close(s)


def _sol(demo: DemoData) -> int:
    return demo.units["Solsikken barnehage"].pk


def _start(client: Any, survey: Any, unit: int, fmt: str) -> Any:
    return client.post(f"/results/{survey.pk}/responses/prepare/?unit={unit}", {"format": fmt})


def _job(survey: Any) -> Job:
    return Job.objects.get(kind=EXPORT_JOB, params__survey_id=survey.pk)


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_job_writes_the_direct_export_and_is_audited(survey: Any, client_as: Any, demo: DemoData) -> None:
    client = client_as("analytiker")
    direct = client.get(f"/results/{survey.pk}/responses/?unit={_sol(demo)}&format=csv")
    direct_bytes = b"".join(direct.streaming_content)

    response = _start(client, survey, _sol(demo), "csv")
    job = _job(survey)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE, job.error
    assert (job.done, job.total) == (6, 6)
    assert job.result == {"survey_id": survey.pk, "unit_id": _sol(demo), "format": "csv", "rows": 6}
    assert job.message == "The file holds 6 responses."
    # named after the survey, its round and the unit, in the job's language (English here)
    assert job.result_name == "User survey 2026 – Solsikken barnehage – responses.csv"
    assert job.result_type.startswith("text/csv")
    stored = job.result_file.read()
    assert stored == direct_bytes  # the same rows, byte for byte
    text = "\n".join(",".join(r) for r in _csv(stored))
    assert "ola@example.no" not in text and "HYPERLINK" not in text  # no free text

    events = AuditEvent.objects.filter(action="results.raw_exported").order_by("id")
    assert [e.data for e in events] == [{"unit": _sol(demo), "format": "csv"}] * 2  # direct, then job

    page = client.get(response["Location"]).content.decode()
    assert "Preparing response-level data" in page and f"/jobs/{job.pk}/download/" in page
    download = client.get(f"/jobs/{job.pk}/download/")
    assert b"".join(download.streaming_content) == direct_bytes
    assert download["Content-Disposition"] == content_disposition_header(True, job.result_name)


def test_xlsx_and_sav_jobs_hold_every_response(survey: Any, client_as: Any, demo: DemoData) -> None:
    client = client_as("analytiker")
    expected = _csv(
        b"".join(client.get(f"/results/{survey.pk}/responses/?unit={_sol(demo)}").streaming_content)
    )

    _start(client, survey, _sol(demo), "xlsx")
    job = Job.objects.get(kind=EXPORT_JOB, params__format="xlsx")
    assert job.status == JobStatus.DONE and job.result_type == exports.XLSX_TYPE
    book = openpyxl.load_workbook(io.BytesIO(job.result_file.read()))
    rows = [["" if v is None else str(v) for v in row] for row in book.active.iter_rows(values_only=True)]
    assert rows == expected
    # The second sheet says what the file leaves out and withholds (free text; rare values).
    notes = [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert len(book.worksheets) == 2 and len(notes) == 5 and "year" in notes[2] and "ranges" in notes[3]
    assert "withheld" in notes[4]

    _start(client, survey, _sol(demo), "sav")
    job = Job.objects.get(kind=EXPORT_JOB, params__format="sav")
    assert job.status == JobStatus.DONE and job.result_name.endswith(".sav")
    frame, meta = read_sav(job.result_file.read())
    assert len(frame) == 6 and sorted(frame["q_overall"].tolist()) == [1, 3, 4, 5, 6, 6]
    assert dict(zip(meta.column_names, meta.column_labels, strict=True))["q_overall"]


def test_progress_counts_rows_written_of_all_responses(
    survey: Any, demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    results = SurveyResults(survey)
    seen: list[tuple[int, int, str]] = []
    out = io.BytesIO()
    rows = exports.raw_export_write(
        user=demo.users["analytiker"],
        results=results,
        node_id=_sol(demo),
        fmt="csv",
        out=out,
        progress=lambda done, total, message: seen.append((done, total, message)),
    )
    assert rows == 6 and seen == [
        (2, 6, "Writing responses"),
        (4, 6, "Writing responses"),
        (6, 6, "Writing responses"),
    ]
    assert len(_csv(out.getvalue())) == 7


@override_settings(TASKS=DB_TASKS)
def test_the_job_checks_the_right_again_when_it_runs(survey: Any, client_as: Any, demo: DemoData) -> None:
    SurveyResults(survey).disclosure.decide()  # as the worker has (pages never decide)
    client = client_as("analytiker")
    _start(client, survey, _sol(demo), "csv")
    job = _job(survey)
    assert job.status == JobStatus.QUEUED
    assert _start(client, survey, _sol(demo), "csv")["Location"] == f"/jobs/{job.pk}/"  # no second job
    assert Job.objects.filter(kind=EXPORT_JOB).count() == 1

    RoleAssignment.objects.filter(user=demo.users["analytiker"]).delete()  # the right is taken away
    execute_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.result_file
    assert job.error == "You may no longer export response-level data of this unit, so no file was made."
    assert not AuditEvent.objects.filter(action="results.raw_exported").exists()


@override_settings(TASKS=DB_TASKS)
def test_the_job_refuses_when_the_anonymity_mode_changed(survey: Any, client_as: Any, demo: DemoData) -> None:
    SurveyResults(survey).disclosure.decide()  # as the worker has (pages never decide)
    _start(client_as("analytiker"), survey, _sol(demo), "sav")
    survey.anonymity_mode = "aggregate_only"
    survey.save()
    job = _job(survey)
    execute_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.result_file
    assert "anonymity mode does not allow" in job.error
    assert not AuditEvent.objects.filter(action="results.raw_exported").exists()


def test_start_needs_the_right_an_anonymous_survey_and_post(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    assert _start(client_as("leder.solsikken"), survey, _sol(demo), "csv").status_code == 404
    analyst = client_as("analytiker")
    assert analyst.get(f"/results/{survey.pk}/responses/prepare/?unit={_sol(demo)}").status_code == 405
    bad = _start(analyst, survey, _sol(demo), "pdf")
    assert bad.status_code == 302 and bad["Location"] == f"/results/{survey.pk}/?unit={_sol(demo)}"
    survey.anonymity_mode = "aggregate_only"
    survey.save()
    assert _start(analyst, survey, _sol(demo), "csv").status_code == 404
    assert not Job.objects.filter(kind=EXPORT_JOB).exists()


def test_large_units_get_excel_and_spss_only_in_the_background(
    survey: Any, client_as: Any, demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_as("analytiker")
    base = f"/results/{survey.pk}/"
    page = client.get(f"{base}?unit={_sol(demo)}").content.decode()
    assert (
        "Download responses (SPSS)" in page and f'action="{base}responses/prepare/?unit={_sol(demo)}"' in page
    )

    monkeypatch.setattr(exports, "DIRECT_EXPORT_MAX_RESPONSES", 5)
    page = client.get(f"{base}?unit={_sol(demo)}").content.decode()
    assert "responses/?unit" in page and "format=sav" not in page and "Download responses (Excel)" not in page
    assert "With more than 5 responses, Excel and SPSS files are made only this way." in page
    assert client.get(f"{base}responses/?unit={_sol(demo)}&format=csv").status_code == 200  # CSV streams
    refused = client.get(f"{base}responses/?unit={_sol(demo)}&format=xlsx", follow=True)
    assert refused.redirect_chain[0][0] == f"{base}?unit={_sol(demo)}"
    assert "prepare the Excel or SPSS file in the background" in refused.content.decode()
    api = client.get(f"/api/v1/results/surveys/{survey.pk}/responses?unit_id={_sol(demo)}&format=sav")
    assert api.status_code == 400 and api.json()["error"]["code"] == "export_too_large"
    assert _start(client, survey, _sol(demo), "xlsx").status_code == 302
    assert Job.objects.get(kind=EXPORT_JOB).status == JobStatus.DONE


def test_api_starts_the_export_and_the_jobs_api_serves_it(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    client = client_as("analytiker")
    url = f"/api/v1/results/surveys/{survey.pk}/exports"
    response = client.post(url, {"unit_id": _sol(demo), "format": "xlsx"}, content_type="application/json")
    assert response.status_code == 202
    body = response.json()
    status = client.get(f"/api/v1/jobs/{body['job_id']}").json()
    assert body["job"]["id"] == body["job_id"] and status["kind"] == EXPORT_JOB
    assert status["status"] == "done" and (status["done"], status["total"]) == (6, 6)
    assert status["result"]["rows"] == 6
    result = client.get(status["download_url"])
    assert result["Content-Type"] == exports.XLSX_TYPE
    book = openpyxl.load_workbook(io.BytesIO(b"".join(result.streaming_content)))
    assert len(list(book.active.iter_rows())) == 7
    # Only the one who started it (or an administrator of the whole municipality) sees the job.
    assert client_as("analytiker.nord").get(f"/api/v1/jobs/{body['job_id']}").status_code == 404

    bad = client.post(url, {"unit_id": _sol(demo), "format": "pdf"}, content_type="application/json")
    assert bad.status_code == 422
    leader = client_as("leder.solsikken").post(url, {"unit_id": _sol(demo)}, content_type="application/json")
    assert leader.status_code == 404 and leader.json()["error"]["code"] == "not_found"
    survey.anonymity_mode = "aggregate_only"
    survey.save()
    assert client.post(url, {"unit_id": _sol(demo)}, content_type="application/json").status_code == 404
    assert Job.objects.filter(kind=EXPORT_JOB).count() == 1
