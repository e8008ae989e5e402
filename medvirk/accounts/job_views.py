"""The status page of a background job (``/jobs/<id>/``) and its result download.

They live here, not in ``core`` with the jobs themselves, because who may see a job is an access
check on roles (``access.access_job_by_id``); ``core.job_views`` keeps what needs no check.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from medvirk.core.job_views import job_fragment, result_response
from medvirk.core.jobs import kind_label
from medvirk.core.models import JobStatus
from medvirk.core.views import staff_view

from .access import access_job_by_id


@staff_view
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """Show a job's progress; htmx polls the fragment, without JavaScript the page refreshes."""
    job = access_job_by_id(request.user, job_id)
    if request.headers.get("HX-Request"):
        response = job_fragment(request, job)
        if job.status == JobStatus.DONE and request.GET.get("then") == "refresh":
            # A page showing earlier figures while this job makes new ones: load it again.
            response["HX-Refresh"] = "true"
        elif job.status == JobStatus.DONE and job.result_url and not job.result_file:
            # Work that prepares a page (a round's results): whoever watched it finish is taken
            # there, as if the page had simply loaded; without JavaScript the link shows instead.
            response["HX-Redirect"] = job.result_url
        return response
    context = {"job": job, "label": kind_label(job.kind), "poll_url": request.path}
    return render(request, "core/job_detail.html", context)


@staff_view
def job_download(request: HttpRequest, job_id: int) -> FileResponse:
    """Send the job's result file (only to whoever may see the job)."""
    return result_response(access_job_by_id(request.user, job_id))
