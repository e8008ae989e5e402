"""Each test starts without cached results (rolled-back tests can reuse survey ids)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medvirk.insights import benchmark
from medvirk.insights.tables import clear_cache


@pytest.fixture(autouse=True)
def _fresh_results_cache() -> Iterator[None]:
    clear_cache()
    benchmark.clear_cache()
    yield
    clear_cache()
    benchmark.clear_cache()
