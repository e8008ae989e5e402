"""Every release's demo database migrates to the current schema with nothing lost (docs/operations.md).

``releases/<version>/demo.sqlite3.xz`` is the demo database as it was at that release and
``counts.json`` its rows per table (``manage.py release_snapshot``). The test migrates a copy with
the current code in a separate process and compares: every table is still there (or is listed
below with the migration that replaced it) and has at least as many rows.
"""

from __future__ import annotations

import json
import lzma
import os
from pathlib import Path

import pytest

from medvirk.site.management.commands.release_snapshot import table_counts
from tests.commands import manage

ROOT = Path(__file__).resolve().parent.parent
RELEASES = sorted(p for p in (ROOT / "releases").iterdir() if (p / "counts.json").exists())
# Tables a later migration removed or renamed, with where their rows went: {"old_table": "why"}.
REPLACED: dict[str, str] = {}


def test_release_0_1_0_is_kept() -> None:
    assert "0.1.0" in [p.name for p in RELEASES]


@pytest.mark.parametrize("release", RELEASES, ids=[p.name for p in RELEASES])
def test_a_release_demo_database_migrates_forward_with_nothing_lost(release: Path, tmp_path: Path) -> None:
    before = json.loads((release / "counts.json").read_text())
    database = tmp_path / "demo.sqlite3"
    database.write_bytes(lzma.decompress((release / "demo.sqlite3.xz").read_bytes()))
    assert table_counts(database) == before, "the snapshot and its counts disagree"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "MEDVIRK_VAR_DIR": str(tmp_path / "var"),
    }
    for command in (["migrate", "--noinput", "-v0"], ["migrate", "--check", "-v0"]):
        result = manage(*command, env=env, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
    after = table_counts(database)
    lost = {
        table: (rows, after.get(table))
        for table, rows in before.items()
        if table not in REPLACED and (table not in after or after[table] < rows)
    }
    assert not lost, f"rows lost by migrating {release.name} (table: before, after): {lost}"
    assert sum(before.values()) > 1000  # a real demo, not an empty schema


@pytest.mark.sqlite_only
def test_every_model_change_has_its_migration(db: None) -> None:
    """A change to a model (even a choice's label) without its migration would leave the next
    upgrade to write one on the municipality's server; makemigrations --check refuses that here."""
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
