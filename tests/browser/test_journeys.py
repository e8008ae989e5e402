"""User journeys in plain language, in a real browser with axe on every page:

- the unit leader reads her results (figures in words first, terms explained on focus) and
  downloads her PDF, named after her unit and the round;
- the analyst reads the equity report, and its advice names the group the finding is about.

(The coordinator's journey from a finding to a measure on the public page is in
``test_participation.py``.) Screenshots at 320 px go to ``var/screenshots/`` for review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from medvirk.accounts.demo import load_demo
from medvirk.insights.tables import clear_cache
from medvirk.insights.tests.equity_fixtures import closed_survey, import_population
from medvirk.insights.tests.factories import answer_many, close, make_survey

from .conftest import ROOT, assert_accessible, assert_fits_width, login

pytestmark = pytest.mark.browser
SHOTS = ROOT / "var" / "screenshots"


def _shot(page: Any, name: str) -> None:
    """Save a full-page screenshot at 320 px (WCAG reflow width) for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=str(Path(SHOTS, f"{name}.png")), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_unit_leader_reads_results_in_words_and_downloads_her_pdf(page: Any) -> None:
    clear_cache()  # rolled-back tests can reuse survey ids
    demo = load_demo()
    survey = make_survey(demo)
    sol = demo.units["Solsikken barnehage"]
    answer_many(survey, sol, [4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 6, 6])
    # Nordlys' options are each chosen by 3 (none withheld), so no option of Solsikken's must be
    # merged to keep "the district minus Solsikken" from revealing a small one (issue 16).
    answer_many(survey, demo.units["Nordlys barnehage"], [4, 4, 4, 6, 6, 6])
    close(survey)  # its results come when it has closed
    login(page, "leder.solsikken")
    page.goto(page.base_url + "/results/")
    assert_accessible(page)
    page.click(f"a[href='/results/{survey.pk}/']")
    page.wait_for_url(f"**/results/{survey.pk}/**")
    assert "Solsikken barnehage" in page.locator("h1").inner_text()
    # Words first: 9 of her 12 parents answered 5 or 6.
    reading = page.locator(".mv-reading").first.inner_text()
    assert "3 av 4 svarte 5 eller 6 (9 av 12)." in reading, reading
    # Each term is explained on focus, and Escape closes the explanation (WCAG 1.4.13).
    term = page.locator(".mv-term__link").first
    tip = page.locator(".mv-term__tip").first
    assert not tip.is_visible()
    term.focus()
    assert tip.is_visible()
    assert "95 av 100 ganger" in tip.inner_text()
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    assert page.locator("#how-to-read").count() == 1
    assert not page.locator("details[data-advanced] >> text=Wilson").is_visible()  # for analysts, closed
    assert_accessible(page)
    assert_fits_width(page)
    _shot(page, "results-unit-leader-nb")
    with page.expect_download(timeout=90_000) as download:  # drawing a PDF takes seconds
        page.click("main a >> text=Rapport for enheten (PDF)", no_wait_after=True)
    assert download.value.suggested_filename == f"{survey} 2026 – Solsikken barnehage – rapport.pdf"


def test_analyst_reads_equity_advice_for_the_group_the_finding_names(page: Any) -> None:
    clear_cache()
    demo = load_demo()
    import_population(demo)
    # Many women, a few men and two who did not say: the two are hidden, and the men with them,
    # so the report merges them into one row that says who is in it.
    plan = [
        ("Solsikken barnehage", "35-44", "female", "999901", 5, 22),
        ("Nordlys barnehage", "25-34", "female", "999901", 5, 20),
        ("Solsikken barnehage", "35-44", "male", "999901", 4, 6),
        ("Nordlys barnehage", "35-44", "male", "999901", 4, 4),
        ("Nordlys barnehage", "45-54", "prefer_not_to_say", "999901", 4, 2),
        ("Sørbyen barnehage", "35-44", "female", "999902", 5, 12),
        ("Sørbyen barnehage", "25-34", "male", "999902", 3, 10),
    ]
    survey = closed_survey(demo, plan)
    login(page, "analytiker")
    page.goto(page.base_url + "/population/equity/")
    page.click("text=Bydel Nord")
    page.select_option("#id_survey", str(survey.pk))
    page.click("form.mv-picker button[type=submit]")
    page.wait_for_load_state()
    merged = "Mann og ikke oppgitt, slått sammen for å verne få personer"
    assert page.locator(f"main >> text={merged}").count() >= 1
    steps = page.locator(".mv-steps li")
    advice = [steps.nth(i).inner_text() for i in range(steps.count())]
    about_men = [a for a in advice if a.startswith("Mann og ikke oppgitt (kjønn) er underrepresentert")]
    assert about_men, advice
    assert "personlig" in about_men[0]
    assert "minoritetsorganisasjoner" not in about_men[0] and "språk" not in about_men[0]
    assert_accessible(page)
    assert_fits_width(page)
    _shot(page, "equity-analyst-nb")
