"""Respondents and a language with a missing text (issue 17): the language is offered only when a
designer publishes it with the fallback marked; the fallback carries its own ``lang`` and ``dir``;
the code page offers every language Medvirk ships respondent texts in."""

from __future__ import annotations

import pytest
from django.test import Client

from medvirk.accounts.demo import DemoData
from medvirk.core.errors import ServiceError
from medvirk.surveys import services
from medvirk.surveys.design import builder
from medvirk.surveys.models import AccessCode, Response, Survey, SurveyUnit
from medvirk.surveys.selectors import survey_check
from tests.sample_survey import sample_definition
from tests.survey_rounds import open_survey, start_response

NB_TEXT = "Hvordan fikk du vite om tilbudet?"


@pytest.fixture
def survey(demo: DemoData) -> Survey:
    """An open nb/ar round whose question ``q_channel`` has no Arabic text."""
    document = builder.set_texts(sample_definition(languages=("nb", "ar")), "ar", {"q_channel.text": ""})
    return open_survey(demo, "Solsikken barnehage", document=document)


def first_page(client: Client, su: SurveyUnit, lang: str) -> str:
    return client.get(start_response(client, su, lang)).content.decode()


def test_language_with_a_missing_text_is_offered_only_once_published_with_fallback(
    survey: Survey, demo: DemoData
) -> None:
    su = survey.survey_units.get()
    html = Client().get(f"/a/{su.link_key}/?lang=ar").content.decode()
    assert '<html lang="nb" dir="ltr"' in html and ">العربية</option>" not in html
    report = survey_check(survey)
    [item] = [i for i in report.items if i.language == "ar"]
    assert (item.code, item.count, item.blocking) == ("texts_missing", 1, False)
    assert "arabisk" in str(item.message) or "Arabic" in str(item.message)

    with pytest.raises(ServiceError) as refused:
        services.survey_publish_fallback(
            actor=demo.users["leder.solsikken"], survey=survey, language="ar", publish=True
        )
    assert refused.value.status == 403
    survey = services.survey_publish_fallback(
        actor=demo.users["analytiker"], survey=survey, language="ar", publish=True
    )
    assert [i.code for i in survey_check(survey).items if i.language == "ar"] == ["fallback_published"]

    html = first_page(Client(), su, "ar")
    assert '<html lang="ar" dir="rtl"' in html
    assert "ما مدى رضاك بشكل عام؟" in html  # translated texts in Arabic
    # The untranslated question in bokmål, marked so a screen reader switches voice (WCAG 3.1.2).
    assert f'<span lang="nb" dir="ltr">{NB_TEXT}</span>' in html
    # Only that question: the other span so marked is the municipality's name in the header.
    assert html.count('<span lang="nb" dir="ltr">') == 2
    assert f'<span lang="nb" dir="ltr">{survey.municipality.name}</span>' in html
    assert Response.objects.get(survey=survey).language == "ar"


def test_code_page_offers_every_language_and_starts_the_response_in_it(survey: Survey) -> None:
    su = survey.survey_units.get()
    AccessCode.objects.create(municipality=su.municipality, survey_unit=su, code="ABCD2345")
    client = Client()
    html = client.get("/a/code/?lang=ar").content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    assert 'name="code" dir="ltr"' in html  # the letter's code is typed left to right on a right-to-left page
    for endonym in ("العربية", "Norsk bokmål", "Norsk nynorsk", "English"):
        assert f">{endonym}</option>" in html
    # Arabic is not published for this round yet: the response starts in its first language.
    started = client.post("/a/code/", {"code": "ABCD2345", "lang": "ar"})
    assert started.status_code == 302
    assert Response.objects.get(survey=survey).language == "nb"


def test_code_page_response_is_in_the_chosen_language_when_the_round_offers_it(
    survey: Survey, demo: DemoData
) -> None:
    services.survey_publish_fallback(
        actor=demo.users["analytiker"], survey=survey, language="ar", publish=True
    )
    su = survey.survey_units.get()
    AccessCode.objects.create(municipality=su.municipality, survey_unit=su, code="ABCD2345")
    client = Client()
    wrong = client.post("/a/code/", {"code": "nope", "lang": "ar"}).content.decode()
    assert '<html lang="ar" dir="rtl"' in wrong  # the error is said in Arabic too
    started = client.post("/a/code/", {"code": "ABCD2345", "lang": "ar"})
    assert started.status_code == 302
    assert Response.objects.get(survey=survey).language == "ar"
    assert '<html lang="ar" dir="rtl"' in client.get(started["Location"]).content.decode()
