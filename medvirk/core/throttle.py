"""Count what one client does in a time window, under a keyed hash: the address is never kept.

For public forms that must not be used to flood a municipality (or an address) with messages.
The count lives in the cache for the window, under ``crypto.keyed_digest`` of the address.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from .crypto import keyed_digest


def over_limit(request: HttpRequest, *, scope: str, limit: int, seconds: int = 3600) -> bool:
    """Count one more event of ``scope`` from the request's client; return whether it is over ``limit``."""
    address = request.META.get("REMOTE_ADDR", "")
    key = f"throttle:{scope}:{keyed_digest(address, scope=scope)}"
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count > limit
