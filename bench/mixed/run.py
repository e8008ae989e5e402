"""bench/mixed (issue 21): staff browsing results while respondents answer, idle vs mixed.

    .venv/bin/python bench/mixed/run.py [--staff 8] [--respondents 32] [--seconds 60]
        [--db postgres://postgres@127.0.0.1:55432/medvirk_bench_mixed] [--out bench/mixed/RESULTS.md]

The production set-up on one machine: gunicorn with the shipped ``config/gunicorn.conf.py`` and
the production settings, the job worker (``db_worker``) and ``warm_results --watch`` beside it,
PostgreSQL (the database named in ``--db`` is dropped and made again from the demo). The two
rounds browsed are decided and their equity reports made before the first phase, as the worker
does after seeding (``warm_results`` watches only them). Two phases of ``--seconds`` each (keep
them ≤ 3 minutes on a shared machine):

1. idle: ``--staff`` sessions of the municipality's analyst open, in turn, the open round's
   results page (whole municipality), a kindergarten's results page, a crosstab of a rating
   question, the whole municipality's equity report (a closed round: the report is only made
   for closed rounds) and the kindergarten's report (PDF);
2. mixed: the same, while ``--respondents`` clients POST whole responses to the same open round
   through its poster links, so the round's decisions go out of date again and again.

Per page: requests, p50/p95 idle and mixed, the ratio of the p95s (target ≤ 2), requests over
5 s (target none), and the statuses (302: sent to a job's progress page). Timeouts 30 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "submit"))

import harness

SLOW = 5.0


class Stats:
    def __init__(self) -> None:
        self.lat: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[int | str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, name: str, status: int | str, seconds: float) -> None:
        self.status[name][status] += 1
        self.lat[name].append(seconds)

    def pct(self, name: str, p: float) -> float | None:
        lat = sorted(self.lat[name])
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] if lat else None

    def slow(self, name: str) -> int:
        return sum(1 for s in self.lat[name] if s > SLOW)


def _recreate(db_url: str) -> None:
    import psycopg

    base, name = db_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([harness.PYTHON, "manage.py", *args], cwd=harness.ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


@contextlib.contextmanager
def _background(env: dict[str, str], rounds: list[str]) -> Any:
    """The job worker and warm_results --watch, as in production; stopped afterwards."""
    procs = [
        subprocess.Popen(
            [harness.PYTHON, "manage.py", *args],
            cwd=harness.ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        for args in (["db_worker"], ["warm_results", "--watch", "5", *rounds])
    ]
    try:
        yield procs
    finally:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, 15)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, 9)
                p.wait()


class Mixed:
    def __init__(self, base: str, setup: dict[str, Any], args: argparse.Namespace) -> None:
        self.base, self.setup, self.args = base, setup, args
        self.run = uuid.uuid4().hex[:8]
        self.seq = 0
        self.submitted = 0
        s = setup
        self.pages = [
            ("results, whole municipality", f"/results/{s['survey_id']}/?unit={s['root']}"),
            ("results, one kindergarten", f"/results/{s['survey_id']}/?unit={s['unit']}"),
            ("crosstab", f"/results/{s['survey_id']}/crosstab/?unit={s['root']}&question={s['question']}"),
            ("equity report, whole municipality",
             f"/population/equity/units/{s['root']}/?survey={s['closed_id']}"),
            ("kindergarten report (PDF)", f"/results/{s['survey_id']}/report.pdf?unit={s['unit']}"),
        ]  # fmt: skip

    async def staff(self, client: httpx.AsyncClient, stats: Stats, until: float, idx: int) -> None:
        cookie = {"Cookie": f"sessionid={self.setup['sessions'][idx % len(self.setup['sessions'])]}"}
        i = idx
        while time.monotonic() < until:
            name, url = self.pages[i % len(self.pages)]
            i += 1
            t0 = time.perf_counter()
            try:
                resp = await client.get(url, headers=cookie, follow_redirects=False)
                status: int | str = resp.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            stats.add(name, status, time.perf_counter() - t0)

    async def respondent(self, client: httpx.AsyncClient, stats: Stats, until: float, idx: int) -> None:
        links = self.setup["link_keys"]
        while time.monotonic() < until:
            self.seq += 1
            body = {
                "idempotency_key": f"{self.run}-{self.seq}",
                "language": "nb",
                "answers": self.setup["answers"],
            }
            url = f"/api/v1/public/surveys/{links[idx % len(links)]}/responses"
            t0 = time.perf_counter()
            try:
                status: int | str = (await client.post(url, json=body)).status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            stats.add("POST a response", status, time.perf_counter() - t0)
            if status == 201:
                self.submitted += 1
            elif isinstance(status, int) and 400 <= status < 500:
                raise RuntimeError(f"a response was refused with {status}")

    async def phase(self, seconds: float, respondents: int) -> tuple[Stats, float, tuple[float, ...]]:
        stats = Stats()
        n = respondents + self.args.staff
        limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
        async with httpx.AsyncClient(base_url=self.base, limits=limits, timeout=30) as client:
            t0 = time.monotonic()
            until = t0 + seconds
            tasks = [self.staff(client, stats, until, i) for i in range(self.args.staff)]
            tasks += [self.respondent(client, stats, until, i) for i in range(respondents)]
            await asyncio.gather(*tasks)
            return stats, time.monotonic() - t0, os.getloadavg()


def _ms(value: float | None) -> str:
    return f"{value * 1000:,.0f}" if value is not None else "–"


def table(idle: Stats, mixed: Stats, names: list[str]) -> list[str]:
    rows = [
        "| page | idle: n | idle p50 ms | idle p95 ms | mixed: n | mixed p50 ms | mixed p95 ms "
        "| p95 mixed/idle | over 5 s (idle / mixed) | statuses (idle / mixed) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name in names:
        i95, m95 = idle.pct(name, 95), mixed.pct(name, 95)
        ratio = f"{m95 / i95:.2f}" if i95 and m95 else "–"
        statuses = " / ".join(
            ", ".join(f"{k}: {v}" for k, v in sorted(phase.status[name].items(), key=str))
            for phase in (idle, mixed)
        )
        rows.append(
            f"| {name} | {len(idle.lat[name])} | {_ms(idle.pct(name, 50))} | {_ms(i95)} "
            f"| {len(mixed.lat[name])} | {_ms(mixed.pct(name, 50))} | {_ms(m95)} | {ratio} "
            f"| {idle.slow(name)} / {mixed.slow(name)} | {statuses} |"
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--staff", type=int, default=8)
    ap.add_argument("--respondents", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=60, help="length of each phase")
    ap.add_argument("--db", default="postgres://postgres@127.0.0.1:55432/medvirk_bench_mixed")
    ap.add_argument("--workers", type=int, default=harness.config_workers(), help="default: the config's")
    ap.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    _recreate(args.db)
    with tempfile.TemporaryDirectory(prefix="medvirk-bench-var.") as var:
        env = harness.server_env(args.db, Path(var))
        _manage(env, "migrate", "-v0")
        _manage(env, "seed_demo")
        setup_py = [harness.PYTHON, str(Path(__file__).with_name("setup.py")), str(args.staff)]
        out = subprocess.run(setup_py, cwd=harness.ROOT, env=env, check=True, capture_output=True, text=True)
        setup = json.loads(out.stdout.strip().splitlines()[-1])
        t0 = time.monotonic()
        # the two rounds' decisions and equity reports (the demo's other rounds are not browsed)
        rounds = ["--survey", str(setup["survey_id"]), "--survey", str(setup["closed_id"])]
        _manage(env, "warm_results", *rounds)
        warm_s = time.monotonic() - t0
        with _background(env, rounds), harness.gunicorn(env, workers=args.workers) as server:
            load_before = os.getloadavg()
            bench = Mixed(server.base, setup, args)
            idle, idle_s, load_idle = asyncio.run(bench.phase(args.seconds, 0))
            mixed, mixed_s, load_mixed = asyncio.run(bench.phase(args.seconds, args.respondents))

    names = [name for name, _url in bench.pages]
    text = "\n".join([
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {harness.machine()}; load average "
        f"before {load_before[0]:.1f}, after idle {load_idle[0]:.1f}, after mixed {load_mixed[0]:.1f} "
        "(a shared machine: indicative numbers).",
        f"gunicorn sync, {args.workers} workers (config/gunicorn.conf.py), production settings, "
        f"PostgreSQL on 127.0.0.1:55432; db_worker and warm_results --watch 5 beside it; "
        f"{args.staff} staff sessions; open round {setup['survey_id']} with {setup['responses']} "
        f"answers at the start; first decisions and equity reports: {warm_s:.0f} s.",
        "",
        f"Idle {idle_s:.0f} s (staff only), mixed {mixed_s:.0f} s ({args.respondents} respondents: "
        f"{bench.submitted} responses stored, p50 {_ms(mixed.pct('POST a response', 50))} ms, "
        f"p95 {_ms(mixed.pct('POST a response', 95))} ms).",
        "",
        *table(idle, mixed, names),
    ]) + "\n"  # fmt: skip
    print(text)
    if not args.no_write:
        path = Path(args.out)
        intro = path.read_text().split("<!-- results -->")[0] if path.exists() else "# bench/mixed\n\n"
        path.write_text(intro.rstrip() + "\n\n<!-- results -->\n" + text)


if __name__ == "__main__":
    main()
