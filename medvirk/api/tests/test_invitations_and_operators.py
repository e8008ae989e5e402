"""The API for staff invitations and for the operators' page: the same services and checks as the
pages (accounts/tests/test_invitation_manage.py, test_operator.py)."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.core import mail
from django.test import Client

from medvirk.accounts.demo import DemoData
from medvirk.accounts.models import Role, RoleAssignment, User
from medvirk.core.models import AuditEvent
from medvirk.orgs.models import Municipality

JSON = "application/json"


def test_administrator_invites_lists_resends_and_withdraws(client_as: Any, demo: DemoData) -> None:
    client = client_as("admin")
    new = {"username": "kari.ny", "email": "kari.ny@eksempel.no", "first_name": "Kari", "last_name": "Ny"}
    made = client.post("/api/v1/invitations", new, content_type=JSON)
    assert made.status_code == 201, made.content
    body = made.json()
    user = User.objects.get(username="kari.ny", municipality=demo.municipality)
    assert (body["user_id"], body["name"], body["expired"]) == (user.pk, "Kari Ny", False)
    assert body["sent_at"] and body["expires_at"] and len(mail.outbox) == 1
    assert not user.has_usable_password() and not RoleAssignment.objects.filter(user=user).exists()
    listed = client.get("/api/v1/invitations").json()
    assert [row["username"] for row in listed if row["user_id"] == user.pk] == ["kari.ny"]

    old_password = user.password
    again = client.post(f"/api/v1/invitations/{user.pk}/resend", content_type=JSON)
    assert again.status_code == 200 and len(mail.outbox) == 2
    user.refresh_from_db()
    assert user.password != old_password  # the earlier link's token no longer matches

    assert client.delete(f"/api/v1/invitations/{user.pk}").status_code == 204
    user.refresh_from_db()
    assert not user.is_active
    assert AuditEvent.objects.filter(action="user.invitation_revoked", object_id=str(user.pk)).exists()
    assert user.pk not in {row["user_id"] for row in client.get("/api/v1/invitations").json()}
    # Nothing left to withdraw or resend: 404, as on the page.
    assert client.delete(f"/api/v1/invitations/{user.pk}").status_code == 404
    assert client.post(f"/api/v1/invitations/{user.pk}/resend").status_code == 404


def test_invitation_api_refuses_bad_input_and_others(client_as: Any, demo: DemoData) -> None:
    client = client_as("admin")
    bad = client.post("/api/v1/invitations", {"username": "x", "email": "ikke-en-adresse"}, content_type=JSON)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "email_invalid"
    assert not User.objects.filter(username="x").exists()
    with mock.patch("medvirk.accounts.invitations.send_mail", side_effect=OSError("no server")):
        failed = client.post("/api/v1/invitations", {"username": "y", "email": "y@x.no"}, content_type=JSON)
    assert failed.status_code == 503 and failed.json()["error"]["code"] == "email_failed"
    assert not User.objects.filter(username="y").exists()  # nothing stored without the e-mail
    # Staff who do not manage roles see nothing; the other municipality's invitation is not found.
    assert client_as("analytiker.nord").get("/api/v1/invitations").status_code == 404
    theirs = User.objects.create(username="invitert.provestad", municipality=demo.other, email="p@x.no")
    theirs.set_unusable_password()
    theirs.save()
    assert client.delete(f"/api/v1/invitations/{theirs.pk}").status_code == 404


def _operator() -> Client:
    user = User.objects.create_superuser("drift", "drift@example.no", "Et langt og godt passord 7")
    client = Client()
    client.force_login(user)
    return client


def test_operator_lists_and_starts_municipalities(demo: DemoData) -> None:
    client = _operator()
    rows = client.get("/api/v1/operator/municipalities").json()
    mine = next(row for row in rows if row["id"] == demo.municipality.pk)
    assert mine["name"] == demo.municipality.name and mine["units"] > 1 and mine["staff"] > 1
    assert set(mine) == {
        "id",
        "code",
        "name",
        "slug",
        "staff",
        "waiting",
        "units",
        "last_login",
        "last_change",
    }
    start = {"code": "4602", "name": "Stord", "admin_email": "IT@Stord.no"}
    made = client.post("/api/v1/operator/municipalities", start, content_type=JSON)
    assert made.status_code == 201, made.content
    assert made.json()["slug"] == "stord" and made.json()["admin_username"] == "it@stord.no"
    stord = Municipality.objects.get(code="4602")
    admin = User.objects.get(username="it@stord.no")
    assert RoleAssignment.objects.filter(user=admin, role=Role.ADMIN, unit__municipality=stord).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["it@stord.no"]
    taken = client.post("/api/v1/operator/municipalities", start, content_type=JSON)
    assert taken.status_code == 400 and taken.json()["error"]["code"] == "municipality_taken"
    with mock.patch("medvirk.accounts.invitations.send_mail", side_effect=OSError("no server")):
        failed = client.post(
            "/api/v1/operator/municipalities",
            {"code": "4603", "name": "Fitjar", "admin_email": "it@fitjar.no"},
            content_type=JSON,
        )
    assert failed.status_code == 503 and not Municipality.objects.filter(code="4603").exists()


def test_operator_api_is_not_found_for_everyone_else(client_as: Any, demo: DemoData) -> None:
    admin = client_as("admin")
    assert admin.get("/api/v1/operator/municipalities").status_code == 404
    start = {"code": "4604", "name": "Bømlo", "admin_email": "it@bomlo.no"}
    assert admin.post("/api/v1/operator/municipalities", start, content_type=JSON).status_code == 404
    assert not Municipality.objects.filter(code="4604").exists()
    assert Client().get("/api/v1/operator/municipalities").status_code == 401
