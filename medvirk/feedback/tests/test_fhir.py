"""Instruments as FHIR R4 Questionnaire and answers as QuestionnaireResponse, validated by fhir.resources."""

from __future__ import annotations

import pytest

from medvirk.core.errors import ServiceError
from medvirk.feedback import fhir, services
from medvirk.feedback.models import Instrument

from .conftest import SYSTEM, Feedback, submit_rating


def test_phq9_questionnaire_round_trips(fb: Feedback) -> None:
    resource = fhir.questionnaire(fb.outcome, lang="en")
    assert resource["resourceType"] == "Questionnaire"
    assert resource["url"] == "urn:medvirk:instrument:phq9"
    first = resource["item"][0]
    assert first["type"] == "choice" and first["text"] == "Little interest or pleasure in doing things"
    assert [o["valueCoding"]["code"] for o in first["answerOption"]] == ["0", "1", "2", "3"]
    definition = fhir.definition_from_questionnaire(resource)
    assert definition == fb.outcome.definition
    # Imported into another municipality, it scores the same.
    other = services.instrument_import(actor=SYSTEM, municipality=fb.demo.other, definition=definition)
    assert other.parsed.score_rule == fb.outcome.parsed.score_rule


def test_vas_items_are_decimal_sliders_and_licensed_texts_stay_out(fb: Feedback) -> None:
    ors = services.instrument_load(actor=SYSTEM, municipality=fb.demo.municipality, key="ors")
    services.instrument_texts_set(
        actor=SYSTEM, instrument=ors, version="adult", language="nb", texts={"ors_1": "Limt inn"}
    )
    ors = Instrument.objects.get(pk=ors.pk)
    plain = fhir.questionnaire(ors)
    assert all("text" not in item for item in plain["item"])
    assert plain["item"][0]["type"] == "decimal"
    own = fhir.questionnaire(ors, with_pasted_texts=True)
    assert own["item"][0]["text"] == "Limt inn"


def test_a_questionnaire_without_scoring_is_refused() -> None:
    with pytest.raises(fhir.FhirError) as exc:
        fhir.definition_from_questionnaire({"resourceType": "Questionnaire", "status": "active"})
    assert "scoring" in str(exc.value)
    with pytest.raises(fhir.FhirError):
        fhir.definition_from_questionnaire({"resourceType": "Questionnaire", "status": "bogus"})


def test_rating_as_questionnaire_response(fb: Feedback) -> None:
    episode = services.episode_open(actor=fb.users["behandler"], service=fb.service, alias="R")
    rating = submit_rating(fb, episode, {f"phq9_{n}": 1 for n in range(1, 10)})
    resource = fhir.questionnaire_response(rating, lang="en")
    assert resource["status"] == "completed"
    assert resource["questionnaire"] == "urn:medvirk:instrument:phq9|1"
    assert resource["item"][0]["answer"][0]["valueCoding"] == {"code": "1", "display": "Several days"}
    assert resource["extension"][0]["valueDecimal"] == 9


def test_import_service_refuses_a_broken_definition(fb: Feedback) -> None:
    with pytest.raises(ServiceError) as exc:
        services.instrument_import(
            actor=SYSTEM, municipality=fb.demo.municipality, definition={"format": "x"}
        )
    assert exc.value.code == "instrument_invalid"
