"""Run this module's tests in English, so assertions on messages survive new translations."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(in_english: None) -> None:
    """Every partners test: ``in_english`` (the root conftest.py)."""
