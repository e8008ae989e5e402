"""Surveys with known answers for results tests, created through the survey services."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from medvirk.accounts.demo import DemoData
from medvirk.orgs.models import OrgUnit, ServiceArea
from medvirk.surveys import services
from medvirk.surveys.models import Channel, Response, Survey, SurveyStatus, SurveyUnit
from medvirk.surveys.types import DONT_KNOW
from tests.sample_survey import sample_definition
from tests.survey_rounds import close_round, submit

_keys = itertools.count()


def kindergartens(demo: DemoData) -> list[OrgUnit]:
    return [u for u in demo.units.values() if u.service_area == ServiceArea.KINDERGARTEN]


def make_survey(
    demo: DemoData,
    *,
    round_label: str = "2026",
    units: Iterable[OrgUnit] | None = None,
    foreign: bool = False,
    anonymous: bool = False,
    document: dict[str, Any] | None = None,
) -> Survey:
    """Create and open the sample survey (or ``document``) in the given units (default: every
    kindergarten)."""
    if foreign:
        actor, owner = demo.users["provestad.admin"], demo.other_units[""]
        units = units or [u for u in demo.other_units.values() if u.service_area == ServiceArea.KINDERGARTEN]
    else:
        actor, owner = demo.users["admin"], demo.units[""]
        units = units or kindergartens(demo)
    survey = services.survey_create(
        actor=actor,
        owner_unit=owner,
        document=document or sample_definition(),
        units=units,
        round_label=round_label,
    )
    services.survey_set_status(actor=actor, survey=survey, status=SurveyStatus.OPEN)
    if anonymous:
        Survey.objects.filter(pk=survey.pk).update(anonymity_mode="anonymous")
        survey.refresh_from_db()
    return survey


#: Close the round: its answer figures (and response-level exports) are only of closed rounds.
close = close_round


def answer(
    survey: Survey, unit: OrgUnit, *, overall: Any = 5, channel: str = Channel.CODE, **extra: Any
) -> None:
    """Store one complete response for ``unit`` (by default as if with a code from a letter).

    Only codes and invitations count towards the anonymity threshold (``insights/counted.py``).
    """
    su = SurveyUnit.objects.get(survey=survey, unit=unit)
    answers = {"q_overall": overall, "q_channel": "web", **extra}
    if overall != DONT_KNOW and int(overall) > 2:
        answers.pop("q_why", None)
    submit(
        su,
        answers,
        f"t{next(_keys)}",
        channel=channel,
    )


def erase_one(survey: Survey, unit: OrgUnit) -> None:
    """Delete the unit's newest complete response, as erasing one respondent's answers does: the
    data of a round changes after it closed (``Survey.responses_revision``), and its results are
    "being updated" until its decisions are made again."""
    Response.objects.filter(survey=survey, unit=unit, complete=True).order_by("-pk").first().delete()


def answer_many(survey: Survey, unit: OrgUnit, values: Iterable[Any], **extra: Any) -> None:
    for value in values:
        answer(survey, unit, overall=value, **extra)


NINE = (2, 2, 2, 5, 5, 5, 6, 6, 6)  # enough answers for one kindergarten's figures to show


def answered_at_solsikken(demo: DemoData, values: Iterable[Any] = NINE) -> tuple[Survey, OrgUnit]:
    """Open the sample survey in every kindergarten and answer it at Solsikken barnehage with these
    overall ratings; return the round and Solsikken."""
    survey = make_survey(demo)
    unit = demo.units["Solsikken barnehage"]
    answer_many(survey, unit, values)
    return survey, unit
