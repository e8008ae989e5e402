"""Automatic parts: checklist and measure reminders, survey rounds recorded, evaluation by coordinators."""

from __future__ import annotations

import datetime
from importlib import import_module
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from medvirk.core.errors import ServiceError
from medvirk.core.models import AuditEvent
from medvirk.participation import services
from medvirk.participation.models import Activity
from medvirk.participation.tests.factories import make_activity
from medvirk.surveys import services as survey_services
from medvirk.surveys.models import Response, Survey

pytestmark = pytest.mark.django_db


def _remind(day: datetime.date) -> list[Any]:
    before = len(mail.outbox)
    call_command("send_participation_reminders", f"--today={day.isoformat()}")
    return mail.outbox[before:]


@pytest.fixture
def leader(demo: Any) -> Any:
    user = demo.users["leder.solsikken"]
    user.email = "sol@example.org"
    user.save()
    return user


def test_unit_leaders_are_reminded_of_overdue_checklist_items_every_two_weeks(demo: Any, leader: Any) -> None:
    sentrum = demo.users["leder.sentrum"]

    def to_sol(sent: list[Any]) -> list[Any]:
        """The demo has two unit leaders (Solsikken and Sentrum): each is reminded of her own unit."""
        assert all(m.to in (["sol@example.org"], [sentrum.email]) for m in sent)
        return [m for m in sent if m.to == ["sol@example.org"]]

    mail.outbox.clear()
    assert _remind(datetime.date(2026, 3, 15)) == []  # nothing is due before 31 March
    sent = _remind(datetime.date(2026, 7, 15))
    # Solsikken's survey ran (the demo survey), the rest is overdue.
    assert sorted(m.to[0] for m in sent) == sorted(["sol@example.org", sentrum.email])
    [to_sentrum] = [m for m in sent if m.to == [sentrum.email]]
    assert "Sentrum barnehage" in to_sentrum.body and "Solsikken" not in to_sentrum.body
    [mine] = to_sol(sent)
    assert "Solsikken barnehage" in mine.body and "Nordlys" not in mine.body and "Sentrum" not in mine.body
    assert "31. mars 2026" in mine.body and "30. juni 2026" in mine.body  # dates in words, not 2026-03-31
    assert "31. oktober 2026" not in mine.body
    unit = demo.units["Solsikken barnehage"]
    reminded = AuditEvent.objects.filter(action="cycle.reminded", municipality=demo.municipality)
    assert reminded.count() == 2
    assert _remind(datetime.date(2026, 7, 15)) == []  # the same day again: nothing
    assert _remind(datetime.date(2026, 7, 22)) == []  # within two weeks: nothing
    assert len(to_sol(_remind(datetime.date(2026, 7, 29)))) == 1
    services.cycle_set(actor=leader, unit=unit, year=2026, council_met=True, minorities_mapped=True)
    assert to_sol(_remind(datetime.date(2026, 8, 30))) == []  # caught up; the report is not due yet
    assert len(to_sol(_remind(datetime.date(2026, 12, 2)))) == 1  # the report is now overdue


def test_the_reminders_command_also_reminds_owners_of_overdue_measures_once_a_day(
    demo: Any, leader: Any
) -> None:
    services.measure_create(
        actor=leader,
        unit=demo.units["Solsikken barnehage"],
        title="Forfalt",
        decision_level="employee",
        due_on=datetime.date(2026, 1, 10),
    )
    mail.outbox.clear()
    sent = _remind(datetime.date(2026, 2, 1))
    assert len(sent) == 1 and "Forfalt" in sent[0].subject
    assert "10. januar 2026" in sent[0].body and "2026-01-10" not in sent[0].body  # the due date in words
    assert _remind(datetime.date(2026, 2, 1)) == []
    # The older command shares the same rule, so running both never mails twice.
    call_command("send_measure_reminders")
    assert len(_remind(datetime.date(2026, 2, 2))) == 1


def test_open_survey_rounds_become_activities_and_closed_ones_count_responses(demo: Any) -> None:
    solsikken = demo.units["Solsikken barnehage"]
    created = services.survey_rounds_sync(actor=services.ROUNDS_ACTOR)
    rounds = Activity.objects.filter(kind="survey_round")
    # The demo's open surveys: own, sibling, district, root (three units) and foreign.
    assert created == rounds.count() == 7
    mine = rounds.filter(owner_unit=solsikken).select_related("survey")
    assert sorted(a.survey.round_label for a in mine) == ["matrix-own", "matrix-root"]
    assert {(a.ladder, a.level, a.participants) for a in mine} == {("informants", "individual", None)}
    assert list(mine[0].units.all()) == [solsikken]
    assert services.survey_rounds_sync(actor=services.ROUNDS_ACTOR) == 0 and rounds.count() == 7  # idempotent

    survey = Survey.objects.get(round_label="matrix-root")
    for i, complete in enumerate([True, True, True, False]):
        Response.objects.create(
            municipality=demo.municipality,
            survey=survey,
            unit=solsikken,
            language="nb",
            channel="link",
            complete=complete,
            created_on=datetime.date(2026, 3, 1),
            idempotency_key=f"k{i}",
        )
    survey_services.survey_set_status(actor=demo.users["admin"], survey=survey, status="closed")
    services.survey_rounds_sync(actor=services.ROUNDS_ACTOR)
    counts = dict(rounds.filter(survey=survey).values_list("owner_unit__name", "participants"))
    assert counts == {"Solsikken barnehage": 3, "Nordlys barnehage": 0, "Sørbyen barnehage": 0}
    assert rounds.get(survey__round_label="matrix-own").participants is None  # still open


def test_a_survey_round_is_named_in_bokmal_whoever_opens_the_page_that_records_it(demo: Any) -> None:
    """The sync runs on whoever's page view comes first: a nynorsk or English page must not name
    the unit's activity for good in its language (walk3: the demo's rounds read "Brukarundersøking
    for heimetenesta" in the bokmål pages after a nynorsk visit)."""
    survey = Survey.objects.get(round_label="matrix-own")
    survey.title = {"nb": "Foreldreundersøkelse", "nn": "Foreldreundersøking", "en": "Parent survey"}
    survey.save(update_fields=["title"])
    with translation.override("nn"):
        services.survey_rounds_sync(actor=services.ROUNDS_ACTOR)
    assert Activity.objects.get(survey=survey).title == "Foreldreundersøkelse (matrix-own)"


def test_survey_rounds_show_on_the_activity_list(demo: Any, client_as: Any) -> None:
    html = client_as("leder.solsikken").get("/participation/").content.decode()
    assert "matrix-own" in html and "matrix-sibling" not in html


def test_coordinators_create_the_evaluation_without_survey_design_rights(demo: Any) -> None:
    coordinator = demo.users["koordinator"]
    activity = make_activity(
        demo,
        user=coordinator,
        title="Dialogmøte",
        kind="dialogue_meeting",
        starts_on=datetime.date(2026, 4, 1),
    )
    with pytest.raises(ServiceError):  # the survey module itself still needs design rights
        survey_services.survey_create(
            actor=coordinator,
            owner_unit=activity.owner_unit,
            document=Survey.objects.first().definition,
            units=[activity.owner_unit],
            round_label="x",
        )
    survey = services.evaluation_create(actor=coordinator, activity=activity)
    assert survey.status == "open" and survey.owner_unit == activity.owner_unit
    # The round is named after the activity, not by a key ("activity-12" in every survey list and
    # results heading, walk3); another activity of the same name gets a number.
    assert survey.round_label == "Dialogmøte"
    for title, label in (
        ("Dialogmøte", "Dialogmøte (2)"),
        ("Dialogmøte med foreldre om mat og måltider", "Dialogmøte med foreldre om mat…"),
    ):
        other = make_activity(demo, user=coordinator, title=title, kind="dialogue_meeting")
        assert services.evaluation_create(actor=coordinator, activity=other).round_label == label
    # Not a survey round: participants' evaluations are not recorded as activities.
    services.survey_rounds_sync(actor=services.ROUNDS_ACTOR)
    assert not Activity.objects.filter(survey=survey).exists()
    with pytest.raises(ServiceError) as error:  # a reader cannot
        services.evaluation_create(actor=demo.users["lesetilgang"], activity=activity)
    assert error.value.code == "forbidden"


def test_coordinator_creates_the_evaluation_from_the_activity_page(demo: Any, client_as: Any) -> None:
    activity = make_activity(
        demo,
        unit="Nordlys barnehage",
        user="admin",
        title="Fokusgruppe",
        kind="focus_group",
        ladder="informants",
        invited="panel",
        starts_on=datetime.date(2026, 5, 5),
    )
    client = client_as("koordinator")
    page = client.get(f"/participation/activities/{activity.pk}/").content.decode()
    assert f"/participation/activities/{activity.pk}/evaluation/" in page  # the button is offered
    response = client.post(f"/participation/activities/{activity.pk}/evaluation/")
    activity.refresh_from_db()
    assert response["Location"] == f"/surveys/{activity.evaluation_survey_id}/"
    assert client.get(response["Location"]).status_code == 200  # and they can share its link


def test_evaluations_named_by_a_key_before_are_named_after_their_activity(demo: Any) -> None:
    """Migration 0005: rounds made before were named "activity-12" everywhere staff find them."""
    from django.apps import apps

    migration = import_module("medvirk.participation.migrations.0005_name_evaluation_rounds")
    coordinator = demo.users["koordinator"]
    first, second, renamed = (
        make_activity(demo, user=coordinator, title=title, kind="dialogue_meeting")
        for title in ("Dialogmøte", "Dialogmøte", "Fokusgruppe")
    )
    keyed = services.evaluation_create(actor=coordinator, activity=first)
    Survey.objects.filter(pk=keyed.pk).update(round_label=f"activity-{first.pk}")  # as made before
    assert services.evaluation_create(actor=coordinator, activity=second).round_label == "Dialogmøte"
    by_hand = services.evaluation_create(actor=coordinator, activity=renamed)
    Survey.objects.filter(pk=by_hand.pk).update(round_label="Høst 2026")
    migration.name_evaluation_rounds(apps, None)
    assert Survey.objects.get(pk=keyed.pk).round_label == "Dialogmøte (2)"
    assert Survey.objects.get(pk=by_hand.pk).round_label == "Høst 2026"  # changed by hand: kept
