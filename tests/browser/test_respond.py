"""Answer a survey in a real browser with the keyboard only, in bokmål and in Arabic (RTL)."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.surveys import services
from medvirk.surveys.models import Response, SurveyStatus, SurveyUnit
from tests.sample_survey import sample_definition

from .conftest import assert_accessible, assert_fits_width, assert_words_whole

pytestmark = pytest.mark.browser


def open_survey(document: dict[str, Any] | None = None) -> SurveyUnit:
    from medvirk.accounts.demo import load_demo

    demo = load_demo()
    if document is None:
        document = sample_definition(languages=("nb", "en", "ar"))
        # The bank's longest title word (21 letters): it must fit a 320 px phone whole.
        document["title"]["nb"] = "Pårørendeundersøkelse for sykehjem"
    survey = services.survey_create(
        actor=demo.users["analytiker"],
        owner_unit=demo.units[""],
        units=[demo.units["Nordlys barnehage"]],
        document=document or sample_definition(languages=("nb", "en", "ar")),
        round_label="browser",
    )
    services.survey_set_status(actor=demo.users["analytiker"], survey=survey, status=SurveyStatus.OPEN)
    return SurveyUnit.objects.get(survey=survey)


def assert_scale_numbers_together(page: Any) -> None:
    """At 320 px the first 1–6 scale's numbers share one row and "don't know" is on a line below, apart.

    "6" used to wrap onto the line of "Vet ikke / ikke aktuelt" and read as grouped with it.
    """
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.mv-scale')[0].querySelectorAll('.mv-choice')].map(e => {
            const r = e.getBoundingClientRect();
            return {value: e.querySelector('input').value, top: r.top, bottom: r.bottom};
        })"""
    )
    numbers = [b for b in boxes if b["value"] != "dont_know"]
    apart = [b for b in boxes if b["value"] == "dont_know"]
    assert [b["value"] for b in numbers] == ["1", "2", "3", "4", "5", "6"] and len(apart) == 1, boxes
    assert len({round(b["top"]) for b in numbers}) == 1, numbers  # one row
    assert apart[0]["top"] >= max(b["bottom"] for b in numbers) + 8, boxes  # below, with a gap
    page.set_viewport_size(size)


def tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has focus (keyboard only, as a person would)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with Tab")


def choose(page: Any, name: str, value: str) -> None:
    """Focus a radio group with Tab, then move with arrow keys to the value (radios select on arrows)."""
    tab_to(page, f"input[name='{name}']")
    for _ in range(15):
        if page.evaluate("(v) => document.activeElement.value === v", value):
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowRight" if page.evaluate("document.dir") != "rtl" else "ArrowLeft")
    raise AssertionError(f"could not reach {name}={value}")


@pytest.mark.parametrize(
    ("lang", "direction", "next_label"), [("nb", "ltr", "Neste"), ("ar", "rtl", "التالي")]
)
def test_answer_with_keyboard_only(page: Any, lang: str, direction: str, next_label: str) -> None:
    document = sample_definition(languages=("nb", "en", "ar"))
    document["title"]["nb"] = "Pårørendeundersøkelse for sykehjem"  # the bank's longest title word
    # Too long for a line at 320 px: it breaks at a soft hyphen, with a hyphen (core.hyphenation).
    document["sections"][0]["title"]["nb"] = "Om tjenesteleverandørundersøkelsen"
    su = open_survey(document)
    page.goto(f"{page.base_url}/a/{su.link_key}/?lang={lang}")
    assert page.get_attribute("html", "dir") == direction
    assert_accessible(page)
    assert_words_whole(page)  # the title, at 320 px
    tab_to(page, "form.mv-start button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/1/")
    assert_accessible(page)
    assert_fits_width(page)
    assert_words_whole(page)
    assert_scale_numbers_together(page)
    bar = page.locator("progress").bounding_box()  # "page 1 of 3" is drawn as a bar too, not squeezed away
    assert bar is not None and bar["height"] >= 8 and bar["width"] >= 200, bar

    # Send the first page empty: the error summary appears and is accessible.
    tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    # Focus is on the list of errors (autofocus, no script needed), so a screen reader reads it first.
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert_accessible(page)

    choose(page, "q-q_overall", "5")
    choose(page, "q-q_channel", "web")
    tab_to(page, "input[name='q-q_used']")
    page.keyboard.press("Space")
    choose(page, "q-q_m_staff", "6")
    tab_to(page, "button[value=next]")
    assert page.evaluate("document.activeElement.textContent.trim()") == next_label
    page.keyboard.press("Enter")
    page.wait_for_url("**/2/")
    assert_accessible(page)
    tab_to(page, "input[name='q-q_visits']")
    page.keyboard.type("3")
    tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/3/")
    assert_accessible(page)
    choose(page, "q-bg_gender", "female")
    tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/done/")
    assert_accessible(page)

    response = Response.objects.get(survey=su.survey)
    assert response.complete and response.language == lang
    answers = services.stored_answers(response)
    assert answers["q_overall"] == 5 and answers["q_channel"] == "web" and answers["q_used"] == ("a",)
    assert answers["q_m_staff"] == 6 and answers["q_visits"] == 3 and answers["bg_gender"] == "female"
    assert page.context.cookies() == []
