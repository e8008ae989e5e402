"""ID-porten for citizens against a real OpenID Connect provider on loopback (tests/oidc_support.py).

The provider signs real ID tokens carrying the ``acr`` set for the subject, so the level check
runs on what allauth verified. Django's test client plays the browser on Medvirk's side; the
provider's login form is posted with ``requests``. Covers a login at the level asked for and above
it, a lower and a missing ``acr``, a tampered state, an expired session (at the callback and after
login), logout at ID-porten, and the administrator's settings page.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from medvirk.accounts import idporten
from medvirk.accounts.demo import DemoData
from medvirk.accounts.models import IdPorten, User
from medvirk.accounts.sso import secret_of
from medvirk.core.models import AuditEvent
from tests.oidc_support import CLIENT_ID, Provider, configure_idporten, english_client, with_another_state

HIGH = "idporten-loa-high"
SUBSTANTIAL = "idporten-loa-substantial"
NEXT = "/c/somewhere/"


def start(client: Client, demo: DemoData, flow: str = "choice_request") -> str:
    """Follow the "Log in with ID-porten" link: return the provider's authorisation URL."""
    query = urlencode({"municipality": demo.municipality.slug, "flow": flow, "next": NEXT})
    response = client.get(f"/id-porten/login/?{query}")
    assert response.status_code == 302, response.content[:300]
    return str(response["Location"])


def login(client: Client, provider: Provider, demo: DemoData, sub: str, **claims: Any) -> Any:
    return client.get(provider.callback(start(client, demo), sub, **claims))


def citizen_of(client: Client, demo: DemoData) -> idporten.Citizen | None:
    request = type("R", (), {"session": client.session})()
    return idporten.citizen(request, idporten.config_for(demo.municipality))


def jwt_claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_login_asks_for_the_flows_level_with_state_and_pkce(demo: DemoData, provider: Provider) -> None:
    configure_idporten(demo.municipality, provider, level_choice_request=HIGH, level_volunteer=SUBSTANTIAL)
    query = parse_qs(urlsplit(start(Client(), demo)).query)
    assert query["acr_values"] == [HIGH]
    assert query["scope"] == ["openid"]
    assert query["state"] and query["code_challenge_method"] == ["S256"] and len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == [
        f"http://testserver/id-porten/callback/idporten-{demo.municipality.slug}/"
    ]
    volunteer = parse_qs(urlsplit(start(Client(), demo, "volunteer")).query)
    assert volunteer["acr_values"] == [SUBSTANTIAL]


def test_the_level_cannot_be_lowered_by_the_browser(demo: DemoData, provider: Provider) -> None:
    """allauth's ?auth_params= would let a link ask for another level: the check uses the flow's own."""
    configure_idporten(demo.municipality, provider, level_choice_request=HIGH)
    client = english_client()
    authorize = start(client, demo).replace(f"acr_values={HIGH}", f"acr_values={SUBSTANTIAL}")
    response = client.get(provider.callback(authorize, "sub-low", acr=SUBSTANTIAL))
    assert response.status_code == 403
    assert citizen_of(client, demo) is None


def test_an_id_token_with_another_nonce_is_refused(demo: DemoData, provider: Provider) -> None:
    """allauth sends no nonce; Medvirk's own is checked (here changed on the way to the provider)."""
    configure_idporten(demo.municipality, provider)
    client = english_client()
    authorize = start(client, demo)
    nonce = parse_qs(urlsplit(authorize).query)["nonce"][0]
    response = client.get(provider.callback(authorize.replace(nonce, "another-nonce"), "sub-n", acr=HIGH))
    assert response.status_code == 401 and "could not be used" in response.content.decode()
    assert citizen_of(client, demo) is None


def test_a_login_at_the_level_keeps_only_a_pseudonymous_subject(demo: DemoData, provider: Provider) -> None:
    configure_idporten(demo.municipality, provider, level_choice_request=SUBSTANTIAL)
    client = Client()
    users, accounts = User.objects.count(), SocialAccount.objects.count()
    response = login(client, provider, demo, "pairwise-sub-1", acr=HIGH, pid="01017012345")
    assert response.status_code == 302 and response["Location"] == NEXT
    person = citizen_of(client, demo)
    assert person is not None and person.subject == "pairwise-sub-1" and person.level == HIGH
    assert person.satisfies(SUBSTANTIAL) and person.satisfies(HIGH)
    assert "_auth_user_id" not in client.session  # no staff login
    assert (User.objects.count(), SocialAccount.objects.count()) == (users, accounts)
    assert "01017012345" not in json.dumps(dict(client.session))  # the pid is not kept server-side
    # the hint for ID-porten's logout: an HttpOnly cookie sent only to the logout address
    cookie = client.cookies[idporten.HINT_COOKIE]
    assert cookie["httponly"] and cookie["path"] == "/id-porten/logout/"


@pytest.mark.parametrize("claims", [{"acr": SUBSTANTIAL}, {}], ids=["lower acr", "missing acr"])
def test_a_lower_or_missing_level_is_refused_politely(
    demo: DemoData, provider: Provider, claims: dict[str, str]
) -> None:
    configure_idporten(demo.municipality, provider, level_choice_request=HIGH)
    client = english_client()
    response = login(client, provider, demo, "sub-" + str(len(claims)), **claims)
    assert response.status_code == 403
    page = response.content.decode()
    assert "A higher level of login is needed" in page
    assert "High: BankID, Buypass or Commfides" in page
    assert ("Substantial: MinID" in page) == bool(claims)
    assert ("did not tell us the level" in page) == (not claims)
    assert "/id-porten/login/?municipality=" in page  # how to log in again
    assert citizen_of(client, demo) is None


@pytest.mark.parametrize(
    "lang,words", [("nb", "Du må logge inn på et høyere nivå"), ("nn", "Du må logge inn på eit høgare nivå")]
)
def test_the_refusal_is_in_norwegian(demo: DemoData, provider: Provider, lang: str, words: str) -> None:
    configure_idporten(demo.municipality, provider, level_choice_request=HIGH)
    client = Client()
    client.cookies["django_language"] = lang
    response = login(client, provider, demo, "sub-" + lang, acr=SUBSTANTIAL)
    assert words in response.content.decode()


def test_tampered_state_is_refused(demo: DemoData, provider: Provider) -> None:
    configure_idporten(demo.municipality, provider)
    client = english_client()
    back = provider.callback(start(client, demo), "sub-t", acr=HIGH)
    response = client.get(with_another_state(back))
    assert (
        response.status_code == 401
        and "The answer from ID-porten could not be used" in response.content.decode()
    )
    assert citizen_of(client, demo) is None


def test_a_session_that_ended_at_id_porten_is_refused(demo: DemoData, provider: Provider) -> None:
    configure_idporten(demo.municipality, provider)
    client = english_client()
    back = provider.callback(start(client, demo), "sub-e", acr=HIGH)
    client.cookies.pop("sessionid", None)
    response = client.get(back)
    assert response.status_code == 401
    assert citizen_of(client, demo) is None


def test_the_citizen_session_is_short(demo: DemoData, provider: Provider, settings: Any) -> None:
    settings.MEDVIRK_CITIZEN_SESSION_SECONDS = 60
    configure_idporten(demo.municipality, provider)
    client = Client()
    login(client, provider, demo, "sub-s", acr=HIGH)
    stored = client.session[idporten.SESSION_KEY]
    assert 55 < stored["until"] - time.time() <= 60
    session = client.session
    session[idporten.SESSION_KEY] = {**stored, "until": time.time() - 1}
    session.save()
    assert citizen_of(client, demo) is None
    request = type("R", (), {"session": client.session})()
    assert idporten.citizen_expired(request)


def test_a_staff_login_via_allauths_own_address_is_refused(demo: DemoData, provider: Provider) -> None:
    """The ID-porten client reached through allauth's generic login (no level asked) identifies nobody."""
    config = configure_idporten(demo.municipality, provider)
    client = english_client()
    response = client.post(f"/accounts/sso/{config.app.provider_id}/login/")
    answer = client.get(provider.callback(str(response["Location"]), "sub-g", acr=HIGH))
    assert answer.status_code == 401
    assert citizen_of(client, demo) is None and "_auth_user_id" not in client.session


def test_logout_ends_the_id_porten_session(demo: DemoData, provider: Provider) -> None:
    configure_idporten(demo.municipality, provider)
    client = english_client()
    login(client, provider, demo, "sub-l", acr=HIGH)
    response = client.post("/id-porten/logout/", {"next": NEXT})
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{provider.issuer}/oauth2/end_session"
    query = parse_qs(target.query)
    hint = jwt_claims(query["id_token_hint"][0])
    assert hint["sub"] == "sub-l" and CLIENT_ID in hint["aud"] and hint["iss"] == provider.issuer
    assert query["post_logout_redirect_uri"] == ["http://testserver/id-porten/logged-out/"]
    assert citizen_of(client, demo) is None
    assert client.cookies[idporten.HINT_COOKIE].value == ""  # the hint is deleted
    page = client.get("/id-porten/logged-out/")
    assert "You are logged out" in page.content.decode() and f'href="{NEXT}"' in page.content.decode()


def test_a_flow_without_a_level_offers_no_login(demo: DemoData, provider: Provider) -> None:
    configure_idporten(demo.municipality, provider, level_volunteer="")
    query = urlencode({"municipality": demo.municipality.slug, "flow": "volunteer", "next": NEXT})
    assert Client().get(f"/id-porten/login/?{query}").status_code == 404


def test_the_installations_client_serves_a_municipality_without_its_own(
    demo: DemoData, provider: Provider
) -> None:
    configure_idporten(None, provider)
    assert idporten.config_for(demo.municipality).app.provider_id == "idporten"
    own = configure_idporten(demo.municipality, provider)
    assert idporten.config_for(demo.municipality) == own


def test_administrator_sets_up_id_porten_on_a_page(demo: DemoData, provider: Provider) -> None:
    client = english_client()
    client.force_login(demo.users["admin"])
    page = client.get("/settings/id-porten/").content.decode()
    assert f"http://testserver/id-porten/callback/idporten-{demo.municipality.slug}/" in page
    assert "http://testserver/id-porten/logged-out/" in page
    response = client.post(
        "/settings/id-porten/",
        {
            "issuer": provider.issuer + "/",
            "client_id": "medvirk-idp",
            "client_secret": "s3cret",
            "level_choice_request": HIGH,
            "level_volunteer": "",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    row = IdPorten.objects.get(municipality=demo.municipality)
    assert row.app.settings["server_url"] == provider.issuer and secret_of(row.app) == "s3cret"
    assert (row.level_choice_request, row.level_volunteer) == (HIGH, "")
    event = AuditEvent.objects.get(action="idporten.changed")
    assert "s3cret" not in json.dumps(event.data)
    login(Client(), provider, demo, "sub-page", acr=HIGH)  # the saved client works


def test_an_operator_sets_up_the_installations_client_for_municipalities_without_their_own(
    demo: DemoData, provider: Provider
) -> None:
    operator = User.objects.create_superuser("drift", "drift@example.no", "Et langt og godt passord 7")
    client = english_client()
    client.force_login(operator)
    page = client.get("/operator/id-porten/").content.decode()
    assert "http://testserver/id-porten/callback/idporten/" in page
    form = {
        "issuer": provider.issuer,
        "client_id": "medvirk-installation",
        "client_secret": "inst-secret",
        "level_choice_request": HIGH,
        "level_volunteer": SUBSTANTIAL,
        "enabled": "on",
    }
    assert client.post("/operator/id-porten/", form).status_code == 302
    row = IdPorten.objects.get(municipality__isnull=True)
    assert row.app.provider_id == "idporten" and secret_of(row.app) == "inst-secret"
    assert idporten.config_for(demo.municipality) == row  # Eksempel has no client of its own
    login(Client(), provider, demo, "sub-inst", acr=HIGH)  # and its citizens log in with it
    # a municipality's administrator may not change the installation's client
    admin = english_client()
    admin.force_login(demo.users["admin"])
    assert admin.get("/operator/id-porten/").status_code == 404
