"""Fixtures: the choice demo's service and providers (built once per session with the base demo)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from medvirk.choice.demo import MUNICIPAL, PRIVATE_A, PRIVATE_B, SERVICE_NAME, ChoiceDemo
from medvirk.choice.models import ChoiceService, Provider


@pytest.fixture
def base(demo: Any) -> ChoiceDemo:
    """Return the demo's home-care service and its three providers."""
    service = ChoiceService.objects.select_related("owner_unit", "default_provider").get(
        municipality=demo.municipality, name=SERVICE_NAME
    )
    providers = {
        p.name: p for p in Provider.objects.filter(municipality=demo.municipality).select_related("unit")
    }
    return ChoiceDemo(service, {n: providers[n] for n in (MUNICIPAL, PRIVATE_A, PRIVATE_B)})


@pytest.fixture
def handler(demo: Any) -> Any:
    return demo.users["saksbehandler"]


DECISION = date(2026, 12, 20)  # the time to choose (14 days) runs into the next year
