"""Production settings are safe: `manage.py check --deploy` is clean when production variables are set."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from config.settings.base import VAR_DIR, database_from_url
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


@pytest.mark.parametrize(
    "url",
    ["medvirk", "postgres//medvirk", "mysql://medvirk:hemmelig@db/medvirk", "postgres://m:hemmelig@db:x/m"],
)
def test_a_wrong_database_url_is_refused_in_words(url: str) -> None:
    """Not dj-database-url's "Scheme '://' is unknown": the variable, the form and no password."""
    with pytest.raises(
        ImproperlyConfigured, match=r"DATABASE_URL .* postgres://user:password@host"
    ) as refused:
        database_from_url(url, conn_max_age=0)
    assert "hemmelig" not in str(refused.value)


def test_an_empty_database_url_is_the_sqlite_file() -> None:
    assert database_from_url(" ", conn_max_age=0)["NAME"] == str(VAR_DIR / "medvirk.sqlite3")
    assert database_from_url("postgres://m@db/m", conn_max_age=0)["ENGINE"] == "django.db.backends.postgresql"


def test_manage_py_test_points_to_pytest(capsys: pytest.CaptureFixture[str]) -> None:
    """Django's runner found none of the pytest tests and said "Ran 0 tests … OK"."""
    with pytest.raises(SystemExit) as exited:
        call_command("test")
    assert exited.value.code == 1
    assert "run with pytest" in capsys.readouterr().err


def test_security_headers_on_every_page(client, db) -> None:  # the login page lists single sign-ons
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
