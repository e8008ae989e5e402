"""Count what one client does in a time window, under a keyed hash: the address is never kept.

For public forms that must not be used to flood a municipality (or an address) with messages.
The count lives in the cache for the window; ``HMAC(SECRET_KEY, scope + address)`` is its key.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def address_hash(address: str, *, scope: str) -> str:
    """Return the keyed hash a client's address is kept or counted under (``scope`` is the use).

    Keyed with ``SECRET_KEY``: there are few addresses, so a plain hash could be reversed by
    hashing them all. ``scope`` keeps one use's hashes from matching another's.
    """
    return hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{address}".encode(), hashlib.sha256).hexdigest()


def over_limit(request: HttpRequest, *, scope: str, limit: int, seconds: int = 3600) -> bool:
    """Count one more event of ``scope`` from the request's client; return whether it is over ``limit``."""
    address = request.META.get("REMOTE_ADDR", "")
    key = f"throttle:{scope}:{address_hash(address, scope=scope)}"
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count > limit
