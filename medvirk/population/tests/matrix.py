"""Permission-matrix cases for this module (collected by tests/test_permission_matrix.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from medvirk.accounts.demo import DemoData
from tests.matrix_support import DESIGN, ONCE, actors, api, in_, page, uid

DATA = Path(__file__).resolve().parent.parent / "data"

# Population data is municipality-wide: managed by administrators and analysts at the root.
MANAGERS = {"admin", "analytiker", "provestad.admin"}
EKS_MANAGERS = {"admin", "analytiker"}  # may see a table of Eksempel kommune
USER_COUNTS = DESIGN  # a unit's user counts: who may design its surveys


def table(d: DemoData) -> Any:
    from medvirk.population.services import table_import

    return table_import(
        actor=d.users["admin"],
        municipality=d.municipality,
        data=(DATA / "10826_eksempel.json").read_bytes(),
        filename="10826_eksempel.json",
        replace=True,
    )


def entry(d: DemoData) -> tuple[int, int]:
    t = table(d)
    return t.pk, t.mapping_entries.first().pk


def sample_document() -> Any:
    return json.loads((DATA / "10826_eksempel.json").read_text(encoding="utf-8"))


def table_id(d: DemoData, t: str) -> int:
    return table(d).pk


def table_and_entry(d: DemoData, t: str) -> tuple[int, int]:
    return entry(d)  # one import: the table and its entry of the same table


MANAGE, EKS_MANAGE, COUNTS = actors(MANAGERS), actors(EKS_MANAGERS), in_(USER_COUNTS)
CASES = [
    page("population:tables", "/population/", MANAGE, ONCE),
    page("population:table_import", "/population/import/", MANAGE, ONCE),
    page("population:table_detail", "/population/tables/{t}/", EKS_MANAGE, ONCE, t=table_id),
    page("population:table_delete", "/population/tables/{t}/delete/", EKS_MANAGE, ONCE, t=table_id),
    page(
        "population:mapping_edit",
        "/population/tables/{e[0]}/mapping/{e[1]}/",
        EKS_MANAGE,
        ONCE,
        e=table_and_entry,
    ),
    page("population:user_counts", "/population/units/{u}/users/", COUNTS, u=uid),
    page("population:user_counts_import", "/population/units/{u}/users/import/", COUNTS, u=uid),
    page("population:user_counts_template", "/population/units/{u}/users/template.csv", COUNTS, u=uid),
    # the API
    api("GET /api/v1/population/tables", MANAGE, ONCE),
    api(
        "POST /api/v1/population/tables",
        MANAGE,
        ONCE,
        lambda d, t: {"document": sample_document()},
        # Prøvestad's administrator may import, but this table has no Prøvestad regions: refused.
        refused=lambda a, t: a == "provestad.admin",
    ),
    api("GET /api/v1/population/tables/{table_id}", EKS_MANAGE, ONCE, table_id=table_id),
    api(
        "PATCH /api/v1/population/tables/{table_id}/mapping/{entry_id}",
        EKS_MANAGE,
        ONCE,
        lambda d, t: {"target_key": "__total__"},
        path="/api/v1/population/tables/{e[0]}/mapping/{e[1]}",
        e=table_and_entry,
    ),
    api("GET /api/v1/population/units/{unit_id}/user-counts", COUNTS, query="year=2026", unit_id=uid),
    api(
        "PUT /api/v1/population/units/{unit_id}/user-counts",
        COUNTS,
        None,
        lambda d, t: {"year": 2026, "dimension": "gender", "counts": {"female": 12, "male": 9}},
        unit_id=uid,
    ),
    api(
        "POST /api/v1/population/units/{unit_id}/user-counts/import",
        COUNTS,
        None,
        lambda d, t: {"year": 2026, "csv": "dimension,category,count\ngender,female,12\n", "dry_run": True},
        unit_id=uid,
    ),
]
