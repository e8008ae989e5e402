"""What every module's job pages share: the htmx status fragment and the result download.

The pages themselves (``/jobs/<id>/``) check access on roles, so they live in ``accounts.job_views``.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Job

#: htmx stops polling when a fragment answers with this status (see htmx's "every" trigger).
HTMX_STOP_POLLING = 286


def job_fragment(request: HttpRequest, job: Job) -> HttpResponse:
    """Answer an htmx poll with the job's status fragment (telling htmx to stop once finished).

    Other modules use this for their own access-checked poll URLs (e.g. a panel's draw).
    """
    response = render(request, "core/_job_status.html", {"job": job})
    if job.finished and request.headers.get("HX-Request"):
        response.status_code = HTMX_STOP_POLLING
    return response


def result_response(job: Job) -> FileResponse:
    """Send a job's result file as a download (404 while there is none); pages and API share it."""
    if not job.result_file:
        raise Http404
    return FileResponse(
        job.result_file.open("rb"),
        as_attachment=True,
        filename=job.result_name or "result",
        content_type=job.result_type or "application/octet-stream",
    )
