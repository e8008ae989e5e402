"""Each test starts without cached results (rolled-back tests can reuse survey ids); what the
background-job tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medvirk.insights.tables import clear_cache


@pytest.fixture(autouse=True)
def _fresh_results_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


#: ``override_settings(TASKS=DB_TASKS)``: jobs are queued, not run in the request.
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def english_jobs(in_english: None, media_root: object) -> None:
    """Job files in a temporary folder (the database is rolled back, files would stay), in English."""
