"""Self-service proposals from the public: submit (rate-limited), accept (applies it) or reject."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from medvirk.orgs.models import Municipality

from .models import Proposal

PROPOSALS_PER_HOUR = 5
CONSENT_PURPOSE = "Contact about the municipality's user participation (self-service proposal)"


def client_hash(address: str) -> str:
    """Return a keyed hash of a client address; the address itself is never stored."""
    return hmac.new(settings.SECRET_KEY.encode(), b"partners:" + address.encode(), hashlib.sha256).hexdigest()


def proposal_is_throttled(*, municipality: Municipality, client: str) -> bool:
    """Return whether this client has sent too many proposals in the last hour."""
    since = timezone.now() - timedelta(hours=1)
    limit = getattr(settings, "PARTNERS_PROPOSALS_PER_HOUR", PROPOSALS_PER_HOUR)
    recent = Proposal.objects.filter(created_at__gte=since, client_hash=client_hash(client))
    return recent.count() >= limit
