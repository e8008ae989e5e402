"""In-process CPU profile of one 25-answer submission vs. the one-INSERT floor (issue 4).

    .venv/bin/python bench/submit/profile_inprocess.py [--db postgres|sqlite] [-n 500] [--top 30]
        [--no-profile]

Prepares the same database as bench/submit/run.py (migrate, seed_demo, setup_survey.py) in a
throwaway PostgreSQL cluster on loopback (default) or a temporary SQLite file, then, in this
process with ``config.settings.production`` (the same environment as the gunicorn server),
calls the WSGI application directly (the real middleware stack, no HTTP, no client) ``n`` times
per endpoint, interleaved: ``POST /api/v1/public/surveys/<link>/responses`` with a fresh
idempotency key and ``POST /bench/floor/``. Prints CPU ms per request (``time.process_time``:
this process only, the driver included), on PostgreSQL also the backend's CPU per request (from
``/proc``, same machine), the statements of one request (BEGIN/COMMIT when in a transaction) and
a cProfile top list (CPU clock) of the submission. SQLite opens a connection per request
(``CONN_MAX_AGE=0``), so its figures are higher and less like production. Stops everything it started.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness


@contextlib.contextmanager
def database(kind: str, shared: str | None = None) -> Iterator[str]:
    if kind == "postgres":
        with harness.postgres(shared) as cluster:
            yield cluster.url
    else:
        with tempfile.TemporaryDirectory(prefix="medvirk-profile.") as tmp:
            yield f"sqlite:///{tmp}/medvirk.sqlite3"


def _environ(path: str, body: bytes) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": harness.HOST,
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": harness.HOST,
        "HTTP_HOST": harness.HOST,
        "HTTP_USER_AGENT": "python-httpx/0.28",
        "HTTP_ACCEPT": "*/*",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate",
        "HTTP_CONNECTION": "keep-alive",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def _call(app: Callable, path: str, body: bytes) -> int:
    status: list[str] = []

    def start_response(s: str, _headers: list, _exc: Any = None) -> Callable:
        status.append(s)
        return lambda _data: None

    result = app(_environ(path, body), start_response)
    try:
        b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close:
            close()  # request_finished: what the WSGI server does after each response
    return int(status[0].split()[0])


def run(
    setup: dict[str, Any], n: int, top: int, profile: bool, stats_path: str | None = None
) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    app = get_wsgi_application()
    links = setup["link_keys"]
    run_id = uuid.uuid4().hex[:8]

    def submit(i: int, tag: str) -> int:
        body = {"idempotency_key": f"{run_id}-{tag}-{i}", "language": "nb", "answers": setup["answers"]}
        link = links[i % len(links)]
        return _call(app, f"/api/v1/public/surveys/{link}/responses", json.dumps(body).encode())

    def floor(_i: int, _tag: str) -> int:
        return _call(app, "/bench/floor/", b"")

    def queries(fn: Callable[[int, str], int], tag: str) -> list[str]:
        """Return the statements of one request; a transaction shows as BEGIN … COMMIT."""
        seen: list[str] = []
        open_tx = [False]

        def wrapper(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
            if connection.in_atomic_block and not open_tx[0]:
                open_tx[0] = True
                if not sql.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE shows itself
                    seen.append("BEGIN")
            seen.append(sql if len(sql) < 160 else sql[:157] + "...")
            return execute(sql, params, many, context)

        commit = connection.commit

        def counted_commit() -> None:
            seen.append("COMMIT")
            open_tx[0] = False
            commit()

        connection.commit = counted_commit  # type: ignore[method-assign]
        try:
            with connection.execute_wrapper(wrapper):
                fn(0, tag)
        finally:
            del connection.commit
        return seen

    for fn, tag in ((floor, "warm-f"), (submit, "warm-s")):  # imports, connection, caches
        for i in range(20):
            fn(i, tag)
    # Interleaved, so that load from other processes on the machine hits both alike.
    times: dict[str, list[float]] = {"floor": [], "submit": []}
    statuses: dict[str, dict[int, int]] = {"floor": {}, "submit": {}}
    for i in range(n):
        for name, fn in (("floor", floor), ("submit", submit)):
            t0 = time.process_time()
            code = fn(i, name)
            times[name].append((time.process_time() - t0) * 1000)
            statuses[name][code] = statuses[name].get(code, 0) + 1
    out: dict[str, Any] = {}
    for name, fn in (("floor", floor), ("submit", submit)):
        ms = sorted(times[name])
        out[name] = {
            "mean": statistics.fmean(ms),
            "median": statistics.median(ms),
            "p90": ms[int(0.9 * len(ms))],
            "statuses": statuses[name],
            "queries": queries(fn, f"{name}-q"),
        }
    if connection.vendor == "postgresql":  # the server process's CPU (same machine: /proc)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = Path(f"/proc/{cursor.fetchone()[0]}/stat")

        def server_ticks() -> int:
            fields = backend.read_text().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])  # utime + stime

        for name, fn in (("floor", floor), ("submit", submit)):
            t0 = server_ticks()
            for i in range(n):
                fn(i, f"{name}-server")
            out[name]["server"] = (server_ticks() - t0) * 1000 / os.sysconf("SC_CLK_TCK") / n
    if profile:
        prof = cProfile.Profile(time.process_time)  # CPU, not waiting for the server
        prof.enable()
        for i in range(n):
            submit(i, "prof")
        prof.disable()
        if stats_path:
            prof.dump_stats(stats_path)  # for pstats' callers/callees
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
        out["profile"] = buf.getvalue()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("-n", type=int, default=500, help="requests per endpoint")
    parser.add_argument(
        "--server",
        default="postgres://postgres@127.0.0.1:55432/medvirk_bench_profile",
        help="PostgreSQL: a database made afresh on that server; 'cluster': a throwaway cluster",
    )
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--stats", help="also write the submission's cProfile statistics to this file")
    args = parser.parse_args()
    with (
        database(args.db, None if args.server == "cluster" else args.server) as url,
        tempfile.TemporaryDirectory(prefix="medvirk-var.") as var,
    ):
        env = harness.server_env(url, Path(var))
        setup = harness.prepare(env)
        os.environ.update(env)  # the server's environment: production settings, bench floor on
        sys.path.insert(0, str(harness.ROOT))
        result = run(setup, args.n, args.top, not args.no_profile, args.stats)
    import medvirk

    print(f"code: {Path(medvirk.__file__).parent}; database: {args.db}; {args.n} requests per endpoint")
    print("CPU ms per request (time.process_time of this process; the database server not included)")
    for name in ("floor", "submit"):
        r = result[name]
        print(
            f"{name:7s} mean {r['mean']:.2f}  median {r['median']:.2f}  p90 {r['p90']:.2f}  "
            f"statuses {r['statuses']}  round trips {len(r['queries'])}"
            + (f"  PostgreSQL backend CPU {r['server']:.2f}" if "server" in r else "")
        )
    ratio = result["submit"]["median"] / result["floor"]["median"]
    print(f"submit/floor CPU (median): {ratio:.2f}×")
    print("\nStatements of one submission (BEGIN/COMMIT: a transaction, each a round trip):")
    for q in result["submit"]["queries"]:
        print("  ", q)
    if "profile" in result:
        print(result["profile"])


if __name__ == "__main__":
    main()
