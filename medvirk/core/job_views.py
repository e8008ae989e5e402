"""The status page of a background job (``/jobs/<id>/``) and its result download."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .jobs import access_job_by_id, kind_label
from .models import Job
from .views import staff_view

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


@staff_view
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """Show a job's progress; htmx polls the fragment, without JavaScript the page refreshes."""
    job = access_job_by_id(request.user, job_id)
    if request.headers.get("HX-Request"):
        return job_fragment(request, job)
    context = {"job": job, "label": kind_label(job.kind), "poll_url": request.path}
    return render(request, "core/job_detail.html", context)


@staff_view
def job_download(request: HttpRequest, job_id: int) -> FileResponse:
    """Send the job's result file (only to whoever may see the job)."""
    return result_response(access_job_by_id(request.user, job_id))


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
