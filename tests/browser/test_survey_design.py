"""Design and distribute a survey in a real browser; zero axe violations on every page."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.surveys.models import Response, Survey
from medvirk.surveys.services import RESPONDENT

from .conftest import assert_accessible, assert_fits_width, assert_words_whole, login, read

pytestmark = pytest.mark.browser


def test_create_open_translate_and_distribute(page: Any) -> None:
    login(page, "analytiker")
    page.goto(page.base_url + "/surveys/new/?template=kindergarten_parents")
    assert_accessible(page)
    page.fill("#id_round_label", "2027")
    page.click("button[name=create]")
    page.wait_for_url("**/surveys/*/build/")  # straight on to the questions
    survey = Survey.objects.get(round_label="2027")
    assert survey.survey_units.count() == 6  # every kindergarten was suggested and kept
    assert_accessible(page)
    assert_fits_width(page)
    page.goto(page.base_url + f"/surveys/{survey.pk}/")
    # A long one-word heading fits whole on a phone ("Foreldreundersøkelse" broke inside the word
    # at 36 px; Debian's Chromium cannot hyphenate), and keeps Designsystemet's size on a PC.
    assert read(page.locator("h1")).startswith("Foreldreundersøkelse")
    assert_words_whole(page)
    sizes = page.evaluate(
        """() => { const probe = document.createElement('div');
            probe.style.fontSize = 'var(--ds-heading-lg-font-size)'; document.body.append(probe);
            const size = (element) => getComputedStyle(element).fontSize;
            return [size(document.querySelector('h1')), size(probe)]; }"""
    )
    assert sizes == ["36px", "36px"], sizes

    page.click("form:has(input[name=status][value=open]) button")
    page.wait_for_selector(".ds-alert")
    survey.refresh_from_db()
    assert survey.status == "open"

    page.goto(page.base_url + f"/surveys/{survey.pk}/translate/en/")
    assert "0" in page.locator("main p").first.inner_text()  # no English text missing
    assert_accessible(page)
    page.goto(page.base_url + f"/surveys/{survey.pk}/questions/")
    assert_accessible(page)

    su = survey.survey_units.order_by("unit__name").first()
    for lang, title in (("nb", "Foreldreundersøkelse"), ("nn", "Foreldreundersøking")):
        page.goto(page.base_url + f"/a/{su.link_key}/?lang={lang}")
        assert read(page.locator("h1")).startswith(title)
        assert_words_whole(page)
    for path in ("", "poster/", "paper/"):
        page.goto(page.base_url + f"/surveys/{survey.pk}/units/{su.pk}/{path}")
        assert_accessible(page)
    page.goto(page.base_url + f"/surveys/{survey.pk}/units/{su.pk}/")
    page.fill("#id_codes-count", "12")
    page.click("form:has(input[value=codes]) button")
    page.wait_for_url("**/codes/1/")
    assert page.locator(".mv-codes li").count() == 12
    assert_accessible(page)

    # Key in one paper form.
    page.goto(page.base_url + f"/surveys/{survey.pk}/units/{su.pk}/paper/")
    first_rating = page.locator("fieldset.mv-scale input[value='5']").first
    first_rating.check()
    page.click("form.mv-survey button[type=submit]")
    page.wait_for_selector(".ds-alert")
    assert Response.objects.filter(survey=survey, channel="paper", complete=True).count() == 1
    assert_accessible(page)


def test_unit_leader_adds_own_question_and_respondents_see_it_in_persian(page: Any) -> None:
    from medvirk.accounts.demo import load_demo
    from medvirk.surveys import services
    from medvirk.surveys.models import SurveyUnit
    from tests.sample_survey import sample_definition

    demo = load_demo()
    survey = services.survey_create(
        actor=demo.users["analytiker"],
        owner_unit=demo.units[""],
        units=[demo.units["Solsikken barnehage"], demo.units["Nordlys barnehage"]],
        document=sample_definition(languages=("nb", "en", "fa")),
        round_label="local-browser",
    )
    services.survey_set_status(actor=demo.users["analytiker"], survey=survey, status="open")
    su = SurveyUnit.objects.get(survey=survey, unit=demo.units["Solsikken barnehage"])

    login(page, "leder.solsikken")
    page.goto(page.base_url + f"/surveys/{survey.pk}/units/{su.pk}/")
    page.click(f"a[href$='/units/{su.pk}/local/']")
    page.wait_for_url("**/local/")
    assert_accessible(page)
    assert_fits_width(page)
    page.select_option("#id_new-type", "rating")
    page.fill("#id_new-text_nb", "Hvor fornøyd er du med uteområdet?")
    page.fill("#id_new-text_fa", "چقدر از فضای بازی راضی هستید؟")
    page.click("form:has(input[value=add]) button[type=submit]")
    page.wait_for_selector(".ds-alert")
    assert (
        page.locator("#id_" + f"local_{su.unit_id}_1-text_fa").input_value()
        == "چقدر از فضای بازی راضی هستید؟"
    )
    assert_accessible(page)

    # A respondent in this unit answering in Persian gets the page right-to-left, in Persian.
    _response, token = services.response_start(
        actor=RESPONDENT, survey_unit=su, channel="link", language="fa", idempotency_key="local-browser"
    )
    page.goto(page.base_url + f"/a/r/{token}/4/")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "پرسش‌های Solsikken barnehage" in page.content()  # "Questions from …"
    assert "چقدر از فضای بازی راضی هستید؟" in page.content()
    assert_accessible(page)
