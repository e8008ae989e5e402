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

# Fictional service-user counts (unit, dimension, counts) so register reports have data, and so the
# equity report of a survey round compares its respondents with the users who could answer: every
# kindergarten of the parents' rounds has its children's immigrant background (as many children as
# the round's units say they have), and the three home-care providers of the 2026 round have their
# users' ages and genders (their round is compared with them; at the municipality level, where
# Hjemmetjenesten Nord's users are counted too, with the residents aged 67 and over).
DEMO_USER_COUNTS: list[tuple[str, str, dict[str, int]]] = [
    (
        "Solsikken barnehage",
        "immigrant_background",
        {"immigrant": 0, "norwegian_born_to_immigrants": 1, "rest": 8},
    ),
    (
        "Nordlys barnehage",
        "immigrant_background",
        {"immigrant": 3, "norwegian_born_to_immigrants": 8, "rest": 54},
    ),
    (
        "Sørbyen barnehage",
        "immigrant_background",
        {"immigrant": 2, "norwegian_born_to_immigrants": 5, "rest": 37},
    ),
    (
        "Østli barnehage",
        "immigrant_background",
        {"immigrant": 2, "norwegian_born_to_immigrants": 4, "rest": 30},
    ),
    (
        "Vestly barnehage",
        "immigrant_background",
        {"immigrant": 3, "norwegian_born_to_immigrants": 6, "rest": 49},
    ),
    (
        "Sentrum barnehage",
        "immigrant_background",
        {"immigrant": 10, "norwegian_born_to_immigrants": 14, "rest": 29},
    ),
    ("Hjemmetjenesten Nord", "age_band", {"45-54": 6, "55-66": 21, "67-79": 88, "80+": 164}),
    ("Hjemmetjenesten Nord", "gender", {"female": 181, "male": 98}),
    ("Eksempel hjemmetjeneste", "age_band", {"55-66": 14, "67-79": 78, "80+": 148}),
    ("Eksempel hjemmetjeneste", "gender", {"female": 151, "male": 89}),
    ("Omsorg Pluss AS", "age_band", {"55-66": 8, "67-79": 40, "80+": 62}),
    ("Omsorg Pluss AS", "gender", {"female": 70, "male": 40}),
    ("Trygg Hverdag AS", "age_band", {"67-79": 22, "80+": 43}),
    ("Trygg Hverdag AS", "gender", {"female": 41, "male": 24}),
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
