"""Self-service proposals from the public: submit (rate-limited), accept (applies it) or reject."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from medvirk.core.crypto import keyed_digest
from medvirk.orgs.models import Municipality

from .models import Proposal

PROPOSALS_PER_HOUR = 5
CONSENT_PURPOSE = "Contact about the municipality's user participation (self-service proposal)"


def client_hash(address: str) -> str:
    """Return the keyed hash a proposal keeps of its sender's address (never the address)."""
    return keyed_digest(address, scope="partners")


def proposal_is_throttled(*, municipality: Municipality, client: str) -> bool:
    """Return whether this client has sent too many proposals in the last hour."""
    since = timezone.now() - timedelta(hours=1)
    limit = getattr(settings, "PARTNERS_PROPOSALS_PER_HOUR", PROPOSALS_PER_HOUR)
    recent = Proposal.objects.filter(created_at__gte=since, client_hash=client_hash(client))
    return recent.count() >= limit
