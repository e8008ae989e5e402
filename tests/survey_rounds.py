"""Survey rounds, draft or open, and answers to them, made through the services (shared test
support above every app)."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from medvirk.accounts.demo import DemoData
from medvirk.core.actors import SystemActor
from medvirk.surveys import services
from medvirk.surveys.answering.answer_store import SubmissionTarget
from medvirk.surveys.models import Survey, SurveyStatus, SurveyUnit
from tests.sample_survey import sample_definition

# Three kindergartens of Eksempel kommune: two in Bydel Nord, one in another district.
KINDERGARTENS = ("Solsikken barnehage", "Nordlys barnehage", "Sørbyen barnehage")


def draft_survey(
    demo: DemoData,
    *units: Any,
    document: dict[str, Any] | None = None,
    round_label: str = "2026",
    actor: str = "analytiker",
    owner: str = "",
) -> Survey:
    """Create ``document`` (default: the sample survey) as a draft round run in ``units`` (demo unit
    names or units), as the demo user ``actor``, owned by the demo unit ``owner`` (default: the
    municipality), and return it."""
    return services.survey_create(
        actor=demo.users[actor],
        owner_unit=demo.units[owner],
        units=[demo.units[u] if isinstance(u, str) else u for u in units],
        document=sample_definition() if document is None else document,
        round_label=round_label,
    )


def open_survey(
    demo: DemoData, *units: Any, document: dict[str, Any] | None = None, round_label: str = "2026"
) -> Survey:
    """Create ``document`` (default: the sample survey) as a round run in ``units`` (demo unit names
    or units) and owned by the municipality, as its analyst; open it and return it."""
    survey = draft_survey(demo, *units, document=document, round_label=round_label)
    return services.survey_set_status(actor=demo.users["analytiker"], survey=survey, status="open")


def close_round(survey: Survey) -> Survey:
    """Close the round, as when its closing date has passed, and return it.

    Its answer figures are shown only once it has closed (``insights.release``): tests that read
    results answer first, then close, then read. A round that closed with answers takes no more.
    """
    actor = SystemActor("tests: the round's closing date has passed")
    return services.survey_set_status(actor=actor, survey=survey, status=SurveyStatus.CLOSED)


def open_round(
    demo: DemoData, document: dict[str, Any], round_label: str, unit: str = "Sentrum barnehage"
) -> SurveyUnit:
    """Create ``document`` as an open round for one demo ``unit`` and return its survey unit."""
    survey = open_survey(demo, unit, document=document, round_label=round_label)
    return SurveyUnit.objects.select_related("survey", "unit").get(survey=survey)


def submit(
    su: SurveyUnit | SubmissionTarget, answers: dict[str, Any], key: str, **extra: Any
) -> tuple[Any, bool]:
    """Send one whole response in bokmål to ``su`` (a survey unit, or the submission path's target),
    as a respondent (``extra``: e.g. the channel)."""
    return services.response_submit_complete(
        actor=services.RESPONDENT,
        survey_unit=su,
        answers=answers,
        language="nb",
        idempotency_key=key,
        **extra,
    )


def start_key(page: str) -> str:
    """The idempotency key that a landing (or kiosk) page gives its Start button."""
    found = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert found is not None, page[:500]
    return found.group(1)


def start_response(client: Client, su: SurveyUnit, lang: str | None = None) -> str:
    """Open the round's link (in ``lang``) as anyone with the poster can and start a response;
    return the address of its first page."""
    landing = client.get(f"/a/{su.link_key}/" + (f"?lang={lang}" if lang else ""))
    assert landing.status_code == 200
    started = client.post(
        f"/a/{su.link_key}/start/",
        {"idempotency_key": start_key(landing.content.decode())} | ({"lang": lang} if lang else {}),
    )
    assert started.status_code == 302
    return started["Location"]


def page_after_the_first(client: Client, su: SurveyUnit, number: int) -> str:
    """Start a response, answer the sample survey's first page (4, heard of it on the web) and
    return the address of page ``number``."""
    first = start_response(client, su)
    assert client.post(first, {"q-q_overall": "4", "q-q_channel": "web", "nav": "next"}).status_code == 302
    return first.rsplit("/", 2)[0] + f"/{number}/"
