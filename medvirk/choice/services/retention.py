"""Free choice's personal data past its retention period (``choice/retention.py`` registers the kinds;
the daily ``purge_personal_data`` runs them as Medvirk itself)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from medvirk.core.actors import SystemActor, ensure_system

from ..models import Client, OnlineRequest


def online_requests_purge_expired(
    *, actor: SystemActor, municipality_id: int, cutoff: datetime, dry_run: bool = False
) -> int:
    """Delete online requests handled before ``cutoff`` (or received before it and never handled).

    A request's names, phone, e-mail and reasons are needed until a case handler has matched or
    closed it; the client it became keeps its own record.
    """
    ensure_system(actor, "Deleting online requests after the retention period")
    due = OnlineRequest.objects.filter(municipality_id=municipality_id).filter(
        Q(handled_at__lt=cutoff) | Q(handled_at__isnull=True, received_at__lt=cutoff)
    )
    if dry_run:
        return due.count()
    count, _by_model = due.delete()
    return count


def pseudonym(client_id: int) -> str:
    """Return what a client's alias becomes after the retention period: a number, nobody's case."""
    return f"#{client_id}"


def _clients_due(municipality_id: int, cutoff: datetime) -> QuerySet[Client]:
    return (
        Client.objects.filter(municipality_id=municipality_id, ended_on__lt=cutoff.date())
        .annotate(pseudonym=Concat(Value("#"), Cast("pk", CharField())))
        .exclude(alias=F("pseudonym"))
    )


@transaction.atomic
def clients_pseudonymise_expired(
    *, actor: SystemActor, municipality_id: int, cutoff: datetime, dry_run: bool = False
) -> int:
    """Replace the alias (the case reference) of clients whose service ended before ``cutoff``.

    The client's periods with providers, switches and background stay, so the statistics of
    choosing for past years do not change; what linked them to a person's case goes.
    """
    ensure_system(actor, "Removing clients' case references after the retention period")
    due = list(_clients_due(municipality_id, cutoff).only("pk", "alias"))
    if dry_run:
        return len(due)
    for client in due:
        client.alias = pseudonym(client.pk)
    Client.objects.bulk_update(due, ["alias"], batch_size=500)
    return len(due)
