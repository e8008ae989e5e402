"""Volunteers managing their own registration with ID-porten (accounts.idporten, flow "volunteer").

Logs in through a real OpenID Connect provider on loopback (tests/oidc_support.py). The withdraw
link of the sign-up e-mail links the registration to the login (a keyed digest of ID-porten's
pseudonymous subject); after that, logging in shows the registration and lets the volunteer withdraw.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from medvirk.accounts.idporten import subject_digest
from medvirk.panels.models import Volunteer
from tests.oidc_support import Provider, configure_idporten

from .test_public_and_import import FORM, _links

pytestmark = pytest.mark.django_db


def _signed_up(client: Client) -> str:
    """Sign up and return the withdraw link of the e-mail."""
    assert client.post("/v/eksempel/", {**FORM, "consent": "on"}).status_code == 302
    return _links(str(mail.outbox[-1].body))[1]


def _log_in(client: Client, provider: Provider, page: str, sub: str, acr: str) -> None:
    """Follow the page's "Log in with ID-porten" link, log in as ``sub``, come back to ``page``."""
    html = client.get(page).content.decode()
    login = html.split('class="ds-button" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    back = client.get(provider.callback(str(client.get(login)["Location"]), sub, acr=acr))
    assert back.status_code == 302 and back["Location"] == page, back.content[:300]


def test_a_volunteer_links_the_registration_and_withdraws_after_logging_in(
    demo: Any, provider: Provider
) -> None:
    configure_idporten(demo.municipality, provider, level_volunteer="idporten-loa-substantial")
    client = Client()
    client.cookies["django_language"] = "en"
    withdraw = _signed_up(client)
    link = client.get(withdraw).content.decode()
    assert "Manage your registration with ID-porten" in link
    link_url = withdraw.replace("/withdraw/", "/link/")
    assert "Log in with ID-porten" in client.get(link_url).content.decode()
    assert client.post(link_url).status_code == 200  # not logged in: nothing linked
    volunteer = Volunteer.objects.get(email="test@example.org")
    assert volunteer.identity_digest == ""
    _log_in(client, provider, link_url, "pairwise-v1", "idporten-loa-substantial")
    assert client.post(link_url)["Location"] == "/v/eksempel/mine/"
    volunteer.refresh_from_db()
    assert volunteer.identity_digest == subject_digest("pairwise-v1") != "pairwise-v1"

    other = Client()  # another browser, another day: only the ID-porten login
    other.cookies["django_language"] = "en"
    assert "Log in with ID-porten" in other.get("/v/eksempel/mine/").content.decode()
    _log_in(other, provider, "/v/eksempel/mine/", "pairwise-v1", "idporten-loa-high")
    page = other.get("/v/eksempel/mine/").content.decode()
    assert "Test Testesen" in page and "test@example.org" in page
    assert other.post("/v/eksempel/mine/").status_code == 200
    assert not Volunteer.objects.filter(pk=volunteer.pk).exists()


def test_someone_else_sees_no_registration(demo: Any, provider: Provider) -> None:
    configure_idporten(demo.municipality, provider, level_volunteer="idporten-loa-substantial")
    client = Client()
    client.cookies["django_language"] = "en"
    _log_in(client, provider, "/v/eksempel/mine/", "pairwise-nobody", "idporten-loa-substantial")
    page = client.get("/v/eksempel/mine/").content.decode()
    assert "No registration is linked to your ID-porten login" in page
    assert client.post("/v/eksempel/mine/").status_code == 200


def test_without_a_level_the_pages_are_not_offered(demo: Any, provider: Provider) -> None:
    configure_idporten(demo.municipality, provider, level_volunteer="")
    client = Client()
    withdraw = _signed_up(client)
    assert "ID-porten" not in client.get(withdraw).content.decode()
    assert client.get("/v/eksempel/mine/").status_code == 404
    assert client.get(withdraw.replace("/withdraw/", "/link/")).status_code == 404
