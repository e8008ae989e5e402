"""Fixtures of the core tests: English pages, results under a temporary MEDIA_ROOT."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _english_and_media(settings: Any, tmp_path: Any) -> Iterator[None]:
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield
