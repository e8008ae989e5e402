"""Outcome gaps, weighting and next steps: the page layer equals the pure functions on known data."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from medvirk.accounts.demo import DemoData
from medvirk.analysis.gaps import outcome_gaps
from medvirk.analysis.weighting import rake, weighted_mean
from medvirk.insights import equity, equity_outcomes
from medvirk.population.models import PopulationCount

from .equity_fixtures import PLAN, closed_survey, import_population


@pytest.fixture
def survey(demo: DemoData):
    import_population(demo)
    return closed_survey(demo)


def _nord_rows() -> list[tuple[str, str, int]]:
    out = []
    for unit, age, gender, _district, overall, count in PLAN:
        if unit in {"Solsikken barnehage", "Nordlys barnehage"}:
            out += [(age, gender, overall)] * count
    return out


def _nord_raked(rows: list[tuple[str, str, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Rake Bydel Nord's respondents to its age bands by hand: (age codes, raked weights)."""
    # The page merges the bands nobody answered from into their neighbours.
    groups = [["0-15", "16-24"], ["25-34"], ["35-44"], ["45-54"], ["55-66", "67-79", "80+"]]
    pop = dict(
        PopulationCount.objects.filter(region="999901", dimension="age_band").values_list("category", "count")
    )
    codes = np.array([next(i for i, g in enumerate(groups) if age in g) for age, _g, _o in rows])
    targets = np.array([sum(pop[c] for c in g) for g in groups], dtype=float)
    return codes, rake([codes], [targets], trim=equity_outcomes.TRIM).weights


def test_weighted_headline_equals_pure_raking(
    survey, demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The statistics on their own: here the round's option decision would withhold Bydel Nord's
    # mean (see the next test), so it is told to clear every figure.
    monkeypatch.setattr(equity_outcomes, "_cleared", lambda *args: (True, True))
    report = equity_outcomes.outcome_report(survey=survey, unit=demo.units["Bydel Nord"])
    w = report.weighting
    # Age × gender cannot be met by this sample (the only 16-24 and 45-54 respondents are men),
    # so raking falls back to age alone and says so.
    assert w.margins == ["age_band"] and "did not converge" in w.note
    rows = _nord_rows()
    codes, weights = _nord_raked(rows)
    y = np.array([o for _a, _g, o in rows], dtype=float)
    expected = weighted_mean(y, weights, raking_margins=[codes])
    overall = next(h for h in report.headline if h.question == "q_overall")
    assert overall.n == 57
    assert overall.mean == pytest.approx(y.mean())
    assert overall.weighted_mean == pytest.approx(expected.estimate, rel=1e-9)
    assert overall.weighted_mean_interval == pytest.approx(expected.interval, rel=1e-9)
    assert w.design_effect == pytest.approx(expected.design_effect)
    assert w.effective_n == pytest.approx(expected.effective_n)
    assert overall.weighted_top_box == pytest.approx(
        float(np.dot(weights, np.isin(y, (5, 6))) / weights.sum())
    )


def test_weighted_headline_keeps_skippers_in_the_design(
    demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The statistics on their own, as in the test above (the option decision left aside).
    monkeypatch.setattr(equity_outcomes, "_cleared", lambda *args: (True, True))
    # Every 7th respondent skips the staff question (8 of Bydel Nord's 57). As R's
    # svymean(..., na.rm = TRUE) on the raked design, they keep their raked weight in the
    # calibration and count in n/(n−1); only the estimate leaves them out.
    import_population(demo)
    survey = closed_survey(demo, skip_staff=lambda i: i % 7 == 0)
    report = equity_outcomes.outcome_report(survey=survey, unit=demo.units["Bydel Nord"])
    assert report.weighting.margins == ["age_band"]
    rows = _nord_rows()  # respondents 1..57 in plan order: Bydel Nord's units come first
    codes, weights = _nord_raked(rows)
    staff = np.array([np.nan if i % 7 == 0 else min(6, o + 1) for i, (_a, _g, o) in enumerate(rows, 1)])
    answered = ~np.isnan(staff)
    domain = weighted_mean(staff, weights, raking_margins=[codes])
    conditional = weighted_mean(staff[answered], weights[answered], raking_margins=[codes[answered]])
    row = next(h for h in report.headline if h.question == "q_m_staff")
    assert row.n == 49 == domain.n
    assert row.weighted_mean == pytest.approx(domain.estimate, rel=1e-9)
    assert row.weighted_mean_interval == pytest.approx(domain.interval, rel=1e-9)
    # The domain interval is wider than the conditional one the report used to show.
    assert domain.se > conditional.se * 1.001
    assert row.weighted_mean_interval != pytest.approx(conditional.interval, rel=1e-6)
    assert row.weighted_top_box == pytest.approx(
        float(np.dot(weights[answered], staff[answered] >= 5) / weights[answered].sum())
    )


def test_headline_mean_only_where_every_option_count_is_shown(survey, demo: DemoData) -> None:
    """Solsikken's two answers of 2 are merged; Nordlys shows its nine, Bydel Nord its eleven.

    Bydel Nord's 11 − Nordlys' 9 would give Solsikken's 2 away, so the round's decision withholds
    one of those counts, and a unit whose count of 2 is withheld shows no mean (the mean and
    n would give the withheld counts back), in results and in the equity headline alike.
    """
    from medvirk.insights.disclosure import disclosure_for
    from medvirk.surveys.models import SurveyQuestion

    disclosure = disclosure_for(survey)
    qid = SurveyQuestion.objects.get(survey=survey, key="q_overall").pk
    for name in ("Bydel Nord", "Solsikken barnehage", "Nordlys barnehage", "Sørbyen barnehage"):
        unit = demo.units[name]
        view = disclosure.group_view(qid, unit.pk)
        report = equity_outcomes.outcome_report(survey=survey, unit=unit)
        shown = [h for h in report.headline if h.question == "q_overall"]
        assert bool(shown) == (view is not None and view.mean), name
    assert not disclosure.group_view(qid, demo.units["Solsikken barnehage"].pk).mean


def test_gaps_equal_pure_outcome_gaps_and_only_shown_groups(
    survey, demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The round's decision merges Solsikken's two answers of 2 (male), so the adjusted model,
    # which uses every answer of the group and the rest, is withheld; the gap rows stay.
    withheld = equity_outcomes.outcome_report(survey=survey, unit=demo.units["Solsikken barnehage"])
    male = next(g for g in withheld.gaps if g.dimension == "gender" and g.group == "male")
    assert male.flagged and male.adjusted is None
    # The statistics on their own, every figure cleared:
    cleared = SimpleNamespace(mean=True, top=lambda name="results": True)
    monkeypatch.setattr(equity_outcomes, "_view", lambda *args: cleared)
    report = equity_outcomes.outcome_report(survey=survey, unit=demo.units["Solsikken barnehage"])
    rows = [
        (age, gender, overall)
        for u, age, gender, _d, overall, n in PLAN
        if u == "Solsikken barnehage"
        for _ in range(n)
    ]
    groups = [g for _a, g, _o in rows]
    expected = {
        (g.group, g.question): g
        for g in outcome_gaps({"q_overall": (np.array([o for *_x, o in rows], float), groups)})
        if g.measure == "top_box"
    }
    gender = [g for g in report.gaps if g.dimension == "gender" and g.question == "q_overall"]
    assert {g.group for g in gender} == {"female", "male"}  # 22 and 13 answers; nobody else
    for g in gender:
        e = expected[(g.group, "q_overall")]
        assert g.gap == pytest.approx(e.estimate)
        assert g.p_adjusted >= e.p_adjusted  # more comparisons (two questions) in the page's family
    male = next(g for g in gender if g.group == "male")
    assert male.flagged and male.gap == pytest.approx(-1.0)
    assert male.adjusted is not None and not male.adjusted.fitted  # complete separation is reported
    assert all(g.n >= 5 for g in report.gaps)
    steps = equity_outcomes.next_steps(
        equity.survey_representation(survey=survey, unit=demo.units["Solsikken barnehage"]), report
    )
    assert any("Hvor fornøyd er du alt i alt?" in s for s in steps)  # the worse-served question


def test_no_outcomes_below_threshold(demo: DemoData) -> None:
    import_population(demo)
    small = closed_survey(demo, [("Sørbyen barnehage", "35-44", "female", "999902", 5, 4)])
    report = equity_outcomes.outcome_report(survey=small, unit=demo.units["Sørbyen barnehage"])
    assert report.gaps == [] and report.headline == [] and report.weighting is None
    rep = equity.survey_representation(survey=small, unit=demo.units["Sørbyen barnehage"])
    assert rep.n is None and not any(d.shown for d in rep.dimensions)


def test_planted_answers_lift_neither_a_merged_option_nor_the_headline(demo: DemoData) -> None:
    """Solsikken's two answers of 2 are merged, so it shows no mean (the test above). One more
    "2" through the poster would make three: the count would be shown and with it the mean in
    results and in the equity headline. Only codes and invitations count for option counts as
    for groups, so nothing changes."""
    from medvirk.insights.disclosure import disclosure_for
    from medvirk.surveys.models import SurveyQuestion

    import_population(demo)
    planted = [("Solsikken barnehage", "16-24", "male", "999901", 2, 1)]
    survey = closed_survey(demo, planted=planted)
    disclosure = disclosure_for(survey)
    qid = SurveyQuestion.objects.get(survey=survey, key="q_overall").pk
    sol = demo.units["Solsikken barnehage"]
    view = disclosure.group_view(qid, sol.pk)
    assert view is not None and not view.mean
    report = equity_outcomes.outcome_report(survey=survey, unit=sol)
    assert not [h for h in report.headline if h.question == "q_overall"]


def test_planted_answers_cannot_lift_the_weighting_counts_into_view(demo: DemoData) -> None:
    """Two of Sørbyen's counted respondents gave no age (so they are not weighted); three more
    without an age through the poster make five left out, which used to be shown (five is the
    threshold), and the planter learned that exactly two real ones did not say. The counts are
    shown only with at least five respondents who count towards the threshold."""
    import_population(demo)
    plan = [*PLAN, ("Sørbyen barnehage", "prefer_not_to_say", "female", "999902", 5, 2)]
    planted = [("Sørbyen barnehage", "prefer_not_to_say", "female", "999902", 5, 3)]
    survey = closed_survey(demo, plan, planted=planted)
    weighting = equity_outcomes.outcome_report(survey=survey, unit=demo.units["Sørbyen barnehage"]).weighting
    assert weighting is not None and weighting.margins  # weighted (by age at least)
    assert weighting.n_excluded_counted == 2  # of the five left out, two count
    assert weighting.n_excluded is None and weighting.n is None and weighting.effective_n is None
