"""Known survey data for equity tests: a closed round with chosen background answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from medvirk.accounts.demo import DemoData
from medvirk.population import services as population_services
from medvirk.surveys import services
from medvirk.surveys.models import Channel, SurveyStatus, SurveyUnit
from tests.survey_rounds import KINDERGARTENS, open_survey, submit

# The fictional Statistics Norway samples shipped as population's package data.
DATA = Path(str(resources.files("medvirk.population") / "data"))

# (unit, age band, gender, district, overall rating, how many)
PLAN: list[tuple[str, str, str, str, int, int]] = [
    ("Solsikken barnehage", "35-44", "female", "999901", 6, 14),
    ("Solsikken barnehage", "25-34", "female", "999901", 5, 8),
    ("Solsikken barnehage", "35-44", "male", "999901", 4, 6),
    ("Solsikken barnehage", "45-54", "male", "999901", 3, 5),
    ("Solsikken barnehage", "16-24", "male", "999901", 2, 2),
    ("Nordlys barnehage", "25-34", "female", "999901", 5, 10),
    ("Nordlys barnehage", "35-44", "male", "999901", 2, 9),
    ("Nordlys barnehage", "55-66", "prefer_not_to_say", "999901", 4, 3),
    ("Sørbyen barnehage", "35-44", "female", "999902", 5, 12),
    ("Sørbyen barnehage", "25-34", "male", "999902", 3, 7),
]


def import_population(demo: DemoData) -> None:
    for name in ("10826_eksempel.json", "09817_eksempel.json"):
        population_services.table_import(
            actor=demo.users["admin"],
            municipality=demo.municipality,
            data=(DATA / name).read_bytes(),
            filename=name,
        )


def closed_survey(
    demo: DemoData,
    plan: list[tuple[str, str, str, str, int, int]] = PLAN,
    *,
    skip_staff: Callable[[int], bool] | None = None,
    planted: Sequence[tuple[str, str, str, str, int, int]] = (),
) -> Any:
    """Return a closed round answered as ``plan`` says.

    Respondents are numbered from 1 in plan order; those for whom ``skip_staff(number)`` is true
    leave the matrix row ``q_m_staff`` unanswered. ``plan``'s answers come with single-use codes;
    ``planted`` (rows as in ``plan``) are answered after them through the open link (the poster):
    they do not count towards the threshold (insights/counted.py).
    """
    survey = open_survey(demo, *KINDERGARTENS)
    i = 0
    rows = [(*row, Channel.CODE) for row in plan] + [(*row, Channel.LINK) for row in planted]
    for unit, age, gender, district, overall, count, channel in rows:
        su = SurveyUnit.objects.get(survey=survey, unit=demo.units[unit])
        for _ in range(count):
            i += 1
            answers: dict[str, Any] = {
                "q_overall": overall,
                "q_channel": "web",
                "q_m_staff": min(6, overall + 1),
                "bg_age": age,
                "bg_gender": gender,
                "bg_district": district,
            }
            if skip_staff is not None and skip_staff(i):
                del answers["q_m_staff"]
            submit(su, answers, f"eq{i}", channel=channel)
    services.survey_set_status(actor=demo.users["analytiker"], survey=survey, status=SurveyStatus.CLOSED)
    return survey
