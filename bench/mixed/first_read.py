"""bench/mixed (issue 21): a web worker's first request after a new decision, before and after.

    .venv/bin/python bench/mixed/first_read.py --before DIR [--after DIR] [--rounds 5]
        [--db postgres://postgres@127.0.0.1:55432/medvirk_bench_mixed] [--var DIR]

While respondents answer, every new decision of the open round is read by each web worker on
its first request after it is made, once as current and again (if it has not read it yet) as the
earlier decision shown "being updated"; the idle phase of ``run.py`` never pays it. This runs
that request alone: in a new process with the production settings, on the database
``run.py --prepare`` made, it decides the open round (or finds it decided), asks the
kindergarten's report (PDF) once to load the code, forgets every decision it holds (a web worker
that has read nothing of this one), then asks the PDF twice (the first read, then the next
request), as current and as the earlier decision (one more ``responses_revision``, put back
afterwards). Per request: queries, reads of the shared decision cache, CPU and wall time.

``--before``/``--after`` are two checkouts (``git worktree add`` or ``git archive``): the rounds
alternate between them, each in a new process with its code first on ``sys.path``, so the
machine's load hits both alike. Both share ``--var`` (the decisions and kept PDFs).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "submit"))

import harness

PAGE = "kindergarten report (PDF)"


def child() -> None:
    """Measure in this process (started by :func:`main` with the code to measure on ``sys.path``)."""
    import django

    django.setup()
    from django.db import connection
    from django.db.models import F
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from medvirk.accounts.models import User
    from medvirk.insights import disclosure
    from medvirk.insights.tables import SurveyResults
    from medvirk.surveys.models import Survey

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from setup import open_round  # the round and kindergarten run.py's staff read

    _root, survey, _units, unit = open_round()
    SurveyResults(survey).disclosure.decide()  # as warm_results --watch does
    disclosure.watcher_seen(3600)  # pages leave new answers to it: no job started here
    client = Client(SERVER_NAME=harness.HOST)
    client.force_login(User.objects.get(username="analytiker"))
    url = f"/results/{survey.pk}/report.pdf?unit={unit.pk}"
    assert client.get(url).status_code == 200  # the code loaded, the PDF laid out and kept
    store = disclosure._persistent_store()
    reads: list[str] = []
    store.get, store.has_key = _recorded(store.get, reads), _recorded(store.has_key, reads)

    def ask() -> dict[str, Any]:
        reads.clear()
        cpu, wall = time.process_time(), time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        return {
            "status": status,
            "queries": len(queries),
            "reads": len(reads),
            "cpu ms": (time.process_time() - cpu) * 1000,
            "wall ms": (time.perf_counter() - wall) * 1000,
        }

    def first_and_next() -> tuple[dict[str, Any], dict[str, Any]]:
        with disclosure._LOCK:  # a web worker that has read nothing of the decision
            disclosure._STATE.clear()
            disclosure._LATEST.clear()
            disclosure._EARLIER.clear()
        return ask(), ask()

    out = {"current": first_and_next()}
    Survey.objects.filter(pk=survey.pk).update(responses_revision=F("responses_revision") + 1)
    try:
        out["earlier"] = first_and_next()  # a new answer: the decision is shown "being updated"
    finally:
        Survey.objects.filter(pk=survey.pk).update(responses_revision=F("responses_revision") - 1)
    import medvirk

    print(json.dumps({**out, "code": medvirk.__file__}))


def _recorded(method: Any, keys: list[str]) -> Any:
    """Return ``method`` of a cache noting each key it is asked for in ``keys``."""
    return lambda key, *args, **kwargs: keys.append(key) or method(key, *args, **kwargs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True, help="checkout of the code before")
    ap.add_argument("--after", default=str(harness.ROOT), help="checkout of the code after (default: this)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--db", default="postgres://postgres@127.0.0.1:55432/medvirk_bench_mixed")
    ap.add_argument("--var", help="var/ directory shared by both (default: a temporary one)")
    args = ap.parse_args()
    var = Path(args.var or tempfile.mkdtemp(prefix="medvirk-bench-var."))
    env = harness.server_env(args.db, var)
    samples: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    load = [os.getloadavg()[0]]
    for _round in range(args.rounds):
        for name, code in (("before", args.before), ("after", args.after)):
            run = subprocess.run(
                [harness.PYTHON, "-c", f"import sys; sys.path.insert(0, {code!r}); "
                 "sys.argv[0] = 'first_read'; import runpy; "
                 f"runpy.run_path({__file__!r}, run_name='child')"],
                cwd=code, env={**env, "PYTHONPATH": code}, check=True, capture_output=True, text=True,
            )  # fmt: skip
            samples[name].append(json.loads(run.stdout.strip().splitlines()[-1]))
            load.append(os.getloadavg()[0])
    print(
        f"{args.rounds} rounds, before and after alternately, each a new process; "
        f"load average {min(load):.1f}–{max(load):.1f}; {harness.machine()}.\n"
    )
    print(
        "| code | decision | request | queries | shared-cache reads | CPU ms (median, min–max) "
        "| wall ms (median) |\n| --- | --- | --- | ---: | ---: | ---: | ---: |"
    )
    for name in ("before", "after"):
        for decision in ("current", "earlier"):
            for i, request in enumerate(("first", "next")):
                rows = [s[decision][i] for s in samples[name]]
                cpu = [r["cpu ms"] for r in rows]
                queries = statistics.median(r["queries"] for r in rows)
                print(
                    f"| {name} | {decision} | {request} | {queries:.0f} "
                    f"| {statistics.median(r['reads'] for r in rows):.0f} "
                    f"| {statistics.median(cpu):.0f} ({min(cpu):.0f}–{max(cpu):.0f}) "
                    f"| {statistics.median(r['wall ms'] for r in rows):.0f} |"
                )


if __name__ == "child":
    child()
elif __name__ == "__main__":
    main()
