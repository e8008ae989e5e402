"""The online request to choose or switch provider, when the municipality asks for ID-porten.

Logs in through a real OpenID Connect provider on loopback (tests/oidc_support.py): the form is
offered only to an identified person at the level set for the flow, and the stored request keeps
the level and a keyed digest of ID-porten's pseudonymous subject, never the subject itself.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from medvirk.accounts.idporten import subject_digest
from medvirk.choice.models import OnlineRequest
from medvirk.choice.services import VerifiedIdentity
from medvirk.insights.choice.public_text import EN, NB
from tests.choice_support import NAMES, home_care
from tests.oidc_support import Provider, configure_idporten

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh() -> Any:
    cache.clear()  # the request rate limit counts in the cache


def _form(demo: Any) -> dict[str, Any]:
    _service, providers = home_care(demo)
    return {
        "lang": "en",
        "kind": "choice",
        "provider": providers[NAMES[0]].pk,
        "client_name": "Kari",
        "phone": "912 34 567",
    }


def test_an_identified_request_keeps_the_level_and_a_digest_only(demo: Any, provider: Provider) -> None:
    configure_idporten(demo.municipality, provider, level_choice_request="idporten-loa-high")
    service, _providers = home_care(demo)
    url = f"/valg/{demo.municipality.slug}/{service.pk}/request/?lang=nb"
    client = Client()
    page = client.get(url).content.decode()
    assert NB["id_needed"] in page and 'name="client_name"' not in page
    refused = client.post(url, _form(demo))
    assert refused.status_code == 401 and not OnlineRequest.objects.exists()
    login = page.split('class="ds-button" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    back = provider.callback(str(client.get(login)["Location"]), "pairwise-77", acr="idporten-loa-high")
    assert client.get(back)["Location"] == url
    page = client.get(url).content.decode()
    assert NB["id_logged_in"] in page and 'name="client_name"' in page
    assert client.post(url, _form(demo)).status_code == 302
    stored = OnlineRequest.objects.get()
    assert (stored.identity_provider, stored.identity_level) == ("idporten", "high")
    assert stored.identity_digest == VerifiedIdentity("idporten", "high", "pairwise-77").digest()
    # The same digest as a volunteer's linked ID-porten login: one person's records link up.
    assert stored.identity_digest == subject_digest("pairwise-77")
    assert "pairwise-77" not in stored.identity_digest


def test_without_a_level_the_request_is_anonymous_as_before(demo: Any, provider: Provider) -> None:
    configure_idporten(demo.municipality, provider, level_choice_request="")
    service, _providers = home_care(demo)
    url = f"/valg/{demo.municipality.slug}/{service.pk}/request/"
    assert EN["id_needed"] not in Client().get(url + "?lang=en").content.decode()
    assert Client().post(url, _form(demo)).status_code == 302
    assert OnlineRequest.objects.get().identity_provider == ""
