"""When a round's answer figures are released: once it has closed, never while it is open.

Red team, 2026-12-07: a unit leader read the results, watched one parent answer at the tablet,
and read them again; exactly one option count had moved by one, and the mean with it: that
parent's answer. No threshold stops this, since the two readings differ by one person: time is a
filter. So while a round is open (or still a draft) nobody sees any figure drawn from its answers,
on any page, file or API; only how many have answered (the decided respondent counts). Udir does
the same with its user surveys. ``tables.SurveyResults`` calls :func:`ensure_released` before
every answer figure, so a page that forgets to ask still shows nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from medvirk.core.errors import ServiceError
from medvirk.surveys.models import Survey, SurveyStatus

from .enums import InsightsErrorCode


def released(survey: Survey) -> bool:
    """Return whether the round's answer figures may be seen: only once it has closed."""
    return survey.status == SurveyStatus.CLOSED


def when_released(survey: Survey, today: datetime.date | None = None) -> str:
    """Say in one sentence when the round's results come (its closing date, if it has one)."""
    day = survey.closes_on
    if day is None:
        return _("The results come when the survey has closed (it has no closing date yet).")
    today = today or timezone.localdate()
    if day < today:
        return _(
            "The results come when the survey is closed: it stopped taking answers on %(day)s, "
            "but has not been closed yet."
        ) % {"day": date_format(day)}
    return _("The results come when the survey has closed (it closes on %(day)s).") % {
        "day": date_format(day)
    }


def why_later() -> str:
    """Say in one sentence why an open round shows no figures."""
    return _(
        "That way nobody can work out what one person answered by comparing the figures before "
        "and after they answered."
    )


class RoundOpen(ServiceError):
    """An open round's answer figures were asked for (the API answers 409 ``round_open``)."""

    def __init__(self, survey: Survey, node_id: int | None = None) -> None:
        super().__init__(InsightsErrorCode.ROUND_OPEN, f"{when_released(survey)} {why_later()}", status=409)
        self.survey = survey
        self.details = {"closes_on": survey.closes_on.isoformat() if survey.closes_on else None}
        self.node_id = node_id  # the unit a page asked for (it shows that unit's progress)


def ensure_released(survey: Any, node_id: int | None = None) -> None:
    """Raise :class:`RoundOpen` unless the round has closed."""
    if not released(survey):
        raise RoundOpen(survey, node_id)
