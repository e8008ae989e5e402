"""No index of a Medvirk table is a left prefix of another index or unique key of the same table.

Such an index answers nothing the longer one does not (same leading columns, same operator
classes, neither partial nor on expressions), costs a write on every insert, and with a new
table's near-empty statistics PostgreSQL may pick it over the unique key: the idempotency lookup
of bench/submit read every response of the survey so far through a single-column index (issue
21). Read from PostgreSQL's catalogue, so Django's own indexes (a foreign key's) count too;
``KeyedTenantModel`` is the base of a tenant table whose key leads with the municipality.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

from medvirk.core.migration_operations import DropKeyIndex
from medvirk.core.models import KeyedTenantModel

# Link tables Django makes for ``PermissionsMixin`` (a user's groups and permissions): their
# schema is Django's (contrib.auth), and Medvirk's rights are role assignments, not groups.
DJANGOS_OWN = frozenset({"accounts_user_groups", "accounts_user_user_permissions"})

# Pairs (index, longer index) on one table where the first one's key columns are the second one's
# leading key columns, with the same operator classes, collations and orderings; neither is
# partial or on expressions; the first is neither unique nor the primary key (a unique index on
# fewer columns is a stronger constraint); an exact copy counts once.
PREFIX_PAIRS = """
WITH ix AS (
  SELECT i.indexrelid, i.indrelid, i.indisunique, i.indisprimary, c.relam,
         (i.indkey::int2[])[0:i.indnkeyatts - 1] AS keys,
         (i.indclass::oid[])[0:i.indnkeyatts - 1] AS classes,
         (i.indcollation::oid[])[0:i.indnkeyatts - 1] AS collations,
         (i.indoption::int2[])[0:i.indnkeyatts - 1] AS options
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  WHERE i.indpred IS NULL AND i.indexprs IS NULL
)
SELECT t.relname, a.indexrelid::regclass::text, pg_get_indexdef(a.indexrelid),
       b.indexrelid::regclass::text, pg_get_indexdef(b.indexrelid)
FROM ix a
JOIN ix b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid AND b.relam = a.relam
JOIN pg_class t ON t.oid = a.indrelid
WHERE t.relname = ANY(%s)
  AND NOT a.indisunique AND NOT a.indisprimary
  AND cardinality(a.keys) <= cardinality(b.keys)
  AND a.keys = b.keys[1:cardinality(a.keys)]
  AND a.classes = b.classes[1:cardinality(a.keys)]
  AND a.collations = b.collations[1:cardinality(a.keys)]
  AND a.options = b.options[1:cardinality(a.keys)]
  AND (cardinality(a.keys) < cardinality(b.keys) OR b.indisunique OR a.indexrelid > b.indexrelid)
ORDER BY 1, 2
"""


def _tables() -> list[str]:
    """Medvirk's tables, the link tables of its many-to-many fields included."""
    return sorted(
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_config.name.startswith("medvirk.") and m._meta.managed and not m._meta.proxy
    )


@pytest.mark.postgresql
def test_no_index_is_a_left_prefix_of_another_on_the_same_table(db: None) -> None:
    tables = [t for t in _tables() if t not in DJANGOS_OWN]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(%s)",
            [tables],
        )
        assert cursor.fetchone()[0] > 100  # the catalogue was read for the real tables
        cursor.execute(PREFIX_PAIRS, [tables])
        pairs = cursor.fetchall()
    redundant = [
        f"{table}: {name} ({ddl}) is a prefix of {longer} ({longer_ddl})"
        for table, name, ddl, longer, longer_ddl in pairs
    ]
    assert redundant == [], (
        "Drop these indexes (a foreign key's: KeyedTenantModel or db_index=False; else Meta.indexes):\n"
        + "\n".join(redundant)
    )


def _leads_with_municipality(entry: Any) -> bool:
    if isinstance(entry, models.UniqueConstraint | models.Index):
        fields = list(entry.fields)
        return bool(fields) and fields[0].lstrip("-") == "municipality" and entry.condition is None
    if isinstance(entry, tuple | list):  # unique_together
        return bool(entry) and entry[0] == "municipality"
    return False  # a check constraint


@pytest.mark.sqlite_only
def test_a_keyed_tenant_table_has_an_index_that_leads_with_the_municipality() -> None:
    """The municipality key of a ``KeyedTenantModel`` has no index of its own: another must lead with it."""
    without = [
        m._meta.label
        for m in apps.get_models()
        if issubclass(m, KeyedTenantModel)
        and not any(
            _leads_with_municipality(entry)
            for entry in [*m._meta.constraints, *m._meta.indexes, *m._meta.unique_together]
        )
    ]
    assert without == [], (
        "Give these TenantModel (the key's own index) or a key that leads with the municipality"
    )


def _own_index_of(table: str, column: str) -> list[str]:
    """Indexes of ``table`` whose only key column is ``column``, on every row (not partial)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_class t ON t.oid = i.indrelid JOIN pg_attribute a"
            " ON a.attrelid = t.oid AND a.attnum = i.indkey[0]"
            " WHERE t.relname = %s AND i.indnkeyatts = 1 AND i.indpred IS NULL AND a.attname = %s",
            [table, column],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgresql
def test_drop_key_index_drops_only_the_keys_own_index_and_gives_it_back(db: None) -> None:
    """``DropKeyIndex`` backwards creates the index ``AlterField`` would have, forwards drops it
    again, and the state it leaves is the field with ``db_index=False`` (so makemigrations agrees)."""
    loader = MigrationLoader(connection)
    before = loader.project_state(("orgs", "0005_unit_closed_on"))
    after = loader.project_state(("orgs", "0006_indexes_not_prefixes"))
    assert before.models["orgs", "orgunit"].fields["municipality"].db_index is True
    assert after.models["orgs", "orgunit"].fields["municipality"].db_index is False
    operation = DropKeyIndex(["orgunit"])
    assert _own_index_of("orgs_orgunit", "municipality_id") == []
    with connection.schema_editor() as editor:
        operation.database_backwards("orgs", editor, after, before)
    assert len(_own_index_of("orgs_orgunit", "municipality_id")) == 1
    with connection.schema_editor() as editor:
        operation.database_forwards("orgs", editor, before, after)
    assert _own_index_of("orgs_orgunit", "municipality_id") == []
    with connection.cursor() as cursor:  # the key's constraint was never touched
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'orgs_orgunit'::regclass AND contype = 'f'"
            " AND conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = 'orgs_orgunit'::regclass"
            " AND attname = 'municipality_id')]"
        )
        assert cursor.fetchone()[0] == 1
