"""Figures the worker made, kept under a data version: this process's few, else the shared cache's.

The outcome dashboard's boards (``dashboard.py``) and the goal themes (``themes.py``) are kept
the same way: under a digest of their data version (``key``), with the key of the latest one
made of a *frame* (everything but the data: units, services, threshold, rules' version), so a
page can show the earlier figures while the worker makes the current ones. Written here rather
than with a caching library: Django's cache is the shared store; this only adds the small
per-process front and the "latest of a frame" pointer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import caches

T = TypeVar("T")
CACHE = "disclosure"  # the shared cache the results' decisions are kept in too
KEEP_SECONDS = 60 * 60 * 24 * 90


class Kept(Generic[T]):
    def __init__(self, prefix: str, size: int = 32) -> None:
        self.prefix = prefix
        self.size = size
        self._items: OrderedDict[str, T] = OrderedDict()
        self._latest: dict[str, str] = {}  # frame → the data version of the latest figures made here
        self._lock = threading.Lock()

    @staticmethod
    def _store() -> Any:
        return caches[CACHE] if CACHE in settings.CACHES else None

    def _shared(self, name: str) -> Any:
        """Return what the shared cache holds under ``name`` (None without one)."""
        store = self._store()
        return store.get(name) if store is not None else None

    def _remember(self, key: str, value: T) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get(self, key: str) -> T | None:
        """Return what is kept under a data version (this process's, else the shared cache's)."""
        with self._lock:
            value = self._items.get(key)
        if value is None:
            value = self._shared(f"{self.prefix}:{key}")
            if value is not None:
                self._remember(key, value)
        return value

    def latest(self, frame: str) -> T | None:
        """Return the latest figures made of a frame (an earlier version of its data), if kept."""
        with self._lock:
            key = self._latest.get(frame)
        if key is None:
            key = self._shared(f"{self.prefix}-latest:{frame}")
        return self.get(key) if key is not None else None

    def keep(self, key: str, frame: str, value: T) -> None:
        self._remember(key, value)
        with self._lock:
            self._latest[frame] = key
        store = self._store()
        if store is not None:
            store.set(f"{self.prefix}:{key}", value, KEEP_SECONDS)
            store.set(f"{self.prefix}-latest:{frame}", key, KEEP_SECONDS)

    def clear(self) -> None:
        """Forget what this process holds (tests)."""
        with self._lock:
            self._items.clear()
            self._latest.clear()
