"""Each test starts without cached results (rolled-back tests can reuse survey ids); what the
background-job tests share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from medvirk.insights import disclosure
from medvirk.insights.tables import clear_cache


@pytest.fixture(autouse=True)
def _fresh_results_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


def recording_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every key read from the shared decision cache from here on (``get`` and ``has_key``)."""
    store = disclosure._persistent_store()
    read: list[str] = []
    for name in ("get", "has_key"):
        method = getattr(store, name)

        def reading(key: str, *args: Any, _method: Any = method, **kwargs: Any) -> Any:
            read.append(key)
            return _method(key, *args, **kwargs)

        monkeypatch.setattr(store, name, reading)
    return read


@pytest.fixture
def english_jobs(in_english: None, media_root: object) -> None:
    """Job files in a temporary folder (the database is rolled back, files would stay), in English."""
