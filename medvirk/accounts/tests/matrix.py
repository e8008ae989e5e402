"""Permission-matrix cases of background jobs' pages (``accounts.job_views``) and API.

A job is visible to the user who started it and to administrators of the whole municipality:
own = a job the coordinator of Eksempel kommune started, foreign = one of Prøvestad kommune's
administrator.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils import timezone

from medvirk.accounts.demo import DemoData
from medvirk.core.models import Job, JobStatus
from tests.matrix_support import Case, api_call, in_

MEDIA = tempfile.mkdtemp(prefix="medvirk-matrix-jobs-")
TARGETS = ("own", "foreign")
SEE = {"koordinator": {"own"}, "admin": {"own"}, "provestad.admin": {"foreign"}}


def job_for(d: DemoData, t: str) -> Job:
    """Return (creating once per test) a finished job with a result file standing for ``t``."""
    municipality = d.other if t == "foreign" else d.municipality
    creator = d.users["provestad.admin" if t == "foreign" else "koordinator"]
    job = Job.objects.filter(municipality=municipality, kind="matrix.job").first()
    if job is None:
        job = Job.objects.create(
            municipality=municipality,
            kind="matrix.job",
            created_by=creator,
            status=JobStatus.DONE,
            expires_at=timezone.now() + timedelta(days=7),
            result_name="matrix.csv",
            result_type="text/csv",
        )
        with override_settings(MEDIA_ROOT=MEDIA):
            job.result_file.save("matrix.csv", ContentFile(b"a;b\n"), save=True)
    return job


def _with_media(call: Any) -> Any:
    def run(c: Any, d: DemoData, t: str) -> Any:
        with override_settings(MEDIA_ROOT=MEDIA):
            return call(c, d, t)

    return run


CASES = [
    Case("jobs:job_detail", lambda c, d, t: c.get(f"/jobs/{job_for(d, t).pk}/"), in_(SEE), targets=TARGETS),
    Case(
        "jobs:job_download",
        _with_media(lambda c, d, t: c.get(f"/jobs/{job_for(d, t).pk}/download/")),
        in_(SEE),
        targets=TARGETS,
    ),
    Case(
        "api:GET /api/v1/jobs/{job_id}",
        api_call("GET", lambda d, t: f"/api/v1/jobs/{job_for(d, t).pk}"),
        in_(SEE),
        api=True,
        targets=TARGETS,
    ),
    Case(
        "api:GET /api/v1/jobs/{job_id}/result",
        _with_media(api_call("GET", lambda d, t: f"/api/v1/jobs/{job_for(d, t).pk}/result")),
        in_(SEE),
        api=True,
        targets=TARGETS,
    ),
]
