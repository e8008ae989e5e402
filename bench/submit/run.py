"""bench/submit (issue 4): concurrent 25-answer submissions vs. a one-INSERT floor, same server.

    .venv/bin/python bench/submit/run.py [--requests 1000] [--levels 1,16,64]
        [--worker-classes sync,gthread] [--workers N] [--threads 4] [--out bench/submit/RESULTS.md]

Starts a throwaway PostgreSQL cluster and gunicorn (config/gunicorn.conf.py, production settings)
on 127.0.0.1, drives POST /api/v1/public/surveys/<link>/responses and POST /bench/floor/ with 1, 16
and 64 clients, then checks that the stored responses equal the acknowledged ones. Stops everything
it started.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness


def _row(name: str, s: dict[str, Any]) -> str:
    return (
        f"| {name} | {s['ok']} | {s['rps']:.0f} | {s['p50']:.1f} | {s['p95']:.1f} | {s['p99']:.1f} "
        f"| {s['statuses']} {'errors=' + str(s['errors']) if s['errors'] else ''} |"
    )


def bench_class(
    cluster: harness.PgCluster, env: dict[str, str], setup: dict[str, Any], args: argparse.Namespace, wc: str
) -> tuple[list[str], dict[str, Any]]:
    links = setup["link_keys"]
    run = uuid.uuid4().hex[:8]
    lines: list[str] = []
    acked = 0
    checks: dict[str, Any] = {}
    with harness.gunicorn(env, workers=args.workers, worker_class=wc, threads=args.threads) as server:

        def submit(level: int) -> Any:
            def make(i: int) -> tuple[str, str, dict[str, Any]]:
                key = f"{run}-{level}-{i}"
                body = {"idempotency_key": key, "language": "nb", "answers": setup["answers"]}
                return "POST", f"/api/v1/public/surveys/{links[i % len(links)]}/responses", body

            return make

        def floor(_i: int) -> tuple[str, str, None]:
            return "POST", "/bench/floor/", None

        # warm-up: every worker imports, connects and (after the fix) caches the definition
        asyncio.run(harness.drive(server.base, floor, 200, 16))
        warm = asyncio.run(harness.drive(server.base, submit(0), 200, 16))
        acked += warm.statuses.get(201, 0)
        ratio_64 = p99_64 = None
        for level in args.levels:
            f = asyncio.run(harness.drive(server.base, floor, args.requests, level)).summary()
            sres = asyncio.run(harness.drive(server.base, submit(level), args.requests, level))
            acked += sres.statuses.get(201, 0)
            s = sres.summary()
            ratio = s["rps"] / f["rps"] if f["rps"] else 0.0
            lines.append(_row(f"{wc} · {level} clients · floor", f))
            lines.append(_row(f"{wc} · {level} clients · **submit** ({ratio:.2f}× floor)", s))
            print(lines[-2], lines[-1], sep="\n", flush=True)
            if level == max(args.levels):
                ratio_64, p99_64 = ratio, s["p99"]
    (stored,) = cluster.sql(
        "SELECT count(*) FROM surveys_response WHERE survey_id = %s AND idempotency_key LIKE %s",
        setup["survey_id"],
        f"{run}-%",
    )[0]
    half = cluster.sql(
        "SELECT count(*) FROM (SELECT r.id FROM surveys_response r LEFT JOIN surveys_answer a "
        "ON a.response_id = r.id WHERE r.survey_id = %s AND r.idempotency_key LIKE %s "
        "GROUP BY r.id HAVING count(a.id) <> %s) x",
        setup["survey_id"],
        f"{run}-%",
        setup["answer_rows"],
    )[0][0]
    checks = {"acked": acked, "stored": stored, "wrong_rows": half, "ratio": ratio_64, "p99": p99_64}
    return lines, checks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=1000, help="requests per endpoint and level")
    ap.add_argument("--levels", default="1,16,64")
    ap.add_argument("--worker-classes", default="sync,gthread")
    ap.add_argument("--workers", type=int, default=harness.config_workers(), help="default: the config's")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    args.levels = [int(x) for x in args.levels.split(",")]

    out: list[str] = []
    summary: list[str] = []
    with harness.postgres() as cluster, tempfile.TemporaryDirectory(prefix="medvirk-bench-var.") as var:
        env = harness.server_env(cluster.url, Path(var))
        setup = harness.prepare(env)
        print(f"survey {setup['survey_id']}: {setup['answer_count']} answers, {setup['answer_rows']} rows")
        for wc in args.worker_classes.split(","):
            lines, c = bench_class(cluster, env, setup, args, wc)
            out += lines
            ok = c["acked"] == c["stored"] and c["wrong_rows"] == 0
            target = (c["ratio"] or 0) >= 0.5 and (c["p99"] or 1e9) < 300 and ok
            summary.append(
                f"| {wc} | {c['acked']} | {c['stored']} | {c['wrong_rows']} | {c['ratio']:.2f}× "
                f"| {c['p99']:.0f} ms | {'**met**' if target else '**missed**'} |"
            )
            print(summary[-1], flush=True)
    threads = f", {args.threads} threads each for gthread" if "gthread" in args.worker_classes else ""
    report = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {harness.machine()}.",
        f"gunicorn {args.workers} workers{threads}, config/gunicorn.conf.py; {args.requests} requests "
        "per endpoint and level; "
        f"payload {setup['answer_count']} answers ({setup['answer_rows']} answer rows), template "
        "kindergarten_parents; PostgreSQL with fsync and synchronous_commit on; client, server and "
        "database share the machine.",
        "",
        "| server · clients · endpoint | ok | req/s | p50 ms | p95 ms | p99 ms | statuses |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        *out,
        "",
        "| worker class | acknowledged (201) | stored | responses with ≠ expected rows | submit/floor at "
        f"{max(args.levels)} | submit p99 at {max(args.levels)} | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        *summary,
    ]
    text = "\n".join(report) + "\n"
    print(text)
    if not args.no_write:
        path = Path(args.out)
        head = path.read_text().split("<!-- results -->")[0] if path.exists() else "# bench/submit\n\n"
        path.write_text(head.rstrip() + "\n\n<!-- results -->\n" + text)


if __name__ == "__main__":
    main()
