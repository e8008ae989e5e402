"""Background jobs in tests: a job as a page finds it, and one run of the database worker."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from medvirk.core.models import Job

#: ``override_settings(TASKS=DB_TASKS)``: jobs are queued in the database, not run in the request
#: (``run_worker`` or ``execute_job`` runs them).
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
#: ``override_settings(TASKS=DUMMY_TASKS)``: jobs are queued and nothing runs them (no worker running).
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def forbid(monkeypatch: pytest.MonkeyPatch, why: str, *targets: tuple[object, str]) -> None:
    """Make each ``(module, name)`` raise ``AssertionError(why)``: a request that does the worker's
    work (instead of reading what it made) fails, or answers 500."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(why)

    for module, name in targets:
        monkeypatch.setattr(module, name, refuse)


def make_job(created_by: Any, kind: str, status: str, **fields: Any) -> Job:
    """Create a job of ``kind`` that ``created_by`` started in their municipality, kept for 7 days."""
    return Job.objects.create(
        municipality=created_by.municipality,
        kind=kind,
        created_by=created_by,
        status=status,
        expires_at=timezone.now() + timedelta(days=7),
        **fields,
    )


def run_worker(worker_id: str) -> None:
    """Run the loop ``manage.py db_worker`` runs: claim the queued tasks, run them, exit when idle.

    Its connection recycling would close the test's own connection (PostgreSQL), so it is left out.
    """
    from django_tasks_db.management.commands.db_worker import Worker

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        ).run()
