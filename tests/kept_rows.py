"""Rows made once for several tests: a transaction around them (each test's own is rolled back to
it, so every test finds the rows as they were made), rolled back after the last.

For data that takes seconds to make or decide (a survey round with answers, its anonymity
decision) and that several tests only read. A module- or class-scoped fixture::

    @pytest.fixture(scope="class")
    def made(django_db_setup, django_db_blocker):
        with kept_rows(django_db_blocker):
            with django_db_blocker.unblock():
                rows = make(...)
            yield rows

The tests still each run in their own rolled-back transaction (pytest-django nests it in this
one). The anonymity decisions cached in the process are forgotten before and after: rolled-back
ids come back with other data (insights/tests/test_disclosure.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def kept_rows(django_db_blocker: Any) -> Iterator[None]:
    """Keep what is written in the block (and by the tests run in it) until it ends."""
    from django.db import transaction

    from medvirk.insights.disclosure import clear_cache

    clear_cache()
    around = transaction.atomic()
    with django_db_blocker.unblock():
        around.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            around.__exit__(None, None, None)
        clear_cache()
