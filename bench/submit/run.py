"""bench/submit (issues 4, 21): concurrent 25-answer submissions vs. a one-INSERT floor, same server.

    .venv/bin/python bench/submit/run.py [--requests 1000] [--levels 1,16,64]
        [--worker-classes sync] [--workers N] [--threads 4] [--before PATH]
        [--db postgres://postgres@127.0.0.1:55432/medvirk_bench_submit | --db cluster]
        [--out bench/submit/RESULTS.md]

Makes a database (``--db``: a database of its own on a running server, dropped afterwards, or
``cluster``: a throwaway cluster with durable defaults), starts gunicorn (config/gunicorn.conf.py,
production settings) on 127.0.0.1 with ``manage.py db_worker`` beside it, as in production, and
drives POST /api/v1/public/surveys/<link>/responses and POST /bench/floor/ with 1, 16 and 64
clients. With ``--before PATH`` (a checkout of the code before a change, e.g. ``git worktree add
/tmp/before main``) a second gunicorn serves that checkout from the same database, and each level
runs floor and submit on it, then on this tree: before and after in the same run. After each
submit phase it waits until the worker has stored every received response (the drain time), then
checks that the stored responses equal the acknowledged ones, each with all its answer rows.
Stops everything it started.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
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


def analyze(cluster: harness.PgCluster, args: argparse.Namespace) -> None:
    """Bring the planner's statistics of the tables submissions write up to date, between phases.

    The database starts empty and each phase adds up to thousands of responses within seconds,
    faster than autovacuum (a minute's nap) analyzes them. With statistics from a near-empty
    table PostgreSQL looks up the idempotency key through the single-column index on the survey
    (estimated one row either way) and reads every response of the survey so far: the request's
    database work then grows with each phase (in-process, 0.16 ms per submission at 500 stored
    responses, 1.6 ms at 5,000) and each ratio depends on when autovacuum happened to run. A
    production database's statistics are current; ``--no-analyze`` measures without this.
    """
    if not args.no_analyze:
        cluster.sql("ANALYZE surveys_response, surveys_receivedresponse, surveys_answer")


def bench_class(
    cluster: harness.PgCluster,
    env: dict[str, str],
    setup: dict[str, Any],
    args: argparse.Namespace,
    wc: str,
    trees: list[tuple[str, Path]],
) -> tuple[list[str], list[str], dict[str, dict[str, Any]]]:
    links = setup["link_keys"]
    lines: list[str] = []
    cpu: list[str] = []
    checks: dict[str, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        worker = stack.enter_context(harness.db_worker(env))
        servers = {
            label: stack.enter_context(
                harness.gunicorn(env, workers=args.workers, worker_class=wc, threads=args.threads, root=root)
            )
            for label, root in trees
        }
        runs = {label: uuid.uuid4().hex[:8] for label, _root in trees}
        acked = dict.fromkeys(servers, 0)

        def submit(label: str, phase: int) -> Any:
            # A key of its own per phase: a level given twice (--levels 64,64) stores every
            # response again instead of answering each "duplicate" (200) from the first phase.
            def make(i: int) -> tuple[str, str, dict[str, Any]]:
                key = f"{runs[label]}-{phase}-{i}"
                body = {"idempotency_key": key, "language": "nb", "answers": setup["answers"]}
                return "POST", f"/api/v1/public/surveys/{links[i % len(links)]}/responses", body

            return make

        def floor(_i: int) -> tuple[str, str, None]:
            return "POST", "/bench/floor/", None

        for label, server in servers.items():
            # warm-up: every worker imports, connects and caches the definition
            asyncio.run(harness.drive(server.base, floor, 200, 16))
            warm = asyncio.run(harness.drive(server.base, submit(label, 0), 200, 16))
            acked[label] += warm.statuses.get(201, 0)
            harness.drain(cluster)
            analyze(cluster, args)
        for phase, level in enumerate(args.levels, start=1):
            for label, server in servers.items():
                with harness.cpu_split(server, cluster, worker.pid) as cpu_f:
                    f = asyncio.run(harness.drive(server.base, floor, args.requests, level)).summary()
                with harness.cpu_split(server, cluster, worker.pid) as cpu_s:
                    sres = asyncio.run(harness.drive(server.base, submit(label, phase), args.requests, level))
                    drained = harness.drain(cluster)
                analyze(cluster, args)
                acked[label] += sres.statuses.get(201, 0)
                s = sres.summary()
                ratio = s["rps"] / f["rps"] if f["rps"] else 0.0
                name = f"{wc} · {label} · {level} clients"
                lines.append(_row(f"{name} · floor", f))
                lines.append(_row(f"{name} · **submit** ({ratio:.2f}× floor)", s))
                cpu.append(
                    f"| {name} | {cpu_f.per_request(f['ok'])} | {cpu_s.per_request(s['ok'])} "
                    f"| {drained:.1f} s |"
                )
                print(lines[-2], lines[-1], cpu[-1], sep="\n", flush=True)
                if level == max(args.levels):  # every pair at the top level (--levels 64,64,64)
                    top = checks.setdefault(label, {"ratios": [], "p99s": []})
                    top["ratios"].append(ratio)
                    top["p99s"].append(s["p99"])
    for label, run in runs.items():
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
        checks[label].update(acked=acked[label], stored=stored, wrong_rows=half)
    return lines, cpu, checks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=1000, help="requests per endpoint and level")
    ap.add_argument("--levels", default="1,16,64")
    ap.add_argument("--worker-classes", default="sync")
    ap.add_argument("--workers", type=int, default=harness.config_workers(), help="default: the config's")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument(
        "--no-analyze",
        action="store_true",
        help="leave the statistics of the written tables to autovacuum between phases (see analyze)",
    )
    ap.add_argument("--before", help="a checkout of the code before the change, served beside this one")
    harness.add_database_arg(ap, "medvirk_bench_submit")
    harness.add_results_args(ap, __file__)
    args = ap.parse_args()
    args.levels = [int(x) for x in args.levels.split(",")]
    trees = [("before", Path(args.before).resolve())] if args.before else []
    trees.append(("after" if args.before else "this tree", harness.ROOT))

    out: list[str] = []
    cpu: list[str] = []
    summary: list[str] = []
    load_before = os.getloadavg()
    shared = None if args.db == "cluster" else args.db
    with harness.postgres(shared) as cluster, tempfile.TemporaryDirectory(prefix="medvirk-bench-var.") as var:
        env = harness.server_env(cluster.url, Path(var))
        setup = harness.prepare(env)
        db_settings = cluster.settings()
        print(f"survey {setup['survey_id']}: {setup['answer_count']} answers, {setup['answer_rows']} rows")
        for wc in args.worker_classes.split(","):
            lines, cpu_lines, checks = bench_class(cluster, env, setup, args, wc, trees)
            out += lines
            cpu += cpu_lines
            for label, c in checks.items():
                ok = c["acked"] == c["stored"] and c["wrong_rows"] == 0
                # Over every pair at the top level: one pair's ratio swings with the floor's own
                # throughput from one phase to the next (RESULTS.md), their mean much less.
                ratios, p99s = c["ratios"], c["p99s"]
                ratio = sum(ratios) / len(ratios)
                under = sum(p < 300 for p in p99s)
                target = ratio >= 0.8 and under == len(p99s) and ok
                spread = (
                    f" ({min(ratios):.2f}–{max(ratios):.2f}, {len(ratios)} pairs)" if len(ratios) > 1 else ""
                )
                p99 = (
                    f"{min(p99s):.0f}–{max(p99s):.0f} ms, {under} of {len(p99s)} < 300"
                    if len(p99s) > 1
                    else f"{p99s[0]:.0f} ms"
                )
                summary.append(
                    f"| {wc} · {label} | {c['acked']} | {c['stored']} | {c['wrong_rows']} "
                    f"| {ratio:.2f}×{spread} | {p99} | {'**met**' if target else '**missed**'} |"
                )
                print(summary[-1], flush=True)
    load_after = os.getloadavg()
    threads = f", {args.threads} threads each for gthread" if "gthread" in args.worker_classes else ""
    top = max(args.levels)
    analyzed = "" if args.no_analyze else "the written tables analyzed after each drain, outside the phases; "
    report = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {harness.machine()}.",
        f"gunicorn {args.workers} workers{threads}, config/gunicorn.conf.py, db_worker beside it; "
        f"{args.requests} requests per endpoint and level; {analyzed}"
        f"payload {setup['answer_count']} answers ({setup['answer_rows']} answer rows), template "
        f"kindergarten_parents; PostgreSQL at {cluster.url.rsplit('@', 1)[1]} ({db_settings}); "
        "client, server, worker and database share the machine. Load average (1/5/15 min) before "
        f"{'/'.join(f'{x:.1f}' for x in load_before)}, after {'/'.join(f'{x:.1f}' for x in load_after)}"
        f"{' (indicative: load > 2)' if max(load_before[0], load_after[0]) > 2 else ''}."
        + (f" Before: {args.before}." if args.before else ""),
        "",
        "| server · code · clients · endpoint | ok | req/s | p50 ms | p95 ms | p99 ms | statuses |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        *out,
        "",
        "| server · code | acknowledged (201) | stored | responses with ≠ expected rows | submit/floor at "
        f"{top} (mean of the pairs) | submit p99 at {top} | target (≥ 0.8×, p99 < 300 ms in every pair) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        *summary,
        "",
        "CPU per request by process group, from /proc (client: the load generator; app: gunicorn's "
        "master and workers; worker: db_worker; database: the PostgreSQL backends of the benchmark's "
        "database), and how long after the submit phase the worker still stored received responses:",
        "",
        "| server · code · clients | floor | submit | drain after submit |",
        "| --- | --- | --- | ---: |",
        *cpu,
    ]
    text = "\n".join(report) + "\n"
    harness.write_results(text, args.out, no_write=args.no_write, title="bench/submit")


if __name__ == "__main__":
    main()
