"""Fixtures of the core tests: English pages, results under a temporary MEDIA_ROOT."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english_and_media(in_english: None, media_root: object) -> None:
    """Every core test: ``in_english`` and ``media_root`` (the root conftest.py)."""
