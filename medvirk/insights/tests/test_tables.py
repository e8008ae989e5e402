"""Results from real answers: counts, statistics and suppression through SurveyResults."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.utils import translation
from django.utils.formats import number_format

from medvirk.accounts.demo import DemoData
from medvirk.surveys.types import DONT_KNOW

from ..tables import SurveyResults
from .factories import answer_many, close, make_survey

SOL = [1, 1, 1, 3, 3, 3, 5, 5, 5, 6, 6, 6, DONT_KNOW]  # every option chosen by three or nobody


def answered(demo: DemoData) -> Any:
    """The round of these tests, still open (a closed round takes no more answers)."""
    s = make_survey(demo)
    answer_many(s, demo.units["Solsikken barnehage"], SOL)
    answer_many(s, demo.units["Sørbyen barnehage"], [4, 4, 4, 5, 5, 5, 6, 6, 6])
    return s


@pytest.fixture
def survey(demo: DemoData):
    return close(answered(demo))


def test_mean_top_box_and_dont_know_from_real_answers(survey: Any, demo: DemoData) -> None:
    results = SurveyResults(survey)
    q = results.question_by_key["q_overall"]
    sol = demo.units["Solsikken barnehage"].pk
    f = results.figures(q, sol)
    assert f.shown and f.n == 12 and f.dont_know == 1
    assert f.mean is not None and math.isclose(f.mean.estimate, 45 / 12)
    # t interval: mean ± t(0.975, 11) · s/√12 with s computed independently
    values = [1, 1, 1, 3, 3, 3, 5, 5, 5, 6, 6, 6]
    m = sum(values) / 12
    s = math.sqrt(sum((v - m) ** 2 for v in values) / 11)
    assert math.isclose(f.mean.interval[0], m - 2.200985160 * s / math.sqrt(12), rel_tol=1e-6)
    assert f.top_box is not None and math.isclose(f.top_box.estimate, 6 / 12)
    assert f.top_from == 5
    # Wilson 6/12 by the formula in docs/methods.md
    z, n, p = 1.959963985, 12, 6 / 12
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert math.isclose(f.top_box.interval[0], centre - half, rel_tol=1e-7)
    assert math.isclose(f.top_box.interval[1], centre + half, rel_tol=1e-7)
    group = results.group(sol)
    assert group.respondents == 13 and group.rate is None  # nobody entered a user count
    root = results.figures(q, demo.units[""].pk)
    assert root.n == 21


def test_mean_is_withheld_where_options_are_merged_and_the_rest_is_shown(demo: DemoData) -> None:
    """Two options chosen by one parent each, the rest by several: the mean would give them away.

    With n, the shown counts and the mean, the merged options' two counts are two equations in
    two unknowns (issue 16). So the distribution is shown with "other options", the top-box
    share (its options are all shown) and "don't know", but no mean or interval.
    """
    s = make_survey(demo)
    answer_many(s, demo.units["Solsikken barnehage"], [2, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, DONT_KNOW])
    results = SurveyResults(close(s))
    q = results.question_by_key["q_overall"]
    f = results.figures(q, demo.units["Solsikken barnehage"].pk)
    assert f.shown and f.n == 11 and f.dont_know == 1
    # 2 and 3 hold two answers together, fewer than three: 4 joins them
    assert {o.key: o.count for o in f.options} == {"1": 0, "2": None, "3": None, "4": None, "5": 3, "6": 3}
    assert f.merged_count == 5
    assert f.mean is None
    assert f.top_box is not None and math.isclose(f.top_box.estimate, 6 / 11)


def test_small_unit_and_its_sibling_are_hidden_but_district_shown(demo: DemoData) -> None:
    survey = answered(demo)
    answer_many(survey, demo.units["Nordlys barnehage"], [6, 6, 1])
    close(survey)
    results = SurveyResults(survey)
    q = results.question_by_key["q_overall"]
    nordlys = results.figures(q, demo.units["Nordlys barnehage"].pk)
    sol = results.figures(q, demo.units["Solsikken barnehage"].pk)
    assert not nordlys.shown and nordlys.n is None and nordlys.mean is None
    assert nordlys.status == "primary"
    assert not sol.shown and sol.status == "secondary"
    assert results.figures(q, demo.units["Bydel Nord"].pk).n == 15
    assert not results.group(demo.units["Nordlys barnehage"].pk).shown


def test_trend_marker_only_when_change_is_reliable(demo: DemoData) -> None:
    sol, nord = demo.units["Solsikken barnehage"], demo.units["Nordlys barnehage"]
    before = make_survey(demo, round_label="2025")
    answer_many(before, sol, [1, 2, 2, 3, 2, 1, 2, 3])
    answer_many(before, nord, [4, 5, 4, 5, 4, 5])
    after = make_survey(demo, round_label="2026")
    answer_many(after, sol, [5, 6, 6, 5, 6, 5, 6, 6])
    answer_many(after, nord, [5, 4, 5, 4, 5, 4])
    old, new = SurveyResults(close(before)), SurveyResults(close(after))
    q = new.question_by_key["q_overall"]
    up = new.trend(old, q, sol.pk)
    assert up is not None and up.direction == "up"
    same = new.trend(old, q, nord.pk)
    assert same is not None and same.direction is None


def test_a_matrix_statement_follows_its_question_without_doubled_punctuation(demo: DemoData) -> None:
    """The bank's "… I hvilken grad stemmer dette?" and a statement read as two sentences, not
    "dette?: Barnet mitt …"; a stem that leads into its statements keeps the colon."""
    from medvirk.surveys import services
    from medvirk.surveys.selectors import load_template

    bank = services.survey_create(
        actor=demo.users["admin"],
        owner_unit=demo.units[""],
        document=load_template("kindergarten_parents").to_dict(),
        units=[demo.units["Solsikken barnehage"]],
        round_label="2026",
    )
    texts = [q.text for q in SurveyResults(bank).questions]
    assert "Tenk på barnet ditt. I hvilken grad stemmer dette? Barnet mitt trives i barnehagen." in texts
    assert not any("?:" in text for text in texts)
    assert "Hva mener du om: de ansatte" in [q.text for q in SurveyResults(make_survey(demo)).questions]


def test_a_theme_whose_questions_were_all_removed_is_not_listed(client_as: Any, demo: DemoData) -> None:
    from medvirk.surveys import services
    from medvirk.surveys.types import builder
    from tests.page_text import visible_text
    from tests.sample_survey import sample_definition, t

    document = sample_definition()
    document["themes"]["inne_ute"] = t("Inne og ute", "Indoors and outdoors")
    [matrix] = [q for q in document["sections"][0]["questions"] if q["key"] == "q_matrix"]
    matrix["theme"] = "inne_ute"
    survey = make_survey(demo, document=document)
    unit = demo.units["Solsikken barnehage"]
    answer_many(survey, unit, SOL, q_m_staff=5, q_m_rooms=4)
    close(survey)
    page = f"/results/{survey.pk}/?unit={unit.pk}"
    with translation.override("nb"):
        themes = SurveyResults(survey).themes(unit.pk)
    assert [t.label for t in themes] == ["Trivsel", "Inne og ute"]
    # Two themes shown: the page says which is highest and which lowest before the table.
    top, low = sorted(themes, key=lambda t: -(t.index or 0))
    before = visible_text(client_as("admin").get(page).content.decode())
    with translation.override("nb"):
        said = (
            f"Høyest: {top.label} ({number_format(top.index or 0, 0)} av 100). "
            f"Lavest: {low.label} ({number_format(low.index or 0, 0)} av 100)."
        )
    assert said in before
    services.survey_build(
        actor=demo.users["admin"], survey=survey, operation=builder.RemoveQuestion("q_matrix")
    )
    survey.refresh_from_db()
    with translation.override("nb"):
        [theme] = SurveyResults(survey).themes(unit.pk)
    assert (theme.label, theme.questions) == ("Trivsel", 1)
    # The page lists the theme that is left, not the other as "suppressed" with no question counted.
    text = visible_text(client_as("admin").get(page).content.decode())
    assert "Trivsel" in text and "Inne og ute" not in text


def test_a_theme_index_withheld_says_the_decisions_reason_not_too_few(client_as: Any, demo: DemoData) -> None:
    """In the demo, Sentrum barnehage's 27 answers showed "no theme index: too few have answered":
    its averages are withheld by the anonymity decision (answer options chosen by few), not for
    want of answers. The page says why the decision withholds them; "too few" only when it is so."""
    from tests.page_text import visible_text

    survey = make_survey(demo)
    enough, few = demo.units["Solsikken barnehage"], demo.units["Sentrum barnehage"]
    answer_many(survey, enough, [1, 5, 5, 5, 5, 6, 6, 6, 6])  # one chose 1: the average would tell
    answer_many(survey, few, [5, 5, DONT_KNOW, DONT_KNOW, DONT_KNOW, DONT_KNOW])  # 2 on the scale
    close(survey)
    results = SurveyResults(survey)
    [protected], [too_few] = results.themes(enough.pk), results.themes(few.pk)
    assert (protected.index, protected.withheld) == (None, "protected")
    assert results.figures(results.question_by_key["q_overall"], enough.pk).n == 9  # shown, no average
    assert (too_few.index, too_few.withheld) == (None, "too_few")

    def themes_said(unit: Any) -> str:
        text = visible_text(client_as("admin").get(f"/results/{survey.pk}/?unit={unit.pk}").content.decode())
        assert "Indeks per tema" in text
        return text

    text = themes_said(enough)
    assert "Ingen temaindeks vises, selv om nok har svart" in text
    assert "skjult for å beskytte andre, slik at svarene til noen få ikke kan regnes ut fra dem." in text
    assert "for få har svart" not in text
    assert "Spørsmål som er tatt med" not in text  # no table of hidden themes with 0 questions counted
    text = themes_said(few)
    assert "Ingen temaindeks vises ennå: for få har svart på spørsmålene" in text
    assert "selv om nok har svart" not in text
