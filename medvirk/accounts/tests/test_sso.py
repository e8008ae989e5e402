"""Staff single sign-on against a real OpenID Connect provider on loopback (tests/oidc_support.py).

Django's test client plays the browser on Medvirk's side; the provider's login form is posted with
``requests``. Covers a pre-created user, an unknown person (refused or created without roles), a
user of another municipality, a tampered state, an expired session, local passwords off, logout,
and the administrator's settings page (its discovery check against the live provider).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core import mail
from django.test import Client

from medvirk.accounts.demo import DEMO_PASSWORD, DemoData
from medvirk.accounts.models import SingleSignOn, User
from medvirk.accounts.sso import secret_of
from medvirk.core.models import AuditEvent
from tests.oidc_support import CLIENT_ID, Provider, configure, english_client, with_another_state


def start(client: Client, slug: str, next_url: str = "") -> str:
    """Press "Log in with <municipality>": return the provider's authorisation URL Medvirk sent us to."""
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    response = client.post(f"/accounts/sso/{slug}/login/{query}")
    assert response.status_code == 302, response.content[:300]
    return str(response["Location"])


def sso_login(client: Client, provider: Provider, slug: str, sub: str, **claims: Any) -> Any:
    """Log in through the provider as ``sub`` with these claims; return Medvirk's answer to the callback."""
    return client.get(provider.callback(start(client, slug), sub, **claims))


def test_login_page_offers_each_configured_municipality(demo: DemoData, provider: Provider) -> None:
    configure(demo.municipality, provider)
    configure(demo.other, provider)
    page = english_client().get("/accounts/login/").content.decode()
    assert f"Log in with {demo.municipality.name}" in page
    assert f"Log in with {demo.other.name}" in page
    assert f'action="/accounts/sso/{demo.municipality.slug}/login/"' in page


def test_authorisation_request_carries_state_and_pkce(demo: DemoData, provider: Provider) -> None:
    configure(demo.municipality, provider)
    query = parse_qs(urlsplit(start(Client(), demo.municipality.slug)).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["state"][0] and query["code_challenge"][0]
    assert query["code_challenge_method"] == ["S256"]


def test_pre_created_user_logs_in_and_is_recognised_by_subject_afterwards(
    demo: DemoData, provider: Provider
) -> None:
    configure(demo.municipality, provider)
    user = demo.users["analytiker"]
    client = Client()
    response = sso_login(client, provider, demo.municipality.slug, "entra-sub-1", email=user.email.upper())
    assert response.status_code == 302 and response["Location"] == "/overview/"
    assert client.get("/overview/").context["user"] == user
    assert SocialAccount.objects.get(provider=demo.municipality.slug, uid="entra-sub-1").user == user
    # Later: the e-mail address at the provider changed, the subject did not: still the same user.
    again = Client()
    sso_login(again, provider, demo.municipality.slug, "entra-sub-1", email="renamed@elsewhere.example")
    assert again.get("/overview/").context["user"] == user


def test_next_page_is_kept_through_the_provider(demo: DemoData, provider: Provider) -> None:
    configure(demo.municipality, provider)
    client = Client()
    authorize = start(client, demo.municipality.slug, next_url="/audit/")
    back = provider.callback(authorize, "sub-next", email=demo.users["admin"].email)
    assert client.get(back)["Location"] == "/audit/"


def test_unknown_person_is_asked_to_contact_an_administrator(demo: DemoData, provider: Provider) -> None:
    configure(demo.municipality, provider)
    users = User.objects.count()
    client = english_client()
    response = sso_login(client, provider, demo.municipality.slug, "stranger", email="ny@eksempel.example")
    assert response.status_code == 403
    assert "Ask your administrator for access" in response.content.decode()
    assert User.objects.count() == users
    assert "_auth_user_id" not in client.session


def test_unknown_person_gets_a_user_without_roles_when_allowed(demo: DemoData, provider: Provider) -> None:
    configure(demo.municipality, provider, create_users=True)
    client = Client()
    response = sso_login(
        client,
        provider,
        demo.municipality.slug,
        "newcomer",
        email="kari.ny@eksempel.example",
        preferred_username="kari.ny",
        given_name="Kari",
        family_name="Ny",
    )
    assert response.status_code == 302, response.content[:300]
    user = User.objects.get(email="kari.ny@eksempel.example")
    assert (user.municipality, user.first_name, user.last_name) == (demo.municipality, "Kari", "Ny")
    assert not user.roles.exists() and not user.has_usable_password()
    assert AuditEvent.objects.filter(action="sso.user_created", object_id=str(user.pk)).exists()


def test_user_of_another_municipality_is_not_logged_in(demo: DemoData, provider: Provider) -> None:
    """Prøvestad's provider vouches for someone who is a user of Eksempel kommune: refused."""
    configure(demo.other, provider, create_users=False)
    client = Client()
    response = sso_login(client, provider, demo.other.slug, "cross", email=demo.users["admin"].email)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_deactivated_user_is_refused(demo: DemoData, provider: Provider) -> None:
    configure(demo.municipality, provider)
    user = demo.users["lesetilgang"]
    User.objects.filter(pk=user.pk).update(is_active=False)
    client = english_client()
    response = sso_login(client, provider, demo.municipality.slug, "gone", email=user.email)
    assert response.status_code == 403 and "switched off" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_tampered_state_is_refused(demo: DemoData, provider: Provider) -> None:
    configure(demo.municipality, provider)
    client = english_client()
    back = provider.callback(start(client, demo.municipality.slug), "sub-t", email=demo.users["admin"].email)
    response = client.get(with_another_state(back))
    assert response.status_code == 401
    assert "The login did not succeed" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_expired_session_at_the_callback_is_refused(demo: DemoData, provider: Provider) -> None:
    """The browser's session ended while the person was at the provider: the state is unknown."""
    configure(demo.municipality, provider)
    client = english_client()
    back = provider.callback(start(client, demo.municipality.slug), "sub-e", email=demo.users["admin"].email)
    client.session.flush()
    client.cookies.pop("sessionid", None)
    response = client.get(back)
    assert response.status_code == 401
    assert "_auth_user_id" not in client.session


def test_cancelled_login_says_so(demo: DemoData, provider: Provider) -> None:
    configure(demo.municipality, provider)
    client = english_client()
    authorize = start(client, demo.municipality.slug)
    deny = requests.post(authorize, data={"action": "deny"}, allow_redirects=False, timeout=10)
    denied = urlsplit(deny.headers["Location"])
    assert parse_qs(denied.query)["error"] == ["access_denied"]
    # The mock leaves out the state a real provider returns with the error (RFC 6749, 4.1.2.1).
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    response = client.get(f"{denied.path}?{denied.query}&{urlencode({'state': state})}")
    assert response.status_code == 403 and "Login cancelled" in response.content.decode()


def test_logout_ends_the_single_sign_on_session(demo: DemoData, provider: Provider) -> None:
    configure(demo.municipality, provider)
    client = Client()
    sso_login(client, provider, demo.municipality.slug, "sub-l", email=demo.users["admin"].email)
    assert client.get("/overview/").status_code == 200
    response = client.post("/accounts/logout/")
    assert client.get("/overview/")["Location"].startswith("/accounts/login/")
    # and at the provider (RP-initiated logout), coming back to the login page
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{provider.issuer}/oauth2/end_session"
    assert parse_qs(target.query) == {
        "client_id": [CLIENT_ID],
        "post_logout_redirect_uri": ["http://testserver/accounts/login/"],
    }


def test_logout_after_a_password_login_stays_in_medvirk(demo: DemoData, provider: Provider) -> None:
    configure(demo.municipality, provider)
    client = Client()
    client.force_login(demo.users["analytiker"])
    assert client.post("/accounts/logout/")["Location"] == "/"


def test_local_passwords_off_refuses_the_password_but_not_operators(
    demo: DemoData, provider: Provider
) -> None:
    configure(demo.municipality, provider, local_passwords_off=True)
    client = english_client()
    response = client.post("/accounts/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 200 and "single sign-on only" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # "Forgot your password?" sends them nothing (and says the same as for any address).
    mail.outbox.clear()
    assert Client().post("/accounts/password/reset/", {"email": demo.users["admin"].email}).status_code == 302
    assert mail.outbox == []
    # Prøvestad keeps its passwords.
    other = Client().post("/accounts/login/", {"username": "provestad.admin", "password": DEMO_PASSWORD})
    assert other.status_code == 302
    Client().post("/accounts/password/reset/", {"email": demo.users["provestad.admin"].email})
    assert len(mail.outbox) == 1


def test_administrator_sets_up_single_sign_on_on_a_page(
    demo: DemoData, provider: Provider, client_as: Any
) -> None:
    client = client_as("admin")
    page = client.get("/settings/single-sign-on/")
    assert f"/accounts/sso/{demo.municipality.slug}/login/callback/" in page.content.decode()
    data = {
        "issuer": provider.issuer + "/",
        "client_id": CLIENT_ID,
        "client_secret": "s3cret",
        "match_claim": "email",
        "enabled": "on",
    }
    assert client.post("/settings/single-sign-on/", data).status_code == 302
    row = SingleSignOn.objects.get(municipality=demo.municipality)
    assert (row.app.client_id, secret_of(row.app), row.app.settings["server_url"]) == (
        CLIENT_ID,
        "s3cret",
        provider.issuer,
    )
    # The database holds a Fernet token, not the secret (the key lives outside the database).
    stored = SocialApp.objects.filter(pk=row.app.pk).values_list("secret", flat=True).get()
    assert "s3cret" not in stored and stored.startswith("gAAAAA")
    # An empty secret keeps the saved one; the audit log names what changed, never the secret.
    assert (
        client.post(
            "/settings/single-sign-on/", {**data, "client_secret": "", "create_users": "on"}
        ).status_code
        == 302
    )
    row.refresh_from_db()
    row.app.refresh_from_db()
    assert row.create_users and secret_of(row.app) == "s3cret" and row.app.secret == stored
    event = AuditEvent.objects.filter(action="sso.changed").latest("pk")
    assert event.data == {"changed": ["create_users"]}
    # And the login now works through it.
    login = Client()
    assert (
        sso_login(
            login, provider, demo.municipality.slug, "sub-p", email=demo.users["admin"].email
        ).status_code
        == 302
    )
    assert SocialApp.objects.filter(provider_id=demo.municipality.slug).count() == 1


def test_settings_page_refuses_an_address_that_is_not_a_provider(
    demo: DemoData, provider: Provider, client_as: Any
) -> None:
    client = client_as("admin")
    data = {"client_id": CLIENT_ID, "client_secret": "s", "match_claim": "email", "enabled": "on"}
    for issuer in ("http://example.org/idp", provider.issuer + "/nothing-here"):
        response = client.post("/settings/single-sign-on/", {**data, "issuer": issuer})
        assert response.status_code == 200
        assert response.context["form"].errors["issuer"]
    assert not SingleSignOn.objects.exists()


def test_local_passwords_off_needs_the_administrator_to_have_used_single_sign_on(
    demo: DemoData, provider: Provider, client_as: Any
) -> None:
    client = client_as("admin")
    data = {
        "issuer": provider.issuer,
        "client_id": CLIENT_ID,
        "client_secret": "s",
        "match_claim": "email",
        "enabled": "on",
        "local_passwords_off": "on",
    }
    response = client.post("/settings/single-sign-on/", data)
    assert response.context["form"].errors["local_passwords_off"]
    configure(demo.municipality, provider)
    sso_login(Client(), provider, demo.municipality.slug, "sub-admin", email=demo.users["admin"].email)
    assert client.post("/settings/single-sign-on/", data).status_code == 302
    assert SingleSignOn.objects.get(municipality=demo.municipality).local_passwords_off
