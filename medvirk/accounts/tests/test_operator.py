"""The operators' pages: every municipality with counts and dates, and starting a new one."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from medvirk.accounts.demo import DemoData
from medvirk.accounts.models import Role, RoleAssignment, User
from medvirk.accounts.operator_services import operator_municipality_start
from medvirk.core.errors import ServiceError
from medvirk.core.models import AuditEvent
from medvirk.orgs.models import Municipality, OrgUnit


@pytest.fixture
def operator(db: Any) -> User:
    return User.objects.create_superuser("drift", "drift@example.no", "Et langt og godt passord 7")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_operator_lists_municipalities_with_counts_and_dates_only(
    operator: User, demo: DemoData, django_assert_max_num_queries: Any
) -> None:
    client = _client(operator)
    assert client.get("/overview/")["Location"] == "/operator/"
    with django_assert_max_num_queries(12) as small:
        page = client.get("/operator/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Eksempel kommune" in text and "Prøvestad kommune" in text
    # Counts and dates, never who: no staff member's name, username or e-mail on the page.
    for user in User.objects.filter(municipality=demo.municipality):
        assert user.get_full_name() not in text
        assert not user.email or user.email not in text
    rows = {r.municipality.code: r for r in page.context["rows"]}
    eksempel = rows[demo.municipality.code]
    assert eksempel.staff == User.objects.filter(municipality=demo.municipality, is_active=True).count()
    assert eksempel.units == OrgUnit.objects.filter(municipality=demo.municipality).count()
    # More municipalities cost no more queries (one query for all of them).
    for number in ("5001", "5501"):
        operator_municipality_start(
            actor=operator,
            code=number,
            name=f"Kommune {number}",
            admin_email=f"a{number}@x.no",
            base_url="http://t",
        )
    with django_assert_max_num_queries(len(small)):
        page = client.get("/operator/")
    rows = {r.municipality.code: r for r in page.context["rows"]}
    assert (rows["5001"].staff, rows["5001"].waiting, rows["5001"].units) == (1, 1, 1)
    assert rows["5001"].last_login is None and rows["5001"].last_change is not None


def test_operator_starts_a_municipality_and_the_administrator_is_invited(operator: User) -> None:
    client = _client(operator)
    assert client.get("/operator/new/").status_code == 200
    data = {"code": "4601", "name": "Bergen", "admin_email": "It@Bergen.kommune.no", "slug": ""}
    response = client.post("/operator/new/", data)
    assert response.status_code == 302 and response["Location"] == "/operator/"
    municipality = Municipality.objects.get(code="4601")
    admin = User.objects.get(username="it@bergen.kommune.no")
    assert RoleAssignment.objects.filter(user=admin, role=Role.ADMIN, unit__parent=None).exists()
    [message] = mail.outbox
    assert message.to == ["it@bergen.kommune.no"] and "/accounts/password/set/" in message.body
    invited = AuditEvent.objects.get(municipality=municipality, action="user.invited")
    assert invited.actor_id == operator.pk  # on the operator's behalf
    again = client.post("/operator/new/", data)
    assert again.status_code == 200 and Municipality.objects.filter(code="4601").count() == 1
    assert again.context["form"].errors


def test_a_failed_invitation_stores_nothing(operator: User) -> None:
    data = {"code": "4602", "name": "Stord", "admin_email": "it@stord.no"}
    with mock.patch("medvirk.accounts.invitations.send_mail", side_effect=OSError("no server")):
        page = _client(operator).post("/operator/new/", data)
    assert page.status_code == 200 and page.context["form"].non_field_errors()
    assert not Municipality.objects.filter(code="4602").exists()
    assert not User.objects.filter(username="it@stord.no").exists()


def test_only_operators_start_municipalities(demo: DemoData) -> None:
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        operator_municipality_start(
            actor=demo.users["admin"], code="4603", name="X", admin_email="x@x.no", base_url="http://t"
        )
    assert refused.value.status == 403
    for path in ("/operator/", "/operator/new/"):
        assert _client(demo.users["admin"]).get(path).status_code == 404
    assert Client().get("/operator/").status_code == 302
