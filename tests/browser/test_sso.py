"""Logging in through a municipality's single sign-on in a real browser, and an administrator's second factor.

The provider is a real OpenID Connect provider on loopback (tests/oidc_support.py); Chromium goes
to its login form and back, as staff go to Microsoft Entra ID. Few and fast: success and logout,
an unknown person, a tampered state and an expired session, the TOTP set-up; the other cases
run without a browser in medvirk/accounts/tests/test_sso.py and test_two_factor.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, read, totp_code
from tests.oidc_support import Provider, configure, loopback_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(page: Any) -> Iterator[Provider]:
    from medvirk.orgs.models import Municipality

    with loopback_provider() as running:
        configure(Municipality.objects.get(slug="eksempel"), running)
        yield running


def at_provider(page: Any, provider: Provider, sub: str, **claims: Any) -> None:
    """Press "Logg inn med Eksempel kommune" and arrive at the provider's login form."""
    provider.set_claims(sub, **claims)
    page.goto(page.base_url + "/accounts/login/")
    assert_accessible(page)
    page.click('button:has-text("Logg inn med Eksempel kommune")')
    page.wait_for_url(provider.issuer + "/**")
    page.fill('input[name="sub"]', sub)


def test_staff_member_logs_in_with_single_sign_on_and_out(page: Any, provider: Provider) -> None:
    at_provider(page, provider, "entra-analyst", email="analytiker@eksempel.example")
    page.click('button:has-text("Authorize")')
    page.wait_for_url("**/overview/")
    assert_accessible(page)
    page.click('button:has-text("Logg ut")')
    page.goto(page.base_url + "/overview/")
    assert "/accounts/login/" in page.url


def test_unknown_person_is_asked_to_contact_an_administrator(page: Any, provider: Provider) -> None:
    at_provider(page, provider, "stranger", email="ukjent@eksempel.example")
    page.click('button:has-text("Authorize")')
    page.wait_for_url(re.compile(r".*/accounts/sso/eksempel/login/callback/.*"))
    assert page.locator("h1").inner_text() == "Be administratoren din om tilgang"
    assert_accessible(page)


def test_tampered_state_and_expired_session_are_refused(page: Any, provider: Provider) -> None:
    at_provider(page, provider, "entra-admin", email="admin@eksempel.example")
    page.context.clear_cookies()  # the session ended while the person was at the provider
    page.click('button:has-text("Authorize")')
    page.wait_for_url(re.compile(r".*/login/callback/.*"))
    assert page.locator("h1").inner_text() == "Innloggingen lyktes ikke"
    assert_accessible(page)
    at_provider(page, provider, "entra-admin", email="admin@eksempel.example")

    def forge(route: Any) -> None:  # change the state on its way back from the provider
        answer = route.fetch(max_redirects=0)
        location = re.sub(r"state=[^&]+", "state=forged", answer.headers["location"])
        route.fulfill(status=302, headers={"Location": location})

    page.route(provider.issuer + "/oauth2/authorize*", forge)
    page.click('button:has-text("Authorize")')
    page.wait_for_url(re.compile(r".*/login/callback/.*"))
    assert page.locator("h1").inner_text() == "Innloggingen lyktes ikke"
    page.goto(page.base_url + "/overview/")
    assert "/accounts/login/" in page.url


def test_administrator_sets_up_an_authenticator_app(page: Any) -> None:
    from medvirk.accounts.demo import DEMO_PASSWORD

    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit] >> nth=-1")
    page.wait_for_url("**/accounts/two-factor/")
    assert page.locator("svg title").count() == 1  # the QR code, named for screen readers
    assert_accessible(page)
    page.fill("#id_code", totp_code(page.inner_text("ol kbd").replace(" ", "")))
    page.click("button[type=submit] >> nth=-1")
    assert read(page.locator("h2")) == "Gjenopprettingskodene dine"
    assert page.locator(".ds-list samp").count() >= 8
    assert_accessible(page)
