"""Test support for the pages of free choice of provider that live in insights (shared test data
lives in this top-level package, above every app): the demo's service and a home-care round in
its providers' units."""

from __future__ import annotations

import random
from typing import Any

from medvirk.choice.demo import MUNICIPAL, PRIVATE_A, PRIVATE_B, SERVICE_NAME, ChoiceDemo
from medvirk.choice.demo_surveys import ROUNDS, provider_round, seed_provider_surveys
from medvirk.choice.models import ChoiceService, Provider

NAMES = (MUNICIPAL, PRIVATE_A, PRIVATE_B)


def home_care(demo: Any) -> tuple[ChoiceService, dict[str, Provider]]:
    """Return the demo's home-care service and its providers by name."""
    service = ChoiceService.objects.select_related("owner_unit", "default_provider").get(
        municipality=demo.municipality, name=SERVICE_NAME
    )
    providers = {
        p.name: p for p in Provider.objects.filter(municipality=demo.municipality).select_related("unit")
    }
    return service, {name: providers[name] for name in NAMES}


def round_with(demo: Any, sizes: tuple[int, int, int], *, label: str = "2026", seed: int = 7) -> Any:
    """Run a closed home-care round in the three providers' units with ``sizes`` answers each."""
    service, providers = home_care(demo)
    plan = {providers[name]: (n, 0.75, 0.5) for name, n in zip(NAMES, sizes, strict=True)}
    return provider_round(owner_unit=service.owner_unit, plan=plan, label=label, rng=random.Random(seed))


def demo_rounds(demo: Any) -> tuple[list[Any], dict[str, int]]:
    """Seed the demo's home-care rounds; return them and the newest round's answers per provider."""
    service, providers = home_care(demo)
    rounds = seed_provider_surveys(demo, ChoiceDemo(service, providers), rng=random.Random(3))
    newest = list(ROUNDS.values())[-1]
    return rounds, {name: newest[name][0] for name in NAMES}
