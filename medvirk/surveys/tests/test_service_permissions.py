"""Surveys' services check their actor themselves: design, distribution and entering answers."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.core.errors import ServiceError
from medvirk.surveys import services
from medvirk.surveys.models import AccessCode, Response, Survey, SurveyStatus, SurveyUnit
from tests.sample_survey import sample_definition
from tests.service_support import refused

from .test_services import GOOD

pytestmark = pytest.mark.django_db

ANSWERS = GOOD  # a complete, valid set for the sample survey the matrix rounds use


def test_writes_without_the_permission_are_refused_by_the_service(demo: Any) -> None:
    leader, reader = demo.users["leder.solsikken"], demo.users["lesetilgang"]
    solsikken = demo.units["Solsikken barnehage"]
    survey = Survey.objects.get(round_label="matrix-own")  # Solsikken's own round
    su = SurveyUnit.objects.get(survey=survey, unit=solsikken)
    # A unit leader designs for their own unit only; a reader designs nothing.
    refused(
        lambda: services.survey_create(
            actor=leader,
            owner_unit=demo.units["Nordlys barnehage"],
            document=sample_definition(),
            units=[demo.units["Nordlys barnehage"]],
            round_label="x",
        )
    )
    refused(lambda: services.survey_set_status(actor=reader, survey=survey, status=SurveyStatus.CLOSED))
    refused(
        lambda: services.survey_update_definition(actor=reader, survey=survey, document=sample_definition())
    )
    refused(lambda: services.local_question_add(actor=reader, survey_unit=su, question={}))
    # Distributing and keying in paper forms need SURVEY_DISTRIBUTE on the unit.
    refused(lambda: services.codes_create(actor=reader, survey_unit=su, count=3))
    refused(lambda: services.user_count_set(actor=reader, survey_unit=su, count=10))
    refused(
        lambda: services.response_submit_complete(
            actor=reader, survey_unit=su, answers=ANSWERS, language="nb", idempotency_key="paper-1"
        )
    )
    assert not AccessCode.objects.filter(survey_unit=su).exists()
    assert not Response.objects.filter(idempotency_key="paper-1").exists()
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN


def test_respondents_answer_as_medvirk_and_staff_key_in_paper_forms(demo: Any) -> None:
    su = SurveyUnit.objects.get(survey__round_label="matrix-own")
    _response, created = services.response_submit_complete(
        actor=services.RESPONDENT, survey_unit=su, answers=ANSWERS, language="nb", idempotency_key="web-1"
    )
    assert created
    _response, created = services.response_submit_complete(
        actor=demo.users["leder.solsikken"],  # distributes in their own unit
        survey_unit=su,
        answers=ANSWERS,
        language="nb",
        idempotency_key="paper-2",
        channel="paper",
    )
    assert created


def test_a_closed_round_takes_no_paper_form(demo: Any, client_as: Any) -> None:
    """Red team (2026-12-07, third session): a paper form could be keyed into a round that had
    closed, so its results, read before and after, moved by that one person's answers (the
    reopening attack of the first session, without reopening). Now a closed round takes nothing."""
    su = SurveyUnit.objects.get(survey__round_label="matrix-own")
    before = Response.objects.filter(survey=su.survey).count()
    services.survey_set_status(actor=demo.users["analytiker"], survey=su.survey, status=SurveyStatus.CLOSED)
    with pytest.raises(ServiceError) as closed:
        services.response_submit_complete(
            actor=demo.users["leder.solsikken"],
            survey_unit=su,
            answers=ANSWERS,
            language="nb",
            idempotency_key="paper-late",
            channel="paper",
        )
    assert closed.value.code == "survey_closed"
    page = client_as("leder.solsikken").post(
        f"/surveys/{su.survey_id}/units/{su.pk}/paper/", {"idempotency_key": "paper-late"}, follow=True
    )
    assert "Undersøkelsen er avsluttet" in page.content.decode()
    assert Response.objects.filter(survey=su.survey).count() == before
