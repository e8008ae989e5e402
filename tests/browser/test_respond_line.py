"""A line from 0 to 10 (``vas``) in a real browser: the slider by keyboard; the page without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.surveys.models import Answer, SurveyUnit
from tests.sample_survey import with_line

from .conftest import assert_accessible, assert_fits_width
from .test_respond import open_survey, tab_to

pytestmark = pytest.mark.browser


def to_the_line(page: Any, su: SurveyUnit) -> None:
    """Start, answer the required first page, and go on to the page with the line (page 4)."""
    page.goto(f"{page.base_url}/a/{su.link_key}/")
    page.click("form.mv-start button")
    page.wait_for_url("**/1/")
    page.check("input[name='q-q_overall'][value='4']")
    page.check("input[name='q-q_channel'][value='web']")
    for number in (2, 3, 4):
        page.click("button[value=next]")
        page.wait_for_url(f"**/{number}/")


def stored(su: SurveyUnit) -> float | None:
    return (
        Answer.objects.filter(response__survey=su.survey, question__key="q_pain")
        .values_list("value_num", flat=True)
        .first()
    )


def test_the_slider_moves_with_the_keyboard_and_fills_the_number_field(page: Any) -> None:
    su = open_survey(with_line())
    to_the_line(page, su)
    slider, number = page.locator("#f-q_pain-slider"), page.locator("#f-q_pain-0")
    assert slider.is_visible()  # the script showed it
    assert number.input_value() == ""  # nothing is answered until the respondent moves
    assert slider.get_attribute("data-unset") == ""  # drawn without a thumb: no "5" that nobody chose
    assert_accessible(page)
    assert_fits_width(page)
    tab_to(page, "#f-q_pain-slider")
    page.keyboard.press("ArrowRight")
    assert number.input_value() == "5.1"  # from the middle, one step of 0.1
    assert slider.get_attribute("data-unset") is None  # now the thumb shows the answer
    page.keyboard.press("Home")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert number.input_value() == "0.3"
    number.fill("7,5")  # typing moves the slider too
    assert slider.input_value() == "7.5"
    tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/done/")
    assert stored(su) == pytest.approx(7.5)


def test_without_javascript_the_number_field_answers(browser: Any, live_server: Any) -> None:
    from medvirk.accounts.demo import build_demo
    from medvirk.orgs.models import Municipality

    if not Municipality.objects.filter(slug="eksempel").exists():  # flushed by an earlier live test
        build_demo()
    su = open_survey(with_line())
    context = browser.new_context(
        java_script_enabled=False, locale="nb-NO", viewport={"width": 320, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    try:
        to_the_line(page, su)
        assert not page.locator("#f-q_pain-slider").is_visible()  # a slider that sent nothing would mislead
        label = page.locator("label[for='f-q_pain-0']").inner_text()
        assert label == "Ditt svar, et tall fra 0 til 10"
        ends = page.locator("#f-q_pain-ends").inner_text().split()
        assert " ".join(ends) == "0 = Ingen smerte 10 = Verst tenkelige smerte"
        page.fill("#f-q_pain-0", "11")
        page.click("button[value=next]")
        assert page.locator("#f-q_pain-error").inner_text() == "Skriv et tall fra 0 til 10."
        page.fill("#f-q_pain-0", "3,45")
        page.click("button[value=next]")
        page.wait_for_url("**/done/")
    finally:
        context.close()
    assert stored(su) == pytest.approx(3.5)  # one decimal, rounded half up
