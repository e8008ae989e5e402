"""Plain SQL shared by design and answering: quoted names, and the district codes every submission reads."""

from __future__ import annotations

import functools

from django.db import connection, models

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


def district_codes(*, municipality_id: int) -> list[str]:
    """Return the municipality's city-district region codes (the 'district' background options).

    Plain SQL: every submission to a survey asking for the district reads them.
    """
    with connection.cursor() as cursor:
        cursor.execute(_district_sql(connection.vendor), [municipality_id, UnitKind.DISTRICT])
        return [code for (code,) in cursor.fetchall()]


@functools.cache
def _district_sql(vendor: str) -> str:
    code = sql_column(OrgUnit, "region_code")
    return (
        f"SELECT {code} FROM {sql_table(OrgUnit)} WHERE {sql_column(OrgUnit, 'municipality')} = %s "  # noqa: S608 - no input in the SQL text
        f"AND {sql_column(OrgUnit, 'kind')} = %s AND {code} <> '' ORDER BY {code}"
    )
