"""No figure from fewer respondents than the threshold appears in pages, exports or the API."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from medvirk.demo import DemoData

from .factories import answer, answer_many, make_survey

THRESHOLD = 5


@pytest.fixture
def survey(demo: DemoData):  # type: ignore[no-untyped-def]
    s = make_survey(demo)
    answer_many(s, demo.units["Solsikken barnehage"], [4, 4, 5, 5, 5, 6, 6, 6, 6, 6])
    answer_many(s, demo.units["Nordlys barnehage"], [1, 1, 2])  # a small unit
    answer_many(s, demo.units["Sørbyen barnehage"], [3, 4, 5, 6, 6, 6], bg_gender="female")
    answer(s, demo.units["Sørbyen barnehage"], overall=2, bg_gender="male")  # a small category
    return s


TRUE_N = {"Solsikken barnehage": 10, "Nordlys barnehage": 3, "Sørbyen barnehage": 7}


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_hides_small_units_and_protects_them_against_differencing(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    rows = _csv(client_as("admin").get(f"/results/{survey.pk}/export/?unit={demo.units[''].pk}"))
    by_unit = {r["unit"]: r for r in rows if r["question"] == "q_overall"}
    assert by_unit["Nordlys barnehage"]["status"] == "primary" and by_unit["Nordlys barnehage"]["n"] == ""
    assert by_unit["Nordlys barnehage"]["mean"] == ""
    # Bydel Nord is shown (13), so Solsikken must be hidden too, or 13 − 10 gives Nordlys away.
    assert by_unit["Bydel Nord"]["n"] == "13"
    assert (
        by_unit["Solsikken barnehage"]["status"] == "secondary" and by_unit["Solsikken barnehage"]["n"] == ""
    )
    for r in rows:
        if r["n"]:
            assert int(r["n"]) == 0 or int(r["n"]) >= THRESHOLD, r
    # Every parent with a hidden child hides at least two children holding ≥ threshold together.
    tree_children = {"Bydel Nord": ["Solsikken barnehage", "Nordlys barnehage"]}
    for parent, kids in tree_children.items():
        hidden = [k for k in kids if not by_unit[k]["n"]]
        if by_unit[parent]["n"] and hidden:
            assert len(hidden) >= 2 and sum(TRUE_N[k] for k in hidden) >= THRESHOLD


def test_pages_never_show_the_small_unit(survey: Any, client_as: Any, demo: DemoData) -> None:
    c = client_as("admin")
    nordlys = demo.units["Nordlys barnehage"].pk
    html = c.get(f"/results/{survey.pk}/?unit={nordlys}").content.decode()
    assert "Suppressed" in html or "Skjult" in html or "Prikket" in html
    assert "1,3" not in html  # Nordlys' mean (4/3)
    page = c.get(
        f"/results/{survey.pk}/crosstab/?unit={demo.units['Bydel Nord'].pk}&question=q_overall&by=unit"
    )
    html = page.content.decode()
    assert "<td>3</td>" not in html and "<td>10</td>" not in html


def test_api_never_returns_small_groups(survey: Any, client_as: Any, demo: DemoData) -> None:
    c = client_as("analytiker")
    nordlys = demo.units["Nordlys barnehage"].pk
    data = c.get(f"/api/v1/results/surveys/{survey.pk}?unit_id={nordlys}").json()
    assert data["group"]["respondents"] is None
    q = next(q for q in data["questions"] if q["key"] == "q_overall")
    assert q["unit"] == {
        "shown": False,
        "status": "primary",
        "n": None,
        "mean": None,
        "top_box": None,
        "top_box_from": None,
        "dont_know": None,
        "options": [],
        "other_options_count": None,
    }
    sor = demo.units["Sørbyen barnehage"].pk
    data = c.get(
        f"/api/v1/results/surveys/{survey.pk}/crosstab?unit_id={sor}&question=q_overall&by=gender"
    ).json()
    rows = {r["key"]: r["figures"] for r in data["rows"]}
    assert rows["male"]["shown"] is False and rows["male"]["n"] is None
    # female (6) alone would give the male answer away as 7 − 6: it is hidden as well
    assert rows["female"]["shown"] is False
    for r in data["rows"]:
        assert r["figures"]["n"] in (None, 0) or r["figures"]["n"] >= THRESHOLD
