"""Contact details encrypted at rest: Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``.

The keys live outside the database: ``settings.FEEDBACK_CONTACT_KEYS`` (from the environment
variable ``MEDVIRK_CONTACT_KEYS``, comma-separated, newest first). ``MultiFernet`` encrypts with
the first key and decrypts with any, so a key is rotated by putting a new one first and running
``manage.py rotate_contact_keys`` (re-encrypts every stored value) before the old one is
dropped. A database dump alone reveals no e-mail address or phone number.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("Set MEDVIRK_CONTACT_KEYS (a Fernet key) to store client contact details.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    """Return the cipher for the configured keys (read at call time, never at import)."""
    return _fernet(tuple(getattr(settings, "FEEDBACK_CONTACT_KEYS", ()) or ()))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a key was dropped before rotating, or the value was tampered with
        raise ImproperlyConfigured(
            "A stored contact detail cannot be decrypted with the configured keys."
        ) from exc


def rotate(token: str) -> str:
    """Return ``token`` re-encrypted with the newest key."""
    return fernet().rotate(token.encode()).decode() if token else ""


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
