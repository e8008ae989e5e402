"""Fixtures of the panels tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _fresh_signup_throttle() -> Iterator[None]:
    """Each test starts with an empty sign-up throttle (the cache is per process)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english(in_english: None) -> None:
    """These tests read English texts: ``in_english`` (the root conftest.py; bokmål has its own test)."""
