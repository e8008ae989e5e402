"""The results page in a real browser: unit filter, comparison, crosstab; zero axe violations."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.accounts.demo import load_demo
from medvirk.insights.tables import SurveyResults, clear_cache
from medvirk.insights.tests.factories import answer_many, close, make_survey

from .conftest import assert_accessible, assert_charts_readable, assert_fits_width, assert_page_basics, login

pytestmark = pytest.mark.browser


def test_results_pages_are_accessible(page: Any) -> None:
    clear_cache()  # rolled-back tests can reuse survey ids
    demo = load_demo()
    survey = make_survey(demo)
    answer_many(survey, demo.units["Solsikken barnehage"], [3, 4, 5, 5, 6, 6], q_why="Bra")
    answer_many(survey, demo.units["Nordlys barnehage"], [2, 4])
    answer_many(survey, demo.units["Sørbyen barnehage"], [1, 2, 4, 5, 6, 6, 6], bg_gender="female")
    login(page, "admin")
    # While the round is open: no figures, but when they come and why, and how many have answered.
    page.goto(page.base_url + f"/results/{survey.pk}/")
    assert "Resultatene kommer når undersøkelsen er avsluttet" in page.locator("#round-open").inner_text()
    assert page.locator("svg[role=img]").count() == 0 and page.locator("#round-progress").count() == 1
    assert_accessible(page)
    assert_fits_width(page)
    close(survey)
    page.goto(page.base_url + "/results/")
    assert_accessible(page)
    page.click(f"a[href='/results/{survey.pk}/']")
    page.wait_for_url(f"**/results/{survey.pk}/")
    assert page.locator("h1").count() == 1
    assert page.locator("svg[role=img]").count() >= 1
    assert_accessible(page)
    assert_fits_width(page)
    assert_charts_readable(page)
    page.select_option("#id_unit", value=str(demo.units["Bydel Nord"].pk))
    page.click("form.mv-filter button[type=submit]")
    page.wait_for_url("**unit=*")
    assert "Bydel Nord" in page.locator("h1").inner_text()
    page.click("details.mv-compare >> nth=0")
    assert_accessible(page)
    # A unit whose figures are all hidden (Nordlys: 2 answers) gets the short page: why, what the
    # leader can do, and the district's and the municipality's figures.
    page.goto(page.base_url + f"/results/{survey.pk}/?unit={demo.units['Nordlys barnehage'].pk}")
    assert page.locator("#unit-hidden").count() == 1 and page.locator("#next-heading").count() == 1
    assert page.locator(".mv-question-result").count() == 0
    assert_accessible(page)
    assert_fits_width(page)
    root = demo.units[""].pk
    for path in [
        f"/results/{survey.pk}/crosstab/?unit={root}&question=q_overall&by=unit",
        f"/results/{survey.pk}/crosstab/?unit={root}&question=q_overall&by=gender",
        f"/results/{survey.pk}/text/?unit={root}",
    ]:
        page.goto(page.base_url + path)
        assert_page_basics(page)
        if "crosstab" in path:
            assert_charts_readable(page)


def test_free_text_themes_and_numbers_are_accessible(page: Any) -> None:
    from medvirk.insights.tests.factories import answer
    from medvirk.insights.tests.test_text_themes import ANSWERS

    clear_cache()
    demo = load_demo()
    sol = demo.units["Solsikken barnehage"]
    # A previous round rated higher: the page marks the question "Reliably lower than last round"
    # with a tag, which must wrap at 320 px (Designsystemet sizes a tag to its text on one line).
    before = make_survey(demo, round_label="2025")
    answer_many(before, sol, [5, 6, 6, 5, 6, 5, 6, 6])
    close(before)
    SurveyResults(before).disclosure.decide()  # the worker's, before pages compare with it
    survey = make_survey(demo)
    for i, text in enumerate(ANSWERS):
        answer(survey, sol, overall=1, q_why=text, q_visits=i)
    close(survey)
    login(page, "admin")
    page.goto(page.base_url + f"/results/{survey.pk}/text/?unit={sol.pk}")
    assert page.locator("#themes-caption").count() == 1
    assert_accessible(page)
    assert_fits_width(page)
    page.goto(page.base_url + f"/results/{survey.pk}/?unit={sol.pk}")
    assert page.locator("#numbers-caption").count() == 1
    assert page.locator(".ds-tag", has_text="Statistisk sikkert lavere enn forrige runde").count() == 1
    assert_accessible(page)
    assert_fits_width(page)
