"""Number questions: mean with CI, median and quartiles, suppressed like every other figure."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from medvirk.accounts.demo import DemoData

from ..numbers import summarise
from ..questions import QuestionInfo
from .factories import answer, close, make_survey

Q = QuestionInfo(1, "q_visits", "number", "Visits", None, None)


def test_summarise_matches_hand_computed_values() -> None:
    # mean 4, s² = 50/4, se = √12.5/√5, t(0.975, 4) = 2.776445; quartiles R type 7
    f = summarise(Q, [1, 2, 3, 4, 10])
    assert f.n == 5 and f.mean is not None and f.mean.estimate == pytest.approx(4)
    half = 2.776445 * (12.5**0.5) / (5**0.5)
    assert f.mean.interval == pytest.approx((4 - half, 4 + half), abs=1e-5)
    assert (f.q1, f.median, f.q3) == (2, 3, 4)


pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def survey(demo: DemoData):
    s = make_survey(demo)
    for visits in [1, 2, 3, 4, 10]:
        answer(s, demo.units["Solsikken barnehage"], q_visits=visits)
    return s


def test_page_and_api_show_numbers_and_suppress_small_groups(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    sol, nordlys = demo.units["Solsikken barnehage"].pk, demo.units["Nordlys barnehage"].pk
    close(survey)
    c = client_as("admin")
    page = c.get(f"/results/{survey.pk}/?unit={sol}").content.decode()
    section = page[page.index('id="numbers-heading"') :]
    assert (
        "How many visits?" in section
        and "<td>5</td><td>4.0 (-0.4–8.4)</td><td>3.0</td><td>2.0–4.0</td>" in section
    )
    data = c.get(f"/api/v1/results/surveys/{survey.pk}?unit_id={sol}").json()
    (number,) = data["numbers"]
    assert number["key"] == "q_visits" and number["n"] == 5 and number["median"] == 3
    assert number["q1"] == 2 and number["q3"] == 4 and number["mean"]["estimate"] == pytest.approx(4)
    export = b"".join(c.get(f"/results/{survey.pk}/export/?unit={sol}").streaming_content)
    rows = list(csv.reader(io.StringIO(export.decode("utf-8-sig"))))
    row = next(r for r in rows if r[2] == "q_visits" and r[0] == str(sol))
    assert row[5:7] == ["5", "4.0"] and float(row[7]) == pytest.approx(4 - 2.776445 * 2.5**0.5, abs=1e-4)
    quartiles = [rows[0].index(c) for c in ("median", "lower_quartile", "upper_quartile")]
    assert [row[i] for i in quartiles] == ["3.0", "2.0", "4.0"]
    # Another round, with two answers in Nordlys too: hidden there (and its district does not give
    # it away). (A round takes no answers once it has closed, and shows none before.)
    survey = make_survey(demo, round_label="2027")
    for visits in [1, 2, 3, 4, 10]:
        answer(survey, demo.units["Solsikken barnehage"], q_visits=visits)
    for visits in [7, 8]:
        answer(survey, demo.units["Nordlys barnehage"], q_visits=visits)
    close(survey)
    page = c.get(f"/results/{survey.pk}/?unit={nordlys}").content.decode()
    # Every figure of Nordlys is hidden: the page says so once and leaves the question out.
    assert 'id="numbers-heading"' not in page and 'id="questions-not-listed"' in page
    assert "7.5" not in page
    data = c.get(f"/api/v1/results/surveys/{survey.pk}?unit_id={nordlys}").json()
    assert data["numbers"][0] == {
        "key": "q_visits",
        "text": "How many visits?",
        "shown": False,
        "status": "primary",
        "n": None,
        "mean": None,
        "median": None,
        "q1": None,
        "q3": None,
    }
