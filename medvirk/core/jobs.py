"""Background jobs with progress, on Django's Tasks framework (the ``django-tasks`` backport).

A module registers a handler for a job kind in its ``jobs.py`` (found automatically, like
``admin.py``)::

    from medvirk.core.jobs import JobResult, Progress, job_handler

    @job_handler("insights.export")
    def export(job: Job, progress: Progress) -> JobResult:
        rows = ...
        for i, row in enumerate(rows):
            progress(i, len(rows), _("Writing rows"))
        return JobResult(file=data, filename="results.xlsx", content_type="...")

(``file`` may be bytes or an open binary file, e.g. a ``tempfile.TemporaryFile`` written in
chunks: it is copied into storage in chunks and closed, so large results are never held whole)

and starts one from a view or service with
``start_job(kind="insights.export", municipality=m, user=request.user, params={...})``, then
redirects to ``job.get_absolute_url()`` (``/jobs/<id>/``). The handler runs in the
``db_worker`` process (in tests: at once, with the immediate backend). It raises
:class:`~medvirk.core.errors.ServiceError` to fail with a message the user can read; any other
exception fails the job with a general message and logs the traceback.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django_tasks import task

from .actors import SystemActor, ensure_system
from .errors import ServiceError
from .models import Job, JobStatus

logger = logging.getLogger(__name__)

#: ``progress(done, total, message)``: report how far the handler has come (cheap to call often).
Progress = Callable[[int, int, str], None]


@dataclass
class JobResult:
    """What a handler returns: a file to download and/or a page to go to, plus small data."""

    file: bytes | IO[bytes] | None = None  # an open file is copied in chunks, then closed
    filename: str = ""
    content_type: str = "application/octet-stream"
    url: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    message: str = ""


Handler = Callable[[Job, Progress], JobResult | None]
_HANDLERS: dict[str, Handler] = {}
_LABELS: dict[str, Any] = {}
_discovered = False


def job_handler(kind: str, *, label: Any = None) -> Callable[[Handler], Handler]:
    """Register ``handler(job, progress)`` for jobs of ``kind``; ``label`` names it on the page."""

    def register(handler: Handler) -> Handler:
        if _HANDLERS.get(kind, handler) is not handler:
            raise ValueError(f"A handler for job kind {kind!r} is already registered.")
        _HANDLERS[kind] = handler
        _LABELS[kind] = label
        return handler

    return register


def kind_label(kind: str) -> str:
    """Return the readable name of a job kind (a general one for unknown kinds)."""
    with contextlib.suppress(ValueError):
        handler_for(kind)
    return str(_LABELS.get(kind) or _("Background work"))


def handler_for(kind: str) -> Handler:
    """Return the handler of ``kind``, importing every app's ``jobs`` module once if needed."""
    global _discovered
    if kind not in _HANDLERS and not _discovered:
        autodiscover_modules("jobs")
        _discovered = True
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise ValueError(f"No handler is registered for job kind {kind!r}.") from None


def start_job(*, kind: str, municipality: Any, user: Any, params: dict[str, Any] | None = None) -> Job:
    """Create a job and queue it for the worker; return it (it may already be done in tests).

    ``user`` is the staff user (``accounts.User``, which core cannot import) the job works for
    (None: Medvirk itself); modules' services check
    the user's right before they start a job. ``params`` must be JSON data (ids, not objects). In
    a transaction the worker sees the job only after the commit, so a job never starts before the
    rows it needs exist.
    """
    handler_for(kind)  # fail early on a typo, not in the worker
    job = Job.objects.create(
        municipality=municipality,
        kind=kind,
        created_by_id=getattr(user, "pk", None) or None,
        params=params or {},
        language=translation.get_language() or settings.LANGUAGE_CODE,
        expires_at=timezone.now() + timedelta(days=_retention_days(municipality)),
    )
    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


class _Reporter:
    """The ``progress`` callable handed to a handler; writes at most every half second."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.last = 0.0
        self.message = ""

    def __call__(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        message = str(message)[:300]
        if now - self.last < 0.5 and message == self.message and done < total:
            return
        self.last, self.message = now, message
        done, total = max(0, int(done)), max(0, int(total))
        Job.objects.filter(pk=self.job.pk).update(
            done=min(done, total) if total else done, total=total, message=message, updated_at=timezone.now()
        )


def execute_job(job_id: int) -> None:
    """Run a queued job's handler and store its outcome (the worker calls this through ``run_job``)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id, status=JobStatus.QUEUED).first()
        if job is None:  # already run (a retried task) or purged
            return
        job.status = JobStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    try:
        # Messages written by the handler are in the language of whoever started the job.
        with translation.override(job.language or settings.LANGUAGE_CODE):
            outcome = handler_for(job.kind)(job, _Reporter(job)) or JobResult()
    except ServiceError as error:
        _finish(job, JobStatus.FAILED, error=str(error.message))
        return
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            general = _("Something went wrong and the work was stopped. Please try again.")
        _finish(job, JobStatus.FAILED, error=general)
        return
    job.refresh_from_db(fields=["done", "total", "message"])
    if outcome.file is not None:
        name = outcome.filename or "result"
        if isinstance(outcome.file, bytes):
            job.result_file.save(name, ContentFile(outcome.file), save=False)
        else:
            with outcome.file:
                outcome.file.seek(0)
                job.result_file.save(name, File(outcome.file, name=name), save=False)
        job.result_name, job.result_type = name, outcome.content_type
    job.result, job.result_url = outcome.data, outcome.url
    # What the finished page says: the handler's closing words, never its last step's message.
    job.message = outcome.message[:300]
    if job.total:
        job.done = job.total
    _finish(job, JobStatus.DONE)


def job_abandon_if_stalled(job: Job) -> bool:
    """Mark a stalled job (its worker died) as failed so the work can be started again.

    Return whether it was stalled. A worker that comes back to it later finds it finished.
    """
    if not job.stalled:
        return False
    _finish(job, JobStatus.FAILED, error=_("The work stopped on the server before it finished."))
    return True


def _finish(job: Job, status: str, *, error: str = "") -> None:
    job.status, job.error = status, error
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + timedelta(days=_retention_days(job.municipality_id))
    job.save()


@task()
def run_job(job_id: int) -> None:
    """The one task every job goes through: look up the handler by the job's kind and run it."""
    execute_job(job_id)


class JobPending(Exception):
    """What a page asked for is not at hand yet: ``job`` is making it (the page shows its progress).

    Each module raises its own subclass (``insights.jobs.ResultsPending``, …).
    """

    def __init__(self, job: Job) -> None:
        super().__init__(job)
        self.job = job


def latest_job(*, municipality: Any, kind: str, param: str, value: Any) -> Job | None:
    """Return the newest job of ``kind`` whose ``params[param] == value`` (e.g. a panel's draw)."""
    return (
        Job.objects.filter(municipality=municipality, kind=kind, **{f"params__{param}": value})
        .order_by("-created_at", "-id")
        .first()
    )


def start_or_join(
    *, kind: str, municipality: Any, user: Any, params: dict[str, Any], match: Iterable[str] | None = None
) -> Job:
    """Return the user's job of ``kind`` with the same ``params`` (only those named in ``match``,
    if given) that still waits or runs, else start one: work a page may ask for on every visit
    (a round's anonymity decisions, an export) is queued once. A stalled job (its worker died)
    is marked failed and a new one started.
    """
    pending = (
        Job.objects.filter(
            municipality=municipality,
            kind=kind,
            created_by=user,
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
            **{f"params__{key}": params[key] for key in (params if match is None else match)},
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if pending is not None and not job_abandon_if_stalled(pending):
        return pending
    return start_job(kind=kind, municipality=municipality, user=user, params=params)


def _retention_days(municipality: Any) -> int:
    """Return how many days the municipality keeps finished jobs (Administration → Data protection)."""
    from .retention import retention_amount

    return retention_amount(getattr(municipality, "pk", municipality), JOBS_RETENTION)


#: The retention kind of background jobs and their result files (``core.retention``).
JOBS_RETENTION = "core.jobs"


def jobs_purge(
    *, actor: SystemActor, municipality_id: int | None = None, cutoff: Any = None, dry_run: bool = False
) -> int:
    """Delete expired jobs and their files; return how many (the daily purge does this).

    A job expires at its ``expires_at`` (the municipality's period after it finished), or when it
    finished or started before ``cutoff`` (a period shortened since); a job still queued or
    running that long after it was created lost its worker and is removed too.
    """
    ensure_system(actor, "Deleting expired jobs")
    expired = Job.objects.filter(expires_at__lt=timezone.now())
    if cutoff is not None:
        expired = Job.objects.filter(
            Q(expires_at__lt=timezone.now()) | Q(finished_at__lt=cutoff) | Q(created_at__lt=cutoff)
        )
    if municipality_id is not None:
        expired = expired.filter(municipality_id=municipality_id)
    if dry_run:
        return expired.count()
    count = 0
    for job in expired.iterator():
        if job.result_file:
            job.result_file.delete(save=False)
        job.delete()
        count += 1
    return count
