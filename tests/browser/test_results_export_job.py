"""Preparing response-level data in the background from the results page, in a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import assert_accessible, assert_fits_width, login

pytestmark = pytest.mark.browser


def test_background_export_from_the_results_page(page: Any, settings: Any, tmp_path: Any) -> None:
    from medvirk.accounts.demo import load_demo
    from medvirk.insights.tables import clear_cache
    from medvirk.insights.tests.factories import answer_many, close, make_survey

    settings.MEDIA_ROOT = tmp_path
    clear_cache()  # rolled-back tests can reuse survey ids
    demo = load_demo()
    survey = make_survey(demo, anonymous=True)
    sol = demo.units["Solsikken barnehage"].pk
    answer_many(survey, demo.units["Solsikken barnehage"], [3, 4, 5, 5, 6, 6])
    close(survey)  # response-level files only of closed rounds (b6716c9)
    login(page, "analytiker")
    page.goto(page.base_url + f"/results/{survey.pk}/?unit={sol}")
    page.select_option("#id_raw_format", value="xlsx")
    assert_accessible(page)
    assert_fits_width(page)
    page.get_by_role("button", name="Lag i bakgrunnen").click()  # the UI is in bokmål by default
    page.wait_for_url("**/jobs/*/")
    # Jobs run inside the request in tests; the file is named after the round and the unit in the
    # user's language ("<survey> <round> – Solsikken barnehage – svar.xlsx").
    link = page.get_by_role("link", name=re.compile(r"Solsikken barnehage – svar\.xlsx$"))
    assert link.count() == 1
    assert_accessible(page)
