"""Equity analysis: representation numbers equal the pure functions on known data; small groups hidden."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from medvirk.accounts.demo import DemoData
from medvirk.analysis.representation import representation
from medvirk.insights import equity
from medvirk.population.models import PopulationCount
from medvirk.population.services import user_counts_set

from .equity_fixtures import closed_survey, import_population


@pytest.fixture
def survey(demo: DemoData):
    import_population(demo)
    return closed_survey(demo)


def _pop(region: str, dimension: str) -> dict[str, int]:
    rows = PopulationCount.objects.filter(region=region, dimension=dimension)
    return dict(rows.values_list("category", "count"))


def test_district_report_matches_pure_representation(survey, demo: DemoData) -> None:
    report = equity.survey_representation(survey=survey, unit=demo.units["Bydel Nord"])
    assert report.catchment.region == "999901"
    assert report.n == 57
    gender = next(d for d in report.dimensions if d.dimension == "gender")
    pop = _pop("999901", "gender")
    # Bydel Nord: female 32, male 22, not stated 3. The 3 are hidden, so to protect them the
    # smallest partner (male) is hidden too and both are shown combined: 25 against the men.
    expected = representation(
        ["female", equity.HIDDEN], [32, 25], [pop["female"], pop["male"]], variable="gender"
    )
    assert gender.n == 57
    rows = {r.key: r for r in gender.rows}
    assert "male" not in rows
    for g in expected.groups:
        assert rows[g.key].n == g.n
        assert rows[g.key].ratio == pytest.approx(g.ratio)
        assert rows[g.key].ratio_interval == pytest.approx(g.ratio_interval)
        assert rows[g.key].p_adjusted == pytest.approx(g.p_adjusted)
    assert gender.chi_square.statistic == pytest.approx(expected.chi_square.statistic)
    assert gender.r_indicator == pytest.approx(expected.r_indicator.estimate)
    assert gender.partial_r == pytest.approx(expected.r_indicator.partials[0].partial_r)
    assert "district" not in {d.dimension for d in report.dimensions}


TRUE_NORD_AGE = {
    "0-15": 0,
    "16-24": 2,
    "25-34": 18,
    "35-44": 29,
    "45-54": 5,
    "55-66": 3,
    "67-79": 0,
    "80+": 0,
}


def test_small_groups_are_merged_never_shown(survey, demo: DemoData) -> None:
    report = equity.survey_representation(survey=survey, unit=demo.units["Bydel Nord"])
    age = next(d for d in report.dimensions if d.dimension == "age_band")
    shown = {r.key: r.n for r in age.rows}
    assert "16-24" not in shown and "55-66" not in shown
    for key, n in shown.items():
        if key != equity.HIDDEN:
            assert n == TRUE_NORD_AGE[key]
            assert n == 0 or n >= 5
    assert shown[equity.HIDDEN] == 57 - sum(n or 0 for k, n in shown.items() if k != equity.HIDDEN) >= 5
    pop = _pop("999901", "age_band")
    keys = [r.key for r in age.rows]
    hidden_pop = sum(v for k, v in pop.items() if k not in keys)
    expected = representation(
        keys,
        [r.n or 0 for r in age.rows],
        [pop.get(k, hidden_pop) for k in keys],
        variable="age_band",
    )
    assert [r.ratio for r in age.rows] == pytest.approx([g.ratio for g in expected.groups])
    assert age.r_indicator == pytest.approx(expected.r_indicator.estimate)
    assert age.chi_square.statistic == pytest.approx(expected.chi_square.statistic)


def test_unit_report_hides_everything_below_threshold(survey, demo: DemoData) -> None:
    report = equity.survey_representation(survey=survey, unit=demo.units["Sørbyen barnehage"])
    assert report.n == 19
    gender = next(d for d in report.dimensions if d.dimension == "gender")
    assert {r.key: r.n for r in gender.rows} == {"female": 12, "male": 7}


def test_municipality_report_compares_districts(survey, demo: DemoData) -> None:
    report = equity.survey_representation(survey=survey, unit=demo.units[""])
    assert report.catchment.is_municipality
    district = next(d for d in report.dimensions if d.dimension == "district")
    assert district.shown
    rows = {r.key: r for r in district.rows}
    assert rows["999901"].n == 57 and rows["999902"].n == 19
    assert rows["999901"].ratio > 1 > rows["999905"].ratio


def test_user_counts_register_report(demo: DemoData) -> None:
    import_population(demo)
    unit = demo.units["Solsikken barnehage"]
    user_counts_set(
        actor=demo.users["admin"],
        unit=unit,
        year=2026,
        dimension="immigrant_background",
        counts={"immigrant": 6, "norwegian_born_to_immigrants": 3, "rest": 91},
    )
    report = equity.user_representation(unit=unit, year=2026)
    assert report.register
    imm = next(d for d in report.dimensions if d.dimension == "immigrant_background")
    rows = {r.key: r.n for r in imm.rows}
    assert rows["rest"] == 91 and equity.HIDDEN in rows and "norwegian_born_to_immigrants" not in rows
    assert "complete register" in report.register_explanation


def test_the_demo_samples_show_an_under_represented_age_group(demo: DemoData) -> None:
    call_command("load_population_sample")  # the fictional tables and user counts bin/demo loads
    report = equity.user_representation(unit=demo.units["Hjemmetjenesten Nord"], year=2026)
    age = next(d for d in report.dimensions if d.dimension == "age_band")
    assert age.shown and any(r.under for r in age.rows)
