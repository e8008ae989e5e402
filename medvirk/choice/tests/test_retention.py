"""Free choice's personal data past its retention: online requests deleted, clients' case references
replaced by a number (their history and the statistics stay), both in the daily purge with a dry run."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from medvirk.choice.demo import ChoiceDemo
from medvirk.choice.models import Client, OnlineRequest
from medvirk.choice.retention import CLIENT_REFERENCES, ONLINE_REQUESTS
from medvirk.choice.services.retention import clients_pseudonymise_expired, online_requests_purge_expired
from medvirk.choice.types import RequestKind, RequestStatus
from medvirk.core.actors import SystemActor
from medvirk.core.dataprotection import processing_entries
from medvirk.core.retention import retention_kind_by_key

pytestmark = pytest.mark.django_db
PURGE = SystemActor("test purge")


def _request(base: ChoiceDemo, *, received_days_ago: int, handled_days_ago: int | None) -> OnlineRequest:
    provider = next(iter(base.providers.values()))
    request = OnlineRequest.objects.create(
        municipality_id=base.service.municipality_id,
        service=base.service,
        kind=RequestKind.CHOICE,
        provider=provider,
        client_name="Kari Nordmann",
        phone="+4791234567",
        status=RequestStatus.NEW if handled_days_ago is None else RequestStatus.MATCHED,
        handled_at=None if handled_days_ago is None else timezone.now() - timedelta(days=handled_days_ago),
    )
    OnlineRequest.objects.filter(pk=request.pk).update(
        received_at=timezone.now() - timedelta(days=received_days_ago)
    )
    return request


def _client(base: ChoiceDemo, alias: str, ended_on: date | None) -> Client:
    return Client.objects.create(
        municipality_id=base.service.municipality_id,
        service=base.service,
        alias=alias,
        decision_on=date(2022, 1, 10),
        choice_deadline=date(2022, 1, 24),
        ended_on=ended_on,
    )


def test_online_requests_go_a_period_after_they_were_handled(base: ChoiceDemo) -> None:
    OnlineRequest.objects.filter(municipality_id=base.service.municipality_id).delete()
    old_handled = _request(base, received_days_ago=500, handled_days_ago=400)
    recent_handled = _request(base, received_days_ago=500, handled_days_ago=30)
    old_unhandled = _request(base, received_days_ago=400, handled_days_ago=None)
    new_unhandled = _request(base, received_days_ago=3, handled_days_ago=None)
    cutoff = timezone.now() - timedelta(days=365)
    municipality_id = base.service.municipality_id
    assert (
        online_requests_purge_expired(
            actor=PURGE, municipality_id=municipality_id, cutoff=cutoff, dry_run=True
        )
        == 2
    )
    assert OnlineRequest.objects.filter(municipality_id=municipality_id).count() == 4
    assert online_requests_purge_expired(actor=PURGE, municipality_id=municipality_id, cutoff=cutoff) == 2
    left = set(OnlineRequest.objects.filter(municipality_id=municipality_id).values_list("pk", flat=True))
    assert left == {recent_handled.pk, new_unhandled.pk}
    assert old_handled.pk not in left and old_unhandled.pk not in left


def test_clients_case_references_are_replaced_once_and_their_history_stays(base: ChoiceDemo) -> None:
    municipality_id = base.service.municipality_id
    ended_long_ago = _client(base, "SAK-2022-17", date(2023, 1, 31))
    ended_lately = _client(base, "SAK-2025-03", timezone.localdate() - timedelta(days=20))
    ongoing = _client(base, "SAK-2026-01", None)
    cutoff = timezone.now() - timedelta(days=730)
    before = Client.objects.filter(municipality_id=municipality_id).count()
    due = clients_pseudonymise_expired(
        actor=PURGE, municipality_id=municipality_id, cutoff=cutoff, dry_run=True
    )
    assert due >= 1
    assert Client.objects.get(pk=ended_long_ago.pk).alias == "SAK-2022-17"  # a dry run changes nothing
    assert clients_pseudonymise_expired(actor=PURGE, municipality_id=municipality_id, cutoff=cutoff) == due
    assert Client.objects.get(pk=ended_long_ago.pk).alias == f"#{ended_long_ago.pk}"
    assert Client.objects.get(pk=ended_lately.pk).alias == "SAK-2025-03"
    assert Client.objects.get(pk=ongoing.pk).alias == "SAK-2026-01"
    assert Client.objects.filter(municipality_id=municipality_id).count() == before  # nothing deleted
    # Done once: the next daily run finds nothing more to do.
    assert clients_pseudonymise_expired(actor=PURGE, municipality_id=municipality_id, cutoff=cutoff) == 0


def test_the_daily_purge_runs_both_kinds_and_the_record_names_them(base: ChoiceDemo, demo: Any) -> None:
    assert retention_kind_by_key(ONLINE_REQUESTS) is not None
    assert retention_kind_by_key(CLIENT_REFERENCES) is not None
    old = _request(base, received_days_ago=900, handled_days_ago=800)
    client = _client(base, "SAK-2020-01", date(2021, 6, 30))
    out = StringIO()
    call_command("purge_personal_data", "--dry-run", "--municipality", demo.municipality.slug, stdout=out)
    assert OnlineRequest.objects.filter(pk=old.pk).exists()
    call_command("purge_personal_data", "--municipality", demo.municipality.slug, stdout=StringIO())
    assert not OnlineRequest.objects.filter(pk=old.pk).exists()
    assert Client.objects.get(pk=client.pk).alias == f"#{client.pk}"
    retentions = {
        entry.declaration.retention for entry in processing_entries() if entry.app_label == "choice"
    }
    assert {CLIENT_REFERENCES, ONLINE_REQUESTS} <= retentions
