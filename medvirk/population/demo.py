"""Load the shipped fictional population samples (and a few user counts) for the demo municipality."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from medvirk.common.dimensions import DEMO_MUNICIPALITY_CODE
from medvirk.core.actors import SystemActor
from medvirk.orgs.models import Municipality, OrgUnit

from . import services
from .models import PopulationTable

DATA = Path(__file__).resolve().parent / "data"
SAMPLES = ("07459_eksempel.json", "10826_eksempel.json", "09817_eksempel.json")

# Fictional service-user counts (unit, dimension, counts) so register reports have data.
DEMO_USER_COUNTS: list[tuple[str, str, dict[str, int]]] = [
    (
        "Solsikken barnehage",
        "immigrant_background",
        {"immigrant": 4, "norwegian_born_to_immigrants": 9, "rest": 71},
    ),
    ("Hjemmetjenesten Nord", "age_band", {"45-54": 6, "55-66": 21, "67-79": 88, "80+": 164}),
    ("Hjemmetjenesten Nord", "gender", {"female": 181, "male": 98}),
    (
        "Sentrum barnehage",
        "immigrant_background",
        {"immigrant": 22, "norwegian_born_to_immigrants": 18, "rest": 46},
    ),
]


@transaction.atomic
def load_samples(*, code: str = DEMO_MUNICIPALITY_CODE, year: int = 2026) -> list[PopulationTable]:
    """Import the samples for a municipality (replacing earlier imports) and add demo user counts."""
    municipality = Municipality.objects.get(code=code)
    actor = SystemActor("population sample data")
    tables = [
        services.table_import(
            actor=actor,
            municipality=municipality,
            data=(DATA / name).read_bytes(),
            filename=name,
            replace=True,
        )
        for name in SAMPLES
    ]
    for unit_name, dimension, counts in DEMO_USER_COUNTS:
        unit = OrgUnit.objects.filter(municipality=municipality, name=unit_name).first()
        if unit is not None:
            services.user_counts_set(
                actor=actor, unit=unit, year=year, dimension=dimension, counts=dict(counts)
            )
    return tables
