"""The equity report compares a round's respondents with the people the survey is for (people walk,
item 1): its registered users where the round's units have them, else the residents of its target
group's ages; relatives' own age is not compared, and no group outside the target group is compared
or advised on."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from medvirk.accounts.demo import DemoData
from medvirk.core.errors import ServiceError
from medvirk.insights import equity, equity_outcomes
from medvirk.population.models import PopulationCount
from medvirk.population.selectors import data_version
from medvirk.population.services import user_counts_set
from medvirk.surveys import services
from medvirk.surveys.models import AnsweredBy
from medvirk.surveys.selectors import load_template
from tests.survey_rounds import KINDERGARTENS

from .equity_fixtures import closed_survey, import_population

OLDER = {"25-34", "35-44", "45-54", "55-66", "67-79", "80+"}  # the bands of "aged 25 and over"


def _dim(report: equity.RepresentationReport, key: str) -> equity.DimensionResult:
    return next(d for d in report.dimensions if d.dimension == key)


def test_a_round_is_compared_with_its_target_group_its_users_or_not_by_relatives_age(
    demo: DemoData,
) -> None:
    import_population(demo)
    survey = closed_survey(demo)
    analyst = demo.users["analytiker"]
    nord = demo.units["Bydel Nord"]
    # 1. For people aged 25 and over, no users registered: age against the residents of those ages.
    services.survey_set_target(actor=analyst, survey=survey, age_from=25, age_to=None, answered_by="users")
    with translation.override("en"):
        report = equity.survey_representation(survey=survey, unit=nord, language="en")
        steps = equity_outcomes.next_steps(report, None)
    age = _dim(report, "age_band")
    assert age.compared_with == equity.TARGET and age.shown
    pop = dict(
        PopulationCount.objects.filter(region="999901", dimension="age_band").values_list("category", "count")
    )
    compared = [r for r in age.rows if not r.no_population]
    assert {r.key for r in compared} <= OLDER | {equity.HIDDEN}
    for r in compared:
        if not r.hidden:
            assert r.population == pop[r.key]  # the residents of that age, not of every age
    assert sum(r.population or 0 for r in compared) <= sum(pop[k] for k in OLDER)
    # Nobody under 25 is compared with anyone, nor advised on ("schools, youth clubs" before).
    assert all(r.key in OLDER for d, r in report.under_represented if d.dimension == "age_band")
    assert not any("youth" in step for step in steps)
    assert _dim(report, "gender").compared_with == equity.EVERYONE
    assert report.compared_with[0].startswith(
        "Age group: compared with residents aged 25 and over in Bydel Nord"
    )
    assert "of every age" in report.compared_with[1]
    assert report.target_words == "The survey is for people aged 25 and over, and they answer it themselves."

    # 2. Every unit of the round registered its users' ages for the round's year: compared with them.
    year = equity.round_year(survey)
    users = {
        "Solsikken barnehage": {"25-34": 200, "35-44": 30, "45-54": 10},
        "Nordlys barnehage": {"25-34": 15, "35-44": 25, "55-66": 5},
        "Sørbyen barnehage": {"25-34": 10, "35-44": 20},
    }
    before = data_version(municipality_id=demo.municipality.pk)
    for name, counts in users.items():
        user_counts_set(
            actor=demo.users["admin"], unit=demo.units[name], year=year, dimension="age_band", counts=counts
        )
    assert data_version(municipality_id=demo.municipality.pk) != before  # the kept reports are remade
    with translation.override("en"):
        report = equity.survey_representation(survey=survey, unit=nord, language="en")
        root = equity.survey_representation(survey=survey, unit=demo.units[""], language="en")
    age = _dim(report, "age_band")
    assert age.compared_with == equity.USERS
    rows = {r.key: r for r in age.rows}
    assert rows["25-34"].population == 200 + 15  # Solsikken's and Nordlys's users, not the residents
    assert rows[equity.HIDDEN].population == 285 - 215  # the users of the respondents' hidden groups
    assert rows["25-34"].under  # 18 of 57 answered, against 215 of 285 users
    with translation.override("en"):
        steps = equity_outcomes.next_steps(report, None)
    assert steps[0].startswith(
        "Fewer answered from 25–34 (age group) than their share of the registered users."
    )
    assert f"Age group: compared with the 285 registered users in {year}" in report.compared_with[0]
    assert _dim(root, "age_band").compared_with == equity.USERS
    # Users of a unit outside the round are not who could answer: the root falls back to residents.
    user_counts_set(
        actor=demo.users["admin"],
        unit=demo.units["Hjemmetjenesten Sør"],
        year=year,
        dimension="age_band",
        counts={"80+": 50},
    )
    root = equity.survey_representation(survey=survey, unit=demo.units[""])
    assert _dim(root, "age_band").compared_with == equity.TARGET
    assert (
        _dim(equity.survey_representation(survey=survey, unit=nord), "age_band").compared_with == equity.USERS
    )

    # 3. Parents or relatives answer: their own age says nothing about which users are reached.
    services.survey_set_target(
        actor=analyst, survey=survey, age_from=None, age_to=15, answered_by="relatives"
    )
    with translation.override("en"):
        report = equity.survey_representation(survey=survey, unit=nord, language="en")
    age = _dim(report, "age_band")
    assert age.compared_with == equity.NOT_COMPARED and not age.shown and not age.rows
    assert "parents or relatives answer for the users" in age.note
    assert not any(d.dimension == "age_band" for d, _r in report.under_represented)
    assert report.target_words.startswith("The survey is for the service's users, people aged 15 and under")


def test_a_round_made_from_the_bank_gets_its_target_group(demo: DemoData) -> None:
    analyst = demo.users["analytiker"]
    units = [demo.units[name] for name in KINDERGARTENS]
    home_care = services.survey_create(
        actor=analyst,
        owner_unit=demo.units[""],
        document=load_template("home_care").to_dict(),
        units=[demo.units["Hjemmetjenesten Nord"]],
        round_label="2031",
    )
    assert (home_care.target_age_from, home_care.target_age_to, home_care.answered_by) == (67, None, "users")
    parents = services.survey_create(
        actor=analyst,
        owner_unit=demo.units[""],
        document=load_template("kindergarten_parents").to_dict(),
        units=units,
        round_label="2031",
    )
    assert parents.answered_by == AnsweredBy.RELATIVES and parents.target_age_from is None
    for age_from, age_to in ((30, None), (67, 54)):
        try:
            services.survey_set_target(
                actor=analyst, survey=parents, age_from=age_from, age_to=age_to, answered_by="users"
            )
        except ServiceError as error:
            assert error.field in {"target_age_from", "target_age_to"}
        else:  # pragma: no cover - the assertion names the case
            raise AssertionError((age_from, age_to))


def test_the_page_says_who_the_respondents_are_compared_with_before_any_number(
    client_as: Any, demo: DemoData
) -> None:
    import_population(demo)
    survey = closed_survey(demo)
    nord = demo.units["Bydel Nord"].pk
    admin = client_as("admin")
    # The analyst sets the target group on the survey's page (the form there) ...
    page = admin.get(f"/surveys/{survey.pk}/")
    assert 'id="target-heading"' in page.content.decode()
    admin.post(f"/surveys/{survey.pk}/target/", {"age_from": "25", "age_to": "", "answered_by": "users"})
    survey.refresh_from_db()
    assert (survey.target_age_from, survey.target_age_to, survey.answered_by) == (25, None, "users")
    # ... and the report says, in words and before the tables, who the respondents are compared with.
    text = admin.get(f"/population/equity/units/{nord}/?survey={survey.pk}").content.decode()
    said = "Aldersgruppe: sammenlignet med innbyggere 25 år og eldre i Bydel Nord, de undersøkelsen er for."
    assert said in text
    assert text.index('id="compared-with"') < text.index("<table")
    assert "Undersøkelsen er for personer 25 år og eldre, og de svarer selv." in text
    assert f'href="/surveys/{survey.pk}/#target"' in text  # how to change it
    assert "0–15 år" not in text and "ungdomsråd" not in text
    assert "Andel av innbyggerne undersøkelsen er for" in text
    # The API says it too, and sets it: parents answer, so their age is not compared.
    api = client_as("analytiker")
    changed = api.post(
        f"/api/v1/surveys/{survey.pk}/status", {"answered_by": "relatives"}, "application/json"
    )
    assert changed.status_code == 200 and changed.json()["answered_by"] == "relatives"
    assert changed.json()["target_age_from"] == 25
    rep = api.get(f"/api/v1/population/units/{nord}/representation?survey_id={survey.pk}").json()
    age = next(d for d in rep["dimensions"] if d["dimension"] == "age_band")
    assert age["compared_with"] == "not_compared" and not age["groups"]
    assert rep["target"].startswith("Undersøkelsen er for tjenestens brukere, personer 25 år og eldre")
