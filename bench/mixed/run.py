"""bench/mixed (issue 21): staff browsing results while respondents answer, idle vs mixed.

    .venv/bin/python bench/mixed/run.py [--staff 8] [--think 5] [--respondents 32]
        [--pages 5] [--page-seconds 6] [--seconds 150] [--prepare | --seeded] [--drop]
        [--db postgres://postgres@127.0.0.1:55432/medvirk_bench_mixed] [--out bench/mixed/RESULTS.md]

The production set-up on one machine: gunicorn with the shipped ``config/gunicorn.conf.py`` and
the production settings, the job worker (``db_worker``) and ``warm_results --watch`` beside it,
PostgreSQL (the database named in ``--db`` is dropped and made again from the demo; ``--drop``
drops it afterwards). ``--prepare`` only makes the database and ``--seeded`` then measures on
it, so the measured part fits the 10 minutes of the quiet machine's benchmark lock.

0. cold: before any decision of the open round is made, each of its staff pages and the
   municipality's results API is asked twice (issue 21: the API answered 500 after 120 s on a
   cold cache); each must answer at once (API: 202 with the job; pages: a redirect to its
   progress page). Then the two rounds browsed are decided and their equity reports made, as
   the worker does after seeding (``warm_results`` then watches only them).

Two phases of ``--seconds`` each (≤ 5 minutes; with about 27 requests per page in a 120 s phase
the p95 is the second-slowest request, so one request moves a ratio by 0.3: the quiet window's
run uses 240 s, about 50 per page):

1. idle: ``--staff`` sessions of the municipality's analyst open, in turn, the open round's
   results page (whole municipality), a kindergarten's results page, crosstabs of a rating
   question (the municipality, a district), the whole municipality's equity report (a closed
   round: the report is only made for closed rounds), the kindergarten's report (PDF) and the
   municipality's results through the API, reading each for ``--think`` seconds (± half)
   before the next;
2. mixed: the same, while ``--respondents`` respondents answer the same open round through its
   poster links, one response after another: open the form, spend ``--page-seconds`` (± half)
   on each of its ``--pages`` pages, send the whole response. The round's decisions go out of
   date again and again: this is issue 21's "in the minutes after new answers arrive".

Per page: requests, p50/p95 idle and mixed, the ratio of the p95s (target ≤ 2), the p95 of the
time inside the worker (gunicorn's access log, ``%(L)s``, matched by a request id header:
``benchlog.py``), requests over 5 s (target none) and the statuses of both phases (302: sent to a
job's progress page). Every request over 5 s is listed with its wait for a free worker and its
time inside the worker. Client timeout 60 s (the workers' own).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlog
import harness

HERE = str(Path(__file__).resolve().parent)
SLOW = 5.0
TIMEOUT = 60  # seconds; the workers' own timeout (config/gunicorn.conf.py)


class Stats:
    """Requests of one phase: page, status, the client's seconds and the request's id (access log)."""

    def __init__(self) -> None:
        self.lat: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[int | str, int]] = defaultdict(lambda: defaultdict(int))
        self.requests: list[tuple[str, int | str, float, str]] = []
        self.worker: dict[str, float] = {}  # request id → seconds inside the worker
        self.flags: dict[str, int] = defaultdict(int)  # page → answers saying "being updated"

    def add(self, name: str, status: int | str, seconds: float, rid: str = "-") -> None:
        self.status[name][status] += 1
        self.lat[name].append(seconds)
        self.requests.append((name, status, seconds, rid))

    def pct(self, name: str, p: float) -> float | None:
        return _pct(self.lat[name], p)

    def worker_pct(self, name: str, p: float) -> float | None:
        return _pct([self.worker[r] for n, _s, _t, r in self.requests if n == name and r in self.worker], p)

    def slow(self, name: str) -> int:
        return sum(1 for s in self.lat[name] if s > SLOW)


def _pct(values: list[float], p: float) -> float | None:
    lat = sorted(values)
    return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] if lat else None


def _recreate(db_url: str) -> None:
    import psycopg

    base, name = db_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop(db_url: str) -> None:
    import psycopg

    base, name = db_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _jobs_since(db_url: str, since: dt.datetime) -> dict[str, int]:
    """Return the background jobs created since ``since`` by kind (pages start them; issue 21)."""
    import psycopg

    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT kind, count(*) FROM core_job WHERE created_at >= %s GROUP BY kind ORDER BY kind", [since]
        ).fetchall()
    return {kind: n for kind, n in rows}


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
        self.pages = staff_pages(setup)

    def _rid(self, phase: str) -> str:
        self.seq += 1
        return f"{self.run}-{phase}-{self.seq}"

    async def _pause(self, rng: random.Random, mean: float, until: float) -> bool:
        """Sleep ``mean`` seconds ± half (reading); return False when the phase ends meanwhile."""
        seconds = mean * rng.uniform(0.5, 1.5) if mean > 0 else 0.0
        if time.monotonic() + seconds >= until:
            await asyncio.sleep(max(0.0, until - time.monotonic()))
            return False
        await asyncio.sleep(seconds)
        return True

    async def staff(
        self, client: httpx.AsyncClient, stats: Stats, phase: str, until: float, idx: int
    ) -> None:
        """One analyst: open a page, read it for ``--think`` seconds (± half), open the next."""
        rng = random.Random(idx)
        cookie = {"Cookie": f"sessionid={self.setup['sessions'][idx % len(self.setup['sessions'])]}"}
        i = idx
        if not await self._pause(rng, self.args.think / 2, until):  # the sessions start apart
            return
        while time.monotonic() < until:
            name, url = self.pages[i % len(self.pages)]
            i += 1
            rid = self._rid(phase)
            t0 = time.perf_counter()
            try:
                resp = await client.get(url, headers={**cookie, "X-Bench-Id": rid}, follow_redirects=False)
                status: int | str = resp.status_code
                if status == 200 and url.startswith("/api/") and resp.json().get("being_updated"):
                    stats.flags[name] += 1
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            stats.add(name, status, time.perf_counter() - t0, rid)
            if not await self._pause(rng, self.args.think, until):
                return

    async def respondent(
        self, client: httpx.AsyncClient, stats: Stats, phase: str, until: float, idx: int
    ) -> None:
        """One respondent after another on a poster link: open the form, read and answer its
        ``--pages`` pages (``--page-seconds`` each, ± half), send the whole response."""
        rng = random.Random(1000 + idx)
        links = self.setup["link_keys"]
        link = links[idx % len(links)]
        if not await self._pause(rng, self.args.page_seconds * self.args.pages / 2, until):
            return
        while time.monotonic() < until:
            rid = self._rid(phase)
            t0 = time.perf_counter()
            try:
                resp = await client.get(f"/api/v1/public/surveys/{link}", headers={"X-Bench-Id": rid})
                status: int | str = resp.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            stats.add("GET the form", status, time.perf_counter() - t0, rid)
            for _page in range(self.args.pages):
                if not await self._pause(rng, self.args.page_seconds, until):
                    return
            body = {"idempotency_key": rid, "language": "nb", "answers": self.setup["answers"]}
            rid = self._rid(phase)
            t0 = time.perf_counter()
            try:
                resp = await client.post(
                    f"/api/v1/public/surveys/{link}/responses", json=body, headers={"X-Bench-Id": rid}
                )
                status = resp.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            stats.add("POST a response", status, time.perf_counter() - t0, rid)
            if status == 201:
                self.submitted += 1
            elif isinstance(status, int) and 400 <= status < 500:
                raise RuntimeError(f"a response was refused with {status}")

    async def phase(
        self, name: str, seconds: float, respondents: int
    ) -> tuple[Stats, float, tuple[float, ...]]:
        stats = Stats()
        n = respondents + self.args.staff
        limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
        async with httpx.AsyncClient(base_url=self.base, limits=limits, timeout=TIMEOUT) as client:
            t0 = time.monotonic()
            until = t0 + seconds
            tasks = [self.staff(client, stats, name, until, i) for i in range(self.args.staff)]
            tasks += [self.respondent(client, stats, name, until, i) for i in range(respondents)]
            await asyncio.gather(*tasks)
            return stats, time.monotonic() - t0, os.getloadavg()


def staff_pages(s: dict[str, Any]) -> list[tuple[str, str]]:
    """The pages staff open in turn (the open round's, but the equity report: a closed round's)."""
    survey, root, question = s["survey_id"], s["root"], s["question"]
    return [
        ("results, whole municipality", f"/results/{survey}/?unit={s['root']}"),
        ("results, one kindergarten", f"/results/{survey}/?unit={s['unit']}"),
        ("crosstab", f"/results/{survey}/crosstab/?unit={root}&question={question}"),
        ("crosstab, one district", f"/results/{survey}/crosstab/?unit={s['district']}&question={question}"),
        ("equity report, whole municipality", f"/population/equity/units/{root}/?survey={s['closed_id']}"),
        ("kindergarten report (PDF)", f"/results/{survey}/report.pdf?unit={s['unit']}"),
        ("results API, whole municipality", f"/api/v1/results/surveys/{survey}?unit_id={s['root']}"),
    ]  # fmt: skip


def cold(base: str, setup: dict[str, Any]) -> list[tuple[str, int | str, float]]:
    """Ask the open round's pages and API before any decision is made (the shared cache empty).

    Issue 21: the municipality's results API answered 500 after 120 s on a cold cache. Each must
    answer at once: 202 with the job that decides (API) or a redirect to its progress page.
    """
    cookie = {"Cookie": f"sessionid={setup['sessions'][0]}"}
    out = []
    with httpx.Client(base_url=base, timeout=TIMEOUT) as client:
        for name, url in staff_pages(setup):
            if "equity" in name:
                continue  # a closed round's, made ahead by warm_results
            for _ in range(2):
                t0 = time.perf_counter()
                try:
                    status: int | str = client.get(url, headers=cookie, follow_redirects=False).status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                out.append((name, status, time.perf_counter() - t0))
    return out


def _ms(value: float | None) -> str:
    return f"{value * 1000:,.0f}" if value is not None else "–"


def _statuses(stats: Stats, name: str) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(stats.status[name].items(), key=str)) or "–"


def table(idle: Stats, mixed: Stats, names: list[str]) -> list[str]:
    rows = [
        "| page | idle: n | idle p50 ms | idle p95 ms | mixed: n | mixed p50 ms | mixed p95 ms "
        "| p95 mixed/idle | p95 in the worker ms (idle / mixed) | over 5 s (idle / mixed) "
        "| statuses idle | statuses mixed |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for name in names:
        i95, m95 = idle.pct(name, 95), mixed.pct(name, 95)
        ratio = f"{m95 / i95:.2f}" if i95 and m95 else "–"
        rows.append(
            f"| {name} | {len(idle.lat[name])} | {_ms(idle.pct(name, 50))} | {_ms(i95)} "
            f"| {len(mixed.lat[name])} | {_ms(mixed.pct(name, 50))} | {_ms(m95)} | {ratio} "
            f"| {_ms(idle.worker_pct(name, 95))} / {_ms(mixed.worker_pct(name, 95))} "
            f"| {idle.slow(name)} / {mixed.slow(name)} | {_statuses(idle, name)} | {_statuses(mixed, name)} |"
        )
    return rows


def slow_requests(phases: dict[str, Stats]) -> list[str]:
    """Every request over 5 s: how long it waited for a worker and how long it worked there."""
    rows = []
    for phase, stats in phases.items():
        for name, status, seconds, rid in stats.requests:
            if seconds > SLOW:
                inside = stats.worker.get(rid)
                queue = _ms(seconds - inside) if inside is not None else "–"
                rows.append(f"| {phase} | {name} | {status} | {_ms(seconds)} | {queue} | {_ms(inside)} |")
    if not rows:
        return ["No request took over 5 s."]
    return [
        "Requests over 5 s (client time = waiting for a free worker + time inside the worker, "
        "from gunicorn's access log):",
        "",
        "| phase | page | status | client ms | waiting ms | in the worker ms |",
        "| --- | --- | --- | ---: | ---: | ---: |",
        *rows,
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--staff", type=int, default=8)
    ap.add_argument("--respondents", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=150, help="length of each phase (≤ 300)")
    ap.add_argument("--think", type=float, default=5.0, help="seconds a staff member reads a page (± half)")
    ap.add_argument("--page-seconds", type=float, default=6.0, help="seconds a respondent spends per page")
    ap.add_argument("--pages", type=int, default=5, help="pages of the form a respondent answers")
    ap.add_argument("--db", default="postgres://postgres@127.0.0.1:55432/medvirk_bench_mixed")
    ap.add_argument("--workers", type=int, default=harness.config_workers(), help="default: the config's")
    harness.add_results_args(ap, __file__)
    ap.add_argument("--drop", action="store_true", help="drop the database afterwards")
    ap.add_argument("--prepare", action="store_true", help="only make the database from the demo, then stop")
    ap.add_argument("--seeded", action="store_true", help="use the database --prepare made (not made again)")
    ap.add_argument("--var", help="trying it out: keep this var/ directory (no cold step, no warming)")
    args = ap.parse_args()
    if args.seconds > 300:
        sys.exit("Keep each phase within 5 minutes (--seconds ≤ 300): the run must fit the benchmark lock.")

    with contextlib.ExitStack() as stack:
        var = args.var or stack.enter_context(tempfile.TemporaryDirectory(prefix="medvirk-bench-var."))
        env = harness.server_env(args.db, Path(var))
        if not args.seeded:
            _recreate(args.db)
            _manage(env, "migrate", "-v0")
            _manage(env, "seed_demo")
            if args.prepare:
                return
        setup_py = [harness.PYTHON, str(Path(__file__).with_name("setup.py")), str(args.staff)]
        out = subprocess.run(setup_py, cwd=harness.ROOT, env=env, check=True, capture_output=True, text=True)
        setup = json.loads(out.stdout.strip().splitlines()[-1])
        rounds = ["--survey", str(setup["survey_id"]), "--survey", str(setup["closed_id"])]
        cold_rows: list[tuple[str, int | str, float]] = []
        t0 = time.monotonic()
        if not args.var:
            with harness.gunicorn(env, workers=args.workers) as server:
                cold_rows = cold(server.base, setup)
            t0 = time.monotonic()
            # the two rounds' decisions and equity reports (the demo's other rounds are not browsed)
            _manage(env, "warm_results", *rounds)
        warm_s = time.monotonic() - t0
        log = Path(var) / "access.log"
        logged = [
            *("--access-logfile", str(log), "--access-logformat", benchlog.FORMAT),
            *("--logger-class", "benchlog.BenchLogger"),
        ]
        env_log = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [HERE, env.get("PYTHONPATH")]))}
        with (
            _background(env, rounds),
            harness.gunicorn(env_log, workers=args.workers, extra_args=logged) as server,
        ):
            load_before = os.getloadavg()
            phases_start = dt.datetime.now(dt.UTC)
            bench = Mixed(server.base, setup, args)
            idle, idle_s, load_idle = asyncio.run(bench.phase("idle", args.seconds, 0))
            mixed, mixed_s, load_mixed = asyncio.run(bench.phase("mixed", args.seconds, args.respondents))
        inside = benchlog.read(log)
        for stats in (idle, mixed):
            stats.worker = {rid: seconds for rid, (_status, seconds) in inside.items()}
    jobs = _jobs_since(args.db, phases_start)
    if args.drop:
        _drop(args.db)

    names = [name for name, _url in bench.pages]
    api = "results API, whole municipality"
    text = "\n".join([
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {harness.machine()}; load average "
        f"before {load_before[0]:.1f}, after idle {load_idle[0]:.1f}, after mixed {load_mixed[0]:.1f}"
        + (" (a shared machine: indicative numbers)." if max(load_before[0], load_mixed[0]) > 2 else "."),
        f"gunicorn sync, {args.workers} workers (config/gunicorn.conf.py), production settings, "
        f"PostgreSQL on 127.0.0.1:55432; db_worker and warm_results --watch 5 beside it; "
        f"{args.staff} staff sessions reading each page {args.think:g} s (± half) before the next; "
        f"open round {setup['survey_id']} with {setup['responses']} answers at the start; first "
        f"decisions and equity reports: {warm_s:.0f} s.",
        "",
        "Cold (before any decision of the open round; issue 21: the API answered 500 after 120 s): "
        + "; ".join(f"{name} {status} in {_ms(seconds)} ms" for name, status, seconds in cold_rows)
        + ".",
        "",
        f"Idle {idle_s:.0f} s (staff only), mixed {mixed_s:.0f} s ({args.respondents} respondents, "
        f"each reading {args.pages} pages of {args.page_seconds:g} s (± half) per response: "
        f"{bench.submitted} responses stored; sending one p50 {_ms(mixed.pct('POST a response', 50))} ms, "
        f"p95 {_ms(mixed.pct('POST a response', 95))} ms, over 5 s: {mixed.slow('POST a response')}; "
        f"opening the form p95 {_ms(mixed.pct('GET the form', 95))} ms). The results API said "
        f"\"being updated\" in {idle.flags[api]} of {len(idle.lat[api])} answers idle, "
        f"{mixed.flags[api]} of {len(mixed.lat[api])} mixed. Background jobs created during both "
        "phases (pages start them for what is not made yet; while warm_results --watch runs, none "
        "for decisions it makes): "
        + (", ".join(f"{kind} {n}" for kind, n in jobs.items()) or "none") + ".",
        "",
        *table(idle, mixed, names),
        "",
        *slow_requests({"idle": idle, "mixed": mixed}),
    ]) + "\n"  # fmt: skip
    harness.write_results(text, args.out, no_write=args.no_write, title="bench/mixed")


if __name__ == "__main__":
    main()
