"""Encrypt the secrets stored in clear before: each single sign-on's client secret
(``socialaccount_socialapp.secret``) and each authenticator's TOTP key and recovery-code seed
(``mfa_authenticator.data``), with the installation's Fernet keys (``MEDVIRK_CONTACT_KEYS``,
``medvirk.core.crypto``).

Reversible: migrating back to 0005 decrypts them again (it needs the same keys). Without any key
configured, the migration stops with a message saying so, and stores nothing, only when there is
something to encrypt.
"""

from django.db import migrations

from medvirk.accounts.two_factor import transform_authenticator_data  # the values allauth encrypts
from medvirk.core import crypto


def _apply(apps, change):
    SocialApp = apps.get_model("socialaccount", "SocialApp")
    Authenticator = apps.get_model("mfa", "Authenticator")
    for app in SocialApp.objects.exclude(secret=""):
        app.secret = change(app.secret)
        app.save(update_fields=["secret"])
    for authenticator in Authenticator.objects.all():
        authenticator.data = transform_authenticator_data(authenticator.data or {}, change)
        authenticator.save(update_fields=["data"])


def encrypt(apps, schema_editor):
    _apply(apps, crypto.encrypt)


def decrypt(apps, schema_editor):
    _apply(apps, crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_single_sign_on_reference"),
        ("socialaccount", "0006_alter_socialaccount_extra_data"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
