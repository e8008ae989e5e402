"""Production settings are safe: `manage.py check --deploy` is clean when production variables are set."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from tests.commands import manage

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_variables(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # set by browser tests
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "medvirk.example.no",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDVIRK_CONTACT_KEYS": "a2V5LWZvci10aGUtZGVwbG95LWNoZWNrLXRlc3QtMDE=",
    }
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_missing_secret_key(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": ""}
    result = manage("check", env=env, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_security_headers_on_every_page(client, db) -> None:  # the login page lists single sign-ons
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
