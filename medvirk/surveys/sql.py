"""Plain SQL shared by design and answering: quoted names, and the district codes every submission reads."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

from medvirk.orgs.models import OrgUnit, UnitKind


def sql_column(model: type[models.Model], name: str) -> str:
    """Return a field's quoted column name, for plain SQL."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{name} has no column")
    return connection.ops.quote_name(field.column)


def sql_table(model: type[models.Model]) -> str:
    """Return a model's quoted table name, for plain SQL."""
    return connection.ops.quote_name(model._meta.db_table)


@contextlib.contextmanager
def prepared_cursor() -> Iterator[Any]:
    """Yield a cursor whose statements PostgreSQL parses and plans once per connection.

    For the few statements every submission runs (bench/submit, issue 21): Django's psycopg
    cursors bind parameters on the client and never prepare (``server_side_binding`` is off and
    Django sets ``prepare_threshold`` to None), so PostgreSQL plans each statement again; planning
    the link's SELECT was most of its cost. This cursor binds on the server and psycopg prepares
    its statements on the connection (``prepare_threshold`` 0 on the raw connection while this
    cursor runs; Django's own cursors never prepare, and outside this block psycopg keeps no
    count of their statements, so every other query is unchanged). ``DB_PREPARED=0``
    (``settings.DB_PREPARED_STATEMENTS``) turns it off, e.g. behind a transaction-pooling
    PgBouncer older than 1.21. Other databases get Django's cursor.
    """
    if connection.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    before = raw.prepare_threshold
    raw.prepare_threshold = 0  # prepared at once: these statements run on every submission
    try:
        # Django's wrappers (not the bare cursor): execute_wrapper, error mapping, query logging.
        wrapper = _PreparedDebugCursor if connection.queries_logged else CursorWrapper
        with wrapper(psycopg.Cursor(raw), connection) as wrapped:
            yield wrapped
    finally:
        raw.prepare_threshold = before


class _PreparedDebugCursor(CursorDebugWrapper):
    """Log a prepared statement as Django logs its own: with its parameters in the text.

    (Django takes the text from the driver's last query, which psycopg does not keep for a
    prepared statement's execution.)
    """

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(self.db.ops.compose_sql(sql, params or ())):
            return super(CursorDebugWrapper, self).execute(sql, params)


def district_codes(*, municipality_id: int) -> list[str]:
    """Return the municipality's city-district region codes (the 'district' background options).

    The codes of ``orgs.selectors.district_names``, in code order. Plain SQL: every submission to
    a survey asking for the district reads them.
    """
    with prepared_cursor() as cursor:
        cursor.execute(_district_sql(connection.vendor), [municipality_id, UnitKind.DISTRICT])
        return [code for (code,) in cursor.fetchall()]


@functools.cache
def _district_sql(vendor: str) -> str:
    code = sql_column(OrgUnit, "region_code")
    return (
        f"SELECT {code} FROM {sql_table(OrgUnit)} WHERE {sql_column(OrgUnit, 'municipality')} = %s "  # noqa: S608 - no input in the SQL text
        f"AND {sql_column(OrgUnit, 'kind')} = %s AND {code} <> '' ORDER BY {code}"
    )
