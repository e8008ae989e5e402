"""Time a panel draw end to end as a background job: start_job → a real db_worker process → saved.

Usage (uses its own SQLite database, never the demo's):
    MEDVIRK_VAR_DIR=/tmp/medvirk-job-bench DJANGO_SETTINGS_MODULE=config.settings.dev \\
        .venv/bin/python manage.py migrate -v0
    MEDVIRK_VAR_DIR=/tmp/medvirk-job-bench DJANGO_SETTINGS_MODULE=config.settings.dev \\
        .venv/bin/python bench/selection/job_e2e.py 3000 [seats]

The pool is demo-like (``panels.demo.seed_volunteers``) with proportional quotas on all five
attributes; the progress messages the job page would show are printed with their times.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from django_env import ROOT, setup

setup("config.settings.dev")

from medvirk.accounts.demo import build_demo, load_demo  # noqa: E402
from medvirk.orgs.models import Municipality  # noqa: E402
from medvirk.panels import selection, services  # noqa: E402
from medvirk.panels.demo import seed_volunteers  # noqa: E402
from medvirk.panels.models import Volunteer  # noqa: E402


def main() -> None:
    """Seed the pool, start the draw, follow the job until it has finished."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    seats = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    if not Municipality.objects.filter(slug="eksempel").exists():
        build_demo()
    demo = load_demo()
    Volunteer.objects.filter(municipality=demo.municipality).delete()
    seed_volunteers(demo.municipality, count=n, seed=n)
    actor = demo.users["koordinator"]
    panel = services.panel_create(
        actor=actor,
        municipality=demo.municipality,
        name=f"Bench {n} {time.time():.0f}",
        purpose="x",
        size=seats,
    )
    quotas = [(f, v, lo, hi) for (f, v), (lo, hi) in selection.suggest_quotas(panel, {}).items()]
    services.quotas_set(actor=actor, panel=panel, quotas=quotas)
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload", "--interval", "0.5", "-v0"],
        cwd=ROOT,
    )
    try:
        start = time.perf_counter()
        job = selection.panel_select_start(actor=actor, panel=panel, seed=1)
        last = None
        while True:
            job.refresh_from_db()
            state = (job.status, job.done, job.total, job.message)
            if state != last:
                elapsed = time.perf_counter() - start
                print(f"{elapsed:6.1f} s  {job.status:8} {job.done}/{job.total}  {job.message}")
                last = state
            if job.finished:
                break
            time.sleep(0.2)
        run = panel.runs.first()
        print(f"n={n} seats={seats} {job.status} in {time.perf_counter() - start:.1f} s {job.error}")
        if run is not None:
            print(f"profiles={run.stats.get('profiles')} solver={run.stats.get('seconds', 0):.1f} s")
    finally:
        worker.terminate()
        worker.wait(60)


if __name__ == "__main__":
    main()
