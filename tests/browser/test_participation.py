"""Participation journey in a real browser: the participation coordinator plans and documents an
activity for a kindergarten, turns a finding into a measure, and sees it on the public "you said
— we did" page only once it is in progress; axe on every page."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import assert_charts_readable, assert_page_basics, login

pytestmark = pytest.mark.browser


def test_coordinator_turns_a_finding_into_a_measure_on_the_public_page(
    page: Any, settings: Any, tmp_path: Any
) -> None:
    from medvirk.accounts.demo import load_demo

    settings.MEDIA_ROOT = tmp_path / "media"  # the live server runs in this process
    solsikken = str(load_demo().units["Solsikken barnehage"].pk)
    login(page, "koordinator")
    page.goto(page.base_url + "/participation/")
    assert_page_basics(page)
    page.click("main a[href$='/activities/new/']")
    assert_page_basics(page)
    page.select_option("#id_owner_unit", solsikken)
    page.fill("#id_title", "Foreldremøte om mat")
    page.select_option("#id_kind", "user_meeting")
    page.fill("#id_starts_on", "2026-05-20")
    page.fill("#id_place", "Storstua")
    page.fill("#id_question", "Hva synes dere om maten?")
    page.check("input[name=ladder][value=dialogue]")
    page.check("input[name=level][value=group]")
    page.check("input[name=invited][value=open]")
    page.check("input[name=accommodations][value=offers_interpreter]")
    page.click("form.mv-form button[type=submit]")
    page.wait_for_url("**/participation/activities/*/")
    assert page.locator("h1").inner_text() == "Foreldremøte om mat"
    assert_page_basics(page)

    page.click("main a[href$='/document/']")
    assert_page_basics(page)
    page.fill("#id_participants", "14")
    page.fill("#id_gender__female", "9")
    page.fill("#id_gender__male", "5")
    page.fill("#id_minutes", "Foreldrene ønsker mer frukt.")
    page.click("form.mv-form button[type=submit]")
    page.wait_for_url("**/participation/activities/*/")
    assert page.locator("text=Foreldrene ønsker mer frukt.").count() == 1
    assert_page_basics(page)

    page.set_input_files(
        "#id_file", {"name": "referat.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}
    )
    page.click("form[enctype] button[type=submit]")
    assert page.locator("main a >> text=referat.pdf").count() == 1
    assert_page_basics(page)

    page.click("main a[href$='/edit/']")
    assert_page_basics(page)
    page.go_back()
    page.click("main a[href$='/reflection/']")
    assert_page_basics(page)
    page.go_back()

    page.click("main a[href*='/findings/new/']")
    assert_page_basics(page)
    if page.locator("#id_unit").count():
        page.select_option("#id_unit", solsikken)
    page.fill("#id_statement", "Foreldre vil ha mer frukt i barnehagen.")
    page.check("#id_published")
    page.click("form.mv-form button[type=submit]")
    page.wait_for_url("**/participation/findings/*/")
    assert_page_basics(page)

    page.click("main a[href$='/measure/']")
    assert_page_basics(page)
    page.fill("#id_title", "Frukt til lunsj hver dag")
    page.check("input[name=decision_level][value=unit_leader]")
    page.check("input[name=within_budget][value=yes]")
    page.check("#id_published")
    page.check("#id_shareable")
    page.click("form.mv-form button[type=submit]")
    page.wait_for_url("**/participation/measures/*/")
    assert_page_basics(page)
    measure_url = page.url
    page.goto(page.base_url + "/p/eksempel/")  # published, but only proposed: not on the public page yet
    assert page.locator("text=Frukt til lunsj hver dag").count() == 0
    page.goto(measure_url)
    page.select_option("#id_status", "in_progress")
    page.fill("#id_progress", "30")
    page.click("form.mv-form button[type=submit]")
    page.wait_for_url("**/participation/measures/*/")
    assert page.locator("dd >> text=30 %").count() >= 1

    for path in [
        "/participation/findings/",
        "/participation/measures/",
        "/participation/report/?year=2026",
        "/participation/bank/",
        "/participation/cycle/?year=2026",
    ]:
        page.goto(page.base_url + path)
        assert_page_basics(page)
        if "report" in path:
            assert_charts_readable(page)

    page.goto(page.base_url + "/p/eksempel/")
    assert page.locator("text=Foreldre vil ha mer frukt i barnehagen.").count() == 1
    assert page.locator("text=Frukt til lunsj hver dag").count() == 1
    assert_page_basics(page)
    page.click("main a >> text=Solsikken barnehage")
    assert page.locator("text=Frukt til lunsj hver dag").count() == 1
    assert_page_basics(page)


def test_compare_municipalities_that_share_their_figures(page: Any) -> None:
    import datetime

    from medvirk.accounts.demo import load_demo
    from medvirk.participation import services
    from medvirk.participation.tests.factories import make_activity

    demo = load_demo()
    provestad = demo.users["provestad.admin"].municipality
    assert provestad is not None
    services.sharing_grant(
        actor=demo.users["provestad.admin"],
        municipality=provestad,
        partner=demo.municipality,
    )
    year = datetime.date.today().year
    activity = make_activity(
        demo,
        demo.other_units["Torget barnehage"],
        "provestad.admin",
        title="Brukerråd",
        kind="council_meeting",
        level="representative",
        invited="organisations",
        starts_on=datetime.date(year, 1, 15),
    )
    services.activity_document(
        actor=demo.users["provestad.admin"],
        activity=activity,
        participants=12,
        composition={"gender": {"female": 9, "male": 3}},
    )
    login(page, "admin")
    page.goto(page.base_url + "/participation/compare/sharing/")
    assert_page_basics(page)
    page.goto(page.base_url + "/participation/compare/")
    assert_page_basics(page)
    page.check("input[name=m][value=eksempel]")
    page.check("input[name=m][value=provestad]")
    page.select_option("#id_year", str(year))
    page.click("form.mv-form button[type=submit]")
    page.wait_for_url("**/participation/compare/?*")
    assert page.locator("table th[scope=col] >> text=Prøvestad kommune").count() >= 1
    # One chart in two layouts: the wide one, and the narrow one that phones get instead.
    assert page.locator("svg.mv-chart--wide title").count() == 1
    assert page.locator("svg.mv-chart--narrow title").count() == 1
    assert_page_basics(page)
    assert_charts_readable(page)
