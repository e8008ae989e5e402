"""Secrets in django-allauth's tables are encrypted at rest (``medvirk.core.crypto``): the single
sign-on client secret and the authenticator apps' secrets; key rotation; the data migration."""

from __future__ import annotations

import importlib
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.socialaccount.models import SocialApp
from django.apps import apps
from django.core.cache import cache

from medvirk.accounts import two_factor
from medvirk.accounts.demo import DemoData
from medvirk.accounts.sso import SocialAccountAdapter, secret_of, store_secret
from medvirk.core import crypto
from medvirk.core.actors import SystemActor
from medvirk.core.crypto_services import keys_rotate

migration = importlib.import_module("medvirk.accounts.migrations.0006_encrypt_stored_secrets")


def _code(secret: str) -> str:
    import time

    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))


def _app(secret: str) -> SocialApp:
    app = SocialApp(provider="openid_connect", provider_id="eksempel", name="Eksempel", client_id="medvirk")
    store_secret(app, secret)
    app.save()
    return app


def test_allauth_loads_the_client_secret_decrypted_for_a_login(db: Any, rf: Any) -> None:
    app = _app("s3cret")
    assert SocialApp.objects.get(pk=app.pk).secret != "s3cret"
    loaded = SocialAccountAdapter().get_app(rf.get("/"), provider="eksempel")
    assert loaded.secret == "s3cret"


def test_rotate_keys_re_encrypts_the_stored_secrets(demo: DemoData, settings: Any) -> None:
    cache.clear()
    app = _app("s3cret")
    user = demo.users["admin"]
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).generate_codes()
    before = SocialApp.objects.get(pk=app.pk).secret
    old_key, new_key = settings.ENCRYPTION_KEYS[0], crypto.new_key()
    settings.ENCRYPTION_KEYS = [new_key, old_key]
    done = keys_rotate(actor=SystemActor("test"))
    assert done["socialaccount.socialapp.secret"] >= 1 and done["mfa.authenticator.data"] == 2
    settings.ENCRYPTION_KEYS = [new_key]  # the old key dropped: every secret still reads
    app.refresh_from_db()
    assert app.secret != before and secret_of(app) == "s3cret"
    assert two_factor.code_valid(user, _code(secret))
    assert two_factor.code_valid(user, codes[0])


def test_migration_encrypts_what_was_stored_in_clear_and_back(demo: DemoData) -> None:
    secret = generate_totp_secret()
    app = SocialApp.objects.create(provider="openid_connect", provider_id="x", name="X", secret="clear")
    authenticator = Authenticator.objects.create(
        user=demo.users["admin"], type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    migration.encrypt(apps, None)
    app.refresh_from_db()
    authenticator.refresh_from_db()
    assert app.secret.startswith("gAAAAA") and crypto.decrypt(app.secret) == "clear"
    assert authenticator.data["secret"] != secret and TOTP(authenticator).validate_code(_code(secret))
    migration.decrypt(apps, None)  # migrating back to 0005 stores them in clear again
    app.refresh_from_db()
    authenticator.refresh_from_db()
    assert (app.secret, authenticator.data["secret"]) == ("clear", secret)
