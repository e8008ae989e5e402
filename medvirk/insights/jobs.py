"""Background jobs of the results module (found by ``medvirk.core.jobs``): response-level
exports and the reports (PDF) of districts and the whole municipality.

A large export takes minutes, and a report of many units (every unit is compared with the others
on every question) too long for a request, so both run in the worker and are kept with the job
(7 days, like every job result): closing the page loses nothing. Each job checks again, when it
runs, everything the direct download checks when it is asked for (the right on the unit; for an
export also the survey's anonymity mode and the unit's respondent count being shown): rights may
be taken away, or the mode changed, while the job waits in the queue.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from medvirk.accounts.models import User
from medvirk.accounts.permissions import Perm
from medvirk.core.errors import CoreErrorCode, ServiceError
from medvirk.core.jobs import JobPending, JobResult, Progress, job_handler, start_or_join
from medvirk.core.models import Job
from medvirk.surveys.models import AnonymityMode

from . import benchmark as national
from . import exports, reports, selectors, services
from .disclosure import NotReady
from .enums import InsightsErrorCode
from .pdf import report_filename, report_pdf_bytes
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
    params = {"survey_id": results.survey.pk, "unit_id": node_id, "format": fmt}
    return _start_once(kind=EXPORT_JOB, actor=actor, municipality=results.survey.municipality, params=params)


def _start_once(*, kind: str, actor: User, municipality: Any, params: dict[str, Any]) -> Job:
    """Start a job, or return the same user's same job while it still waits or runs."""
    return start_or_join(kind=kind, municipality=municipality, user=actor, params=params)


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


REPORT_JOB = "insights.report_pdf"


def report_in_background(results: SurveyResults, node_id: int) -> bool:
    """Whether the unit's report (PDF) is made in the background: a district's or the municipality's.

    Their reports compare every unit below them on every question and take far longer than the
    page (issue 21); a unit without units below it is made in the request, about as fast as its
    results page (bench/equity/RESULTS.md).
    """
    return bool(results.tree.children.get(node_id))


def report_start(*, actor: User, results: SurveyResults, node_id: int) -> Job:
    """Queue the report (PDF) of unit ``node_id``; return its job (the same while one waits or runs).

    The caller has checked that ``actor`` may see the unit's results; the job checks it again
    when it runs, as ``actor``.
    """
    params = {"survey_id": results.survey.pk, "unit_id": node_id}
    return _start_once(kind=REPORT_JOB, actor=actor, municipality=results.survey.municipality, params=params)


@job_handler(REPORT_JOB, label=gettext_lazy("Preparing the report (PDF)"))
def report_pdf(job: Job, progress: Progress) -> JobResult:
    """Work out the report's figures as the user who asked, lay out its pages and write the PDF."""
    params, user = job.params, job.created_by
    refused = ServiceError(
        CoreErrorCode.FORBIDDEN, _("You may no longer see this unit's results, so no report was made.")
    )
    if user is None:
        raise refused
    try:
        survey, tree, node_id = selectors.access_survey_results(
            user=user, survey_id=params.get("survey_id"), unit_id=params.get("unit_id")
        )
    except Http404:
        raise refused from None
    if survey.municipality_id != job.municipality_id:
        raise refused
    steps = {"layout": (1, _("Laying out the pages")), "write": (2, _("Writing the file"))}
    progress(0, 3, _("Working out the figures"))
    results = as_shown(survey, tree)
    try:
        overview = reports.overview(user, results, node_id, bench=national.benchmark(results))
    except NotReady:  # a part of the earlier decisions shown is gone: decide here, in the worker
        results = SurveyResults(survey, tree)
        overview = reports.overview(user, results, node_id, bench=national.benchmark(results))
    pdf = report_pdf_bytes(
        overview, results.policy.threshold, progress=lambda step: progress(steps[step][0], 3, steps[step][1])
    )
    return JobResult(
        file=pdf,
        filename=report_filename(overview),
        content_type="application/pdf",
        data={"survey_id": survey.pk, "unit_id": node_id},
        message=_("The report is ready."),
    )


def as_shown(survey: Any, tree: Any) -> SurveyResults:
    """Return the round's results as its pages show them now: the current decisions, else the
    latest earlier ones ("being updated"; the request that started the job showed those, and
    the PDF it lays out is then read by the next download), else decided here in the worker."""
    from .disclosure import latest

    results = SurveyResults(survey, tree)
    if results.disclosure.ready():
        return results
    earlier = latest(survey, tree, results.disclosure._state)
    if earlier is None:
        return results
    return SurveyResults(survey, tree, disclosure=earlier)


# --- the round's anonymity decisions, made in the worker (issue 16) -------------------------------

DECIDE_JOB = "insights.decide"


class ResultsPending(JobPending):
    """No decision of the round is at hand yet; ``job`` is making it (show its progress)."""


def decide_start(*, user: Any, survey: Any, next_url: str = "") -> Job:
    """Queue the making of a round's decisions for its current answers; return the job.

    While the same user's job for the round still waits or runs, that job is returned. The job
    finds what another process (``warm_results --watch``, another user's job) has made.
    """
    params = {"survey_id": survey.pk, "next": next_url}
    return start_or_join(
        kind=DECIDE_JOB, municipality=survey.municipality, user=user, params=params, match=["survey_id"]
    )


def _job_survey(job: Job) -> Any:
    """Return the job's survey round, refusing when it was deleted while the job waited."""
    from medvirk.surveys.models import Survey

    survey = Survey.objects.filter(
        pk=job.params.get("survey_id"), municipality_id=job.municipality_id
    ).first()
    if survey is None:
        raise ServiceError(InsightsErrorCode.SURVEY_GONE, _("The survey no longer exists."))
    return survey


def _deciding(progress: Progress) -> Callable[[int, int], None]:
    """Say the round's figures are being decided; return the progress of the questions done."""
    message = _("Working out which figures can be shown without revealing anyone")
    progress(0, 0, message)
    return lambda done, total: progress(done, total, message)


@job_handler(DECIDE_JOB, label=gettext_lazy("Preparing the results"))
def decide_round(job: Job, progress: Progress) -> JobResult:
    """Make every anonymity decision of the round's current answers, reporting questions done."""
    from .disclosure import deciding

    survey = _job_survey(job)
    questions_done = _deciding(progress)
    with deciding(survey):  # after another process deciding the round (warm_results) has done so
        results = SurveyResults(survey)  # the answers as they are now: theirs are found, not redone
        results.disclosure.decide(progress=questions_done)
    return JobResult(url=job.params.get("next", ""), message=_("The results are ready."))


def recover(*, user: Any, survey: Any, next_url: str) -> Job | None:
    """Ask the worker for a round's current decisions after ``disclosure.NotReady``; return its job.

    ``NotReady`` while a page is made means the earlier decisions it was showing lost a part
    (the shared cache evicted it; they are forgotten, see ``SurveyDisclosure.forget``). Returns
    None when the current decisions are at hand at once (the immediate task backend, another
    process): make the page again. Else show the job's progress (pages) or answer 202 (API).
    """
    from .disclosure import SurveyDisclosure

    job = decide_start(user=user, survey=survey, next_url=next_url)
    return None if SurveyDisclosure(survey).ready() else job


def prepared_results(*, user: Any, results: SurveyResults, next_url: str) -> SurveyResults:
    """Return a round's results for a page or API call, never making a decision in the request.

    ``results`` as :func:`.tables.access_results` returns them. The current answers' decisions
    when they are made; else the worker is asked to make them (at once in tests and with the
    immediate task backend) and, meanwhile, the latest earlier decisions are shown with the
    counts they were made from (``results.stale``). Raises :class:`ResultsPending` when the
    round has none yet. While ``warm_results --watch`` runs (``disclosure.watched``), the
    earlier decisions are shown without asking the job worker: the watcher decides the new
    answers shortly, at a lower CPU priority than the web server (``updating_job`` is None).
    """
    from .disclosure import latest, watched

    if results.disclosure.ready():
        return results
    survey = results.survey
    if watched() and (earlier := latest(survey, results.tree, results.disclosure._state)) is not None:
        return SurveyResults(survey, results.tree, disclosure=earlier)
    job = decide_start(user=user, survey=survey, next_url=next_url)
    if results.disclosure.ready():
        return results
    earlier = latest(survey, results.tree, results.disclosure._state)
    if earlier is None:
        raise ResultsPending(job)
    shown = SurveyResults(survey, results.tree, disclosure=earlier)
    shown.updating_job = job  # pages show how far the new figures have come
    return shown


# --- the equity report, worked out ahead (issue 21; insights/equity_ahead.py) --------------------

EQUITY_JOB = "insights.equity"


def equity_start(
    *, user: Any, survey: Any, unit: Any, language: str, practical_size: float, next_url: str = ""
) -> Job:
    """Queue the making of a unit's equity report for the round's current data; return the job.

    While the same user's job for the same report still waits or runs, that job is returned.
    """
    params = {
        "survey_id": survey.pk,
        "unit_id": unit.pk,
        "language": language,
        "practical_size": practical_size,
    }
    return start_or_join(
        kind=EQUITY_JOB,
        municipality=survey.municipality,
        user=user,
        params={**params, "next": next_url},
        match=list(params),
    )


@job_handler(EQUITY_JOB, label=gettext_lazy("Preparing the equity report"))
def prepare_equity(job: Job, progress: Progress) -> JobResult:
    """Decide the round (free when done), then work out the unit's equity report into the cache."""
    from medvirk.orgs.models import OrgUnit

    from . import equity_ahead

    params = job.params
    survey = _job_survey(job)
    unit = OrgUnit.objects.filter(pk=params.get("unit_id"), municipality_id=job.municipality_id).first()
    if unit is None:
        raise ServiceError(InsightsErrorCode.SURVEY_GONE, _("The survey no longer exists."))
    equity_ahead.prepare(
        survey,
        unit,
        language=params.get("language") or job.language,
        practical_size=float(params.get("practical_size", equity_ahead.PRACTICAL_SIZE)),
        progress=_deciding(progress),
    )
    return JobResult(url=params.get("next", ""), message=_("The equity report is ready."))


# --- the national benchmark, worked out ahead (issue 21; insights/benchmark.py) ------------------

NATIONAL_JOB = "insights.national"


def national_start(*, user: Any, survey: Any, language: str, next_url: str = "") -> Job:
    """Queue the making of a round's national benchmark for every municipality's current answers.

    While the same user's job for the round and language still waits or runs, that job is returned.
    """
    return start_or_join(
        kind=NATIONAL_JOB,
        municipality=survey.municipality,
        user=user,
        params={"survey_id": survey.pk, "language": language, "next": next_url},
        match=["survey_id", "language"],
    )


@job_handler(NATIONAL_JOB, label=gettext_lazy("Preparing the national benchmark"))
def prepare_national(job: Job, progress: Progress) -> JobResult:
    """Decide the round (free when done), then pool the template's answers and decide the benchmark."""
    national.prepare(
        _job_survey(job),
        progress=_deciding(progress),
        language=job.params.get("language") or job.language,
    )
    return JobResult(url=job.params.get("next", ""), message=_("The national benchmark is ready."))
