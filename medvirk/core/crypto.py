"""Secrets and contact details encrypted at rest: Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``.

What is encrypted: clients' contact details (``medvirk.feedback``, with ``EncryptedTextField``),
the client secret of each municipality's single sign-on (django-allauth's ``SocialApp.secret``,
``medvirk.accounts.sso``) and the secrets of staff's authenticator apps and recovery codes
(django-allauth's ``mfa.Authenticator``, ``medvirk.accounts.two_factor.MFAAdapter``).

The keys live outside the database: ``settings.ENCRYPTION_KEYS`` (from the environment variable
``MEDVIRK_CONTACT_KEYS``, comma-separated, newest first). ``MultiFernet`` encrypts with the first
key and decrypts with any, so a key is rotated by putting a new one first and running
``manage.py rotate_keys`` (re-encrypts every stored value with the newest key, ``rotate_all``)
before the old one is dropped. A database dump alone reveals no e-mail address, phone number or
secret.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction


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


# --- key rotation ---------------------------------------------------------------------------------

#: Encrypted values kept outside ``EncryptedTextField`` (in other libraries' tables): each entry
#: re-encrypts its values with the newest key and returns how many it changed. Apps register in
#: their ``AppConfig.ready`` (``register_rotation``), so this low layer imports none of them.
_ROTATIONS: dict[str, Callable[[], int]] = {}


def register_rotation(name: str, rotate_values: Callable[[], int]) -> None:
    _ROTATIONS[name] = rotate_values


def _rotate_field(model: type[models.Model], field: EncryptedTextField) -> int:
    # ``values_list`` decrypts through ``from_db_value`` and ``update`` encrypts through
    # ``get_prep_value``, which always uses the newest key.
    count = 0
    for pk, value in model._default_manager.values_list("pk", field.attname).iterator():
        if value:
            model._default_manager.filter(pk=pk).update(**{field.attname: value})
            count += 1
    return count


def rotate_all() -> dict[str, int]:
    """Re-encrypt every stored encrypted value with the newest key, in one transaction."""
    done: dict[str, int] = {}
    with transaction.atomic():
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, EncryptedTextField):
                    done[f"{model._meta.label_lower}.{field.name}"] = _rotate_field(model, field)
        for name, rotate_values in sorted(_ROTATIONS.items()):
            done[name] = rotate_values()
    return done
