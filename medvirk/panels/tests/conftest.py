"""Fixtures of the panels tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_signup_throttle() -> Iterator[None]:
    """Each test starts with an empty sign-up throttle (the cache is per process)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    """These tests read English texts: serve pages and messages in English (bokmål has its own test)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
