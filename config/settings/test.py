"""Test profile: fast hashing, in-memory mail, database from DATABASE_URL (SQLite by default)."""

from .base import *  # noqa: F403

SECRET_KEY = "test-key-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
# Jobs run synchronously inside the request, so tests see their result at once.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# No shared decision cache: rolled-back tests reuse survey ids (see insights/tests/test_disclosure.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# warm_results does not lay out PDFs ahead (seconds of WeasyPrint per test; tested on its own).
REPORTS_AHEAD = False
# The national benchmark is pooled again at every new answer (the interval is tested on its own:
# insights/tests/test_benchmark.py).
NATIONAL_BENCHMARK_EVERY_MINUTES = 0
# Unit PDFs of the tests' small rounds are laid out in the request (the job's path is tested
# on its own: insights/tests/test_report_pdf_cache.py).
REPORT_PDF_IN_REQUEST_SHOWN = 1000

# A public key for dev and tests only: contact details in a dev database are not protected.
ENCRYPTION_KEYS = ENCRYPTION_KEYS or ["bWVkdmlyay1kZXYtYW5kLXRlc3Qtb25seS1rZXktMDE="]  # noqa: F405
