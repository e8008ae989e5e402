"""API endpoints of background jobs: status and progress, and the result file.

A job is visible to the user who started it and to administrators of the whole municipality
(404 otherwise, for missing and forbidden alike).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema

from medvirk.accounts.access import access_job_by_id
from medvirk.core.job_views import result_response
from medvirk.core.jobs import kind_label
from medvirk.core.models import Job

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    label: str
    status: str
    done: int
    total: int
    message: str
    error: str
    result: dict[str, Any]
    result_url: str
    download_url: str | None
    page_url: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    expires_at: datetime.datetime


def job_out(job: Job) -> dict[str, object]:
    """Return the API form of a job (also used by modules that start jobs)."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "label": kind_label(job.kind),
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "error": job.error,
        "result": job.result,
        "result_url": job.result_url,
        "download_url": f"/api/v1/jobs/{job.pk}/result" if job.result_file else None,
        "page_url": job.get_absolute_url(),
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "expires_at": job.expires_at,
    }


@router.get("/jobs/{job_id}", response=JobOut)
def get_job(request: HttpRequest, job_id: int) -> dict[str, object]:
    """A background job's status and progress (poll until ``status`` is ``done`` or ``failed``)."""
    return job_out(access_job_by_id(request.user, job_id))


@router.get("/jobs/{job_id}/result")
def get_job_result(request: HttpRequest, job_id: int) -> FileResponse:
    """The job's result file (404 while there is none)."""
    return result_response(access_job_by_id(request.user, job_id))
