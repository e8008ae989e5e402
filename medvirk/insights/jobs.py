"""Background jobs of the results module: response-level exports (found by ``medvirk.core.jobs``).

A large export takes minutes, so it runs in the worker and is kept with the job (7 days, like
every job result): closing the page loses nothing. The job checks again, when it runs, everything
the direct download checks when it is asked for (the raw-export right on the unit, the survey's
anonymity mode, the unit's respondent count being shown): rights may be taken away, or the mode
changed, while the job waits in the queue.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from medvirk.accounts.models import User
from medvirk.accounts.permissions import Perm
from medvirk.core.errors import CoreErrorCode, ServiceError
from medvirk.core.jobs import JobResult, Progress, job_abandon_if_stalled, job_handler, start_job
from medvirk.core.models import Job, JobStatus
from medvirk.surveys.models import AnonymityMode

from . import exports, selectors, services
from .enums import InsightsErrorCode
from .tables import SurveyResults

EXPORT_JOB = "insights.export"


def export_start(*, actor: User, results: SurveyResults, node_id: int, fmt: str) -> Job:
    """Queue the response-level export of unit ``node_id`` in ``fmt``; return its job.

    The export runs as ``actor`` (a staff user: the job checks their right again when it runs).
    While the same user's job for the same export is still waiting or running, that job is
    returned instead of a second.
    """
    if not exports.raw_export_allowed(actor, results, node_id):
        raise ServiceError(CoreErrorCode.FORBIDDEN, _("You cannot export response-level data of this unit."))
    if fmt not in exports.RAW_FORMATS:
        raise ServiceError(InsightsErrorCode.INVALID_FORMAT, _("Choose CSV, Excel or SPSS."), field="format")
    survey = results.survey
    params = {"survey_id": survey.pk, "unit_id": node_id, "format": fmt}
    pending = (
        Job.objects.filter(
            municipality=survey.municipality,
            kind=EXPORT_JOB,
            created_by=actor,
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
            **{f"params__{key}": value for key, value in params.items()},
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if pending is not None and not job_abandon_if_stalled(pending):
        return pending
    return start_job(kind=EXPORT_JOB, municipality=survey.municipality, user=actor, params=params)


def _not_allowed() -> ServiceError:
    return ServiceError(
        InsightsErrorCode.EXPORT_NOT_ALLOWED,
        _("You may no longer export response-level data of this unit, so no file was made."),
    )


def _checked(job: Job) -> tuple[Any, SurveyResults, int, str]:
    """Return (user, results, unit, format) after the direct download's checks, made again now."""
    params, user = job.params, job.created_by
    fmt = params.get("format")
    if user is None or fmt not in exports.RAW_FORMATS:
        raise _not_allowed()
    try:
        survey, tree, node_id = selectors.access_survey_results(
            user=user,
            survey_id=params.get("survey_id"),
            unit_id=params.get("unit_id"),
            perm=Perm.RESULTS_EXPORT_RAW,
        )
    except Http404:
        raise _not_allowed() from None
    if survey.municipality_id != job.municipality_id:
        raise _not_allowed()
    if survey.anonymity_mode != AnonymityMode.ANONYMOUS:
        raise ServiceError(
            InsightsErrorCode.ANONYMITY_MODE,
            _("This survey's anonymity mode does not allow response-level exports, so no file was made."),
        )
    results = SurveyResults(survey, tree)
    if not exports.raw_export_allowed(user, results, node_id):
        raise ServiceError(
            InsightsErrorCode.TOO_FEW_RESPONSES,
            _("The unit has too few responses to export them, so no file was made."),
        )
    return user, results, node_id, fmt


@job_handler(EXPORT_JOB, label=gettext_lazy("Preparing response-level data"))
def export_responses(job: Job, progress: Progress) -> JobResult:
    """Write the export to the job's result file in chunks, reporting rows written of the total."""
    user, results, node_id, fmt = _checked(job)
    total = exports.raw_export_total(results, node_id)
    progress(0, total, _("Writing responses"))
    services.raw_export_record(
        actor=user, survey=results.survey, unit=results.tree.nodes[node_id].unit, fmt=fmt
    )
    filename = exports.raw_export_filename(results, node_id, fmt)
    # Handed over to the job framework, which copies it into storage in chunks and closes it.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        rows = exports.raw_export_write(
            user=user, results=results, node_id=node_id, fmt=fmt, out=out, progress=progress
        )
    except BaseException:
        out.close()
        raise
    return JobResult(
        file=out,
        filename=filename,
        content_type=exports.RAW_CONTENT_TYPES[fmt],
        data={"survey_id": results.survey.pk, "unit_id": node_id, "format": fmt, "rows": rows},
        message=ngettext("The file holds %(rows)d response.", "The file holds %(rows)d responses.", rows)
        % {"rows": rows},
    )
