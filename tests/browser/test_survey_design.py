"""Design and distribute a survey in a real browser; zero axe violations on every page."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.surveys.models import Response, Survey

from .conftest import assert_accessible, assert_fits_width, login

pytestmark = pytest.mark.browser


def test_create_open_translate_and_distribute(page: Any) -> None:
    login(page, "analytiker")
    page.goto(page.base_url + "/surveys/new/?template=kindergarten_parents")
    assert_accessible(page)
    page.fill("#id_round_label", "2027")
    page.click("form.mv-form[method=post] button[type=submit]")
    page.wait_for_url("**/surveys/*/")
    survey = Survey.objects.get(round_label="2027")
    assert survey.survey_units.count() == 6  # every kindergarten was suggested and kept
    assert_accessible(page)
    assert_fits_width(page)

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
