"""Key rotation for the secrets kept in django-allauth's tables (``manage.py rotate_keys`` calls
these through ``medvirk.core.crypto.register_rotation``)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialApp

from medvirk.core import crypto
from medvirk.core.actors import SystemActor, ensure_system

from .two_factor import transform_authenticator_data


def sso_secrets_rotate(*, actor: SystemActor) -> int:
    """Re-encrypt every stored single sign-on client secret with the newest key."""
    ensure_system(actor, "Rotating the encryption keys")
    count = 0
    for app in SocialApp.objects.exclude(secret=""):
        app.secret = crypto.rotate(app.secret)
        app.save(update_fields=["secret"])
        count += 1
    return count


def authenticator_secrets_rotate(*, actor: SystemActor) -> int:
    """Re-encrypt every authenticator's secrets (TOTP key, recovery seed) with the newest key."""
    ensure_system(actor, "Rotating the encryption keys")
    count = 0
    for authenticator in Authenticator.objects.all():
        authenticator.data = transform_authenticator_data(authenticator.data, crypto.rotate)
        authenticator.save(update_fields=["data"])
        count += 1
    return count
