"""Permission matrix: every staff URL and API endpoint × every actor × target position.

The expected outcomes are written out by hand below (not derived from ``can()``), so a bug in
the access helpers shows as a failing cell. A coverage test fails when a URL or API operation
exists that the matrix does not list.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from medvirk.accounts.demo import DemoData
from medvirk.api.routes import api as ninja_api

from .kept_rows import kept_rows
from .matrix_support import (
    ACTORS,
    EDIT,
    ELSEWHERE,
    MANAGE,
    ONCE,
    ROOT_ADMIN,
    TARGETS,
    VIEW,
    Case,
    actors,
    analyst_token,
    any_,
    api,
    build_once,
    in_,
    page,
    post,
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


@pytest.fixture(scope="module", autouse=True)
def _targets_made_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Make the targets registered with ``built_once`` (tests/matrix_support.py) once for the
    module's tests (tests/kept_rows.py)."""
    from medvirk.accounts.demo import load_demo

    with kept_rows(django_db_blocker):
        with django_db_blocker.unblock():
            build_once(load_demo())
        yield


ROOT = actors(ROOT_ADMIN)  # administrators of the whole municipality
NOBODY = actors(())  # the installation's operators: no demo user is one
U = "/api/v1/units"


def _move_to(d: DemoData, t: str) -> dict[str, int]:
    """Move under Bydel Vest (in Prøvestad: under its root)."""
    return {"parent_id": (d.other_units[""] if t == "foreign" else d.units["Bydel Vest"]).pk}


def _role_body(d: DemoData, t: str) -> dict[str, Any]:
    user = d.users["provestad.admin" if t == "foreign" else "uten.rolle"]
    return {"user_id": user.pk, "unit_id": uid(d, t), "role": "read_only"}


def _invited_id(d: DemoData, t: str) -> int:
    return invited(d, t).pk


OWN_FOREIGN = ("own", "foreign")  # an invitation not yet accepted in Eksempel / in Prøvestad kommune

CASES = [
    page("site:dashboard", "/overview/", staff, ONCE),
    page("orgs:tree", "/org/", any_(VIEW), ONCE),
    page("orgs:unit_detail", "/org/units/{u}/", in_(VIEW), u=uid),
    page("orgs:unit_edit", "/org/units/{u}/edit/", in_(EDIT), u=uid),
    page(
        "orgs:unit_move",
        "/org/units/{u}/move/",
        lambda a, t: t != "root" and a is not None and t in MANAGE.get(a, set()),
        u=uid,
    ),
    page("orgs:unit_create", "/org/units/new/?parent={u}", in_(MANAGE), u=uid),
    post("orgs:unit_reopen", "/org/units/{u}/reopen/", in_(MANAGE), u=uid),
    # importing the organisation tree from the HR system: administrators of the whole municipality
    page("orgs:import", "/org/import/", ROOT, ONCE),
    api(
        "POST /api/v1/units/import",
        ROOT,
        ONCE,
        lambda d, t: {"csv": "enhet;overordnet\nMatrise-enhet;\n", "dry_run": True},
    ),
    # the installation's operators (superusers, none among the demo's staff): accounts/tests/test_operator.py
    page("operator:municipalities", "/operator/", NOBODY, ONCE),
    page("operator:municipality_start", "/operator/new/", NOBODY, ONCE),
    page("operator:id_porten", "/operator/id-porten/", NOBODY, ONCE),
    page("accounts:roles", "/access/", any_(MANAGE), ONCE),
    page("accounts:role_grant", "/access/grant/?unit={u}", in_(MANAGE), u=uid),
    post("accounts:role_revoke", "/access/{r}/revoke/", in_(MANAGE), r=lambda d, t: role_on(d, t).pk),
    page("accounts:user_create", "/access/users/new/", any_(MANAGE), ONCE),
    post(
        "accounts:invitation_resend",
        "/access/invitations/{i}/resend/",
        in_(INVITATIONS),
        OWN_FOREIGN,
        i=_invited_id,
    ),
    post(
        "accounts:invitation_revoke",
        "/access/invitations/{i}/revoke/",
        in_(INVITATIONS),
        OWN_FOREIGN,
        i=_invited_id,
    ),
    # the same through the API (medvirk/api/invitations.py): the Access page's rules
    api("GET /api/v1/invitations", any_(MANAGE), ONCE),
    api("POST /api/v1/invitations", any_(MANAGE), ONCE, lambda d, t: {"username": "ny", "email": "ny@x.no"}),
    api("POST /api/v1/invitations/{user_id}/resend", in_(INVITATIONS), OWN_FOREIGN, user_id=_invited_id),
    api("DELETE /api/v1/invitations/{user_id}", in_(INVITATIONS), OWN_FOREIGN, user_id=_invited_id),
    # the operators' API, like their page: no demo user is an operator (medvirk/api/tests)
    api("GET /api/v1/operator/municipalities", NOBODY, ONCE),
    api(
        "POST /api/v1/operator/municipalities",
        NOBODY,
        ONCE,
        lambda d, t: {"code": "4602", "name": "Stord", "admin_email": "it@stord.no"},
    ),
    # every logged-in staff member changes their own password
    page("accounts:password_change", "/accounts/password/change/", staff, ONCE),
    page("accounts:password_change_done", "/accounts/password/change/done/", staff, ONCE),
    page("accounts:audit", "/audit/", ROOT, ONCE),
    page("accounts:tokens", "/accounts/tokens/", staff, ONCE),
    # every logged-in staff member may set up an authenticator app for themselves
    page("accounts:two_factor", "/accounts/two-factor/", staff, ONCE),
    # administrators of the whole municipality: the municipality's public pages (colour, logo,
    # statements); retention periods and the record of processing; its single sign-on (provider,
    # local passwords); ID-porten for the citizens (client, level per flow)
    page("accounts:branding", "/settings/public-pages/", ROOT, ONCE),
    page("accounts:data_protection", "/settings/data-protection/", ROOT, ONCE),
    page("accounts:single_sign_on", "/settings/single-sign-on/", ROOT, ONCE),
    page("accounts:id_porten", "/settings/id-porten/", ROOT, ONCE),
    page("accounts:processing_record", "/settings/data-protection/record/", ROOT, ONCE),
    page("accounts:processing_record_csv", "/settings/data-protection/record.csv", ROOT, ONCE),
    # The analyst's own token: nobody else may revoke it, not even an administrator.
    post(
        "accounts:token_revoke",
        "/accounts/tokens/{k}/revoke/",
        lambda a, t: a == "analytiker",
        ONCE,
        k=lambda d, t: analyst_token(d).pk,
    ),
    api("GET /api/v1/units/{unit_id}", in_(VIEW), unit_id=uid),
    api("PATCH /api/v1/units/{unit_id}", in_(EDIT), None, lambda d, t: {"region_code": "X1"}, unit_id=uid),
    api(
        "POST /api/v1/units/{unit_id}/move",
        in_(MANAGE),
        None,
        _move_to,
        refused=lambda a, t: t == "root",
        unit_id=uid,
    ),
    api(
        "POST /api/v1/units",
        in_(MANAGE),
        None,
        lambda d, t: {"parent_id": uid(d, t), "name": "Matrise-enhet"},
    ),
    api("GET /api/v1/units", staff, ONCE),
    api("GET /api/v1/me", staff, ONCE),
    api("GET /api/v1/roles", any_(MANAGE), ONCE),
    api("POST /api/v1/roles", in_(MANAGE), None, _role_body),
    api("DELETE /api/v1/roles/{role_id}", in_(MANAGE), role_id=lambda d, t: role_on(d, t).pk),
    api("GET /api/v1/audit", ROOT, ONCE),
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
    schema = ninja_api.get_openapi_schema()
    operations = {
        f"api:{method.upper()} {path}" for path, methods in schema["paths"].items() for method in methods
    }
    assert operations - covered == set()
