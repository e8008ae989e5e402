"""The shipped gunicorn config (config/gunicorn.conf.py): valid settings, workers from the cores,
an access log without addresses or respondents' tokens, and a server that boots with it."""

from __future__ import annotations

import datetime as dt
import os
import runpy
import secrets
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from gunicorn.config import Config
from gunicorn.glogging import SafeAtoms

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "config" / "gunicorn.conf.py"


def load_config() -> tuple[Config, dict[str, Any]]:
    """Read the file as gunicorn does: run it, then ``cfg.set`` (which validates) each setting."""
    namespace = runpy.run_path(str(CONF))
    cfg = Config()
    for name, value in namespace.items():
        if name in cfg.settings:
            cfg.set(name, value)
    return cfg, namespace


def test_settings_are_valid_and_as_documented() -> None:
    cfg, _ = load_config()
    assert cfg.preload_app is True
    assert cfg.timeout == 60
    assert cfg.graceful_timeout == 30
    assert cfg.wsgi_app == "config.wsgi:application"
    assert cfg.worker_tmp_dir == "/dev/shm"  # noqa: S108 (gunicorn's mkstemp heartbeat file)
    assert cfg.accesslog == "-"
    assert cfg.errorlog == "-"


def test_workers_follow_the_cores_unless_web_concurrency_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2})
    assert load_config()[0].workers == 7
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert load_config()[0].workers == 3


class _Response:
    status = "200 OK"
    sent = 1234
    headers = [("Content-Type", "text/html"), ("Set-Cookie", "sessionid=abc")]


class _Request:
    headers = [("COOKIE", "sessionid=abc"), ("X-FORWARDED-FOR", "203.0.113.9")]


def access_line(path: str, access_log_format: str | None = None, query: str = "") -> str:
    cfg, namespace = load_config()
    if access_log_format:
        cfg.set("access_log_format", access_log_format)
    logger = namespace["RouteLogger"](cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}" if query else path,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "198.51.100.7",
        "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
        "HTTP_REFERER": "https://example.no/poster",
    }
    atoms = logger.atoms(_Response(), _Request(), environ, dt.timedelta(milliseconds=12))
    return cfg.access_log_format % SafeAtoms(atoms)


@pytest.mark.django_db
def test_access_log_names_the_route_not_the_token() -> None:
    line = access_line("/a/i/kZ3secretInvitationToken/")
    assert '"GET /a/i/<str:token>/" 200 1234 12ms' in line
    assert "kZ3secret" not in line


@pytest.mark.django_db
def test_access_log_keeps_no_address_agent_referrer_query_or_header() -> None:
    everything = '%(h)s %(u)s "%(r)s" %(q)s "%(f)s" "%(a)s" %({cookie}i)s %({x-forwarded-for}i)s '
    everything += "%({set-cookie}o)s"
    line = access_line("/a/r/resumeToken123/2/", everything, query="resume=abc")
    assert line == '- - "GET /a/r/<str:token>/<int:number>/ HTTP/1.1" - "-" "-" - - -'


@pytest.mark.django_db
def test_access_log_of_unknown_and_static_paths() -> None:
    assert '"GET -"' in access_line("/no/such/page/with-secret/")
    assert '"GET /static/medvirk/app.css"' in access_line("/static/medvirk/app.css")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_boots_with_the_config_and_serves(tmp_path: Path) -> None:
    """The README's production command, with one worker on a free port and an empty database."""
    port = _free_port()
    env = {
        **{
            k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "GUNICORN_CMD_ARGS"}
        },
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDVIRK_VAR_DIR": str(tmp_path / "var"),
    }
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    args = [str(gunicorn), "-c", str(CONF), "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    with (tmp_path / "out").open("wb") as out, (tmp_path / "err").open("wb") as err:
        server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True)
        try:
            deadline = time.monotonic() + 120  # preloading on a busy machine
            status = None
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    status = httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=10).status_code
                    break
                except httpx.TransportError:
                    time.sleep(0.3)
        finally:
            server.terminate()
            server.wait(timeout=60)
    errors = (tmp_path / "err").read_text()
    assert status == 200, errors
    assert '"GET /accounts/login/" 200' in (tmp_path / "out").read_text()
    assert "Booting worker" in errors
    assert "WORKER TIMEOUT" not in errors
