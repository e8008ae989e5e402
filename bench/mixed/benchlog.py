"""Gunicorn access log of bench/mixed: the shipped route logger plus the bench's request id.

The shipped logger (``config/gunicorn.conf.py``) keeps no header, query string or address, so
two requests to one route (the results page of the municipality and of a kindergarten) cannot be
told apart in its log. The benchmark sends each request's id in ``X-Bench-Id`` and logs it with
the status and the time the request spent inside the worker (``%(L)s``, seconds), so the client's
time splits into the wait for a free worker (queue) and the work. Only the benchmark uses this.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

_CONF = runpy.run_path(str(Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"))

#: id, status, seconds inside the worker, route (one request per line)
FORMAT = "%(B)s %(s)s %(L)s %(U)s"


class BenchLogger(_CONF["RouteLogger"]):  # type: ignore[misc]
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["B"] = environ.get("HTTP_X_BENCH_ID", "-")
        return atoms


def read(path: Path) -> dict[str, tuple[str, float]]:
    """Return request id → (status, seconds inside the worker) from an access log in ``FORMAT``."""
    out: dict[str, tuple[str, float]] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] != "-":
            try:
                out[parts[0]] = (parts[1], float(parts[2]))
            except ValueError:
                continue
    return out
