"""Participation's services check their actor themselves, not only the pages and API."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from medvirk.core.actors import SystemActor
from medvirk.core.models import AuditEvent
from medvirk.participation import services
from medvirk.participation.models import Activity, Measure
from tests.service_support import refused

pytestmark = pytest.mark.django_db

PLAN: dict[str, Any] = {
    "title": "Dialogmøte",
    "kind": "dialogue_meeting",
    "ladder": "dialogue",
    "level": "group",
    "invited": "open",
    "starts_on": datetime.date(2026, 4, 1),
}


def test_writes_without_the_permission_are_refused_by_the_service(demo: Any) -> None:
    reader, leader = demo.users["lesetilgang"], demo.users["leder.solsikken"]
    solsikken, sorbyen = demo.units["Solsikken barnehage"], demo.units["Sørbyen barnehage"]
    refused(lambda: services.activity_create(actor=reader, owner_unit=solsikken, **PLAN))
    refused(lambda: services.activity_create(actor=leader, owner_unit=sorbyen, **PLAN))
    assert not Activity.objects.filter(title="Dialogmøte").exists()
    refused(lambda: services.finding_create(actor=reader, unit=solsikken, statement="Funn"))
    refused(lambda: services.measure_create(actor=leader, unit=sorbyen, title="Tiltak"))
    assert not Measure.objects.filter(title="Tiltak").exists()
    refused(lambda: services.cycle_set(actor=leader, unit=sorbyen, year=2026, council_met=True))
    # Sharing the whole municipality's figures needs participation rights on its root.
    refused(lambda: services.sharing_grant(actor=leader, municipality=demo.municipality, partner=demo.other))
    # An administrator of another municipality cannot share this one's figures.
    refused(
        lambda: services.sharing_grant(
            actor=demo.users["provestad.admin"], municipality=demo.municipality, partner=demo.other
        )
    )


def test_automatic_records_are_made_by_medvirk_itself(demo: Any) -> None:
    actor = SystemActor("test")
    activity = services.activity_create(actor=actor, owner_unit=demo.units["Solsikken barnehage"], **PLAN)
    measure = services.measure_create(actor=actor, unit=activity.owner_unit, title="Tiltak")
    assert measure.owner is None and measure.updates.get().author is None  # no person behind it
    with pytest.raises(TypeError):  # survey rounds and reminders are never a person's doing
        services.survey_rounds_sync(actor=demo.users["admin"])
    with pytest.raises(TypeError):
        services.measure_mark_reminded(
            actor=demo.users["admin"], measure=measure, today=datetime.date.today()
        )
    services.measure_mark_reminded(actor=actor, measure=measure, today=datetime.date(2026, 5, 1))
    measure.refresh_from_db()
    assert measure.reminded_on == datetime.date(2026, 5, 1)


def test_an_evaluation_is_created_by_medvirk_on_behalf_of_its_coordinator(demo: Any) -> None:
    coordinator = demo.users["koordinator"]  # manages participation, designs no surveys
    activity = services.activity_create(
        actor=coordinator, owner_unit=demo.units["Solsikken barnehage"], **PLAN
    )
    survey = services.evaluation_create(actor=coordinator, activity=activity)
    created = AuditEvent.objects.get(action="survey.created", object_id=str(survey.pk))
    assert created.actor == coordinator  # the audit log says who asked for it
