"""Tenancy base model and the audit log."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dataprotection import NO_PERSONAL_DATA, PersonalData
from .fields import user_reference


class TenantModel(models.Model):
    """Base for every municipality-owned table.

    The municipality key is on every row (not only reachable through joins) so an installation
    can be distributed by municipality (Citus) and every query can be filtered by tenant first.
    Subclasses include ``municipality`` in their unique constraints.
    """

    municipality = models.ForeignKey(
        "orgs.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )

    class Meta:
        abstract = True


class KeyedTenantModel(TenantModel):
    """Base for a municipality-owned table with a unique key or an index that leads with the
    municipality (``tenant_unique`` does): that index serves every lookup by municipality, and the
    check before a municipality is deleted, so the key has no single-column index of its own.

    Such an index is a left prefix of the other: written on every insert for nothing, and with a
    new table's near-empty statistics PostgreSQL may look a key up through it instead of the
    unique index (bench/submit, issue 21). ``tests/test_indexes.py`` finds any index that is a
    left prefix of another, and any table of this base without an index that leads with the key.
    """

    municipality = models.ForeignKey(
        "orgs.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
        db_index=False,
    )

    class Meta:
        abstract = True


def tenant_unique(*fields: str, name: str, condition: models.Q | None = None) -> models.UniqueConstraint:
    """Return a unique key of a tenant table: ``fields`` within one municipality.

    The municipality leads every unique key, so the key holds on each shard of a database
    distributed by municipality (``core/tenancy.py``, docs/scaling.md).
    """
    return models.UniqueConstraint(fields=["municipality", *fields], condition=condition, name=name)


class AuditEvent(models.Model):
    """One staff change: who did what to which object, when. Never edited, never deleted."""

    personal_data = PersonalData(
        table=_("audit log entries"),
        data=_("which staff member changed what, and when (never the content of a person's answers)"),
        subjects=_("staff"),
        purpose=_("accountability: show who changed or read what (internal control)"),
        retention=_("as long as the municipality uses Medvirk (an audit log is never edited)"),
        seen_by=_("administrators of the whole municipality"),
        legal_basis=_("GDPR art. 6(1)(c) and art. 32 (security of processing)"),
    )

    municipality = models.ForeignKey(
        "orgs.Municipality", on_delete=models.PROTECT, related_name="audit_events", null=True, db_index=False
    )  # the index below leads with it
    actor = user_reference()
    # Medvirk itself (a job, a daily command, a public form: a SystemActor) rather than a person.
    # With no actor and False, the person's account was deleted since; None: recorded before
    # Medvirk kept this (0.1.0), when the log cannot tell the two apart.
    by_medvirk = models.BooleanField(null=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def job_result_path(job: Job, filename: str) -> str:
    """Store results under ``MEDIA_ROOT/jobs/<municipality>/<job>/`` (served only through a view)."""
    return f"jobs/{job.municipality_id}/{job.pk}/{filename}"


class Job(KeyedTenantModel):
    """One piece of background work (see ``medvirk.core.jobs``): its progress and its result.

    The handler for ``kind`` runs in the ``db_worker`` process; the page ``/jobs/<id>/`` reads this
    row, so closing the browser does not stop the work. ``error`` is written for the user, in plain
    words; the traceback goes to the log only.
    """

    personal_data = PersonalData(
        data=_("who started the job and its result file (e.g. a response-level export or a panel draw)"),
        subjects=_("staff; the people in an exported file"),
        purpose=_("prepare long work in the background and hand its result to the person who asked"),
        retention="core.jobs",
        seen_by=_("the person who started the job, administrators of the whole municipality"),
    )

    kind = models.CharField(_("kind"), max_length=64)
    created_by = user_reference()
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(default=dict, blank=True)  # small structured result (ids, counts)
    result_url = models.CharField(max_length=300, blank=True)  # where to go when done
    result_file = models.FileField(upload_to=job_result_path, max_length=300, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=10, blank=True)  # of the user who started it
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # last sign of life (progress writes set it too)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["municipality", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:job_detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        """Return whether the job has stopped (done or failed)."""
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        """Return how far the job has come, in whole percent (0 while its size is not known)."""
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def minutes_left(self) -> int | None:
        """Return a rough guess of the minutes left (None until there is enough to go on).

        The rate so far is assumed to hold: ``elapsed × (total − done) / done``, rounded up to
        whole minutes (0: less than a minute). Shown as "about N minutes left", never as a promise.
        """
        if self.finished or not self.total or not self.done or self.started_at is None:
            return None
        elapsed = (timezone.now() - self.started_at).total_seconds()
        if elapsed < 2:  # too early to say anything useful
            return None
        seconds = elapsed * (self.total - self.done) / self.done
        return 0 if seconds < 60 else math.ceil(seconds / 60)

    @property
    def stalled(self) -> bool:
        """Return whether an unfinished job has shown no sign of life for ``JOB_STALL_MINUTES``.

        A worker that was killed mid-job leaves it "running" for good; callers let users start
        the work again instead of waiting for ever.
        """
        limit = timezone.now() - timedelta(minutes=settings.JOB_STALL_MINUTES)
        return not self.finished and self.updated_at is not None and self.updated_at < limit


class RetentionPeriod(KeyedTenantModel):
    """How long one municipality keeps one kind of personal data (``core.retention``)."""

    personal_data = NO_PERSONAL_DATA

    kind = models.CharField(_("kind of personal data"), max_length=64)
    amount = models.PositiveIntegerField(_("period"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        constraints = [tenant_unique("kind", name="retention_unique_kind")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.amount}"
