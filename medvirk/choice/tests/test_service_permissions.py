"""The choice services check their actor themselves (pages and the API fetch with 404 first)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from medvirk.choice import services
from medvirk.choice.demo import MUNICIPAL, PRIVATE_A, PRIVATE_B, ChoiceDemo
from medvirk.choice.services import ProviderData, RequestData
from medvirk.core.actors import SystemActor
from tests.service_support import refused

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test set-up")


@pytest.mark.parametrize(
    "username",
    ["lesetilgang", "leder.solsikken", "analytiker.nord", "provestad.admin", "leverandor.omsorgpluss"],
)
def test_setup_without_the_permission_isrefused(base: ChoiceDemo, demo: Any, username: str) -> None:
    actor = demo.users[username]
    owner = base.service.owner_unit
    refused(lambda: services.service_create(actor=actor, owner_unit=owner, name="X", kind="meals"))
    refused(lambda: services.service_update(actor=actor, service=base.service, notice_days=3))
    data = ProviderData(name="X AS", kind="private", org_number="921000081", contact_email="x@x.example")
    refused(lambda: services.provider_register(actor=actor, data=data, parent=owner))
    refused(lambda: services.provider_update(actor=actor, provider=base.providers[PRIVATE_B], data=data))
    refused(
        lambda: services.approval_save(
            actor=actor,
            provider=base.providers[PRIVATE_B],
            service=base.service,
            approved_from=date(2026, 1, 1),
        )
    )
    refused(
        lambda: services.continuity_report(
            actor=actor,
            provider=base.providers[PRIVATE_B],
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 28),
            staff_per_client=5,
        )
    )


@pytest.mark.parametrize(
    "username", ["analytiker", "lesetilgang", "leverandor.omsorgpluss", "provestad.admin"]
)
def test_cases_without_the_permission_arerefused(base: ChoiceDemo, demo: Any, username: str) -> None:
    actor = demo.users[username]
    client = services.client_register(
        actor=SYSTEM, service=base.service, alias="P-1", decision_on=date(2026, 1, 5)
    )
    waiting = services.client_register(
        actor=SYSTEM, service=base.service, alias="P-2", decision_on=date(2025, 1, 5)
    )
    services.choice_record(
        actor=SYSTEM, client=client, provider=base.providers[MUNICIPAL], chosen_on=date(2026, 1, 6)
    )
    switch = services.switch_register(
        actor=SYSTEM, client=client, to_provider=base.providers[PRIVATE_A], requested_on=date.today()
    )
    request = services.online_request_submit(
        actor=SYSTEM,
        service=base.service,
        data=RequestData(
            kind="choice", provider_id=base.providers[PRIVATE_A].pk, client_name="A", phone="91234567"
        ),
    )
    refused(
        lambda: services.client_register(
            actor=actor, service=base.service, alias="P-3", decision_on=date(2026, 1, 5)
        )
    )
    refused(
        lambda: services.choice_record(
            actor=actor, client=waiting, provider=base.providers[MUNICIPAL], chosen_on=date(2025, 1, 6)
        )
    )
    refused(lambda: services.default_apply(actor=actor, client=waiting, today=date(2026, 1, 1)))
    refused(lambda: services.defaults_apply_due(actor=actor, service=base.service, today=date(2026, 1, 1)))
    refused(
        lambda: services.switch_register(
            actor=actor, client=client, to_provider=base.providers[PRIVATE_B], requested_on=date.today()
        )
    )
    refused(lambda: services.switch_cancel(actor=actor, switch=switch, today=date.today()))
    refused(lambda: services.client_end(actor=actor, client=client, last_day=date(2026, 6, 30)))
    refused(lambda: services.online_request_match(actor=actor, request=request, client=waiting))
    refused(lambda: services.online_request_close(actor=actor, request=request, note="x"))
    refused(lambda: services.clients_import(actor=actor, service=base.service, rows=[]))


def test_the_daily_run_and_public_requests_are_medvirk_itself(base: ChoiceDemo, demo: Any) -> None:
    with pytest.raises(TypeError):
        services.defaults_apply_all(actor=demo.users["admin"], today=date(2026, 1, 1))
    assert services.defaults_apply_all(actor=SYSTEM, today=date(2026, 1, 1)) == 0
