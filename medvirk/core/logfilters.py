"""Log records without respondents' secrets: paths are logged as their URL route where it holds a token.

Django logs the path of every 4xx and 5xx response (``django.request``: "Not Found: /a/r/…/2/",
CSRF refusals through ``django.security.csrf``) and ``runserver`` logs each request line
(``django.server``). A respondent's path carries the link or resume token that opens their
answers (``/a/r/<token>/…``), and a volunteer's carries the token that confirms or withdraws them
(``/v/<slug>/confirm/<token>/``); a token in a log next to a time could tie an invitation's
address to its answers (the gunicorn access log names routes for the same reason,
config/gunicorn.conf.py). :class:`RedactSecretPaths` rewrites every path in a record's arguments:
a path whose URL pattern takes a secret keyword becomes its route
(``/a/r/<str:token>/<int:number>/``); a path no pattern matches keeps only its first segment
(``/a/…``: which segment is a token is unknown there); every other path stays as it is.
"""

from __future__ import annotations

import logging
import re

from django.urls import Resolver404, resolve

#: URL keywords whose value opens something personal: ``link_key`` and any ``…token``
#: (``token`` today; a new module's ``client_token`` is covered without a change here).
SECRET_KWARGS = frozenset({"link_key"})


def is_secret(kwarg: str) -> bool:
    """Return whether a URL keyword's value must not be logged."""
    return kwarg in SECRET_KWARGS or kwarg.endswith("token")


# A path inside a log argument: at its start or after a space or quote (a request line
# '"GET /a/r/abc/1/?lang=nb HTTP/1.1"'), up to a space, quote or query string.
_PATH = re.compile(r"(?:(?<=[\s\"'])|^)/[^\s\"'?#]*")


def redacted_path(path: str) -> str:
    """Return ``path`` as it may be logged (module docstring)."""
    try:
        match = resolve(path)
    except Resolver404:
        first, _, rest = path.lstrip("/").partition("/")
        return f"/{first}/…" if rest else path
    if any(is_secret(name) for name in match.kwargs):
        return "/" + match.route
    return path


class RedactSecretPaths(logging.Filter):
    """Rewrite the paths in a record's string arguments with :func:`redacted_path` (keeps every record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Every handler runs its filters on the same record: rewrite it once (a route itself
        # matches no pattern and would become "/a/…" the second time).
        if getattr(record, "paths_redacted", False):
            return True
        record.paths_redacted = True
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(_redact(arg) for arg in record.args)
        elif not record.args and isinstance(record.msg, str):
            record.msg = _redact(record.msg)
        return True


def _redact(arg: object) -> object:
    if not isinstance(arg, str) or "/" not in arg:
        return arg
    return _PATH.sub(lambda found: redacted_path(found.group()), arg)
