"""Settings shared by every profile; every deployment-specific value comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MEDVIRK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "medvirk.core",
    "medvirk.orgs",
    "medvirk.accounts",
    "medvirk.surveys",
    "medvirk.population",
    "medvirk.insights",
    "medvirk.participation",
    "medvirk.partners",
    "medvirk.panels",
    "medvirk.feedback",
    "medvirk.choice",
    "medvirk.site",
    "medvirk.api",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django.forms",
    # Staff single sign-on (medvirk.accounts.sso): one OpenID Connect app per municipality.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",  # administrators' second factor (medvirk.accounts.two_factor)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "medvirk.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "medvirk.core.middleware.HyphenationMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "medvirk.accounts.two_factor.TwoFactorSetupMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "medvirk.site.context_processors.navigation",
            ],
        },
    },
]

_DATABASE_ENGINES = {"django.db.backends.postgresql", "django.db.backends.sqlite3"}


def database_from_url(url: str, conn_max_age: int) -> dj_database_url.DBConfig:
    """Return Django's database settings for ``DATABASE_URL``, or refuse it in words.

    An empty value means the SQLite file in ``var/``. The message never repeats the address, which
    may hold a password; dj-database-url's own error ("Scheme '://' is unknown") named no variable.
    """
    if not url.strip():
        url = f"sqlite:///{VAR_DIR / 'medvirk.sqlite3'}"
    try:
        database: dj_database_url.DBConfig | None = dj_database_url.parse(url, conn_max_age=conn_max_age)
    except ValueError:
        database = None
    if database is None or database.get("ENGINE") not in _DATABASE_ENGINES:
        raise ImproperlyConfigured(
            "DATABASE_URL is not the address of a PostgreSQL database: write it as "
            "postgres://user:password@host:5432/name (special characters in the password %-encoded), "
            "or leave it unset for the SQLite file in var/ (the demo and development)."
        )
    return database


DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", ""), conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE avoids the
    # upgrade-deadlock SQLite gives concurrent writers under DEFERRED transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# The statements every public submission runs are prepared on the server, once per connection
# (medvirk.surveys.sql.prepared_cursor); 0 turns it off, e.g. behind a transaction pooler that
# cannot keep prepared statements (PgBouncer before 1.21).
DB_PREPARED_STATEMENTS = os.environ.get("DB_PREPARED", "1") != "0"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
TEST_RUNNER = "config.testrunner.UsePytest"  # manage.py test says to use pytest (bin/test)
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:dashboard"
LOGOUT_REDIRECT_URL = "site:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "medvirk" / "locale"]
FORMAT_MODULE_PATH = ["medvirk.core.formats"]  # English dates as "27 March 2026" (docs/i18n)
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"  # uploads (activity attachments); served only through access-checked views
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("ds", NODE_MODULES / "@digdir" / "designsystemet-css" / "dist"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("fonts/inter", NODE_MODULES / "@fontsource" / "inter"),  # Designsystemet's font (medvirk.core.fonts)
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A staff form refused by the CSRF check gets a page in the visitor's language (Django's is English).
CSRF_FAILURE_VIEW = "medvirk.site.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# A multipart request (a form with a file) larger than this is refused before any of it is read
# (core.uploads.BoundedRequestUploadHandler): above the largest file a page takes (population
# tables, 20 MB) with room for the form around it.
MAX_REQUEST_BYTES = int(os.environ.get("MEDVIRK_MAX_REQUEST_BYTES", str(25 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "medvirk.core.uploads.BoundedRequestUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Uploads (medvirk.core.uploads): a zip container (XLSX, DOCX, ODT) is refused before it is
# opened when its directory lists more entries or inflated bytes than these, or an entry above
# 100 KB inflates more than UPLOAD_MAX_RATIO times; workbooks are parsed in a child process that
# is stopped after UPLOAD_PARSE_SECONDS (keep it below the web server's worker timeout) or when
# it needs UPLOAD_PARSE_MEMORY_BYTES more memory.
UPLOAD_MAX_ENTRIES = int(os.environ.get("UPLOAD_MAX_ENTRIES", "1000"))
UPLOAD_MAX_INFLATED_BYTES = int(os.environ.get("UPLOAD_MAX_INFLATED_BYTES", str(50 * 1024 * 1024)))
UPLOAD_MAX_RATIO = int(os.environ.get("UPLOAD_MAX_RATIO", "100"))
UPLOAD_PARSE_SECONDS = float(os.environ.get("UPLOAD_PARSE_SECONDS", "20"))
UPLOAD_PARSE_MEMORY_BYTES = int(os.environ.get("UPLOAD_PARSE_MEMORY_BYTES", str(512 * 1024 * 1024)))
# Images (attachments, logos) may declare at most this many pixels (a 48-megapixel phone photo).
UPLOAD_MAX_IMAGE_PIXELS = int(os.environ.get("UPLOAD_MAX_IMAGE_PIXELS", "50000000"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "medvirk@localhost")
# The SMTP server (with EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): see the README.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_TIMEOUT = 30
# The address staff reach Medvirk at, for links in e-mails sent without a request (manage.py commands).
MEDVIRK_BASE_URL = os.environ.get("MEDVIRK_BASE_URL", "http://localhost:8000").rstrip("/")
# An invitation or password-reset link works this long (and only once: setting a password ends it).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(7 * 24 * 3600)))

# Staff single sign-on (medvirk.accounts.sso, docs/operations.md "Single sign-on"): django-allauth
# does the OpenID Connect flow (state, PKCE, nonce, ID-token signature); each municipality's
# provider is a SocialApp row its administrator sets up on a page, not here. Medvirk keeps its own
# login page and roles: allauth's own account pages (sign-up, e-mail management) are not mounted.
SOCIALACCOUNT_ADAPTER = "medvirk.accounts.sso.SocialAccountAdapter"
ACCOUNT_ADAPTER = "medvirk.accounts.sso.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = False  # staff of two municipalities may share an address; matching is per municipality
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # a user is found by the municipality's chosen claim only
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False  # Medvirk calls no API of the provider: no token is kept
SOCIALACCOUNT_LOGIN_ON_GET = False  # the login starts with a POST from Medvirk's login page (CSRF)
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = ""  # mounted under accounts/sso/ (medvirk.accounts.urls)
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
# A citizen's ID-porten login (medvirk.accounts.idporten) is kept this long in the browser's session,
# apart from any staff login; then the flow asks for a new login.
MEDVIRK_CITIZEN_SESSION_SECONDS = 30 * 60
# Administrators' second factor (medvirk.accounts.two_factor): TOTP from an authenticator app, with
# recovery codes; a code one step (30 s) early or late is accepted for clocks that drift.
MFA_ADAPTER = "medvirk.accounts.two_factor.MFAAdapter"  # the secrets encrypted at rest (core.crypto)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Administrators of a municipality that keeps local passwords must set up TOTP. Only the local demo
# (config/settings/dev.py) turns this off, so a newcomer can look around as `admin` at once.
MEDVIRK_ADMIN_TOTP_REQUIRED = env_bool("MEDVIRK_ADMIN_TOTP_REQUIRED", True)
MFA_TOTP_ISSUER = "Medvirk"
MFA_TOTP_TOLERANCE = 1

# Login throttling: failed attempts per username and per client within the window.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))

# Background jobs (medvirk.core.jobs): queued in the database, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOB_STALL_MINUTES = int(os.environ.get("JOB_STALL_MINUTES", "30"))  # no progress: the worker died
# warm_results lays out the unit PDFs of the closed rounds ahead (medvirk.insights.pdf.warm), once
# per data version (an open round shows no figures: medvirk.insights.release).
REPORTS_AHEAD = env_bool("REPORTS_AHEAD", True)
# The national benchmark pools every municipality's answers of a question-bank template and round
# (medvirk.insights.benchmark; 16 s at 3 M responses, bench/national). With answers arriving
# somewhere all the time it is pooled again at most every NATIONAL_BENCHMARK_EVERY_MINUTES (and
# only when answers came in); meanwhile pages show the last one, marked "being updated".
NATIONAL_BENCHMARK_EVERY_MINUTES = float(os.environ.get("NATIONAL_BENCHMARK_EVERY_MINUTES", "10"))
# A unit's PDF not laid out yet is laid out in the request when it shows at most this many
# questions' figures; a longer one by the report job, whose page shows progress.
REPORT_PDF_IN_REQUEST_SHOWN = 3

# Encryption at rest (medvirk.core.crypto): Fernet keys for clients' contact details, the single
# sign-on client secrets and the authenticator apps' secrets, newest first, kept outside the
# database (docs/security.md; rotation: docs/operations.md). Production refuses to start without one
# (core.E001 in `manage.py check --deploy`); dev and test use a fixed, public key.
ENCRYPTION_KEYS = [k.strip() for k in os.environ.get("MEDVIRK_CONTACT_KEYS", "").split(",") if k.strip()]

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Anonymity decisions per survey round and data version (medvirk.insights.disclosure), shared
    # by all processes on this host and kept across restarts. Several hosts: point this at a
    # shared backend (e.g. django.core.cache.backends.db.DatabaseCache after createcachetable).
    "disclosure": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "disclosure"),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    # Report PDFs as laid out (medvirk.insights.pdf), keyed by a digest of their HTML: a repeat
    # download only reads. A few versions per report; a unit's PDF is some 100 KB.
    "reports": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "reports"),
        "OPTIONS": {"MAX_ENTRIES": 3000},
    },
}

# Django logs the path of every refused or failed request ("Not Found: /a/r/…/2/") and runserver
# each request line; respondents' and volunteers' paths carry their tokens, so every record passes
# RedactSecretPaths (medvirk/core/logfilters.py), which logs such a path as its route.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secret_paths": {"()": "medvirk.core.logfilters.RedactSecretPaths"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_secret_paths"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # runserver's request lines through the same handler (Django's own has no such filter).
    "loggers": {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
FORM_RENDERER = "medvirk.core.forms.DsFormRenderer"
