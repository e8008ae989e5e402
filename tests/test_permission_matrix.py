"""Permission matrix: every staff URL and API endpoint × every actor × target position.

The expected outcomes are written out by hand below (not derived from ``can()``), so a bug in
the access helpers shows as a failing cell. A coverage test fails when a URL or API operation
exists that the matrix does not list.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from medvirk.accounts.models import ApiToken, Role, RoleAssignment
from medvirk.api.routes import api
from medvirk.demo import DemoData

ACTORS = [
    "admin",
    "analytiker",
    "analytiker.nord",
    "leder.solsikken",
    "koordinator",
    "lesetilgang",
    "uten.rolle",
    "provestad.admin",
    None,
]
# Targets: own = the unit leader's kindergarten; sibling = another unit in Bydel Nord;
# district = a unit in another district; root = the municipality itself; foreign = a unit in
# the other municipality.
TARGETS = ["own", "sibling", "district", "root", "foreign"]
EKS = {"own", "sibling", "district", "root"}

# Which targets each actor holds each capability on (hand-written expectation).
VIEW = {
    "admin": EKS,
    "analytiker": EKS,
    "koordinator": EKS,
    "lesetilgang": EKS,
    "analytiker.nord": {"own", "sibling"},
    "leder.solsikken": {"own"},
    "uten.rolle": set(),
    "provestad.admin": {"foreign"},
    None: set(),
}
EDIT = {"admin": EKS, "leder.solsikken": {"own"}, "provestad.admin": {"foreign"}}
MANAGE = {"admin": EKS, "provestad.admin": {"foreign"}}
ROOT_ADMIN = {"admin", "provestad.admin"}


def target_unit(demo: DemoData, target: str) -> Any:
    return {
        "own": demo.units["Solsikken barnehage"],
        "sibling": demo.units["Nordlys barnehage"],
        "district": demo.units["Sørbyen barnehage"],
        "root": demo.units[""],
        "foreign": demo.other_units["Torget barnehage"],
    }[target]


def role_on(demo: DemoData, target: str) -> RoleAssignment:
    unit = target_unit(demo, target)
    user = demo.users["provestad.admin" if target == "foreign" else "lesetilgang"]
    return RoleAssignment.objects.get_or_create(
        municipality_id=unit.municipality_id, user=user, unit=unit, role=Role.READ_ONLY
    )[0]


def analyst_token(d: DemoData) -> ApiToken:
    return ApiToken.objects.create(
        municipality=d.municipality, user=d.users["analytiker"], name="x", prefix="mvk_x", key_hash="h" * 64
    )


@dataclass(frozen=True)
class Case:
    """One endpoint: how to call it for a target, and who may."""

    key: str  # URL name or "api:METHOD path"
    call: Callable[[Client, DemoData, str], Any]
    allowed: Callable[[str | None, str], bool]
    per_target: bool = True
    api: bool = False
    # Allowed to try, but a service rule refuses with a structured 400 (e.g. moving the root).
    refused: Callable[[str | None, str], bool] = lambda a, t: False


def _get(url: str) -> Callable[[Client, DemoData, str], Any]:
    return lambda c, d, t: c.get(url)


def _in(table: dict[Any, set[str]]) -> Callable[[str | None, str], bool]:
    return lambda actor, target: target in table.get(actor, set())


def _any(table: dict[Any, set[str]]) -> Callable[[str | None, str], bool]:
    return lambda actor, target: bool(table.get(actor))


def _staff(actor: str | None, target: str) -> bool:
    return actor is not None


def _api(
    method: str, path: Callable[[DemoData, str], str], body: Callable[[DemoData, str], Any] | None = None
):
    def call(c: Client, d: DemoData, t: str) -> Any:
        data = json.dumps(body(d, t)) if body else None
        return getattr(c, method.lower())(path(d, t), data=data, content_type="application/json")

    return call


def uid(d: DemoData, t: str) -> int:
    return target_unit(d, t).pk


CASES = [
    Case("site:dashboard", _get("/overview/"), _staff, per_target=False),
    Case("orgs:tree", _get("/org/"), _any(VIEW), per_target=False),
    Case("orgs:unit_detail", lambda c, d, t: c.get(f"/org/units/{uid(d, t)}/"), _in(VIEW)),
    Case("orgs:unit_edit", lambda c, d, t: c.get(f"/org/units/{uid(d, t)}/edit/"), _in(EDIT)),
    Case(
        "orgs:unit_move",
        lambda c, d, t: c.get(f"/org/units/{uid(d, t)}/move/"),
        lambda a, t: t != "root" and t in MANAGE.get(a, set()),
    ),
    Case("orgs:unit_create", lambda c, d, t: c.get(f"/org/units/new/?parent={uid(d, t)}"), _in(MANAGE)),
    Case("accounts:roles", _get("/access/"), _any(MANAGE), per_target=False),
    Case("accounts:role_grant", lambda c, d, t: c.get(f"/access/grant/?unit={uid(d, t)}"), _in(MANAGE)),
    Case("accounts:role_revoke", lambda c, d, t: c.post(f"/access/{role_on(d, t).pk}/revoke/"), _in(MANAGE)),
    Case("accounts:user_create", _get("/access/users/new/"), _any(MANAGE), per_target=False),
    Case("accounts:audit", _get("/audit/"), lambda a, t: a in ROOT_ADMIN, per_target=False),
    Case("accounts:tokens", _get("/accounts/tokens/"), _staff, per_target=False),
    Case(
        "accounts:token_revoke",
        # The analyst's own token: nobody else may revoke it, not even an administrator.
        lambda c, d, t: c.post(f"/accounts/tokens/{analyst_token(d).pk}/revoke/"),
        lambda a, t: a == "analytiker",
        per_target=False,
    ),
    Case(
        "api:GET /api/v1/units/{unit_id}",
        _api("GET", lambda d, t: f"/api/v1/units/{uid(d, t)}"),
        _in(VIEW),
        api=True,
    ),
    Case(
        "api:PATCH /api/v1/units/{unit_id}",
        _api("PATCH", lambda d, t: f"/api/v1/units/{uid(d, t)}", lambda d, t: {"region_code": "X1"}),
        _in(EDIT),
        api=True,
    ),
    Case(
        "api:POST /api/v1/units/{unit_id}/move",
        _api(
            "POST",
            lambda d, t: f"/api/v1/units/{uid(d, t)}/move",
            lambda d, t: {
                "parent_id": (d.other_units if t == "foreign" else d.units)[
                    "" if t == "foreign" else "Bydel Vest"
                ].pk
            },
        ),
        _in(MANAGE),
        api=True,
        refused=lambda a, t: t == "root",
    ),
    Case(
        "api:POST /api/v1/units",
        _api(
            "POST",
            lambda d, t: "/api/v1/units",
            lambda d, t: {"parent_id": uid(d, t), "name": "Matrise-enhet"},
        ),
        _in(MANAGE),
        api=True,
    ),
    Case(
        "api:GET /api/v1/units", _api("GET", lambda d, t: "/api/v1/units"), _staff, per_target=False, api=True
    ),
    Case("api:GET /api/v1/me", _api("GET", lambda d, t: "/api/v1/me"), _staff, per_target=False, api=True),
    Case(
        "api:GET /api/v1/roles",
        _api("GET", lambda d, t: "/api/v1/roles"),
        _any(MANAGE),
        per_target=False,
        api=True,
    ),
    Case(
        "api:POST /api/v1/roles",
        _api(
            "POST",
            lambda d, t: "/api/v1/roles",
            lambda d, t: {
                "user_id": d.users["provestad.admin" if t == "foreign" else "uten.rolle"].pk,
                "unit_id": uid(d, t),
                "role": "read_only",
            },
        ),
        _in(MANAGE),
        api=True,
    ),
    Case(
        "api:DELETE /api/v1/roles/{role_id}",
        _api("DELETE", lambda d, t: f"/api/v1/roles/{role_on(d, t).pk}"),
        _in(MANAGE),
        api=True,
    ),
    Case(
        "api:GET /api/v1/audit",
        _api("GET", lambda d, t: "/api/v1/audit"),
        lambda a, t: a in ROOT_ADMIN,
        per_target=False,
        api=True,
    ),
]

# Pages anyone may open (no staff data), exempt from the matrix.
PUBLIC = {"site:home", "accounts:login", "accounts:logout", "set_language"}


def _params() -> list[Any]:
    params = []
    for case in CASES:
        for actor in ACTORS:
            for target in TARGETS if case.per_target else ["-"]:
                params.append(pytest.param(case, actor, target, id=f"{case.key}|{actor}|{target}"))
    return params


@pytest.mark.parametrize(("case", "actor", "target"), _params())
def test_matrix(case: Case, actor: str | None, target: str, client_as: Any, demo: DemoData) -> None:
    response = case.call(client_as(actor), demo, target)
    if actor is None:
        expected = 401 if case.api else 302
        assert response.status_code == expected
        if not case.api:
            assert response["Location"].startswith("/accounts/login/")
        return
    if case.allowed(actor, target) and case.refused(actor, target):
        assert response.status_code == 400
        assert response.json()["error"]["code"]
    elif case.allowed(actor, target):
        assert response.status_code in {200, 201, 204, 302}, response.content[:500]
    else:
        assert response.status_code == 404, response.content[:500]
        if case.api:
            assert response.json()["error"]["code"] == "not_found"


def test_unit_list_api_returns_exactly_the_visible_units(client_as: Any, demo: DemoData) -> None:
    for actor in ACTORS[:-1]:
        ids = {u["id"] for u in client_as(actor).get("/api/v1/units").json()}
        for target in TARGETS:
            assert (uid(demo, target) in ids) == (target in VIEW[actor]), (actor, target)


def _url_names(resolver: Any, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "api":
                continue
            names |= _url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_matrix_covers_every_url_and_api_operation() -> None:
    covered = {case.key for case in CASES}
    pages = _url_names(get_resolver())
    assert pages - covered - PUBLIC == set()
    schema = api.get_openapi_schema()
    operations = {
        f"api:{method.upper()} {path}" for path, methods in schema["paths"].items() for method in methods
    }
    assert operations - covered == set()
