"""Starting a real municipality: the command, invitations, forgotten and changed passwords, real SMTP."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from medvirk.accounts.models import Role, RoleAssignment, User
from medvirk.core.models import AuditEvent
from medvirk.orgs.models import Municipality, OrgUnit

PASSWORD = "Et langt og godt passord 7"
LINK = re.compile(r"https?://\S+/accounts/password/(?:set|reset)/\S+/\S+/")


def _link(body: object) -> str:
    found = LINK.search(str(body))
    assert found, body
    return found.group(0)


def _choose_password(client: Client, link: str) -> Any:
    """Open an invitation or reset link and choose a password, as a browser does (two redirects)."""
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    assert page.status_code == 200
    assert page.context["validlink"], "the link should work"
    return client.post(
        page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True
    )


@pytest.mark.django_db
def test_create_municipality_invites_the_first_administrator_who_sets_a_password() -> None:
    call_command(
        "create_municipality", "4601", "Bergen", "It-Admin@Bergen.kommune.no", base_url="https://mv.no"
    )
    municipality = Municipality.objects.get(code="4601")
    root = OrgUnit.objects.get(municipality=municipality, parent=None)
    admin = User.objects.get(username="it-admin@bergen.kommune.no")
    assert municipality.slug == "bergen" and root.name == "Bergen"
    assert RoleAssignment.objects.filter(user=admin, unit=root, role=Role.ADMIN).exists()
    assert not admin.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["it-admin@bergen.kommune.no"] and "Bergen" in message.subject
    link = _link(message.body)
    assert link.startswith("https://mv.no/accounts/password/set/")

    client = Client()
    done = _choose_password(client, link)
    assert done.status_code == 200 and done.redirect_chain[-1][0] == "/accounts/password/done/"
    assert client.login(username=admin.username, password=PASSWORD)
    assert client.get("/overview/").status_code == 200
    # The link is spent once the password is set.
    path = link.split("mv.no", 1)[1]
    assert Client().get(path, follow=True).context["validlink"] is False
    assert AuditEvent.objects.filter(municipality=municipality, action="user.invited").count() == 1


@pytest.mark.django_db
def test_create_municipality_refuses_a_taken_or_malformed_number_and_stores_nothing() -> None:
    call_command("create_municipality", "4601", "Bergen", "a@bergen.kommune.no")
    municipalities, users = Municipality.objects.count(), User.objects.count()
    for args in (["4601", "Bergen to", "b@bergen.kommune.no"], ["46", "Bergen", "c@bergen.kommune.no"]):
        with pytest.raises(CommandError):
            call_command("create_municipality", *args)
    after = (Municipality.objects.count(), User.objects.count(), len(mail.outbox))
    assert after == (municipalities, users, 1)


@pytest.mark.django_db
@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=9
)
def test_an_unreachable_mail_server_stores_nothing() -> None:
    with pytest.raises(CommandError, match="nothing was stored"):
        call_command("create_municipality", "4601", "Bergen", "a@bergen.kommune.no")
    assert not Municipality.objects.filter(code="4601").exists()
    assert not User.objects.filter(username="a@bergen.kommune.no").exists()


class _Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.django_db
def test_the_invitation_goes_through_a_real_smtp_server_on_loopback() -> None:
    """Beyond the test's in-memory outbox: Django's SMTP backend talks to an SMTP server (aiosmtpd)."""
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            DEFAULT_FROM_EMAIL="medvirk@bergen.kommune.no",
        ):
            call_command("create_municipality", "4601", "Bergen", "admin@bergen.kommune.no")
    finally:
        controller.stop()
    [message] = inbox.messages
    assert message["To"] == "admin@bergen.kommune.no" and message["From"] == "medvirk@bergen.kommune.no"
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    client = Client()
    _choose_password(client, _link(payload.decode(message.get_content_charset() or "utf-8")))
    assert client.login(username="admin@bergen.kommune.no", password=PASSWORD)


@pytest.mark.django_db
def test_the_invitation_is_in_the_installation_language() -> None:
    with override_settings(LANGUAGE_CODE="nn"):
        call_command("create_municipality", "4601", "Bergen", "a@bergen.kommune.no")
    assert "Vel passordet ditt her" in mail.outbox[0].body


def test_an_administrator_invites_staff_who_then_get_a_role(client_as: Any, demo: Any) -> None:
    client = client_as("admin")
    response = client.post(
        "/access/users/new/",
        {"username": "kari.nordmann", "email": "kari@eksempel.kommune.no", "invite": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302 and response["Location"] == "/access/grant/"
    kari = User.objects.get(username="kari.nordmann")
    assert not kari.has_usable_password() and kari.municipality == demo.municipality
    [message] = mail.outbox
    assert message.to == ["kari@eksempel.kommune.no"] and "kari.nordmann" in message.body
    link = _link(message.body)
    assert link.startswith("http://testserver/accounts/password/set/")
    _choose_password(Client(), link)
    assert Client().login(username="kari.nordmann", password=PASSWORD)


def test_an_invitation_needs_an_address_and_nothing_is_stored_without_one(client_as: Any, demo: Any) -> None:
    response = client_as("admin").post("/access/users/new/", {"username": "ola", "invite": "on"})
    assert response.status_code == 200 and response.context["form"].errors["email"]
    assert not User.objects.filter(username="ola").exists() and not mail.outbox


def test_forgotten_password_by_e_mail_and_unknown_addresses_learn_nothing(client: Client, demo: Any) -> None:
    leader = demo.users["leder.solsikken"]
    leader.email = "leder@eksempel.kommune.no"
    leader.save()
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.no"})
    known = client.post("/accounts/password/reset/", {"email": "leder@eksempel.kommune.no"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == "/accounts/password/reset/sent/"
    [message] = mail.outbox
    link = _link(message.body)
    assert "/accounts/password/reset/" in link
    _choose_password(client, link)
    assert Client().login(username=leader.username, password=PASSWORD)


def test_login_page_links_to_the_forgotten_password_page_in_nynorsk(client: Client, db: Any) -> None:
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="nn").content.decode()
    assert 'href="/accounts/password/reset/"' in html and "Gløymt passordet?" in html


def test_staff_change_their_own_password(client_as: Any, demo: Any) -> None:
    client = client_as("analytiker")
    user = demo.users["analytiker"]
    user.set_password("old password 12345")
    user.save()
    client.force_login(user)
    wrong = client.post(
        "/accounts/password/change/",
        {"old_password": "not it", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors["old_password"]
    right = client.post(
        "/accounts/password/change/",
        {"old_password": "old password 12345", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert right.status_code == 302 and right["Location"] == "/accounts/password/change/done/"
    assert Client().login(username=user.username, password=PASSWORD)
    assert 'href="/accounts/password/change/"' in client.get("/overview/").content.decode()


def test_the_invitation_page_welcomes_and_says_the_password_rules_in_one_sentence(
    client_as: Any, demo: Any
) -> None:
    invite = {"username": "kari.nordmann", "email": "kari@eksempel.kommune.no", "invite": "on"}
    client_as("admin").post("/access/users/new/", invite)
    link = _link(mail.outbox[0].body).removeprefix("http://testserver")
    html = Client().get(link, follow=True).content.decode()  # the token moves into the session
    assert "Du har fått tilgang til Medvirk for Eksempel kommune." in html
    assert "Minst 10 tegn. Ikke bare tall" in html and "Skriv det samme nye passordet en gang til." in html
    assert "for verifisering" not in html and "personopplysninger" not in html  # Django's own help
