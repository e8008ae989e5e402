"""The database orders names as ``common.collation`` does: ICU's Norwegian on PostgreSQL, the key on
SQLite."""

from __future__ import annotations

from typing import Any

from django.db import connection

from medvirk.common.tests.test_collation import NORWEGIAN
from medvirk.core.ordering import POSTGRESQL_COLLATION, SQLITE_COLLATION


def test_the_database_sorts_names_in_norwegian_order(db: Any) -> None:
    collation = POSTGRESQL_COLLATION if connection.vendor == "postgresql" else SQLITE_COLLATION
    rows = " UNION ALL ".join(["SELECT CAST(%s AS TEXT) AS n"] * len(NORWEGIAN))
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT n FROM ({rows}) AS t ORDER BY n COLLATE "{collation}"', NORWEGIAN[::-1])  # noqa: S608
        assert [n for (n,) in cursor.fetchall()] == NORWEGIAN
