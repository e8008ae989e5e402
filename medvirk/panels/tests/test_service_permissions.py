"""Panels' services check their actor themselves (``PANELS_MANAGE`` in the panel's municipality)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from medvirk.core.actors import SystemActor
from medvirk.panels import services
from medvirk.panels.demo import seed_volunteers
from medvirk.panels.models import Council, Panel, Volunteer
from tests.service_support import refused

pytestmark = pytest.mark.django_db


def test_writes_without_the_permission_are_refused_by_the_service(demo: Any) -> None:
    analyst, foreign = demo.users["analytiker"], demo.users["provestad.admin"]
    municipality = demo.municipality
    panel = services.panel_create(
        actor=demo.users["koordinator"], municipality=municipality, name="Panel", purpose="", size=3
    )
    for actor in (analyst, foreign):  # no panel rights; rights in another municipality only
        refused(
            lambda actor=actor: services.panel_create(
                actor=actor, municipality=municipality, name="X", purpose="", size=3
            )
        )
        refused(lambda actor=actor: services.quotas_set(actor=actor, panel=panel, quotas=[]))
        refused(lambda actor=actor: services.panel_select_start(actor=actor, panel=panel))
        refused(lambda actor=actor: services.council_create(actor=actor, municipality=municipality, name="R"))
    assert list(Panel.objects.filter(municipality=municipality)) == [panel]
    assert not Council.objects.exists()
    volunteer = seed_volunteers(municipality, count=1)[0]
    refused(lambda: services.volunteer_update(actor=analyst, volunteer=volunteer, gender="female"))
    refused(lambda: services.volunteer_withdraw(actor=foreign, volunteer=volunteer))
    assert Volunteer.objects.filter(pk=volunteer.pk).exists()


def test_public_flows_and_daily_commands_act_as_medvirk_itself(demo: Any) -> None:
    actor = SystemActor("test volunteer sign-up")
    data = services.VolunteerData(
        name="Ola \u202enessnaH",  # a right-to-left override would turn the coordinator's list around
        email="ola@example.org",
        age_band="25-34",
        gender="male",
        district="prefer_not_to_say",
        immigrant_background="rest",
        social_background="higher",
        accessibility_needs="Rullestol. Fnr 01019010046 om dere trenger det.",
    )
    volunteer, token, created = services.volunteer_signup(
        actor=actor, municipality=demo.municipality, data=data, consent_text="Ja", consent=True
    )
    assert created and services.token_hash(token) == volunteer.withdraw_token_hash
    assert volunteer.name == "Ola nessnaH"  # stored without the override (red team 4)
    # nor a national identity number (red team 5): the coordinator never needs it
    assert volunteer.accessibility_needs == "Rullestol. Fnr [fødselsnummer fjernet] om dere trenger det."
    assert services.volunteer_confirm(
        actor=actor, municipality=demo.municipality, token=services.confirm_token(volunteer)
    )
    with pytest.raises(TypeError):  # purging is Medvirk's daily job, never a person's
        services.volunteers_purge_expired(
            actor=demo.users["koordinator"], municipality_id=demo.municipality.pk, cutoff=None
        )
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=1)
    assert (
        services.volunteers_purge_expired(
            actor=SystemActor("test purge"), municipality_id=demo.municipality.pk, cutoff=later
        )
        >= 1
    )
    assert not Volunteer.objects.filter(pk=volunteer.pk).exists()
