"""Fictional demo volunteers and one demo panel (used by ``seed_demo`` and the tests)."""

from __future__ import annotations

import random
from typing import Any

from medvirk.common.dimensions import PREFER_NOT_TO_SAY
from medvirk.core.actors import SystemActor
from medvirk.core.demo import demo_seeder

from . import services
from .choices import feature_choices
from .models import Panel, Volunteer

FIRST = [
    "Aisha",
    "Bjørn",
    "Camilla",
    "Dawit",
    "Eva",
    "Faisal",
    "Guro",
    "Hamza",
    "Ingrid",
    "Jonas",
    "Kamila",
    "Lars",
    "Maryam",
    "Nils",
    "Oda",
    "Piotr",
    "Ragnhild",
    "Sara",
    "Tobias",
    "Ulrikke",
    "Vilde",
    "Yusuf",
]
LAST = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Ali",
    "Nguyen",
    "Berg",
    "Haugen",
    "Kowalski",
    "Larsen",
    "Mohamed",
    "Dahl",
    "Hagen",
    "Lie",
    "Ahmadi",
    "Solberg",
]
# Skewed like a real pool: older, female, highly educated people volunteer more.
WEIGHTS: dict[str, dict[str, float]] = {
    "age_band": {"16-24": 1, "25-34": 2, "35-44": 3, "45-54": 3, "55-66": 4, "67-79": 3, "80+": 1},
    "gender": {"female": 6, "male": 4, "other": 0.3},
    "immigrant_background": {"immigrant": 2, "norwegian_born_to_immigrants": 1, "rest": 7},
    "social_background": {"primary": 1, "upper_secondary": 3, "higher": 6},
}


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    if rng.random() < 0.04:
        return PREFER_NOT_TO_SAY
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def seed_volunteers(municipality: Any, count: int = 120, seed: int = 2026) -> list[Volunteer]:
    """Create ``count`` fictional confirmed volunteers (example.org addresses)."""
    rng = random.Random(seed)
    districts = [code for code, _name in feature_choices(municipality)["district"]] or [PREFER_NOT_TO_SAY]
    rows = []
    for i in range(count):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        rows.append(
            {
                "name": name,
                "email": f"frivillig{i + 1:03d}@example.org",
                "district": rng.choice(districts) if rng.random() > 0.04 else PREFER_NOT_TO_SAY,
                "languages": ["nb"] + (["en"] if rng.random() < 0.5 else []),
                "household_key": f"demo-{i // 2 if i % 10 == 0 else i}",
                **{f: _pick(rng, w) for f, w in WEIGHTS.items()},
            }
        )
    services.volunteers_import(
        actor=SystemActor("demo seeding"),
        municipality=municipality,
        rows=rows,
        consent_text="Demo data (fictional person).",
        source="demo",
    )
    emails = [row["email"] for row in rows]
    return list(Volunteer.objects.filter(municipality=municipality, email__in=emails).order_by("pk"))


@demo_seeder()
def seed_panels_demo(demo: Any) -> Panel:
    """Create ~120 demo volunteers in Eksempel kommune and one draft panel with quotas."""
    from .selection import suggest_quotas

    seed_volunteers(demo.municipality)
    admin = demo.users.get("koordinator")
    panel = services.panel_create(
        actor=admin,
        municipality=demo.municipality,
        name="Brukerpanel for hjemmetjenesten 2026",
        purpose="Gi råd om hvordan hjemmetjenesten kan bli bedre for brukere og pårørende.",
        size=12,
    )
    suggested = suggest_quotas(panel, {})
    keep = [
        (f, v, lo, hi) for (f, v), (lo, hi) in suggested.items() if f in ("age_band", "gender", "district")
    ]
    services.quotas_set(actor=admin, panel=panel, quotas=keep)
    return panel
