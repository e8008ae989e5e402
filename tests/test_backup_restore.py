"""Backup and restore as docs/operations.md says, on PostgreSQL: pg_dump, pg_restore, same data.

A new database gets the schema and the demo (``migrate``, ``seed_demo``: staff, units, two survey
rounds with answers), is dumped with ``pg_dump --format=custom``, restored with ``pg_restore`` into
another new database, and the two are compared: the rows of every table, and a results page
rendered by a separate process from each.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from tests.commands import manage

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.postgresql

RESULTS_PAGE = """
import sys
from django.test import Client
from medvirk.accounts.models import User
client = Client()
client.force_login(User.objects.get(username="admin"))
response = client.get(sys.argv[1])
assert response.status_code == 200, response.status_code
sys.stdout.write(response.content.decode())
"""


def _tool(name: str) -> str:
    """Return the newest installed PostgreSQL client tool (Debian keeps them per version)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    path = found[-1] if found else shutil.which(name)
    assert path, f"{name} is not installed (Debian package postgresql-client)"
    return path


def _connect(name: str, **options: Any) -> psycopg.Connection[Any]:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"],
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname=name,
        **options,
    )


def _counts(name: str) -> dict[str, int]:
    with _connect(name) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # type: ignore[index]  # noqa: S608


# The schema as PostgreSQL's catalogue has it, without the names PostgreSQL or Django gave indexes
# and constraints (a name is made from the table and columns when the index is made, so one made
# by a migration before a rename keeps its old name): columns, indexes and constraints per table.
SCHEMA = """
SELECT 'column', table_name, concat_ws(' ', column_name, data_type, character_maximum_length,
       numeric_precision, numeric_scale, is_nullable, is_identity, column_default)
  FROM information_schema.columns WHERE table_schema = 'public'
UNION ALL
SELECT 'index', tablename, regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON ', 'CREATE \\1INDEX ON ')
  FROM pg_indexes WHERE schemaname = 'public'
UNION ALL
SELECT 'constraint', conrelid::regclass::text, concat_ws(' ', contype, pg_get_constraintdef(oid))
  FROM pg_constraint WHERE connamespace = 'public'::regnamespace
"""


# Django's own, not Medvirk's: made from the models, the id of contrib.auth's link table of a
# group's permissions (groups are unused: rights are role assignments) is auth's integer; its
# migration made it the project's bigint.
DJANGOS_OWN = ("column", "auth_group_permissions")


def _schema(name: str) -> Counter[tuple[str, str, str]]:
    """Every column, index and constraint of database ``name`` (Django's table of applied
    migrations left out: the test database is made from the models, conftest.py)."""
    with _connect(name) as db:
        return Counter(
            row
            for row in db.execute(SCHEMA)
            if row[1] != "django_migrations" and not (row[:2] == DJANGOS_OWN and row[2].startswith("id "))
        )


def _manage(database_url: str, var: Path, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    env["MEDVIRK_VAR_DIR"] = str(var)  # its own cache: a page is decided from this database alone
    result = manage(*args, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _page(database_url: str, path: str, var: Path) -> str:
    html = _manage(database_url, var, "shell", "-c", RESULTS_PAGE.replace("sys.argv[1]", repr(path)))
    main = re.search(r"<main.*</main>", html, re.S)
    assert main, html[:500]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main.group(0))


def test_a_dump_restores_every_row_and_the_same_results_page(tmp_path: Path) -> None:
    s = connection.settings_dict
    suffix = uuid.uuid4().hex[:8]
    original, restored = f"medvirk_backup_{suffix}", f"medvirk_restore_{suffix}"
    url = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/".format(**{k: s[k] or "" for k in s if k.isupper()})
    env = {**os.environ, "PGPASSWORD": s["PASSWORD"] or ""}
    where = ["--host", s["HOST"], "--port", str(s["PORT"] or 5432), "--username", s["USER"]]
    dump = tmp_path / "medvirk.dump"
    with _connect("postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{original}"')
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        _manage(url + original, tmp_path / "var-original", "migrate", "--noinput", "-v0")
        # The migrations make the schema the tests ran on (made from the models, conftest.py).
        migrated, tested = _schema(original), _schema(s["NAME"])
        assert migrated == tested, (
            f"only the migrations make: {sorted((migrated - tested).elements())}\n"
            f"only the models make: {sorted((tested - migrated).elements())}"
        )
        assert sum(kind == "index" for kind, _table, _text in tested) > 100  # the real tables
        _manage(url + original, tmp_path / "var-original", "seed_demo", "-v0")
        subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", *where, original],
            check=True,
            env=env,
            timeout=300,
        )
        subprocess.run(
            [_tool("pg_restore"), "--no-owner", f"--dbname={restored}", *where, str(dump)],
            check=True,
            env=env,
            timeout=300,
        )
        before, after = _counts(original), _counts(restored)
        assert after == before
        assert before["surveys_response"] > 0 and before["accounts_user"] > 0
        # The smallest closed round with answers (an open one shows no figures, insights.release):
        # each process decides its anonymity afresh, and the largest demo round's decision alone
        # takes over a minute; any round shows the same thing.
        with _connect(original) as db:
            row = db.execute(
                "SELECT r.survey_id FROM surveys_response r JOIN surveys_survey s ON s.id = r.survey_id"
                " WHERE s.status = 'closed' GROUP BY r.survey_id ORDER BY count(*) LIMIT 1"
            ).fetchone()
        assert row
        path = f"/results/{row[0]}/"
        page_before = _page(url + original, path, tmp_path / "var-original")
        page_after = _page(url + restored, path, tmp_path / "var-restored")
        assert page_after == page_before
        assert "<table" in page_before or "<figure" in page_before  # a page with results, not an error
    finally:
        with _connect("postgres", autocommit=True) as admin:
            for name in (original, restored):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
