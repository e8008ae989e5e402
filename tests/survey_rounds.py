"""Open survey rounds for tests of one question type (shared test support above every app)."""

from __future__ import annotations

from typing import Any

from medvirk.accounts.demo import DemoData
from medvirk.surveys import services
from medvirk.surveys.models import SurveyUnit


def open_round(demo: DemoData, document: dict[str, Any], round_label: str) -> SurveyUnit:
    """Create ``document`` as a round for Sentrum barnehage, open it, and return its survey unit."""
    actor = demo.users["analytiker"]
    survey = services.survey_create(
        actor=actor,
        owner_unit=demo.units[""],
        units=[demo.units["Sentrum barnehage"]],
        document=document,
        round_label=round_label,
    )
    services.survey_set_status(actor=actor, survey=survey, status="open")
    return SurveyUnit.objects.select_related("survey").get(survey=survey)
