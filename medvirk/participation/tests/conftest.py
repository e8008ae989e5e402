"""Fixtures for participation tests: uploads go to a temporary MEDIA_ROOT."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media(media_root: object) -> None:
    """Every participation test: ``media_root`` (the root conftest.py)."""
