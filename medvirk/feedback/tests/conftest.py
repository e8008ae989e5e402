"""A client-feedback service in the demo municipality with its practitioners (built per test)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.test import Client

from medvirk.accounts.demo import DemoData
from medvirk.accounts.models import Role, RoleAssignment, User
from medvirk.core.actors import SystemActor
from medvirk.feedback import services
from medvirk.feedback.models import Episode, Instrument, Rating, Service

SYSTEM = SystemActor("tests")


@dataclass
class Feedback:
    demo: DemoData
    service: Service
    outcome: Instrument
    alliance: Instrument
    users: dict[str, User] = field(default_factory=dict)


def make_user(demo: DemoData, username: str, role: str, unit: Any) -> User:
    """A user of the tests' own (``t.`` before the name, apart from the demo's users)."""
    user = User.objects.create(
        username=f"t.{username}", municipality=unit.municipality, first_name=username.split(".")[0].title()
    )
    RoleAssignment.objects.create(municipality_id=unit.municipality_id, user=user, unit=unit, role=role)
    return user


@pytest.fixture
def fb(demo: DemoData) -> Feedback:
    """Helsestasjonen runs "Samtaletjenesten" with ORS-like VAS outcome (Medvirk's session scale as alliance).

    Practitioners: ``behandler`` (opens episodes), ``kollega`` (same unit, not on the episode
    unless added), ``annen`` (a practitioner of another unit); ``leder.helse`` leads the unit.
    """
    muni = demo.municipality
    phq = services.instrument_load(actor=SYSTEM, municipality=muni, key="phq9")
    session = services.instrument_load(actor=SYSTEM, municipality=muni, key="medvirk_session")
    unit = demo.units["Helsestasjonen"]
    service = services.service_create(
        actor=SYSTEM, unit=unit, name="Samtaletjenesten", outcome=phq, alliance=session
    )
    data = Feedback(demo, service, phq, session)
    data.users["behandler"] = make_user(demo, "behandler", Role.PRACTITIONER, unit)
    data.users["kollega"] = make_user(demo, "kollega", Role.PRACTITIONER, unit)
    data.users["annen"] = make_user(demo, "annen", Role.PRACTITIONER, demo.units["Tildelingskontoret"])
    data.users["leder.helse"] = make_user(demo, "leder.helse", Role.UNIT_LEADER, unit)
    return data


def login(fb: Feedback, name: str) -> Client:
    """A test client asking for English pages, logged in as the tests' user ``name`` (``fb.users``),
    else as the demo's."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(fb.users.get(name) or fb.demo.users[name])
    return client


def submit_rating(
    fb: Feedback, episode: Episode, answers: dict[str, Any], held_on: date | None = None
) -> Rating:
    """The practitioner records a session and the client's outcome rating with these answers (tablet)."""
    session = services.session_record(actor=fb.users["behandler"], episode=episode, held_on=held_on)
    return services.rating_submit(
        actor=fb.users["behandler"],
        session=session,
        rater=services.client_rater(episode),
        instrument=fb.outcome,
        answers=answers,
        mode="tablet",
    )
