"""Panels in a real browser: the public sign-up form and the transparency report; axe on every page."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import assert_accessible, assert_charts_readable, assert_fits_width, assert_page_basics, login

pytestmark = pytest.mark.browser


def test_public_signup_errors_and_success_are_accessible(page: Any) -> None:
    from medvirk.panels.models import Volunteer

    page.goto(page.base_url + "/v/eksempel/")
    assert_page_basics(page)
    page.fill("#id_name", "Aisha Testesen")
    page.fill("#id_email", "aisha.test@example.org")
    page.click("form.mv-form button[type=submit]")
    assert page.locator("#id_consent_error").is_visible()
    assert "id_consent_error" in (page.get_attribute("#id_consent", "aria-describedby") or "")
    assert page.input_value("#id_name") == "Aisha Testesen"
    assert_accessible(page)
    page.select_option("#id_age_band", value="25-34")
    page.check("input[name=gender][value=female]")
    page.select_option("#id_district", value="prefer_not_to_say")
    page.check("input[name=immigrant_background][value=prefer_not_to_say]")
    page.check("input[name=social_background][value=higher]")
    page.check("input[name=languages][value=en]")
    page.check("#id_consent")
    page.click("form.mv-form button[type=submit]")
    page.wait_for_url("**/v/eksempel/thanks/")
    assert_accessible(page)
    volunteer = Volunteer.objects.get(email="aisha.test@example.org")
    assert volunteer.district == "prefer_not_to_say" and not volunteer.email_confirmed


def test_transparency_report_is_accessible(page: Any) -> None:
    from medvirk.accounts.demo import load_demo
    from medvirk.panels import services
    from medvirk.panels.demo import seed_panels_demo

    demo = load_demo()
    panel = seed_panels_demo(demo)
    login(page, "koordinator")
    page.goto(page.base_url + f"/panels/{panel.pk}/")
    assert_accessible(page)
    assert_fits_width(page)
    page.goto(page.base_url + f"/panels/{panel.pk}/quotas/?suggest=1")
    assert_accessible(page)
    assert_fits_width(page)
    services.panel_select(actor=demo.users["koordinator"], panel=panel, seed=2026)
    page.goto(page.base_url + f"/panels/{panel.pk}/report/")
    assert page.locator("svg.mv-chart").count() >= 3
    assert_accessible(page)
    assert_fits_width(page)
    assert_charts_readable(page)
    page.goto(page.base_url + "/panels/volunteers/")
    assert_accessible(page)
    assert_fits_width(page)
    page.goto(page.base_url + "/panels/volunteers/import/")
    assert_accessible(page)


def test_council_page_is_accessible(page: Any) -> None:
    import datetime

    from medvirk.orgs.models import Municipality
    from medvirk.panels.models import Council, CouncilMember

    municipality = Municipality.objects.get(slug="eksempel")
    council = Council.objects.create(municipality=municipality, name="Eldrerådet")
    CouncilMember.objects.create(
        municipality=municipality,
        council=council,
        name="Berit Bruker",
        kind="user",
        term_start=datetime.date(2025, 1, 1),
        term_end=datetime.date.today() + datetime.timedelta(days=10),
    )
    login(page, "koordinator")
    page.goto(page.base_url + f"/panels/councils/{council.pk}/")
    assert page.locator("th", has_text="Berit Bruker").count() == 1  # her row (its forms name her too)
    assert_accessible(page)
    assert_fits_width(page)
    page.click("button[name=add_decision]")
    assert page.locator("#id_d-text_error").is_visible()
    assert_accessible(page)
