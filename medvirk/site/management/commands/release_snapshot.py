"""Keep the demo database of a release in the repository, so later versions prove they migrate it.

Run on a fresh demo database (SQLite) of the release being made::

    DATABASE_URL=sqlite:///var/release.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:///var/release.sqlite3 manage.py seed_demo
    DATABASE_URL=sqlite:///var/release.sqlite3 manage.py release_snapshot 0.2.0

It writes ``releases/<version>/demo.sqlite3.xz`` (a compacted copy, xz-compressed) and
``releases/<version>/counts.json`` (rows per table); ``tests/test_upgrade.py`` migrates every
kept snapshot to the current schema and compares the counts (docs/operations.md).
"""

from __future__ import annotations

import json
import lzma
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

RELEASES = Path(settings.BASE_DIR) / "releases"


def table_counts(database: Path) -> dict[str, int]:
    """Return the number of rows of every table in an SQLite database file."""
    with closing(sqlite3.connect(database)) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in tables}  # noqa: S608


class Command(BaseCommand):
    help = "Store this (SQLite) demo database as the snapshot of a release, for the upgrade test."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("version", help="The release, e.g. 0.2.0.")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "sqlite":
            raise CommandError("Run this on an SQLite demo database (DATABASE_URL=sqlite:///…).")
        target = RELEASES / options["version"]
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "demo.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(copy)])  # a compact, consistent copy
            counts = table_counts(copy)
            (target / "demo.sqlite3.xz").write_bytes(lzma.compress(copy.read_bytes(), preset=9))
        (target / "counts.json").write_text(json.dumps(counts, indent=1, sort_keys=True) + "\n")
        size = (target / "demo.sqlite3.xz").stat().st_size
        self.stdout.write(f"Wrote {target} ({size // 1024} KB, {sum(counts.values())} rows).")
