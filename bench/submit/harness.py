"""Shared pieces of bench/submit and bench/load: a throwaway PostgreSQL cluster, the production
server under gunicorn, and a small asyncio HTTP client. Everything binds to 127.0.0.1 only and
is stopped in ``finally`` blocks / context managers."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"  # the production settings (README)
HOST = "127.0.0.1"


def config_workers() -> int:
    """Return the number of workers the shipped gunicorn config chooses on this machine."""
    import runpy

    return int(runpy.run_path(str(GUNICORN_CONF))["workers"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        sys.exit("PostgreSQL is not installed (apt-get install postgresql).")
    return found[-1].parent


def _run_pg(args: list[str], **kw: Any) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, **kw)


@dataclass
class PgCluster:
    """A temporary cluster on loopback with durable defaults (fsync and synchronous_commit on)."""

    port: int = field(default_factory=free_port)
    dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="medvirk-bench-pg.")))
    bin: Path = field(default_factory=_pg_bin)
    name: str = "medvirk"  # the database

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{self.name}"

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        _run_pg(
            [
                *(str(self.bin / "initdb"), "-D", f"{self.dir}/data", "-U", "postgres", "--auth=trust"),
                *("-E", "UTF8", "--locale=C.UTF-8", "--data-checksums"),
            ],
            stdout=subprocess.DEVNULL,
        )
        opts = f"-h {HOST} -p {self.port} -k {self.dir} -c max_connections=200 -c shared_buffers=256MB"
        _run_pg(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                f"{self.dir}/data",
                "-l",
                f"{self.dir}/log",
                "-w",
                "-o",
                opts,
                "start",
            ],
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [str(self.bin / "createdb"), "-h", HOST, "-p", str(self.port), "-U", "postgres", self.name],
            check=True,
        )

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            _run_pg(
                [str(self.bin / "pg_ctl"), "-D", f"{self.dir}/data", "-m", "fast", "stop"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(self.dir, ignore_errors=True)

    def settings(self) -> str:
        return "fsync=on, synchronous_commit=on (a throwaway cluster)"

    def sql(self, query: str, *params: Any) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def amcheck(self) -> tuple[bool, str]:
        """Run pg_amcheck over every relation (heap and B-tree, with parent checks)."""
        self.sql("CREATE EXTENSION IF NOT EXISTS amcheck")
        proc = subprocess.run(
            [
                *(str(self.bin / "pg_amcheck"), "-h", HOST, "-p", str(self.port), "-U", "postgres"),
                *("--heapallindexed", "--parent-check", "--install-missing", self.name),
            ],
            capture_output=True,
            text=True,
        )
        return proc.returncode == 0, (proc.stdout + proc.stderr).strip()


@dataclass
class SharedDatabase(PgCluster):
    """A database of its own on a running server (e.g. the shared 127.0.0.1:55432), made afresh
    and dropped afterwards; the server's settings (fsync, synchronous_commit) are its own."""

    name: str = "medvirk_bench_submit"
    server: str = "postgres://postgres@127.0.0.1:55432"

    @property
    def url(self) -> str:
        return f"{self.server}/{self.name}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(
            f"{self.server}/postgres".replace("postgres://", "postgresql://"), autocommit=True
        ) as c:
            c.execute(statement)

    def start(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.name}"')
        self.port = int(self.server.rsplit(":", 1)[1])

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.dir, ignore_errors=True)

    def settings(self) -> str:
        rows = self.sql(
            "SELECT name, setting FROM pg_settings "
            "WHERE name IN ('fsync', 'synchronous_commit') ORDER BY name"
        )
        return ", ".join(f"{n}={v}" for n, v in rows)


@contextlib.contextmanager
def postgres(shared: str | None = None) -> Iterator[PgCluster]:
    """A throwaway cluster (durable defaults), or with ``shared`` ("postgres://…:port/dbname") a
    database of that name made afresh on that running server and dropped afterwards."""
    if shared:
        server, name = shared.rsplit("/", 1)
        cluster: PgCluster = SharedDatabase(name=name, server=server)
    else:
        cluster = PgCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def server_env(db_url: str, var_dir: Path) -> dict[str, str]:
    (var_dir / "static").mkdir(exist_ok=True)  # WhiteNoise warns about a missing STATIC_ROOT
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(48),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": db_url,
        "MEDVIRK_BENCH_FLOOR": "1",
        "MEDVIRK_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "ERROR",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": str(ROOT),  # this checkout's code (a server of another sets its own)
    }


def prepare(env: dict[str, str]) -> dict[str, Any]:
    """Migrate, seed the demo data and create an open 25-answer survey; return its handles."""
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    out = subprocess.run(
        [PYTHON, str(Path(__file__).with_name("setup_survey.py"))],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def end_group(proc: subprocess.Popen | None) -> None:
    """End a process started with its own session and its children: SIGTERM to the group, SIGKILL
    after 20 s; nothing if it was never started or has ended."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@dataclass
class Gunicorn:
    """The production WSGI app under gunicorn with ``config/gunicorn.conf.py``; ``kill()`` is a
    SIGKILL of master and workers."""

    env: dict[str, str]
    workers: int
    worker_class: str = "sync"
    threads: int = 1
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    extra_args: list[str] = field(default_factory=list)  # given last: they override the above
    root: Path = ROOT  # the checkout served (bench/submit/run.py --before serves another one)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        # The shipped config (preload, timeouts, log format); only address, workers and the
        # worker class are the benchmark's own. The access log is formatted as in production
        # but written to /dev/null, so thousands of lines do not flood the terminal.
        args = [
            GUNICORN,
            "-c",
            str(self.root / "config" / "gunicorn.conf.py"),
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
        ]
        args += ["--worker-class", self.worker_class, "--backlog", "2048", "--log-level", "warning"]
        args += ["--access-logfile", os.devnull]
        if self.worker_class == "gthread":
            args += ["--threads", str(self.threads)]
        args += self.extra_args
        # this checkout's code first, not the venv's; then what the caller adds (bench/mixed: its logger)
        path = [str(self.root), self.env.get("PYTHONPATH", "")]
        env = {**self.env, "PYTHONPATH": os.pathsep.join(p for p in path if p)}
        self.proc = subprocess.Popen(args, cwd=self.root, env=env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                # any answer from Django will do (405: the floor takes POST only)
                if httpx.get(f"{self.base}/bench/floor/", timeout=5).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited during start-up")
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def pids(self) -> list[int]:
        if self.proc is None:
            return []
        master = self.proc.pid
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == master:
                    children.append(int(stat.parent.name))
        return [master, *children]

    def kill(self) -> int:
        """SIGKILL the master and every worker at once (no graceful shutdown); return how many."""
        pids = self.pids()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()
        # orphaned workers die with their master's session when it is killed; make sure
        for pid in pids[1:]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return len(pids)

    def stop(self) -> None:
        end_group(self.proc)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], **kw: Any) -> Iterator[Gunicorn]:
    server = Gunicorn(env=env, **kw)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@dataclass
class DbWorker:
    """``manage.py db_worker``, the job worker (it stores received responses), as in production."""

    env: dict[str, str]
    proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return None if self.proc is None else self.proc.pid

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.5"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # a line per task; failures show as responses left received
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL, whatever it is doing (a batch of received responses half stored, say)."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        end_group(self.proc)


@contextlib.contextmanager
def db_worker(env: dict[str, str]) -> Iterator[DbWorker]:
    worker = DbWorker(env)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()


def drain(cluster: PgCluster, limit: float = 300) -> float:
    """Wait until no received response waits for the worker; return the seconds it took."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        if not cluster.sql("SELECT to_regclass('surveys_receivedresponse') IS NOT NULL")[0][0]:
            return 0.0  # the code before received responses existed
        if not cluster.sql("SELECT 1 FROM surveys_receivedresponse LIMIT 1"):
            return time.perf_counter() - t0
        time.sleep(0.05)
    raise RuntimeError(f"received responses still waiting after {limit} s")


# --- the client ------------------------------------------------------------------------------


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    elapsed: float = 0.0

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies)
        ok = len(lat)

        def pct(p: float) -> float:
            return lat[min(ok - 1, int(p / 100 * ok))] * 1000 if ok else float("nan")

        return {
            "ok": ok,
            "rps": ok / self.elapsed if self.elapsed else 0.0,
            "p50": pct(50),
            "p95": pct(95),
            "p99": pct(99),
            "mean": statistics.fmean(lat) * 1000 if ok else float("nan"),
            "statuses": dict(sorted(self.statuses.items())),
            "errors": self.errors,
        }


async def drive(
    base: str,
    make_request: Callable[[int], tuple[str, str, dict[str, Any] | None]],
    total: int,
    concurrency: int,
    ok_status: tuple[int, ...] = (200, 201),
) -> Result:
    """Send ``total`` requests with ``concurrency`` clients, each on its own keep-alive connection.

    Every request's JSON body is encoded before the clock starts, for every endpoint alike: the
    load generator shares the machine's cores with the server, and a respondent's browser
    encodes its own answers on its own machine, so that work is not the server's to pay for.
    """
    result = Result()
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    requests = [_encoded(*make_request(i)) for i in range(total)]

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker() -> None:
            for i in counter:
                method, url, content, headers = requests[i]
                t0 = time.perf_counter()
                try:
                    resp = await client.request(method, url, content=content, headers=headers)
                except httpx.HTTPError:
                    result.errors += 1
                    continue
                dt = time.perf_counter() - t0
                result.statuses[resp.status_code] = result.statuses.get(resp.status_code, 0) + 1
                if resp.status_code in ok_status:
                    result.latencies.append(dt)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.elapsed = time.perf_counter() - t0
    return result


_JSON = {"content-type": "application/json"}


def _encoded(
    method: str, url: str, body: dict[str, Any] | None
) -> tuple[str, str, bytes | None, dict[str, str] | None]:
    """Return a request with its body encoded as httpx's ``json=`` would send it."""
    if body is None:
        return method, url, None, None
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    return method, url, content, _JSON


def _ticks(pid: int) -> int:
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    return 0


def backend_pids(cluster: PgCluster) -> list[int]:
    """The PostgreSQL backends serving the benchmark's database (same machine: /proc readable)."""
    db = cluster.url.rsplit("/", 1)[1]
    rows = cluster.sql("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", db)
    return [r[0] for r in rows]


@dataclass
class CpuSplit:
    """CPU seconds spent during one phase by the client (this process), the gunicorn processes,
    the job worker and the PostgreSQL backends of the benchmark's database, read from /proc."""

    client: float = 0.0
    app: float = 0.0
    worker: float = 0.0
    database: float = 0.0

    def per_request(self, n: int) -> str:
        n = max(n, 1)
        parts = [
            ("client", self.client),
            ("app", self.app),
            ("worker", self.worker),
            ("database", self.database),
        ]
        total = sum(v for _name, v in parts)
        return " · ".join(f"{name} {v * 1000 / n:.2f}" for name, v in parts) + f" = {total * 1000 / n:.2f} ms"


@contextlib.contextmanager
def cpu_split(server: Gunicorn, cluster: PgCluster, worker: int | None = None) -> Iterator[CpuSplit]:
    tick = os.sysconf("SC_CLK_TCK")
    app_pids, db_pids = server.pids(), backend_pids(cluster)
    t_client = time.process_time()
    app0 = {p: _ticks(p) for p in app_pids}
    db0 = {p: _ticks(p) for p in db_pids}
    w0 = _ticks(worker) if worker else 0
    split = CpuSplit()
    yield split
    split.client = time.process_time() - t_client
    # Backends that started during the phase (a worker's first connection) count from zero.
    db1 = {p: _ticks(p) for p in backend_pids(cluster)}
    app1 = {p: _ticks(p) for p in server.pids()}
    split.app = sum(v - app0.get(p, 0) for p, v in app1.items()) / tick
    split.worker = ((_ticks(worker) - w0) / tick) if worker else 0.0
    split.database = sum(v - db0.get(p, 0) for p, v in db1.items()) / tick


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with contextlib.suppress(OSError, IndexError):
        mem = f"{int(Path('/proc/meminfo').read_text().split()[1]) / 1024 / 1024:.0f} GiB"
    pg = subprocess.run([str(_pg_bin() / "postgres"), "--version"], capture_output=True, text=True).stdout
    return f"{os.cpu_count()} CPUs ({cpu}), {mem} RAM, {pg.strip()}, Python {sys.version.split()[0]}"


RESULTS_MARK = "<!-- results -->"


def add_database_arg(ap: argparse.ArgumentParser, name: str) -> None:
    """``--db``: a database ``name`` made afresh on the shared server, or 'cluster' (see postgres)."""
    ap.add_argument(
        "--db",
        default=f"postgres://postgres@127.0.0.1:55432/{name}",
        help="a database made afresh on that running server and dropped afterwards; 'cluster': a "
        "throwaway cluster of its own with durable defaults (fsync, synchronous_commit on)",
    )


def add_results_args(ap: argparse.ArgumentParser, runner: str) -> None:
    """``--out`` (default: RESULTS.md beside the runner) and ``--no-write``, as write_results reads them."""
    ap.add_argument("--out", default=str(Path(runner).with_name("RESULTS.md")))
    ap.add_argument("--no-write", action="store_true")


def write_results(text: str, out: str, *, no_write: bool, title: str) -> None:
    """Print a run's report and, unless ``no_write``, put it in the RESULTS.md ``out`` below its
    ``<!-- results -->`` line: what stands above the line (the bench's description) stays."""
    print(text)
    if not no_write:
        path = Path(out)
        intro = path.read_text().split(RESULTS_MARK)[0] if path.exists() else f"# {title}\n\n"
        path.write_text(intro.rstrip() + f"\n\n{RESULTS_MARK}\n" + text)
