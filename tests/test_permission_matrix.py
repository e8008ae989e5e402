"""Permission matrix: every staff URL and API endpoint × every actor × target position.

The expected outcomes are written out by hand below (not derived from ``can()``), so a bug in
the access helpers shows as a failing cell. A coverage test fails when a URL or API operation
exists that the matrix does not list.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from medvirk.accounts.demo import DemoData
from medvirk.api.routes import api

from .matrix_support import (
    ACTORS,
    EDIT,
    ELSEWHERE,
    MANAGE,
    ROOT_ADMIN,
    TARGETS,
    VIEW,
    Case,
    analyst_token,
    any_,
    api_call,
    get,
    in_,
    role_on,
    staff,
    uid,
)

INVITATIONS = {"admin": {"own"}, "provestad.admin": {"foreign"}}


def invited(d: DemoData, t: str) -> Any:
    """Return a staff user invited (no password yet) in the municipality standing for ``t``."""
    from medvirk.accounts.models import User

    municipality = d.other if t == "foreign" else d.municipality
    user, _ = User.objects.get_or_create(
        username=f"invitert.{municipality.slug}", defaults={"municipality": municipality, "email": "i@x.no"}
    )
    user.set_unusable_password()
    user.save()
    return user


# A crawl of every page and endpoint as every actor (8,500 cells): access is decided by Medvirk's
# code over the same rows on either database, so the matrix runs once, in bin/test's SQLite pass;
# the PostgreSQL pass runs each app's own tests, its SQL included.
pytestmark = pytest.mark.sqlite_only

CASES = [
    Case("site:dashboard", get("/overview/"), staff, per_target=False),
    Case("orgs:tree", get("/org/"), any_(VIEW), per_target=False),
    Case("orgs:unit_detail", lambda c, d, t: c.get(f"/org/units/{uid(d, t)}/"), in_(VIEW)),
    Case("orgs:unit_edit", lambda c, d, t: c.get(f"/org/units/{uid(d, t)}/edit/"), in_(EDIT)),
    Case(
        "orgs:unit_move",
        lambda c, d, t: c.get(f"/org/units/{uid(d, t)}/move/"),
        lambda a, t: t != "root" and a is not None and t in MANAGE.get(a, set()),
    ),
    Case("orgs:unit_create", lambda c, d, t: c.get(f"/org/units/new/?parent={uid(d, t)}"), in_(MANAGE)),
    Case("orgs:unit_reopen", lambda c, d, t: c.post(f"/org/units/{uid(d, t)}/reopen/"), in_(MANAGE)),
    # importing the organisation tree from the HR system: administrators of the whole municipality
    Case("orgs:import", get("/org/import/"), lambda a, t: a in ROOT_ADMIN, per_target=False),
    Case(
        "api:POST /api/v1/units/import",
        api_call(
            "POST",
            lambda d, t: "/api/v1/units/import",
            lambda d, t: {"csv": "enhet;overordnet\nMatrise-enhet;\n", "dry_run": True},
        ),
        lambda a, t: a in ROOT_ADMIN,
        per_target=False,
        api=True,
    ),
    # the installation's operators (superusers, none among the demo's staff): accounts/tests/test_operator.py
    Case("operator:municipalities", get("/operator/"), lambda a, t: False, per_target=False),
    Case("operator:municipality_start", get("/operator/new/"), lambda a, t: False, per_target=False),
    Case("operator:id_porten", get("/operator/id-porten/"), lambda a, t: False, per_target=False),
    Case("accounts:roles", get("/access/"), any_(MANAGE), per_target=False),
    Case("accounts:role_grant", lambda c, d, t: c.get(f"/access/grant/?unit={uid(d, t)}"), in_(MANAGE)),
    Case("accounts:role_revoke", lambda c, d, t: c.post(f"/access/{role_on(d, t).pk}/revoke/"), in_(MANAGE)),
    Case("accounts:user_create", get("/access/users/new/"), any_(MANAGE), per_target=False),
    # an invitation not yet accepted: own = in Eksempel kommune, foreign = in Prøvestad kommune
    Case(
        "accounts:invitation_resend",
        lambda c, d, t: c.post(f"/access/invitations/{invited(d, t).pk}/resend/"),
        in_(INVITATIONS),
        targets=("own", "foreign"),
    ),
    Case(
        "accounts:invitation_revoke",
        lambda c, d, t: c.post(f"/access/invitations/{invited(d, t).pk}/revoke/"),
        in_(INVITATIONS),
        targets=("own", "foreign"),
    ),
    # the same through the API (medvirk/api/invitations.py): the Access page's rules
    Case(
        "api:GET /api/v1/invitations",
        api_call("GET", lambda d, t: "/api/v1/invitations"),
        any_(MANAGE),
        per_target=False,
        api=True,
    ),
    Case(
        "api:POST /api/v1/invitations",
        api_call(
            "POST", lambda d, t: "/api/v1/invitations", lambda d, t: {"username": "ny", "email": "ny@x.no"}
        ),
        any_(MANAGE),
        per_target=False,
        api=True,
    ),
    Case(
        "api:POST /api/v1/invitations/{user_id}/resend",
        api_call("POST", lambda d, t: f"/api/v1/invitations/{invited(d, t).pk}/resend"),
        in_(INVITATIONS),
        targets=("own", "foreign"),
        api=True,
    ),
    Case(
        "api:DELETE /api/v1/invitations/{user_id}",
        api_call("DELETE", lambda d, t: f"/api/v1/invitations/{invited(d, t).pk}"),
        in_(INVITATIONS),
        targets=("own", "foreign"),
        api=True,
    ),
    # the operators' API, like their page: no demo user is an operator (medvirk/api/tests)
    Case(
        "api:GET /api/v1/operator/municipalities",
        api_call("GET", lambda d, t: "/api/v1/operator/municipalities"),
        lambda a, t: False,
        per_target=False,
        api=True,
    ),
    Case(
        "api:POST /api/v1/operator/municipalities",
        api_call(
            "POST",
            lambda d, t: "/api/v1/operator/municipalities",
            lambda d, t: {"code": "4602", "name": "Stord", "admin_email": "it@stord.no"},
        ),
        lambda a, t: False,
        per_target=False,
        api=True,
    ),
    # every logged-in staff member changes their own password
    Case("accounts:password_change", get("/accounts/password/change/"), staff, per_target=False),
    Case("accounts:password_change_done", get("/accounts/password/change/done/"), staff, per_target=False),
    Case("accounts:audit", get("/audit/"), lambda a, t: a in ROOT_ADMIN, per_target=False),
    Case("accounts:tokens", get("/accounts/tokens/"), staff, per_target=False),
    # every logged-in staff member may set up an authenticator app for themselves
    Case("accounts:two_factor", get("/accounts/two-factor/"), staff, per_target=False),
    # the municipality's public pages (colour, logo, statements): administrators of the whole municipality
    Case("accounts:branding", get("/settings/public-pages/"), lambda a, t: a in ROOT_ADMIN, per_target=False),
    # retention periods and the record of processing: administrators of the whole municipality
    Case(
        "accounts:data_protection",
        get("/settings/data-protection/"),
        lambda a, t: a in ROOT_ADMIN,
        per_target=False,
    ),
    # the municipality's single sign-on (provider, local passwords): administrators of the whole municipality
    Case(
        "accounts:single_sign_on",
        get("/settings/single-sign-on/"),
        lambda a, t: a in ROOT_ADMIN,
        per_target=False,
    ),
    # ID-porten for the citizens (client, level per flow): administrators of the whole municipality
    Case(
        "accounts:id_porten",
        get("/settings/id-porten/"),
        lambda a, t: a in ROOT_ADMIN,
        per_target=False,
    ),
    Case(
        "accounts:processing_record",
        get("/settings/data-protection/record/"),
        lambda a, t: a in ROOT_ADMIN,
        per_target=False,
    ),
    Case(
        "accounts:processing_record_csv",
        get("/settings/data-protection/record.csv"),
        lambda a, t: a in ROOT_ADMIN,
        per_target=False,
    ),
    Case(
        "accounts:token_revoke",
        # The analyst's own token: nobody else may revoke it, not even an administrator.
        lambda c, d, t: c.post(f"/accounts/tokens/{analyst_token(d).pk}/revoke/"),
        lambda a, t: a == "analytiker",
        per_target=False,
    ),
    Case(
        "api:GET /api/v1/units/{unit_id}",
        api_call("GET", lambda d, t: f"/api/v1/units/{uid(d, t)}"),
        in_(VIEW),
        api=True,
    ),
    Case(
        "api:PATCH /api/v1/units/{unit_id}",
        api_call("PATCH", lambda d, t: f"/api/v1/units/{uid(d, t)}", lambda d, t: {"region_code": "X1"}),
        in_(EDIT),
        api=True,
    ),
    Case(
        "api:POST /api/v1/units/{unit_id}/move",
        api_call(
            "POST",
            lambda d, t: f"/api/v1/units/{uid(d, t)}/move",
            lambda d, t: {
                "parent_id": (d.other_units if t == "foreign" else d.units)[
                    "" if t == "foreign" else "Bydel Vest"
                ].pk
            },
        ),
        in_(MANAGE),
        api=True,
        refused=lambda a, t: t == "root",
    ),
    Case(
        "api:POST /api/v1/units",
        api_call(
            "POST",
            lambda d, t: "/api/v1/units",
            lambda d, t: {"parent_id": uid(d, t), "name": "Matrise-enhet"},
        ),
        in_(MANAGE),
        api=True,
    ),
    Case(
        "api:GET /api/v1/units",
        api_call("GET", lambda d, t: "/api/v1/units"),
        staff,
        per_target=False,
        api=True,
    ),
    Case("api:GET /api/v1/me", api_call("GET", lambda d, t: "/api/v1/me"), staff, per_target=False, api=True),
    Case(
        "api:GET /api/v1/roles",
        api_call("GET", lambda d, t: "/api/v1/roles"),
        any_(MANAGE),
        per_target=False,
        api=True,
    ),
    Case(
        "api:POST /api/v1/roles",
        api_call(
            "POST",
            lambda d, t: "/api/v1/roles",
            lambda d, t: {
                "user_id": d.users["provestad.admin" if t == "foreign" else "uten.rolle"].pk,
                "unit_id": uid(d, t),
                "role": "read_only",
            },
        ),
        in_(MANAGE),
        api=True,
    ),
    Case(
        "api:DELETE /api/v1/roles/{role_id}",
        api_call("DELETE", lambda d, t: f"/api/v1/roles/{role_on(d, t).pk}"),
        in_(MANAGE),
        api=True,
    ),
    Case(
        "api:GET /api/v1/audit",
        api_call("GET", lambda d, t: "/api/v1/audit"),
        lambda a, t: a in ROOT_ADMIN,
        per_target=False,
        api=True,
    ),
]


def _module_cases() -> list[Case]:
    """Collect each module's own cases (``medvirk/<module>/tests/matrix.py``)."""
    import importlib

    cases: list[Case] = []
    for module in (
        "accounts",
        "surveys",
        "insights",
        "population",
        "participation",
        "partners",
        "panels",
        "choice",
        "feedback",
    ):
        cases.extend(importlib.import_module(f"medvirk.{module}.tests.matrix").CASES)
    cases.extend(importlib.import_module("medvirk.surveys.tests.matrix_interchange").CASES)  # own file
    return cases


CASES = CASES + _module_cases()

# Pages anyone may open (no staff data), exempt from the matrix.
PUBLIC = {"site:home", "accounts:login", "accounts:logout", "set_language"} | {
    # Forgotten password and invitation links: the same for everyone; the token decides.
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_set",
    "accounts:password_reset_complete",
    # Single sign-on (django-allauth): start a login at a municipality's provider, come back from it.
    "openid_connect_login",
    "openid_connect_callback",
    # ID-porten for citizens: start a login, come back, log out; no staff data (medvirk.accounts.idporten).
    "idporten:login",
    "idporten:callback",
    "idporten:logout",
    "idporten:logged_out",
    # The code after a right password: only the session's pending login decides (else: the login page).
    "accounts:login_code",
}


def _params() -> list[Any]:
    params = []
    for case in CASES:
        for actor in ACTORS:
            for target in (case.targets or TARGETS) if case.per_target else ["-"]:
                params.append(pytest.param(case, actor, target, id=f"{case.key}|{actor}|{target}"))
    return params


@pytest.mark.parametrize(("case", "actor", "target"), _params())
def test_matrix(case: Case, actor: str | None, target: str, client_as: Any, demo: DemoData) -> None:
    response = case.call(client_as(actor), demo, target)
    if actor is None and not case.public:
        expected = 401 if case.api else 302
        assert response.status_code == expected
        if not case.api:
            assert response["Location"].startswith("/accounts/login/")
        return
    allowed = case.allowed(actor, target) or (case.key, target) in ELSEWHERE.get(actor, set())
    if allowed and case.refused(actor, target):
        assert response.status_code == 400
        assert response.json()["error"]["code"]
    elif allowed:
        assert response.status_code in {200, 201, 202, 204, 302}, response.content[:500]
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
    # Citizen-facing pages (answering surveys, "you said — we did", finding organisations): no staff data.
    public = PUBLIC | {
        n
        for n in pages
        if n.split(":")[0]
        in (
            "respond",
            "participation_public",
            "partners_public",
            "panels_public",
            "public_site",
            "feedback_client",
        )
    }
    assert pages - covered - public == set()
    schema = api.get_openapi_schema()
    operations = {
        f"api:{method.upper()} {path}" for path, methods in schema["paths"].items() for method in methods
    }
    assert operations - covered == set()
