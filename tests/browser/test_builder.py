"""The survey builder's whole journey in a real browser (issue 17), axe on every page, nb and nn."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from medvirk.accounts.demo import load_demo
from medvirk.surveys import services
from medvirk.surveys.models import Response, Survey
from tests.sample_survey import sample_definition

from .conftest import assert_accessible, assert_fits_width, assert_words_whole, login

pytestmark = pytest.mark.browser

NEW = "Har barnet ditt særskilte behov?"
FOLLOW = "Hvilke behov har barnet?"
WORDING = "Hvordan har barnet ditt det i barnehagen?"


def test_admin_builds_translates_checks_and_opens_without_json_and_a_parent_answers(page: Any) -> None:
    """Create a round for two kindergartens from the bank, reword a question, add a single
    choice with a follow-up shown on one answer, reorder two questions, translate one question
    into English, preview, check and open; then a parent answers exactly that survey.

    Interactions (clicks plus fields filled), 25 in all: new survey 1; round name 1; untick all 1;
    two kindergartens 2; create 1 (6) — edit 1, wording 1, save 1 (3) — kind 1, text 1, options 1,
    add 1 (4) — answer 1, follow-up text 1, add 1 (3) — move down 1 (1) — translate 1, text 1,
    save 1 (3) — back 1, preview 1 (2) — check 1, open 1 (2). No JSON anywhere.
    """
    login(page, "admin")
    page.goto(page.base_url + "/surveys/new/?template=kindergarten_parents")
    assert_accessible(page)
    page.fill("#id_round_label", "Våren 2027")
    page.click("button[name=pick][value=none]")
    page.get_by_label("Solsikken barnehage", exact=True).check()
    page.get_by_label("Nordlys barnehage", exact=True).check()
    page.click("button[name=create]")
    page.wait_for_url("**/build/")
    survey = Survey.objects.get(round_label="Våren 2027")
    assert sorted(survey.survey_units.values_list("unit__name", flat=True)) == [
        "Nordlys barnehage",
        "Solsikken barnehage",
    ]
    assert_accessible(page)
    assert_fits_width(page)

    # Reword the first question.
    page.locator(".mv-build-item a.ds-button").first.click()
    assert_accessible(page)
    page.fill("#q-text", WORDING)
    page.click("button[value=save]")
    page.wait_for_url("**/build/#q-*")

    # A new single choice on the last page, and its follow-up on "Ja".
    page.select_option("#add-type", "single")
    page.fill("#add-text", NEW)
    page.fill("#add-options", "Ja\nNei")
    page.click("button[value=add]")
    page.wait_for_url("**/build/har_barnet_ditt_saerskilte_behov/**")
    page.locator("section[aria-labelledby=follow-heading]").get_by_label("Ja", exact=True).check()
    page.fill("#f-text", FOLLOW)
    page.click("button[value=follow_up]")
    page.wait_for_url("**/build/#q-hvilke_behov_har_barnet")
    assert page.get_by_text("Vises når «Har barnet ditt særskilte behov?» er «Ja»").is_visible()

    # Reorder: the first of two ratings moves below the second.
    page.click("#q-bhg_godt_sted button[value=down]")
    page.wait_for_url("**/build/#q-bhg_godt_sted")

    # Translate the new question into English, side by side.
    page.get_by_role("link", name="Oversett til engelsk").click()
    assert_accessible(page)
    page.locator(f".mv-translate:has-text('{NEW}') textarea").fill("Does your child have special needs?")
    page.click("form.mv-form button[type=submit]")
    page.wait_for_selector(".ds-alert")

    page.get_by_role("link", name="Tilbake til spørsmålene").click()
    page.locator("a[href$='/preview/']").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Sjekk før åpning").click()
    assert_accessible(page)
    page.click("button[value=open]")
    page.wait_for_url(f"**/surveys/{survey.pk}/")
    survey.refresh_from_db()
    assert survey.status == "open" and survey.opens_on and survey.closes_on

    # A parent in Solsikken answers exactly that survey.
    link = survey.survey_units.get(unit__name="Solsikken barnehage").link_key
    page.context.clear_cookies()
    page.goto(page.base_url + f"/a/{link}/")
    page.click("form.mv-start button")
    assert page.get_by_text(WORDING).is_visible()
    for _ in range(2):
        page.click("button[name=nav][value=next]")
    texts = page.locator("form.mv-survey").inner_text()
    moved, other = (question_text(survey, key) for key in ("bhg_godt_sted", "bhg_helhet"))
    assert texts.index(other) < texts.index(moved)  # moved below the other rating
    page.click("button[name=nav][value=next]")
    assert page.get_by_text(NEW).is_visible() and not page.get_by_text(FOLLOW).is_visible()
    page.locator("fieldset", has_text=NEW).get_by_label("Ja", exact=True).check()
    page.click("button[name=nav][value=next]")
    assert page.get_by_text(FOLLOW).is_visible()  # the follow-up appears on "Ja"
    page.fill("textarea", "Litt ekstra hjelp med språk")
    page.click("button[name=nav][value=next]")
    page.wait_for_url("**/done/")
    response = Response.objects.get(survey=survey, complete=True)
    assert response.answers.filter(question__key="hvilke_behov_har_barnet").exists()


def question_text(survey: Survey, key: str) -> str:
    return next(
        q["text"]["nb"] for s in survey.definition["sections"] for q in s["questions"] if q["key"] == key
    )


def test_builder_pages_in_nynorsk_pass_axe_and_fit_320_pixels(page: Any) -> None:
    """The pages, and the preview of a first page with "other, please specify" (its text field)."""
    login(page, "admin")
    document = sample_definition(languages=("nb", "nn", "ar"))
    document["title"] = {
        "nb": "Foreldreundersøkelse",
        "nn": "Foreldreundersøking",
        "ar": "استطلاع أولياء الأمور",
    }
    document["sections"][0]["questions"][2]["options"].append(
        {"key": "other", "label": {"nb": "Annet", "nn": "Anna", "ar": "غير ذلك"}, "other": True}
    )
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "nn", "url": page.base_url}])
    demo = load_demo()
    survey = services.survey_create(
        actor=demo.users["admin"],
        owner_unit=demo.units["Bydel Nord"],
        document=document,
        units=[demo.units["Solsikken barnehage"]],
        round_label="nynorsk",
    )
    for path in ("new/", f"{survey.pk}/build/", f"{survey.pk}/check/", f"{survey.pk}/preview/?narrow=1"):
        page.goto(page.base_url + f"/surveys/{path}")
        assert page.locator("html").get_attribute("lang") in ("nn", survey.definition["languages"][0])
        assert_accessible(page)
        assert_fits_width(page)
        assert_words_whole(page)  # "Brukarundersøkingar", "Foreldreundersøking" (app.css)
    page.goto(page.base_url + f"/surveys/{survey.pk}/preview/?narrow=1")
    assert page.get_by_label("Skriv hva").count() == 1  # "other": the field has its name, on the page
    page.goto(page.base_url + f"/surveys/{survey.pk}/build/q_channel/")
    assert "Rediger spørsmålet" in page.locator("h1").inner_text()
    assert page.get_by_label("Tilby «Anna» med tekstfelt").is_checked()
    assert_accessible(page)
    assert_fits_width(page)


def test_drag_and_drop_reorders_and_the_buttons_stay(page: Any) -> None:
    """Dropping a question onto another puts it just before it; the move buttons are still there."""
    login(page, "admin")
    demo = load_demo()
    survey = services.survey_create(
        actor=demo.users["admin"],
        owner_unit=demo.units["Bydel Nord"],
        document=sample_definition(),
        units=[demo.units["Solsikken barnehage"]],
        round_label="drag",
    )
    page.goto(page.base_url + f"/surveys/{survey.pk}/build/")
    assert page.locator(".mv-drag-hint").is_visible()  # shown only where the script runs
    assert page.locator("#q-q_used").get_attribute("draggable") == "true"
    assert page.locator("#q-q_used button[value=up]").is_visible()
    with page.expect_navigation():
        page.locator("#q-q_used").drag_to(page.locator("#q-q_overall"))
    survey.refresh_from_db()
    keys = [q["key"] for q in survey.definition["sections"][0]["questions"]]
    assert keys[:2] == ["q_used", "q_overall"]
    assert "Spørsmålet er flyttet." in page.content()
    assert_accessible(page)
