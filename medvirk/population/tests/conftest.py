"""Each test starts without cached survey decisions (rolled-back tests can reuse survey ids)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medvirk.insights.disclosure import clear_cache


@pytest.fixture(autouse=True)
def _fresh_disclosure_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()
