"""Panels staff pages in a real browser: correcting a volunteer, council meetings; axe on each."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import assert_accessible, assert_fits_width, login

pytestmark = pytest.mark.browser


def test_volunteer_edit_and_council_meetings_are_accessible(page: Any) -> None:
    from medvirk.accounts.demo import load_demo
    from medvirk.panels.demo import seed_volunteers
    from medvirk.panels.models import Council, CouncilMeeting

    demo = load_demo()
    volunteer = seed_volunteers(demo.municipality, count=1, seed=9)[0]
    council = Council.objects.create(municipality=demo.municipality, name="Eldrerådet")
    login(page, "koordinator")
    page.goto(page.base_url + f"/panels/volunteers/{volunteer.pk}/edit/")
    assert_accessible(page)
    assert_fits_width(page)
    page.goto(page.base_url + f"/panels/councils/{council.pk}/")
    page.fill("#id_g-date", "2026-04-02")
    page.fill("#id_g-title", "Vårmøte")
    page.select_option("#id_g-record_for", label="Bydel Nord")
    page.click("button[name=add_meeting]")
    page.wait_for_selector("text=Vårmøte")
    assert CouncilMeeting.objects.get(council=council).activity is not None
    assert_accessible(page)
    assert_fits_width(page)
