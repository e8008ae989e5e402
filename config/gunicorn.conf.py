"""Gunicorn settings for production: ``gunicorn -c config/gunicorn.conf.py`` (README, bench/).

Command-line options override these (``--workers 3``, ``--bind …``), and so does the
environment variable ``GUNICORN_CMD_ARGS``; ``WEB_CONCURRENCY`` sets the number of workers.

Why each choice (issue 16: with gunicorn's defaults every worker timed out on the first request
on a busy two-core machine, because each worker imported the whole site on that request):
- ``preload_app``: the master imports Django, every view and the translation catalogues once
  (``config.wsgi`` warms them up) before forking, so workers start warm and share that memory.
- ``timeout`` 60 s: a sync worker handles one request at a time and is killed when silent this
  long; the longest direct request (a large CSV export) stays well below it, anything larger
  runs as a background job.
- ``worker_tmp_dir`` in memory (``/dev/shm``): the heartbeat file is touched often, and on a
  disk-backed directory a busy disk can stall it and get healthy workers killed.
- Logs go to the console (systemd's journal or the container's log): the access log to stdout,
  errors to stderr. The access log names the route, never the address: paths carry respondents'
  link tokens, and a token with a time next to the order of stored responses could tie an
  invitation's address to its answers; client addresses, user agents, referrers and query
  strings are left out for the same reason (README: no IP address or user agent is kept).
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger


def _cores() -> int:
    """Return the CPUs this process may run on (respects taskset and cpusets)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
bind = os.environ.get("MEDVIRK_BIND", "127.0.0.1:8000")  # behind a TLS-terminating proxy
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)  # gunicorn's rule of thumb
worker_class = "sync"
preload_app = True
timeout = 60
graceful_timeout = 30  # on restart or stop, requests in flight get this long to finish
keepalive = 5  # idle keep-alive connections from the proxy
# gunicorn creates its heartbeat file there with mkstemp (private), so a shared directory is safe.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


class RouteLogger(Logger):
    """Access log that writes the URL route (``a/r/<str:token>/<int:number>/``), not the path."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        route = route_of(environ.get("PATH_INFO", ""))
        atoms.update(U=route, r=f"{environ.get('REQUEST_METHOD')} {route} {environ.get('SERVER_PROTOCOL')}")
        atoms.update(h="-", q="-", f="-", a="-")  # address, query string, referrer, user agent
        # Request and response headers (%({name}i)s) could carry the same; keep none of them.
        return {key: value for key, value in atoms.items() if not key.startswith("{")}


def route_of(path: str) -> str:
    """Return the Django route a path matches, or "-" (a static file's path is kept as it is)."""
    from django.conf import settings
    from django.urls import Resolver404, resolve

    if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
        return path
    try:
        return "/" + resolve(path).route
    except Resolver404:
        return "-"


logger_class = RouteLogger
