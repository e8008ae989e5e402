"""The equity report in a real browser: chart and tables render, no axe violations, fits a phone."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.accounts.demo import load_demo
from medvirk.insights.disclosure import clear_cache
from medvirk.insights.tests.equity_fixtures import closed_survey, import_population

from .conftest import assert_accessible, assert_charts_readable, assert_fits_width, login

pytestmark = pytest.mark.browser


def test_equity_report_is_accessible(page: Any) -> None:
    clear_cache()  # rolled-back tests can reuse survey ids
    demo = load_demo()
    import_population(demo)
    survey = closed_survey(demo)
    login(page, "analytiker")
    page.goto(page.base_url + "/population/equity/")
    assert_accessible(page)
    page.click("text=Bydel Nord")
    page.select_option("#id_survey", str(survey.pk))
    page.click("form.mv-picker button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("svg.mv-chart__svg").count() >= 2
    assert page.locator("text=Kilde: Statistisk sentralbyrå").count() >= 1
    assert_accessible(page)
    assert_fits_width(page)
    assert_charts_readable(page)
    page.emulate_media(media="print")
    assert not page.locator("header.mv-header").is_visible()
    page.emulate_media(media="screen")
    for path in ["/population/", "/population/import/"]:
        page.goto(page.base_url + path)
        assert page.locator("h1").count() == 1
        assert_accessible(page)
