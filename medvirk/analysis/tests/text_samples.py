"""Free-text answers shared by the text tests and the clustering benchmark (``bench/text``)."""

from __future__ import annotations

import random

ANSWERS = [
    # Waiting times (bokmål and nynorsk)
    "Ventetiden var altfor lang, jeg ventet i tre måneder",
    "Lang ventetid på time hos legen",
    "Ventetida var lang og eg fekk ikkje svar",
    "Altfor lang ventetid før vi fikk svar",
    # Friendly staff
    "Personalet var hyggelige og hjelpsomme",
    "Veldig hyggelig personale, de tok seg god tid",
    "Dei tilsette var hyggelege og hjelpsame",
    "Hjelpsomt og hyggelig personale i barnehagen",
    # Parking
    "Vanskelig å finne parkering ved helsestasjonen",
    "Parkeringen er et problem, det er aldri ledig parkering",
    "For få parkeringsplasser ved legekontoret",
    "Det er vanskeleg å finne parkering",
    # Opening hours
    "Åpningstidene passer dårlig for oss som jobber",
    "Opningstidene burde vere lengre på kvelden",
    "Bedre åpningstider på kveldstid hadde vært fint",
    # Noise
    "Takk!",
    "Ingen kommentarer",
    "12345",
]

_EXTRAS = [
    "kommunen",
    "skolen",
    "barnehagen",
    "sykehjemmet",
    "hjemmetjenesten",
    "bussen",
    "biblioteket",
    "svømmehallen",
    "maten",
    "rommet",
    "informasjonen",
    "nettsiden",
    "telefonen",
]


def many_answers(n: int, seed: int = 7) -> list[str]:
    """Return ``n`` seeded answers: one of the themed sentences above plus two service words."""
    rng = random.Random(seed)
    return [f"{rng.choice(ANSWERS[:15])} {' '.join(rng.sample(_EXTRAS, 2))}" for _ in range(n)]
