"""Permission-matrix cases for this module (collected by tests/test_permission_matrix.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from medvirk.accounts.demo import DemoData
from tests.matrix_support import Case, api_call, get, in_, uid

DATA = Path(__file__).resolve().parent.parent / "data"

# Population data is municipality-wide: managed by administrators and analysts at the root.
MANAGERS = {"admin", "analytiker", "provestad.admin"}
EKS_MANAGERS = {"admin", "analytiker"}  # may see a table of Eksempel kommune
EKS = {"own", "sibling", "district", "root"}
USER_COUNTS = {
    "admin": EKS,
    "analytiker": EKS,
    "analytiker.nord": {"own", "sibling"},
    "leder.solsikken": {"own"},
    "provestad.admin": {"foreign"},
}


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


def who(names: set[str]):
    return lambda actor, target: actor in names


CASES: list = [
    Case("population:tables", get("/population/"), who(MANAGERS), per_target=False),
    Case("population:table_import", get("/population/import/"), who(MANAGERS), per_target=False),
    Case(
        "population:table_detail",
        lambda c, d, t: c.get(f"/population/tables/{table(d).pk}/"),
        who(EKS_MANAGERS),
        per_target=False,
    ),
    Case(
        "population:table_delete",
        lambda c, d, t: c.get(f"/population/tables/{table(d).pk}/delete/"),
        who(EKS_MANAGERS),
        per_target=False,
    ),
    Case(
        "population:mapping_edit",
        lambda c, d, t: c.get("/population/tables/{}/mapping/{}/".format(*entry(d))),
        who(EKS_MANAGERS),
        per_target=False,
    ),
    Case(
        "population:user_counts",
        lambda c, d, t: c.get(f"/population/units/{uid(d, t)}/users/"),
        in_(USER_COUNTS),
    ),
    Case(
        "population:user_counts_import",
        lambda c, d, t: c.get(f"/population/units/{uid(d, t)}/users/import/"),
        in_(USER_COUNTS),
    ),
    Case(
        "population:user_counts_template",
        lambda c, d, t: c.get(f"/population/units/{uid(d, t)}/users/template.csv"),
        in_(USER_COUNTS),
    ),
]

API = "/api/v1/population"
CASES += [
    Case(
        "api:GET /api/v1/population/tables",
        api_call("GET", lambda d, t: f"{API}/tables"),
        who(MANAGERS),
        per_target=False,
        api=True,
    ),
    Case(
        "api:POST /api/v1/population/tables",
        api_call("POST", lambda d, t: f"{API}/tables", lambda d, t: {"document": sample_document()}),
        who(MANAGERS),
        per_target=False,
        api=True,
        # Prøvestad's administrator may import, but this table has no Prøvestad regions: refused.
        refused=lambda a, t: a == "provestad.admin",
    ),
    Case(
        "api:GET /api/v1/population/tables/{table_id}",
        api_call("GET", lambda d, t: f"{API}/tables/{table(d).pk}"),
        who(EKS_MANAGERS),
        per_target=False,
        api=True,
    ),
    Case(
        "api:PATCH /api/v1/population/tables/{table_id}/mapping/{entry_id}",
        api_call(
            "PATCH",
            lambda d, t: "{}/tables/{}/mapping/{}".format(API, *entry(d)),
            lambda d, t: {"target_key": "__total__"},
        ),
        who(EKS_MANAGERS),
        per_target=False,
        api=True,
    ),
    Case(
        "api:GET /api/v1/population/units/{unit_id}/user-counts",
        api_call("GET", lambda d, t: f"{API}/units/{uid(d, t)}/user-counts?year=2026"),
        in_(USER_COUNTS),
        api=True,
    ),
    Case(
        "api:PUT /api/v1/population/units/{unit_id}/user-counts",
        api_call(
            "PUT",
            lambda d, t: f"{API}/units/{uid(d, t)}/user-counts",
            lambda d, t: {"year": 2026, "dimension": "gender", "counts": {"female": 12, "male": 9}},
        ),
        in_(USER_COUNTS),
        api=True,
    ),
    Case(
        "api:POST /api/v1/population/units/{unit_id}/user-counts/import",
        api_call(
            "POST",
            lambda d, t: f"{API}/units/{uid(d, t)}/user-counts/import",
            lambda d, t: {
                "year": 2026,
                "csv": "dimension,category,count\ngender,female,12\n",
                "dry_run": True,
            },
        ),
        in_(USER_COUNTS),
        api=True,
    ),
]
