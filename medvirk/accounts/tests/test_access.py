"""Role scoping, role granting rules, tokens and login throttling."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.http import Http404
from django.test import Client, override_settings

from medvirk.accounts import services
from medvirk.accounts.access import access_unit_by_id, can, scope_paths, units_for
from medvirk.accounts.demo import DEMO_PASSWORD, DemoData
from medvirk.accounts.models import LoginFailure, Role, RoleAssignment
from medvirk.accounts.permissions import Perm
from medvirk.core.crypto import keyed_digest
from medvirk.core.errors import ServiceError
from medvirk.core.models import AuditEvent
from medvirk.orgs.selectors import unit_subtree


def test_unit_leader_sees_and_edits_only_own_unit(demo: DemoData) -> None:
    leader = demo.users["leder.solsikken"]
    assert list(units_for(leader, Perm.ORG_VIEW)) == [demo.units["Solsikken barnehage"]]
    assert list(units_for(leader, Perm.UNIT_EDIT)) == [demo.units["Solsikken barnehage"]]
    assert not units_for(leader, Perm.ORG_MANAGE).exists()


def test_district_analyst_sees_whole_district_and_nothing_else(demo: DemoData) -> None:
    analyst = demo.users["analytiker.nord"]
    visible = set(units_for(analyst, Perm.ORG_VIEW))
    assert visible == set(unit_subtree(unit=demo.units["Bydel Nord"]))
    assert not can(analyst, Perm.UNIT_EDIT, demo.units["Nordby skole"])
    with pytest.raises(Http404):
        access_unit_by_id(analyst, demo.units["Sørbyen barnehage"].pk, Perm.ORG_VIEW)


def test_other_municipality_admin_sees_nothing_of_eksempel(demo: DemoData) -> None:
    other = demo.users["provestad.admin"]
    assert not units_for(other, Perm.ORG_VIEW).filter(municipality=demo.municipality).exists()
    with pytest.raises(Http404):
        access_unit_by_id(other, demo.units[""].pk, Perm.ORG_VIEW)


@pytest.mark.parametrize("bad_id", ["abc", None, -1, 10**12])
def test_access_with_garbage_id_is_404(demo: DemoData, bad_id: Any) -> None:
    with pytest.raises(Http404):
        access_unit_by_id(demo.users["admin"], bad_id, Perm.ORG_VIEW)


def test_nested_scopes_collapse_to_the_widest(demo: DemoData) -> None:
    admin, analyst = demo.users["admin"], demo.users["analytiker.nord"]
    services.role_grant(actor=admin, user=analyst, unit=demo.units["Nordby skole"], role=Role.ANALYST)
    assert scope_paths(analyst, Perm.ORG_VIEW) == [demo.units["Bydel Nord"].path]


def test_grant_is_limited_to_granter_scope(demo: DemoData) -> None:
    admin = demo.users["admin"]
    district_admin = demo.users["analytiker.nord"]
    services.role_grant(actor=admin, user=district_admin, unit=demo.units["Bydel Nord"], role=Role.ADMIN)
    target = demo.users["uten.rolle"]
    services.role_grant(
        actor=district_admin, user=target, unit=demo.units["Nordby skole"], role=Role.READ_ONLY
    )
    with pytest.raises(ServiceError) as err:
        services.role_grant(
            actor=district_admin, user=target, unit=demo.units["Sørhaug skole"], role=Role.READ_ONLY
        )
    assert err.value.code == "forbidden"
    with pytest.raises(ServiceError) as err:
        services.role_grant(
            actor=admin,
            user=demo.users["provestad.admin"],
            unit=demo.units["Nordby skole"],
            role=Role.READ_ONLY,
        )
    assert err.value.code == "user_invalid"


def test_grant_and_revoke_are_audited_and_idempotent(demo: DemoData) -> None:
    admin, user = demo.users["admin"], demo.users["uten.rolle"]
    first = services.role_grant(actor=admin, user=user, unit=demo.units["Bydel Øst"], role=Role.ANALYST)
    again = services.role_grant(actor=admin, user=user, unit=demo.units["Bydel Øst"], role=Role.ANALYST)
    assert first.pk == again.pk
    assert AuditEvent.objects.filter(action="role.granted", object_id=str(first.pk)).count() == 1
    pk = first.pk
    services.role_revoke(actor=admin, assignment=first)
    assert not RoleAssignment.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="role.revoked", object_id=str(pk))
    assert event.data["user"] == "uten.rolle" and event.actor == admin


def test_admin_cannot_remove_own_last_admin_role(demo: DemoData) -> None:
    admin = demo.users["admin"]
    own = RoleAssignment.objects.get(user=admin, role=Role.ADMIN)
    with pytest.raises(ServiceError) as err:
        services.role_revoke(actor=admin, assignment=own)
    assert err.value.code == "last_admin_role"


def test_token_authenticates_until_revoked_and_stores_only_hash(demo: DemoData) -> None:
    user = demo.users["analytiker.nord"]
    token, key = services.token_create(actor=user, name="rapportskript")
    assert key not in token.key_hash and len(token.key_hash) == 64
    client = Client()
    response = client.get("/api/v1/units", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert {u["name"] for u in response.json()} == {
        u.name for u in unit_subtree(unit=demo.units["Bydel Nord"])
    }
    services.token_revoke(actor=user, token=token)
    assert client.get("/api/v1/units", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert client.get("/api/v1/units", headers={"Authorization": "Bearer mvk_wrong"}).status_code == 401


@override_settings(LOGIN_MAX_FAILURES=3)
def test_login_is_throttled_after_repeated_failures(demo: DemoData) -> None:
    client = Client()
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "admin", "password": "feil-passord"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_failed_login_keeps_a_keyed_hash_of_the_address(demo: DemoData) -> None:
    """The record of processing promises a keyed hash: a plain SHA-256 of an IPv4 address can be
    reversed by hashing all four billion (the login throttle kept one until 2026-12-07)."""
    Client().post("/accounts/login/", {"username": "admin", "password": "feil-passord"})
    stored = LoginFailure.objects.get().client_hash
    assert stored != hashlib.sha256(b"127.0.0.1").hexdigest()
    assert stored == keyed_digest("127.0.0.1", scope="login")


def test_login_with_demo_password_and_safe_redirect(demo: DemoData) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": "analytiker", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/overview/"
    response = client.get("/org/")
    assert response.status_code == 200
    assert "Bydel Nord" in response.content.decode() and "Prøvestad" not in response.content.decode()


def test_login_error_is_shown_in_chosen_language(demo: DemoData) -> None:
    client = Client(headers={"Accept-Language": "en"})
    response = client.post("/accounts/login/", {"username": "admin", "password": "nope-nope-nope"})
    assert "Please enter a correct username and password" in response.content.decode()


def test_access_pages_name_people_not_their_usernames(client_as: Any, demo: DemoData) -> None:
    from tests.page_text import visible_text

    leader = demo.users["leder.solsikken"]
    admin = client_as("admin")
    listed = visible_text(admin.get("/access/").content.decode())
    # The person by name, their e-mail address under it to tell two of the same name apart.
    assert f"\n{leader.get_full_name()}\n{leader.email}\nVirksomhetsleder\nSolsikken barnehage\n" in listed
    assert "(leder.solsikken)" not in listed
    grant = admin.get("/access/grant/").content.decode()
    assert f">{leader.get_full_name()} ({leader.email})</option>" in grant
    assert "(leder.solsikken)" not in grant
