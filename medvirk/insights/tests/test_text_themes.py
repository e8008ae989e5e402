"""Free-text themes: service, page and API, with masking and the free-text threshold."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.accounts.demo import DemoData

from ..text_themes import themes_from_answers
from .factories import answer, close, make_survey

PARKING = [
    "Parkeringen ved barnehagen er for liten",
    "For få parkeringsplasser, parkeringen er full",
    "Parkeringen er for liten, ring meg på 912 34 567",
] * 3
FOOD = ["Maten er for lite variert", "Bedre mat og mer frukt til maten"] * 4
PLAYGROUND = ["Lekeplassen trenger nye husker", "Lekeplassen er slitt", "Lekeplassen bør males"]
MISC = ["Alt er bra", "Takk for en fin høst"]
ANSWERS = PARKING + FOOD + PLAYGROUND + MISC


pytestmark = pytest.mark.usefixtures("in_english")


def test_themes_fold_small_groups_into_other() -> None:
    result = themes_from_answers(ANSWERS, 8)
    assert result is not None and result.total == 22
    parking, food, other = result.themes
    assert parking.keywords[0] == "parkeringen" and parking.count == 9
    assert food.count == 8 and "maten" in food.keywords
    # the playground theme (3 answers) is below the threshold: counted under "Other"
    assert other.other and other.count == 5 and "Lekeplassen trenger nye husker" in other.examples
    assert len(parking.examples) == 3 and len(set(parking.examples)) == 3
    assert sum(t.count for t in result.themes) == result.total


def test_no_themes_under_the_threshold() -> None:
    assert themes_from_answers(ANSWERS[:7], 8) is None
    assert themes_from_answers(ANSWERS[:7], 5) is not None


@pytest.fixture
def survey(demo: DemoData):
    s = make_survey(demo)
    sol = demo.units["Solsikken barnehage"]
    for text in ANSWERS:
        answer(s, sol, overall=1, q_why=text)
    return s


@pytest.fixture
def closed(survey: Any) -> Any:
    return close(survey)


def test_page_shows_masked_themes_above_the_list(closed: Any, client_as: Any, demo: DemoData) -> None:
    survey = closed
    sol = demo.units["Solsikken barnehage"].pk
    page = client_as("leder.solsikken").get(f"/results/{survey.pk}/text/?unit={sol}").content.decode()
    assert page.index("Themes among 22 answers") < page.index("22 answers</h2>")
    assert "parkeringen, " in page and "Other" in page
    assert "912 34 567" not in page and "Parkeringen er for liten, ring meg på" in page
    # a search lists its hits only and points back to the themes
    page = client_as("leder.solsikken").get(f"/results/{survey.pk}/text/?unit={sol}&q=maten").content.decode()
    assert "Themes among" not in page and "Clear the search" in page


def test_api_returns_themes_and_respects_the_threshold(closed: Any, client_as: Any, demo: DemoData) -> None:
    survey = closed
    c = client_as("leder.solsikken")
    data = c.get(f"/api/v1/results/surveys/{survey.pk}/text?question=q_why&q=maten").json()
    assert data["shown"] and data["total"] == 22 and len(data["answers"]) == 8
    themes = data["themes"]
    assert [t["count"] for t in themes] == [9, 8, 5] and themes[-1]["other"]
    assert all("912 34 567" not in e for t in themes for e in t["examples"])
    # Another round where Nordlys has three answers: under the free-text threshold, nothing
    # listed, no themes. (A round takes no answers once it has closed, and shows none before.)
    survey = make_survey(demo, round_label="2027")
    for text in ANSWERS:
        answer(survey, demo.units["Solsikken barnehage"], overall=1, q_why=text)
    for text in FOOD[:3]:
        answer(survey, demo.units["Nordlys barnehage"], overall=1, q_why=text)
    close(survey)
    nordlys = demo.units["Nordlys barnehage"].pk
    url = f"/api/v1/results/surveys/{survey.pk}/text?question=q_why&unit_id={nordlys}"
    data = client_as("admin").get(url).json()
    assert not data["shown"] and data["themes"] is None and data["answers"] == []
    assert data["total"] is None
    assert c.get(f"/api/v1/results/surveys/{survey.pk}/text?question=q_nope").status_code == 404
