"""A real OpenID Connect provider on loopback (``oidc-provider-mock``, built on authlib) for login tests.

The provider signs real ID tokens (RS256, with the claims set for a subject, ``acr`` included),
checks the client's redirect and code, and serves discovery and JWKS documents: Medvirk's
single sign-on (django-allauth) talks to it exactly as to Microsoft Entra ID or ID-porten.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from django.test import Client
from oidc_provider_mock import run_server_in_thread

from medvirk.accounts.models import MatchClaim, SingleSignOn
from medvirk.orgs.models import Municipality

CLIENT_ID = "medvirk-test"
CLIENT_SECRET = "not-a-real-secret"


@dataclass
class Provider:
    issuer: str

    def set_claims(self, sub: str, **claims: Any) -> None:
        """Make the provider log ``sub`` in with these claims (they go into the ID token too)."""
        requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10).raise_for_status()

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Log ``sub`` in at the provider (its login form) and return where it sends the browser back."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        return str(response.headers["Location"])

    def callback(self, authorize_url: str, sub: str, **claims: Any) -> str:
        """Log ``sub`` in with these claims at ``authorize_url`` (where Medvirk sent the browser);
        return the path of Medvirk's callback that the provider sends the browser back to."""
        self.set_claims(sub, **claims)
        return path_of(self.authorize(authorize_url, sub))


@contextmanager
def loopback_provider() -> Iterator[Provider]:
    """Run the provider on a free loopback port for the duration of the block."""
    with run_server_in_thread(port=0) as server:
        yield Provider(issuer=f"http://127.0.0.1:{server.server_port}")


def configure(
    municipality: Municipality, provider: Provider, *, create_users: bool = False, **options: Any
) -> SingleSignOn:
    """Set up the municipality's single sign-on against ``provider`` (as its administrator's page does)."""
    from allauth.socialaccount.models import SocialApp

    from medvirk.accounts.sso import store_secret

    app = SocialApp(
        provider="openid_connect",
        provider_id=municipality.slug,
        name=municipality.name,
        client_id=CLIENT_ID,
        settings={"server_url": provider.issuer},
    )
    store_secret(app, CLIENT_SECRET)  # encrypted at rest, as the administrator's page stores it
    app.save()
    return SingleSignOn.objects.create(
        municipality=municipality,
        app=app,
        match_claim=options.pop("match_claim", MatchClaim.EMAIL),
        create_users=create_users,
        **options,
    )


def path_of(url: str) -> str:
    """The path and query of an absolute URL (the test client takes paths)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def with_another_state(callback: str) -> str:
    """The callback path with another ``state`` (its first character changed, so never the same)."""
    parts = urlsplit(callback)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    state = query["state"]
    query["state"] = ("y" if state[0] == "x" else "x") + state[1:]
    return f"{parts.path}?{urlencode(query)}"


def english_client() -> Client:
    """A browser that is not logged in and asks for pages in English."""
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def configure_idporten(municipality: Municipality | None, provider: Provider, **levels: Any) -> Any:
    """Set up ID-porten for a municipality's citizens (or the installation's) against ``provider``."""
    from allauth.socialaccount.models import SocialApp

    from medvirk.accounts.idporten import provider_id_for
    from medvirk.accounts.models import IdPorten
    from medvirk.accounts.sso import store_secret

    app = SocialApp(
        provider="openid_connect",
        provider_id=provider_id_for(municipality),
        name="ID-porten",
        client_id=CLIENT_ID,
        settings={"server_url": provider.issuer},
    )
    store_secret(app, CLIENT_SECRET)
    app.save()
    return IdPorten.objects.create(municipality=municipality, app=app, **levels)
