"""The organisations register's services check their actor themselves."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from medvirk.core.actors import SystemActor
from medvirk.partners import services
from medvirk.partners.models import ContactLogEntry, Organisation, Proposal, ProposalStatus
from medvirk.partners.services import OrganisationData
from tests.service_support import refused

from .factories import organisation

pytestmark = pytest.mark.django_db


def test_writes_without_the_permission_are_refused_by_the_service(demo: Any) -> None:
    reader, leader, foreign = (demo.users[u] for u in ("lesetilgang", "leder.solsikken", "provestad.admin"))
    municipality = demo.municipality
    org = organisation(municipality)
    for actor in (reader, leader, foreign):  # none may change Eksempel's register
        refused(
            lambda actor=actor: services.organisation_create(
                actor=actor, municipality=municipality, data=OrganisationData(name="Ny")
            )
        )
        refused(
            lambda actor=actor: services.organisation_update(
                actor=actor, organisation=org, data=OrganisationData(name="Endret")
            )
        )
    assert list(Organisation.objects.filter(municipality=municipality)) == [org]
    assert Organisation.objects.get(pk=org.pk).name == "Testforeningen"
    # A unit leader keeps their own unit's contact log, not a sibling's.
    refused(
        lambda: services.contact_log_add(
            actor=leader,
            unit=demo.units["Nordlys barnehage"],
            organisation=org,
            on=datetime.date(2026, 3, 1),
            kind="consulted",
        )
    )
    assert not ContactLogEntry.objects.exists()
    proposal = services.proposal_submit(
        actor=SystemActor("test: the public propose page"),
        municipality=municipality,
        organisation=None,
        data=OrganisationData(name="Foreslått"),
        contact=None,
        consent=False,
        message="",
        client="1.2.3.4",
    )
    refused(lambda: services.proposal_accept(actor=reader, proposal=proposal))
    refused(lambda: services.proposal_reject(actor=foreign, proposal=proposal))
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PENDING
