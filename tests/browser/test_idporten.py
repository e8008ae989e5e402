"""A citizen logs in with ID-porten in a real browser to send a request to choose a provider.

ID-porten is a real OpenID Connect provider on loopback (tests/oidc_support.py, ``acr`` in its ID
tokens); Chromium goes to its login form and back. Few and fast: a login at too low a level is
refused with a page naming the level, a login at the right level opens the form, and logout ends
the ID-porten session and comes back. axe on every Medvirk page. The other cases (missing acr,
tampered state, expired session) run without a browser in medvirk/accounts/tests/test_idporten.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import assert_accessible
from tests.oidc_support import Provider, configure_idporten, loopback_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(page: Any) -> Iterator[Provider]:
    from medvirk.orgs.models import Municipality

    with loopback_provider() as running:
        configure_idporten(
            Municipality.objects.get(slug="eksempel"), running, level_choice_request="idporten-loa-high"
        )
        yield running


def _request_url(page: Any) -> str:
    from medvirk.accounts.demo import load_demo
    from medvirk.choice.models import ChoiceService
    from tests.choice_support import home_care

    demo = load_demo()
    if not ChoiceService.objects.filter(municipality=demo.municipality).exists():
        from medvirk.choice.demo import build_choice_base

        build_choice_base(demo)
        demo = load_demo()
    service, _providers = home_care(demo)
    return f"{page.base_url}/valg/eksempel/{service.pk}/request/?lang=nb"


def at_id_porten(page: Any, provider: Provider, url: str, sub: str, acr: str) -> None:
    provider.set_claims(sub, acr=acr)
    page.goto(url)
    assert_accessible(page)
    page.click('a:has-text("Logg inn med ID-porten")')
    page.wait_for_url(provider.issuer + "/**")
    page.fill('input[name="sub"]', sub)
    page.click('button:has-text("Authorize")')


def test_a_citizen_logs_in_at_the_level_needed_and_out_again(page: Any, provider: Provider) -> None:
    url = _request_url(page)
    at_id_porten(page, provider, url, "pairwise-low", "idporten-loa-substantial")
    page.wait_for_url("**/id-porten/callback/**")
    assert page.locator("h1").inner_text() == "Du må logge inn på et høyere nivå"
    assert "Høyt: BankID, Buypass eller Commfides" in page.locator("main").inner_text()
    assert_accessible(page)

    page.click('a:has-text("Logg inn på nytt med ID-porten")')
    page.wait_for_url(provider.issuer + "/**")
    provider.set_claims("pairwise-high", acr="idporten-loa-high")
    page.fill('input[name="sub"]', "pairwise-high")
    page.click('button:has-text("Authorize")')
    page.wait_for_url("**/request/?lang=nb")
    assert "Du er logget inn med ID-porten." in page.locator("main").inner_text()
    assert page.locator('input[name="client_name"]').count() == 1
    assert_accessible(page)

    page.click('button:has-text("Logg ut")')
    page.wait_for_url(provider.issuer + "/oauth2/end_session*")
    page.click('button:has-text("End session")')
    page.wait_for_url("**/id-porten/logged-out/**")
    assert page.locator("h1").inner_text() == "Du er logget ut"
    assert_accessible(page)
    page.click('a:has-text("Tilbake til siden du kom fra")')
    assert page.locator('a:has-text("Logg inn med ID-porten")').count() == 1  # the form needs a new login
