"""Permission-matrix cases of background jobs' pages (``accounts.job_views``) and API.

A job is visible to the user who started it and to administrators of the whole municipality:
own = a job the coordinator of Eksempel kommune started, foreign = one of Prøvestad kommune's
administrator.
"""

from __future__ import annotations

import tempfile

from django.core.files.base import ContentFile
from django.test import override_settings

from medvirk.accounts.demo import DemoData
from medvirk.core.models import Job, JobStatus
from tests.jobs import make_job
from tests.matrix_support import api, in_, page, pk, with_settings

MEDIA = tempfile.mkdtemp(prefix="medvirk-matrix-jobs-")
TARGETS = ("own", "foreign")
SEE = {"koordinator": {"own"}, "admin": {"own"}, "provestad.admin": {"foreign"}}


def job_for(d: DemoData, t: str) -> Job:
    """Return (creating once per test) a finished job with a result file standing for ``t``."""
    municipality = d.other if t == "foreign" else d.municipality
    creator = d.users["provestad.admin" if t == "foreign" else "koordinator"]
    job = Job.objects.filter(municipality=municipality, kind="matrix.job").first()
    if job is None:
        job = make_job(
            creator, "matrix.job", JobStatus.DONE, result_name="matrix.csv", result_type="text/csv"
        )
        with override_settings(MEDIA_ROOT=MEDIA):
            job.result_file.save("matrix.csv", ContentFile(b"a;b\n"), save=True)
    return job


job_id = pk(job_for)


CASES = [
    page("jobs:job_detail", "/jobs/{j}/", in_(SEE), TARGETS, j=job_id),
    with_settings(
        page("jobs:job_download", "/jobs/{j}/download/", in_(SEE), TARGETS, j=job_id), MEDIA_ROOT=MEDIA
    ),
    api("GET /api/v1/jobs/{job_id}", in_(SEE), TARGETS, job_id=job_id),
    with_settings(
        api("GET /api/v1/jobs/{job_id}/result", in_(SEE), TARGETS, job_id=job_id), MEDIA_ROOT=MEDIA
    ),
]
