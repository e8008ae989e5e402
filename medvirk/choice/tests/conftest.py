"""Fixtures: the choice demo's service and providers (built once per session with the base demo)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from medvirk.choice.demo import ChoiceDemo
from tests.choice_support import home_care


@pytest.fixture
def base(demo: Any) -> ChoiceDemo:
    """Return the demo's home-care service and its three providers."""
    return ChoiceDemo(*home_care(demo))


@pytest.fixture
def handler(demo: Any) -> Any:
    return demo.users["saksbehandler"]


DECISION = date(2026, 12, 20)  # the time to choose (14 days) runs into the next year
