"""System checks: production needs a key for what is encrypted at rest (``MEDVIRK_CONTACT_KEYS``)."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def encryption_keys(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Refuse a deployment without valid Fernet keys (kept outside the database, ``core.crypto``)."""
    keys = getattr(settings, "ENCRYPTION_KEYS", [])
    if not keys:
        return [
            Error(
                "MEDVIRK_CONTACT_KEYS is not set: contact details and stored secrets cannot be encrypted.",
                hint="Generate one with `manage.py contact_key` and set it in the environment.",
                id="core.E001",
            )
        ]
    errors = []
    for key in keys:
        try:
            Fernet(key.encode())
        except ValueError:
            errors.append(Error("A key in MEDVIRK_CONTACT_KEYS is not a Fernet key.", id="core.E002"))
    return errors
