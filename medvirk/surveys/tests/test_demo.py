"""The demo survey data is valid, deterministic and shows what the product does."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest

from medvirk.accounts.demo import DemoData
from medvirk.core.hyphenation import without_soft_hyphens
from medvirk.participation import services as participation
from medvirk.participation.models import Activity
from medvirk.surveys.demo import seed_survey_demo
from medvirk.surveys.models import Answer, Response, Survey
from tests.kept_rows import kept_rows


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[Survey]]:
    """The survey demo, seeded once for this module's tests (tests/kept_rows.py; ~3 s of CPU a
    seeding): each test still runs in its own rolled-back transaction."""
    from medvirk.accounts.demo import load_demo

    with kept_rows(django_db_blocker):
        with django_db_blocker.unblock():
            surveys = seed_survey_demo(load_demo())
        yield surveys


def test_demo_rounds_have_answers_gaps_and_a_tiny_unit(seeded: list[Survey], demo: DemoData) -> None:
    surveys = seeded
    assert [s.round_label for s in surveys] == ["2025", "2026"]
    # Both closed: results are shown only once a round has closed (insights.release).
    assert [s.status for s in surveys] == ["closed", "closed"]
    counts = sorted(
        Response.objects.filter(survey=surveys[1], complete=True).values_list("unit_id", flat=True)
    )
    per_unit = {u: counts.count(u) for u in set(counts)}
    assert min(per_unit.values()) == 3 < surveys[1].threshold  # suppression has something to hide
    assert Answer.objects.filter(survey=surveys[1], value_text__contains="@example.no").exists()
    assert Survey.objects.filter(series="kindergarten_parents").count() == 2


def test_the_demo_rounds_of_2025_are_recorded_as_activities_of_2025(seeded: list[Survey], demo: Any) -> None:
    """The closed 2025 demo round ran in 2025: its activities and answers are dated then, not today.

    (The home-care demo's 2025 round gets its dates the same way, ``choice.demo_surveys.ROUND_DATES``;
    seeding it here would double this test's time.)
    """
    old, new = seeded
    participation.survey_rounds_sync(actor=participation.ROUNDS_ACTOR, municipality_id=demo.municipality.pk)
    rounds = Survey.objects.filter(round_label="2025")
    activities = Activity.objects.filter(survey__in=rounds)
    assert activities.count() == 6  # one per kindergarten
    for activity in activities:
        assert activity.starts_on.year == 2025 and activity.ends_on is not None
        assert activity.starts_on < activity.ends_on < datetime.date(2026, 1, 1)
        assert (
            activity.participants
            == Response.objects.filter(
                survey=activity.survey, unit=activity.owner_unit, complete=True
            ).count()
        )
    days = set(Response.objects.filter(survey__in=rounds).values_list("submitted_on", flat=True))
    assert all(datetime.date(2025, 1, 1) <= day < datetime.date(2026, 1, 1) for day in days)
    assert len(set(Response.objects.filter(survey=old).values_list("submitted_on", flat=True))) > 10
    # The 2026 round ran in March 2026: its activities start when it opened.
    assert new.opens_on is not None and new.opens_on.year == 2026
    assert Activity.objects.filter(survey=new).exclude(starts_on=new.opens_on).count() == 0


def test_the_demo_has_one_open_round_with_a_few_answers_and_no_figures_yet(
    seeded: list[Survey], demo: DemoData, client_as: Any
) -> None:
    """The nursing homes' relatives survey is open, so the demo shows a round in progress: how many
    have answered, when the results come, and a link anyone trying the demo can answer through."""
    from django.utils import timezone

    survey = Survey.objects.get(series="nursing_home_relatives")
    today = timezone.localdate()
    assert survey.status == "open" and survey.opens_on < today < survey.closes_on
    answered = sorted(
        Response.objects.filter(survey=survey, complete=True).values_list("unit__name", flat=True)
    )
    assert {name: answered.count(name) for name in set(answered)} == {
        "Sørhaug sykehjem": 12,
        "Vestheim sykehjem": 8,
        "Østre sykehjem": 10,
    }
    coordinator = client_as("analytiker")
    results = coordinator.get(f"/results/{survey.pk}/").content.decode()
    assert "Resultatene kommer når undersøkelsen er avsluttet" in results
    home = without_soft_hyphens(coordinator.get("/", follow=True).content.decode())  # a card's heading
    assert "Pårørendeundersøkelse for sykehjem" in home
