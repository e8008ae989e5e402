"""Planted answers on an open link (issue 16): the attack replayed through the real pages.

A unit leader has the poster with his unit's open link and his results page. He answers twice
himself, every rating 1, so the unit reaches the threshold; before the defence the exact mean
of the real parents followed as (5 × shown − 2) / 3. Only responses through single-use codes
and e-mail invitations count towards the threshold (``insights/counted.py``), so planted
answers never make a group shown.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from django.test import Client

from medvirk.accounts.demo import DemoData
from medvirk.surveys.models import Channel, Response, SurveyUnit
from medvirk.surveys.services import codes_create
from tests.survey_rounds import start_response

from ..tables import SurveyResults
from .factories import answer, close, make_survey

SOLSIKKEN = "Solsikken barnehage"


def _first_page_by_link(su: SurveyUnit) -> tuple[Client, str]:
    """Open the poster's link and start a response, as anyone with the poster can."""
    client = Client()
    return client, start_response(client, su)


def _first_page_by_code(su: SurveyUnit, code: str) -> tuple[Client, str]:
    """Enter a single-use code from a letter."""
    client = Client()
    started = client.post("/a/code/", {"code": code})
    assert started.status_code == 302
    return client, started["Location"]


def _answer(client: Client, page: str, overall: int, gender: str = "female", why: str = "") -> None:
    """Answer every page of the sample survey through the respondent pages."""
    first = {"q-q_overall": str(overall), "q-q_channel": "web", "q-q_m_staff": str(overall)}
    r = client.post(page, first)
    if r["Location"].endswith("followup=1"):  # a low rating asks "what could be better?"
        r = client.post(page, {**first, "q-q_why": why})
    r = client.post(r["Location"], {"q-q_nps": "5", "q-q_visits": "2", "q-q_consent": "yes"})
    r = client.post(r["Location"], {"q-bg_age": "25-34", "q-bg_gender": gender, "q-bg_district": "999902"})
    assert r.status_code == 302 and r["Location"].endswith("/done/"), r


def _by_link(su: SurveyUnit, overall: int, gender: str = "female", why: str = "") -> None:
    _answer(*_first_page_by_link(su), overall, gender, why)


def _codes(demo: DemoData, su: SurveyUnit, count: int) -> list[str]:
    return [c.code for c in codes_create(actor=demo.users["analytiker"], survey_unit=su, count=count)]


def _overall(client: Client, survey_id: int, unit_id: int) -> dict[str, Any]:
    data = client.get(f"/api/v1/results/surveys/{survey_id}?unit_id={unit_id}").json()
    return {"respondents": data["group"]["respondents"], **_unit_figures(data)}


def _unit_figures(data: dict[str, Any]) -> dict[str, Any]:
    q = next(q for q in data["questions"] if q["key"] == "q_overall")
    mean = q["unit"]["mean"]
    return {"n": q["unit"]["n"], "mean": None if mean is None else mean["estimate"]}


def _recovered(shown: dict[str, Any], planted: list[int]) -> Fraction | None:
    """Return the real respondents' mean as the attacker computes it, or None if he cannot."""
    if shown["n"] is None or shown["mean"] is None:
        return None
    real = shown["n"] - len(planted)
    return (Fraction(shown["n"]) * Fraction(shown["mean"]) - sum(planted)) / real


@pytest.mark.parametrize("by_code", [0, 2])
def test_planting_two_answers_on_the_poster_link_reveals_nothing(
    demo: DemoData, client_as: Any, by_code: int
) -> None:
    survey = make_survey(demo, units=[demo.units[SOLSIKKEN]])
    su = SurveyUnit.objects.get(survey=survey)
    real = [6, 6, 5]  # three real parents: through the poster, or some with letters and codes
    codes = _codes(demo, su, by_code) if by_code else []
    for i, value in enumerate(real):
        if i < by_code:
            _answer(*_first_page_by_code(su, codes[i]), value)
        else:
            _by_link(su, value)
    planted = [1, 1]
    for value in planted:  # the unit leader, with his own poster
        _by_link(su, value)
    assert Response.objects.filter(survey=survey, complete=True).count() == 5
    close(survey)
    leader = client_as("leder.solsikken")
    shown = _overall(leader, survey.pk, demo.units[SOLSIKKEN].pk)
    assert shown == {"respondents": None, "n": None, "mean": None}
    assert _recovered(shown, planted) is None
    page = leader.get(f"/results/{survey.pk}/?unit={demo.units[SOLSIKKEN].pk}").content.decode()
    assert "3,8" not in page and "3.8" not in page  # the mean of all five, 19/5
    assert "engangskode" in page  # says why in plain words (bokmål is the default language)
    # Not above the unit either: every level holds the same five answers.
    for unit in ("Bydel Nord", ""):
        assert _overall(client_as("admin"), survey.pk, demo.units[unit].pk) == {
            "respondents": None,
            "n": None,
            "mean": None,
        }


def test_enough_answers_through_codes_show_exact_figures_of_every_answer(
    demo: DemoData, client_as: Any
) -> None:
    survey = make_survey(demo, units=[demo.units[SOLSIKKEN]])
    su = SurveyUnit.objects.get(survey=survey)
    # Letters with codes: these count towards the threshold. Every option is chosen by at least
    # three of them, so the option counts and the mean are shown (the option rule).
    real = [6, 6, 6, 5, 5, 5]
    for code, value in zip(_codes(demo, su, len(real)), real, strict=True):
        _answer(*_first_page_by_code(su, code), value)
    planted = [6, 5]
    for value in planted:
        _by_link(su, value)
    close(survey)
    shown = _overall(client_as("leder.solsikken"), survey.pk, demo.units[SOLSIKKEN].pk)
    # Figures are exact and include the poster's answers (equal to any other tool's on the data) …
    assert shown["respondents"] == shown["n"] == 8
    assert Fraction(shown["mean"]).limit_denominator(100) == Fraction(sum(real + planted), 8)
    # … and what the planter learns is the mean of the six respondents he could not plant.
    assert _recovered(shown, planted) == Fraction(sum(real), len(real))


def test_planting_into_a_background_group_cannot_lift_it(demo: DemoData, client_as: Any) -> None:
    survey = make_survey(demo, units=[demo.units[SOLSIKKEN]])
    su = SurveyUnit.objects.get(survey=survey)
    people = [(6, "female")] * 5 + [(2, "male"), (3, "male"), (2, "male")]
    for code, (value, gender) in zip(_codes(demo, su, len(people)), people, strict=True):
        _answer(*_first_page_by_code(su, code), value, gender)
    for _ in range(2):  # three real fathers: plant two more "fathers" to reach five
        _by_link(su, 1, "male")
    close(survey)
    leader = client_as("leder.solsikken")
    data = leader.get(
        f"/api/v1/results/surveys/{survey.pk}/crosstab"
        f"?unit_id={demo.units[SOLSIKKEN].pk}&question=q_overall&by=gender"
    ).json()
    rows = {r["key"]: r["figures"] for r in data["rows"]}
    assert rows["male"]["n"] is None and rows["male"]["mean"] is None
    # nor by subtraction: the unit, the mothers and "not stated" are never all shown
    unit = _overall(leader, survey.pk, demo.units[SOLSIKKEN].pk)
    others = [rows[k]["n"] for k in rows if k != "male"]
    assert unit["n"] is None or any(n is None for n in others)
    page = leader.get(
        f"/results/{survey.pk}/crosstab/?unit={demo.units[SOLSIKKEN].pk}&question=q_overall&by=gender"
    ).content.decode()
    assert "engangskode" in page  # the breakdown page says why too


def test_planted_comments_do_not_list_the_real_ones(demo: DemoData, client_as: Any) -> None:
    survey = make_survey(demo, units=[demo.units[SOLSIKKEN]])
    su = SurveyUnit.objects.get(survey=survey)
    for i, code in enumerate(_codes(demo, su, 3)):  # three real comments (free text needs 8)
        _answer(*_first_page_by_code(su, code), 1, why=f"Ekte kommentar nummer {i}")
    for _ in range(5):
        _by_link(su, 1, why="Plantet kommentar")
    close(survey)
    page = client_as("leder.solsikken").get(
        f"/results/{survey.pk}/text/?unit={demo.units[SOLSIKKEN].pk}&question=q_why"
    )
    assert page.status_code == 200
    assert "Ekte kommentar" not in page.content.decode()
    assert "engangskode" in page.content.decode()  # and says why


def test_planting_into_a_merged_option_cannot_lift_it_or_the_mean(demo: DemoData, client_as: Any) -> None:
    """Two real parents chose 4, too few to show (merged into "other options", and no mean).
    The leader answers 4 once through the poster to learn whether anyone else did: three
    answers of 4 would show the count and bring the mean back. Option counts count only codes
    and invitations too, so the 4s stay merged and the mean withheld."""
    survey = make_survey(demo, units=[demo.units[SOLSIKKEN]])
    su = SurveyUnit.objects.get(survey=survey)
    real = [6, 6, 6, 5, 5, 5, 4, 4]
    for code, value in zip(_codes(demo, su, len(real)), real, strict=True):
        _answer(*_first_page_by_code(su, code), value)
    _by_link(su, 4)
    close(survey)
    data = (
        client_as("leder.solsikken")
        .get(f"/api/v1/results/surveys/{survey.pk}?unit_id={demo.units[SOLSIKKEN].pk}")
        .json()
    )
    item = next(q for q in data["questions"] if q["key"] == "q_overall")["unit"]
    assert item["shown"] and item["n"] == 9  # the unit is shown, with every answer counted in n
    counts = {o["key"]: o["count"] for o in item["options"]}
    assert counts["6"] == 3  # three counted answers
    # Three answers of 4 (which every option's count would show, and the mean with them), but
    # only two counted: still merged (with 5, the smallest other option), and no mean.
    assert counts["4"] is None and counts["5"] is None and item["other_options_count"] == 6
    assert item["mean"] is None


@pytest.mark.sqlite_only  # what a page shows does not depend on the database
def test_one_more_answer_cannot_be_read_by_comparing_the_results_before_and_after(
    demo: DemoData, client_as: Any
) -> None:
    """Red team (2026-12-07): the leader reads Solsikken's results, sees one more parent answer
    at the kiosk, reads them again. Every option count of q_overall was shown both times and
    exactly one moved, by one: the parent's answer (6), and the mean said the same. Now an open
    round gives no answer figures (409 ``round_open``, ``insights.release``); they come once it
    has closed, when no answer can be added."""
    from medvirk.insights import disclosure

    from .factories import answer, answer_many

    disclosure.clear_cache()
    survey = make_survey(demo, units=[demo.units[SOLSIKKEN]])
    sol = demo.units[SOLSIKKEN].pk
    answer_many(survey, demo.units[SOLSIKKEN], [2, 2, 2, 5, 5, 5, 6, 6, 6])
    leader = client_as("leder.solsikken")

    def options() -> dict[str, int | None] | None:
        response = leader.get(f"/api/v1/results/surveys/{survey.pk}?unit_id={sol}")
        if response.status_code == 409:
            error = response.json()["error"]
            assert error["code"] == "round_open" and error["closes_on"] == survey.closes_on.isoformat()
            return None
        q = next(q for q in response.json()["questions"] if q["key"] == "q_overall")
        return {o["key"]: o["count"] for o in q["unit"]["options"]}

    before = options()
    answer(survey, demo.units[SOLSIKKEN], overall=6)
    after = options()
    if before is not None and after is not None:
        moved = [k for k in after if after[k] is not None and before[k] is not None and after[k] != before[k]]
        every_shown = None not in before.values() and None not in after.values()
        assert not (every_shown and len(moved) == 1 and after[moved[0]] == before[moved[0]] + 1)
    close(survey)
    final = options()
    assert final is not None and final["6"] == 4, final  # closed: the figures, the last answer in


def test_comments_are_not_listed_in_the_order_they_came(demo: DemoData) -> None:
    """Red team (2026-12-07, third session): the free-text answers were listed in the order
    they came. A leader who saw a parent answer at the kiosk answered through the poster just
    before and just after, and found the parent's comment between his own two. Now they are
    listed alphabetically: the same comments in any order make the same list (the parent's
    comment stands between two planted ones only if it does so alphabetically)."""
    sol = demo.units[SOLSIKKEN]
    pages = []
    for label, parent_first in (("2026", False), ("2027", True)):
        survey = make_survey(demo, round_label=label, units=[sol])
        for i in range(8):
            answer(survey, sol, overall=1, q_why=f"Ekte kommentar nummer {i}")
        if parent_first:
            answer(survey, sol, overall=1, q_why="Mora til Ola: for lite ute")  # the parent seen
        answer(survey, sol, overall=1, q_why="Bra", channel=Channel.LINK)  # planted just before
        if not parent_first:
            answer(survey, sol, overall=1, q_why="Mora til Ola: for lite ute")
        answer(survey, sol, overall=1, q_why="Ok", channel=Channel.LINK)  # planted just after
        results = SurveyResults(close(survey))  # what the page and the API list
        question = next(q for q in results.text_questions if q.key == "q_why")
        pages.append(list(results.texts(demo.users["leder.solsikken"], question, sol.pk).answers))
    assert len(pages[0]) == 11 and pages[0] == pages[1]  # where a comment stands says nothing of when
    assert pages[0] == sorted(pages[0], key=str.casefold)
