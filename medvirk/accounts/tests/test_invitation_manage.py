"""Staff invitations on the Access page: when each one expires, sending it again, withdrawing it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from medvirk.accounts.demo import DemoData
from medvirk.accounts.invitation_services import invitation_resend, invitation_revoke
from medvirk.accounts.invitations import invitations_waiting
from medvirk.accounts.models import User
from medvirk.core.errors import ServiceError
from medvirk.core.models import AuditEvent

LINK = re.compile(r"http://testserver(/accounts/password/set/\S+/\S+/)")


def _invite(client: Client, email: str = "ny.ansatt@eksempel.no") -> User:
    data = {"username": email, "email": email, "first_name": "Ny", "last_name": "Ansatt", "invite": "on"}
    response = client.post("/access/users/new/", data)
    assert response.status_code == 302, response.content[:300]
    return User.objects.get(username=email)


def _link_works(path: str) -> bool:
    return bool(Client().get(path, follow=True).context["validlink"])


def test_access_page_shows_when_the_invitation_was_sent_and_expires(client_as: Any, demo: DemoData) -> None:
    admin = client_as("admin")
    user = _invite(admin)
    [waiting] = invitations_waiting(municipality_id=demo.municipality.pk)
    assert waiting.user == user and waiting.sent_at is not None
    assert waiting.expires_at == waiting.sent_at + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    assert not waiting.expired
    page = admin.get("/access/").content.decode()
    assert "ny.ansatt@eksempel.no" in page and f"/access/invitations/{user.pk}/resend/" in page
    # The list sits once, in the page's main content, not in its <title> too.
    assert page.count('id="invitations-heading"') == 1
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "Tilgang" in title
    # Eight days later the link no longer works, and the page says so.
    AuditEvent.objects.filter(action="user.invited").update(created_at=waiting.sent_at - timedelta(days=8))
    [waiting] = invitations_waiting(municipality_id=demo.municipality.pk)
    assert waiting.expired
    assert "utløpt" in admin.get("/access/").content.decode()


def test_resend_replaces_the_link_and_revoke_leaves_none(client_as: Any, demo: DemoData) -> None:
    admin = client_as("admin")
    user = _invite(admin)
    first = LINK.search(str(mail.outbox[-1].body))
    assert first and _link_works(first.group(1))
    assert admin.post(f"/access/invitations/{user.pk}/resend/").status_code == 302
    second = LINK.search(str(mail.outbox[-1].body))
    assert second and second.group(1) != first.group(1)
    assert not _link_works(first.group(1)) and _link_works(second.group(1))
    assert AuditEvent.objects.filter(action="user.invited", object_id=str(user.pk)).count() == 2

    assert admin.post(f"/access/invitations/{user.pk}/revoke/").status_code == 302
    user.refresh_from_db()
    assert not user.is_active and not _link_works(second.group(1))
    assert AuditEvent.objects.filter(action="user.invitation_revoked", object_id=str(user.pk)).exists()
    assert invitations_waiting(municipality_id=demo.municipality.pk) == []
    assert admin.post(f"/access/invitations/{user.pk}/resend/").status_code == 404


def test_a_failed_resend_keeps_the_old_link(client_as: Any, demo: DemoData) -> None:
    admin = client_as("admin")
    user = _invite(admin)
    first = LINK.search(str(mail.outbox[-1].body))
    assert first
    with mock.patch("medvirk.accounts.invitations.send_mail", side_effect=OSError("no server")):
        response = admin.post(f"/access/invitations/{user.pk}/resend/", follow=True)
    assert "kunne ikke sendes" in response.content.decode()
    assert _link_works(first.group(1))


def test_only_waiting_invitations_of_ones_own_municipality_change(client_as: Any, demo: DemoData) -> None:
    user = _invite(client_as("admin"))
    assert client_as("provestad.admin").post(f"/access/invitations/{user.pk}/revoke/").status_code == 404
    assert client_as("analytiker").post(f"/access/invitations/{user.pk}/revoke/").status_code == 404
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        invitation_revoke(actor=demo.users["provestad.admin"], user=user)
    assert refused.value.status == 403
    started = demo.users["leder.solsikken"]  # has a password: nothing to resend or withdraw
    assert client_as("admin").post(f"/access/invitations/{started.pk}/resend/").status_code == 404
    with pytest.raises(ServiceError):
        invitation_resend(actor=demo.users["admin"], user=started, base_url="http://t")


def test_adding_staff_when_the_invitation_cannot_be_sent_says_so_and_stores_nothing(
    client_as: Any, demo: DemoData
) -> None:
    admin = client_as("admin")
    email = "uten.post@eksempel.no"
    data = {"username": email, "email": email, "first_name": "Uten", "last_name": "Post", "invite": "on"}
    with mock.patch("medvirk.accounts.invitations.send_mail", side_effect=OSError("no server")):
        response = admin.post("/access/users/new/", data)
    assert response.status_code == 200
    assert "kunne ikke sendes" in response.content.decode()
    assert not User.objects.filter(username=email).exists()
