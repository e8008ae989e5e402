"""Local development: DEBUG on, a throwaway secret, SQLite under var/ unless DATABASE_URL is set."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405 — the SQLite file lives here

# A public key for dev and tests only: contact details in a dev database are not protected.
ENCRYPTION_KEYS = ENCRYPTION_KEYS or ["bWVkdmlyay1kZXYtYW5kLXRlc3Qtb25seS1rZXktMDE="]  # noqa: F405

# The demo's `admin` is not led to set up an authenticator app first (production keeps the rule:
# base.MEDVIRK_ADMIN_TOTP_REQUIRED); an administrator can still set one up, and is then asked for it.
MEDVIRK_ADMIN_TOTP_REQUIRED = env_bool("MEDVIRK_ADMIN_TOTP_REQUIRED", False)
