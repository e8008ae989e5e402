"""Ranking questions in results: mean place and share put first, under the one disclosure decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from medvirk.accounts.demo import DemoData
from medvirk.core.hyphenation import without_soft_hyphens
from tests.sample_survey import with_ranking

from ..rankings import survey_rankings
from ..tables import SurveyResults
from . import factories
from .factories import answer, close, make_survey

ORDERS = [
    ("staff", "food", "outdoors"),
    ("staff", "outdoors", "food"),
    ("staff", "food", "outdoors"),
    ("food", "staff", "outdoors"),
    ("food", "staff", "outdoors"),
    ("food", "staff", "outdoors"),
]


@pytest.fixture
def survey(demo: DemoData, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(factories, "sample_definition", lambda: with_ranking(required=False))
    sol, ost = demo.units["Solsikken barnehage"], demo.units["Østli barnehage"]
    s = make_survey(demo, units=[sol, ost])
    for order in ORDERS:
        answer(s, sol, q_rank=order)
    # Østli: five respondents, but only four ranked: the ranking's cell is small, so it is hidden.
    for order in ORDERS[:4]:
        answer(s, ost, q_rank=order)
    answer(s, ost)
    return close(s)


def expected_mean_place(key: str, orders: Sequence[tuple[str, ...]]) -> float:
    return sum(order.index(key) + 1 for order in orders) / len(orders)


def test_mean_place_and_share_first_for_a_shown_group(survey: Any, demo: DemoData) -> None:
    results = SurveyResults(survey)
    (figures,) = survey_rankings(results, demo.units["Solsikken barnehage"].pk)
    assert figures.shown and figures.n == 6
    by_key = {o.key: o for o in figures.options}
    for key in ("staff", "food", "outdoors"):
        assert by_key[key].mean_place == pytest.approx(expected_mean_place(key, ORDERS))
    assert [o.key for o in figures.options] == ["staff", "food", "outdoors"]  # best placed first
    assert (by_key["staff"].first_share, by_key["food"].first_share) == (0.5, 0.5)
    assert by_key["outdoors"].first_share == 0  # nobody: zeros are shown
    assert figures.merged_labels == ()


def test_a_group_with_too_few_rankings_shows_nothing_though_its_respondents_are_shown(
    survey: Any, demo: DemoData
) -> None:
    results = SurveyResults(survey)
    ost = demo.units["Østli barnehage"].pk
    assert results.group(ost).shown  # five respondents
    (figures,) = survey_rankings(results, ost)
    assert not figures.shown and figures.n is None and figures.options == ()
    # Nor from above: the municipality's figures minus Solsikken's would give Østli's, so the
    # decision hides the root as well (the second hidden cell), as for any question.
    (top,) = survey_rankings(results, demo.units[""].pk)
    assert not top.shown


def test_a_small_first_place_count_is_merged_and_the_mean_places_withheld(
    demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One person put "outdoors" first. Merging that count is not enough while the mean places
    are shown (outdoors' places sum to 16 of 6 respondents, so at most (3·6 − 16) / 2 = 1 put it
    first): the first places are merged by the round's option decision and the mean places
    withheld; the other figures show."""
    monkeypatch.setattr(factories, "sample_definition", with_ranking)
    sol = demo.units["Solsikken barnehage"]
    s = make_survey(demo, units=[sol])
    orders = [("staff", "food", "outdoors")] * 5 + [("outdoors", "staff", "food")]
    for order in orders:
        answer(s, sol, q_rank=order)
    (figures,) = survey_rankings(SurveyResults(close(s)), sol.pk)
    assert figures.shown and figures.n == 6 and figures.places_withheld
    by_key = {o.key: o for o in figures.options}
    assert [o.key for o in figures.options] == ["food", "staff", "outdoors"]  # the question's order
    assert all(o.mean_place is None for o in figures.options)
    assert by_key["outdoors"].first_share is None and by_key["staff"].first_share is None
    assert by_key["food"].first_share == 0  # nobody: zeros are shown
    assert figures.merged_share == 1.0  # staff and outdoors together: 6 of 6, not which is which


def test_a_small_first_place_count_in_one_unit_cannot_be_worked_out_from_the_district(
    demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The district's first places minus Solsikken's would give Østli's small count: the round's
    decision withholds one of them more, and no unit or district shows mean places."""
    monkeypatch.setattr(factories, "sample_definition", with_ranking)
    sol, ost = demo.units["Solsikken barnehage"], demo.units["Østli barnehage"]
    s = make_survey(demo, units=[sol, ost])
    for order in ORDERS:
        answer(s, sol, q_rank=order)
    for order in [("staff", "food", "outdoors")] * 5 + [("outdoors", "staff", "food")]:
        answer(s, ost, q_rank=order)
    results = SurveyResults(close(s))
    figures = {node.name: survey_rankings(results, node.pk)[0] for node in (sol, ost, demo.units[""])}
    outdoors = {
        name: next(o.first_share for o in f.options if o.key == "outdoors") if f.shown else None
        for name, f in figures.items()
    }
    assert outdoors[ost.name] is None  # one of six
    assert outdoors[sol.name] is None or outdoors[demo.units[""].name] is None
    assert all(not f.shown or f.places_withheld for f in figures.values())


def test_planted_poster_answers_cannot_lift_a_first_place_count_into_view(
    demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One real parent put "outdoors" first; two answers through the open link put it first too.
    Three is the option minimum, but only one of them came through a counted channel."""
    monkeypatch.setattr(factories, "sample_definition", with_ranking)
    sol = demo.units["Solsikken barnehage"]

    def round_of(label: str, more_real: int) -> Any:
        s = make_survey(demo, units=[sol], round_label=label)
        for order in [("staff", "food", "outdoors")] * 5 + [("outdoors", "staff", "food")]:
            answer(s, sol, q_rank=order)
        for _ in range(2):
            answer(s, sol, q_rank=("outdoors", "staff", "food"), channel="link")
        for _ in range(more_real):
            answer(s, sol, q_rank=("outdoors", "staff", "food"))
        return close(s)

    (figures,) = survey_rankings(SurveyResults(round_of("2025", 0)), sol.pk)
    assert figures.shown and figures.places_withheld
    assert {o.key: o.first_share for o in figures.options}["outdoors"] is None
    # Another round with two more real parents through their codes: three counted, the figures show.
    (shown,) = survey_rankings(SurveyResults(round_of("2026", 2)), sol.pk)
    assert shown.shown and not shown.places_withheld
    assert {o.key: o.first_share for o in shown.options}["outdoors"] == pytest.approx(5 / 10)


def test_the_results_page_shows_the_ranking_in_words_and_numbers(
    survey: Any, demo: DemoData, client_as: Any
) -> None:
    sol = demo.units["Solsikken barnehage"].pk
    page = client_as("analytiker").get(f"/results/{survey.pk}/?unit={sol}").content.decode()
    assert "Rangeringsspørsmål" in without_soft_hyphens(page)  # a heading: "Rangerings\xadspørs\xadmål"
    assert "Hva er viktigst for deg? (6 svar)" in page  # in words, not "n = 6"
    assert '<th scope="row">De ansatte</th><td>1,5</td><td>50' in page
    ost = demo.units["Østli barnehage"].pk
    hidden = client_as("analytiker").get(f"/results/{survey.pk}/?unit={ost}").content.decode()
    assert "Hva er viktigst for deg?" in hidden and "De ansatte</th>" not in hidden


def test_the_results_page_says_why_a_ranking_is_withheld(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(factories, "sample_definition", with_ranking)
    sol = demo.units["Solsikken barnehage"]
    s = make_survey(demo, units=[sol])
    for order in [("staff", "food", "outdoors")] * 5 + [("outdoors", "staff", "food")]:
        answer(s, sol, q_rank=order)
    close(s)
    page = client_as("analytiker").get(f"/results/{s.pk}/?unit={sol.pk}").content.decode()
    assert "Så få satte et alternativ først at tallene kunne avsløre hvem." in page
    assert '<th scope="row">De ansatte</th><td>–</td><td>sammen med andre alternativer</td>' in page
