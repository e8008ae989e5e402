"""Logged paths carry no respondent's or volunteer's token (medvirk/core/logfilters.py)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from medvirk.core.logfilters import RedactSecretPaths, is_secret, redacted_path

SECRET = "S3cretResumeToken"


@pytest.fixture
def console_log() -> Iterator[io.StringIO]:
    """What the configured console handler would write, captured through its own filters."""
    root = logging.getLogger()
    console = next(h for h in root.handlers if any(isinstance(f, RedactSecretPaths) for f in h.filters))
    stream = io.StringIO()
    capture = logging.StreamHandler(stream)
    capture.filters = list(console.filters)
    root.addHandler(capture)
    try:
        yield stream
    finally:
        root.removeHandler(capture)


@pytest.mark.django_db
def test_not_found_on_a_respondent_page_logs_the_route_not_the_token(
    client: Client, console_log: io.StringIO
) -> None:
    response = client.get(f"/a/r/{SECRET}/2/")
    assert response.status_code == 404
    logged = console_log.getvalue()
    assert "Not Found: /a/r/<str:token>/<int:number>/" in logged
    assert SECRET not in logged


@pytest.mark.django_db
def test_not_found_on_an_invitation_and_an_unmatched_respondent_path_hide_the_token(
    client: Client, console_log: io.StringIO
) -> None:
    client.get(f"/a/i/{SECRET}/")
    client.get(f"/a/r/{SECRET}/not-a-page/")
    logged = console_log.getvalue()
    assert "Not Found: /a/i/<str:token>/" in logged
    assert "Not Found: /a/…" in logged
    assert SECRET not in logged


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/a/r/{SECRET}/done/", "/a/r/<str:token>/done/"),
        (f"/a/{SECRET}/start/", "/a/<str:link_key>/start/"),
        (f"/v/provestad/confirm/{SECRET}/", "/v/<slug:slug>/confirm/<str:token>/"),
        (f"/v/provestad/withdraw/{SECRET}/", "/v/<slug:slug>/withdraw/<str:token>/"),
        (f"/a/r/{SECRET}", "/a/…"),  # no pattern matches: only the first segment is kept
        (f"/api/v1/public/surveys/{SECRET}/responses", "/api/v1/public/surveys/<link_key>/responses"),
        ("/a/code/", "/a/code/"),  # nothing secret: as it is
        ("/surveys/12/", "/surveys/12/"),
        ("/wp-login.php", "/wp-login.php"),
    ],
)
def test_redacted_path(path: str, logged: str) -> None:
    assert redacted_path(path) == logged


def test_every_secret_url_keyword_of_the_site_is_recognised() -> None:
    """URL keywords that look like secrets are redacted; a new one fails here until it is decided."""
    names: set[str] = set()
    pending = list(get_resolver().url_patterns)
    while pending:
        entry = pending.pop()
        if isinstance(entry, URLResolver):
            pending.extend(entry.url_patterns)
        names.update(entry.pattern.regex.groupindex)
    assert {"token", "link_key"} <= names
    looks_secret = {n for n in names if any(part in n for part in ("token", "secret", "link", "code"))}
    # Row ids on staff pages, not what they open: a staff member's API token, a client's link
    # (revoked by its practitioner; the client's link itself is /k/<str:token>/).
    not_secret = {"token_id", "link_id"}
    assert {n for n in looks_secret - not_secret if not is_secret(n)} == set()


def test_a_request_line_is_redacted_and_other_arguments_are_kept() -> None:
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /a/i/{SECRET}/?lang=nb HTTP/1.1", 404, 12),
        None,
    )
    assert RedactSecretPaths().filter(record)
    assert record.getMessage() == '"GET /a/i/<str:token>/?lang=nb HTTP/1.1" 404 12'
