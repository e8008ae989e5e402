"""A line from 0 to 10 (``vas``) in results and exports: mean, median and quartiles like a number,
through the same disclosure decision; a number column in CSV and SPSS."""

from __future__ import annotations

import math
from typing import Any

import pytest

from medvirk.accounts.demo import DemoData
from tests.sample_survey import with_line

from .. import exports
from ..tables import SurveyResults
from . import factories
from .factories import answer, close, make_survey
from .sav_files import read_sav

VALUES = [0.5, 2.5, 3.0, 7.3, 10.0]


pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def survey(demo: DemoData, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(factories, "sample_definition", with_line)
    s = make_survey(demo, anonymous=True)
    for value in VALUES:
        answer(s, demo.units["Solsikken barnehage"], q_pain=value)
    return s


def _line(results: dict[str, Any]) -> dict[str, Any]:
    (line,) = [n for n in results["numbers"] if n["key"] == "q_pain"]
    return line


def test_page_and_api_show_mean_median_and_quartiles(survey: Any, client_as: Any, demo: DemoData) -> None:
    close(survey)
    sol = demo.units["Solsikken barnehage"].pk
    client = client_as("admin")
    page = client.get(f"/results/{survey.pk}/?unit={sol}").content.decode()
    section = page[page.index('id="numbers-heading"') :]
    assert "How much pain do you have now?" in section
    assert "<td>5</td><td>4.7 (" in section  # mean 23.3 / 5
    assert "</td><td>3.0</td><td>2.5–7.3</td>" in section  # median; quartiles (R type 7)
    line = _line(client.get(f"/api/v1/results/surveys/{survey.pk}?unit_id={sol}").json())
    assert line["n"] == 5
    assert line["mean"]["estimate"] == pytest.approx(4.66)
    assert (line["q1"], line["median"], line["q3"]) == (2.5, 3.0, 7.3)


def test_small_groups_are_suppressed_like_number_questions(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    nordlys = demo.units["Nordlys barnehage"]
    for value in (8.8, 9.9):
        answer(survey, nordlys, q_pain=value)
    close(survey)
    client = client_as("admin")
    page = client.get(f"/results/{survey.pk}/?unit={nordlys.pk}").content.decode()
    # Every figure of Nordlys is hidden: the page says so once and leaves the question out.
    assert 'id="numbers-heading"' not in page and 'id="questions-not-listed"' in page
    assert "9.4" not in page  # the mean of the two
    line = _line(client.get(f"/api/v1/results/surveys/{survey.pk}?unit_id={nordlys.pk}").json())
    assert line["shown"] is False
    assert line["mean"] is None
    assert line["median"] is None


def test_response_level_csv_and_spss_carry_the_point(survey: Any, client_as: Any, demo: DemoData) -> None:
    sol = demo.units["Solsikken barnehage"]
    close(survey)
    rows = list(exports.raw_rows(demo.users["analytiker"], SurveyResults(survey), sol.pk))
    column = rows[0].index("q_pain")
    assert sorted(float(r[column]) for r in rows[1:]) == VALUES
    response = client_as("analytiker").get(f"/results/{survey.pk}/responses/?unit={sol.pk}&format=sav")
    assert response.status_code == 200
    frame, meta = read_sav(b"".join(response.streaming_content), user_missing=True)
    assert sorted(frame["q_pain"]) == VALUES
    assert meta.variable_measure["q_pain"] == "scale"
    assert "q_pain" not in meta.variable_value_labels
    assert not any(math.isnan(v) for v in frame["q_pain"])
