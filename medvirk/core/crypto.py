"""Secrets and contact details encrypted at rest: Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``.

What is encrypted: clients' contact details (``medvirk.feedback``, with ``EncryptedTextField``),
the client secret of each municipality's single sign-on (django-allauth's ``SocialApp.secret``,
``medvirk.accounts.sso``) and the secrets of staff's authenticator apps and recovery codes
(django-allauth's ``mfa.Authenticator``, ``medvirk.accounts.two_factor.MFAAdapter``).

The keys live outside the database: ``settings.ENCRYPTION_KEYS`` (from the environment variable
``MEDVIRK_CONTACT_KEYS``, comma-separated, newest first). ``MultiFernet`` encrypts with the first
key and decrypts with any, so a key is rotated by putting a new one first and running
``manage.py rotate_keys`` (re-encrypts every stored value with the newest key, ``crypto_services``)
before the old one is dropped. A database dump alone reveals no e-mail address, phone number or
secret.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "Set MEDVIRK_CONTACT_KEYS (a Fernet key) to store encrypted data (contact details, secrets)."
        )
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    """Return the cipher for the configured keys (read at call time, never at import)."""
    return _fernet(tuple(getattr(settings, "ENCRYPTION_KEYS", ()) or ()))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a key was dropped before rotating, or the value was tampered with
        raise ImproperlyConfigured(
            "A stored encrypted value cannot be decrypted with the keys in MEDVIRK_CONTACT_KEYS."
        ) from exc


def rotate(token: str) -> str:
    """Return ``token`` re-encrypted with the newest key."""
    return fernet().rotate(token.encode()).decode() if token else ""


def token_hash(token: str) -> str:
    """Return the stored form of a secret that opens something: an API key, a link's or a code's token.

    SHA-256 in hex, with no key: the token is long and random, so its hash reveals nothing and
    a lookup by it is one index probe. The token itself is never stored.
    """
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_digest(text: str, *, scope: str) -> str:
    """Return HMAC-SHA256 of ``scope:text`` keyed with ``SECRET_KEY``, in hex.

    What is kept or counted instead of a value that names someone (a client's address, the
    identifier a login provider vouches for), and what a token derived without storing it is cut
    from. Keyed because such values are few enough to hash them all; ``scope`` keeps one use's
    digests from matching another's. Rows store these digests: the form must stay as it is.
    """
    return hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{text}".encode(), hashlib.sha256).hexdigest()


def new_key() -> str:
    """Return a fresh key for ``MEDVIRK_CONTACT_KEYS``."""
    return Fernet.generate_key().decode()


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; Python sees the plain text.

    Cannot be searched or filtered on (each encryption differs), which is the point: contact
    details are read for one episode at a time, only to send that client's link.
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        return decrypt(value) if value else ""

    def to_python(self, value: Any) -> str:
        return "" if value is None else str(value)

    def get_prep_value(self, value: Any) -> str:
        return encrypt(str(value)) if value else ""


# --- key rotation (the writes: ``crypto_services.keys_rotate``) ------------------------------------

#: Encrypted values kept outside ``EncryptedTextField`` (in other libraries' tables): each entry is
#: a service that re-encrypts its values with the newest key, as ``actor``, and returns how many it
#: changed. Apps register in their ``AppConfig.ready`` (``register_rotation``), so this low layer
#: imports none of them.
ROTATIONS: dict[str, Callable[..., int]] = {}


def register_rotation(name: str, rotate_values: Callable[..., int]) -> None:
    ROTATIONS[name] = rotate_values


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every ``EncryptedTextField`` of every installed model."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
