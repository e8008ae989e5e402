"""bench/load (issue 9): respondents submitting while staff read pages, then a crash test.

    .venv/bin/python bench/load/run.py [--respondents 32] [--staff 4] [--steady 40] [--crash 60]
        [--kills 3] [--workers N] [--out bench/load/RESULTS.md]

Everything runs on 127.0.0.1: a throwaway PostgreSQL cluster, gunicorn with the shipped
``config/gunicorn.conf.py`` and the production settings, and an asyncio client. Two phases, each
bounded in time:

1. steady: N respondents POST whole 25-answer responses to the public API while M staff open the
   org tree page (session), GET /api/v1/units (API token) and, when /results/ answers, the
   survey's results page and the results API. Per-endpoint throughput and p50/p95/p99.
2. crash: the same load while gunicorn's master and every worker get SIGKILL ``--kills`` times
   and gunicorn is restarted. A respondent retries every request that got no acknowledgement with
   the SAME idempotency key until it is acknowledged (201 stored or 200 duplicate).

Afterwards: every acknowledged key is stored exactly once, nothing is stored that was never
acknowledged, every stored response has exactly the expected number of answer rows, and
pg_amcheck (heap + B-tree, heapallindexed, parent check) finds no corruption.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "submit"))

import harness


async def timed(request: Awaitable[httpx.Response]) -> tuple[httpx.Response | None, int | str, float]:
    """Await ``request``; return its response (None if it failed), its status (else the error's
    name) and the seconds it took."""
    t0 = time.perf_counter()
    try:
        resp = await request
    except httpx.HTTPError as exc:
        return None, type(exc).__name__, time.perf_counter() - t0
    return resp, resp.status_code, time.perf_counter() - t0


class Stats:
    def __init__(self) -> None:
        self.lat: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[int | str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, name: str, status: int | str, seconds: float | None) -> None:
        self.status[name][status] += 1
        if seconds is not None:
            self.lat[name].append(seconds)

    def table(self, elapsed: float) -> list[str]:
        rows = []
        for name in sorted(self.status):
            lat = sorted(self.lat[name])
            n = len(lat)

            def pct(p: float, lat: list[float] = lat, n: int = n) -> str:
                return f"{lat[min(n - 1, int(p / 100 * n))] * 1000:.0f}" if n else "–"

            statuses = ", ".join(f"{k}: {v}" for k, v in sorted(self.status[name].items(), key=str))
            rows.append(
                f"| {name} | {n} | {n / elapsed:.1f} | {pct(50)} | {pct(95)} | {pct(99)} | {statuses} |"
            )
        return rows


class Load:
    def __init__(
        self,
        server: harness.Gunicorn,
        worker: harness.DbWorker,
        setup: dict[str, Any],
        args: argparse.Namespace,
    ) -> None:
        self.server = server
        self.worker = worker
        self.setup = setup
        self.args = args
        self.run = uuid.uuid4().hex[:8]
        self.seq = 0
        self.acked: dict[str, int] = {}  # key -> acknowledged status (201 or 200)
        self.retries = 0
        self.unacked_given_up: list[str] = []
        self.results_pages = False

    def next_key(self) -> str:
        self.seq += 1
        return f"{self.run}-{self.seq}"

    async def respondent(self, client: httpx.AsyncClient, stats: Stats, until: float, idx: int) -> None:
        links = self.setup["link_keys"]
        while time.monotonic() < until:
            key = self.next_key()
            body = {"idempotency_key": key, "language": "nb", "answers": self.setup["answers"]}
            url = f"/api/v1/public/surveys/{links[idx % len(links)]}/responses"
            give_up = time.monotonic() + self.args.retry_for
            attempt = 0
            while True:
                resp, status, took = await timed(client.post(url, json=body))
                if status in (200, 201):
                    stats.add("POST submit", status, took if attempt == 0 else None)
                    self.acked[key] = status  # type: ignore[assignment]
                    break
                stats.add("POST submit", status, None)
                if resp is not None and 400 <= resp.status_code < 500:
                    raise RuntimeError(f"submission rejected with {status}: {resp.text[:300]}")
                if time.monotonic() > give_up:
                    self.unacked_given_up.append(key)
                    break
                attempt += 1
                self.retries += 1
                await asyncio.sleep(min(0.1 * attempt, 1.0))  # same key, same body: idempotent

    async def staff(self, client: httpx.AsyncClient, stats: Stats, until: float, idx: int) -> None:
        cookie = {"Cookie": f"sessionid={self.setup['session']}"}
        bearer = {"Authorization": f"Bearer {self.setup['token']}"}
        sid = self.setup["survey_id"]
        pages: list[tuple[str, str, dict[str, str]]] = [
            ("GET /org/ (tree page)", "/org/", cookie),
            ("GET /api/v1/units", "/api/v1/units", bearer),
        ]
        if self.results_pages:
            pages += [
                ("GET /results/<id>/ (page)", f"/results/{sid}/", cookie),
                ("GET /api/v1/results/surveys/<id>", f"/api/v1/results/surveys/{sid}", bearer),
            ]
        i = idx
        while time.monotonic() < until:
            name, url, headers = pages[i % len(pages)]
            i += 1
            resp, status, took = await timed(client.get(url, headers=headers))
            if resp is None:
                await asyncio.sleep(0.2)
            stats.add(name, status, took if status == 200 else None)

    async def phase(self, seconds: float, kills: int = 0) -> tuple[Stats, float, list[str]]:
        stats = Stats()
        n = self.args.respondents + self.args.staff
        limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
        events: list[str] = []
        async with httpx.AsyncClient(base_url=self.server.base, limits=limits, timeout=15) as client:
            t0 = time.monotonic()
            until = t0 + seconds
            tasks = [self.respondent(client, stats, until, i) for i in range(self.args.respondents)]
            tasks += [self.staff(client, stats, until, i) for i in range(self.args.staff)]

            async def crasher() -> None:
                loop = asyncio.get_running_loop()
                for k in range(kills):
                    await asyncio.sleep(max(0.0, t0 + (k + 1) * seconds / (kills + 1) - time.monotonic()))
                    at = time.monotonic() - t0
                    killed = await loop.run_in_executor(None, self.server.kill)
                    self.worker.kill()  # the job worker too, maybe mid-batch of received responses
                    await asyncio.sleep(1.0)
                    t_restart = time.monotonic()
                    self.worker.start()
                    await loop.run_in_executor(None, self.server.start)
                    events.append(
                        f"t={at:.1f}s SIGKILL {killed} processes (master + workers) and db_worker; "
                        f"restarted and answering after {1.0 + time.monotonic() - t_restart:.1f}s"
                    )
                    print(events[-1], flush=True)

            if kills:
                tasks.append(crasher())
            await asyncio.gather(*tasks)
            elapsed = time.monotonic() - t0
        return stats, elapsed, events


def check(cluster: harness.PgCluster, load: Load, setup: dict[str, Any]) -> list[str]:
    rows = cluster.sql(
        "SELECT r.idempotency_key, count(DISTINCT r.id), count(a.id) FROM surveys_response r "
        "LEFT JOIN surveys_answer a ON a.response_id = r.id "
        "WHERE r.survey_id = %s AND r.idempotency_key LIKE %s GROUP BY r.idempotency_key",
        setup["survey_id"],
        f"{load.run}-%",
    )
    stored = {key: (n, answers) for key, n, answers in rows}
    acked = set(load.acked)
    missing = acked - set(stored)
    twice = [k for k, (n, _a) in stored.items() if n != 1]
    never_acked = set(stored) - acked
    half = [k for k, (n, a) in stored.items() if a != n * setup["answer_rows"]]
    dup_acks = sum(1 for s in load.acked.values() if s == 200)
    ok_amcheck, amcheck_out = cluster.amcheck()
    lines = [
        f"| acknowledged submissions (201 stored + 200 duplicate) | {len(acked)} |",
        f"| of which 200 duplicate (a retry of a request stored before the crash) | {dup_acks} |",
        f"| retries with the same idempotency key | {load.retries} |",
        f"| requests given up without acknowledgement | {len(load.unacked_given_up)} |",
        f"| stored responses (this run) | {len(stored)} |",
        f"| acknowledged but not stored | **{len(missing)}** |",
        f"| stored more than once | **{len(twice)}** |",
        f"| stored but never acknowledged | {len(never_acked)} |",
        f"| stored with ≠ {setup['answer_rows']} answer rows (half-stored) | **{len(half)}** |",
        f"| pg_amcheck --heapallindexed --parent-check | **{'pass' if ok_amcheck else 'FAIL'}** |",
    ]
    verdict = not missing and not twice and not half and ok_amcheck and not load.unacked_given_up
    lines.append(f"| verdict | **{'PASS' if verdict else 'FAIL'}** |")
    if not ok_amcheck:
        lines.append(f"\n```\n{amcheck_out[:2000]}\n```")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--respondents", type=int, default=32)
    ap.add_argument("--staff", type=int, default=4)
    ap.add_argument("--steady", type=float, default=40, help="seconds of load without crashes")
    ap.add_argument("--crash", type=float, default=60, help="seconds of load with --kills crashes")
    ap.add_argument("--kills", type=int, default=3)
    ap.add_argument("--retry-for", type=float, default=90, help="seconds a respondent keeps retrying")
    ap.add_argument("--workers", type=int, default=harness.config_workers(), help="default: the config's")
    harness.add_database_arg(ap, "medvirk_bench_load")
    harness.add_results_args(ap, __file__)
    args = ap.parse_args()
    load_before = os.getloadavg()[0]

    with (
        harness.postgres(None if args.db == "cluster" else args.db) as cluster,
        tempfile.TemporaryDirectory(prefix="medvirk-bench-var.") as var,
    ):
        env = harness.server_env(cluster.url, Path(var))
        setup = harness.prepare(env)
        db_settings = cluster.settings()
        server = harness.Gunicorn(env=env, workers=args.workers)
        worker = harness.DbWorker(env)
        try:
            worker.start()
            server.start()
            load = Load(server, worker, setup, args)
            load.results_pages = (
                httpx.get(
                    f"{server.base}/results/", headers={"Cookie": f"sessionid={setup['session']}"}, timeout=30
                ).status_code
                == 200
            )
            steady, steady_s, _ = asyncio.run(load.phase(args.steady))
            crash, crash_s, events = asyncio.run(load.phase(args.crash, kills=args.kills))
            drained = harness.drain(cluster)  # acknowledged responses the worker still stores
        finally:
            server.stop()
            worker.stop()
        checks = check(cluster, load, setup)

    head = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {harness.machine()}.",
        f"gunicorn sync, {args.workers} workers, config/gunicorn.conf.py, production settings, "
        f"db_worker beside it (storing received responses; the last {drained:.1f} s after the load); "
        f"PostgreSQL at {cluster.url.rsplit('@', 1)[1]} ({db_settings}); {args.respondents} "
        f"respondents (25-answer kindergarten survey, {setup['answer_rows']} answer rows each) and "
        f"{args.staff} staff readers, all on one machine; load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after{' (indicative: load > 2)' if load_before > 2 else ''}.",
        "",
        f"### Steady load ({steady_s:.0f} s, no crashes)",
        "",
        "| endpoint | ok | req/s | p50 ms | p95 ms | p99 ms | statuses |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        *steady.table(steady_s),
        "",
        f"### Crash test ({crash_s:.0f} s, {args.kills} × SIGKILL of master and workers)",
        "",
        *[f"- {e}" for e in events],
        "",
        "| endpoint | ok | req/s | p50 ms | p95 ms | p99 ms | statuses / errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        *crash.table(crash_s),
        "",
        "(latencies of first attempts that succeeded; retried submissions count in statuses)",
        "",
        "| check after both phases | result |",
        "| --- | ---: |",
        *checks,
    ]
    text = "\n".join(head) + "\n"
    harness.write_results(text, args.out, no_write=args.no_write, title="bench/load")
    if "FAIL" in text:
        sys.exit(1)


if __name__ == "__main__":
    main()
