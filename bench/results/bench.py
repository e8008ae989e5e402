# SPDX-License-Identifier: AGPL-3.0-or-later
"""Benchmark the results pages on 1,000,000 responses × 30 questions across 200 units.

Run from the repository root (``bench/results/run.sh`` does both databases)::

    DATABASE_URL=sqlite:////tmp/mv-bench.sqlite3 .venv/bin/python bench/results/bench.py generate
    DATABASE_URL=... .venv/bin/python bench/results/bench.py measure
    DATABASE_URL=... .venv/bin/python bench/results/bench.py export   # separate process: peak RSS
    DATABASE_URL=... .venv/bin/python bench/results/bench.py export-job csv|xlsx|sav   # background job

``generate`` builds a municipality (10 districts × 20 units), one survey through the normal
services, then bulk-loads responses and answers (SQLite ``executemany``, PostgreSQL ``COPY``)
with the secondary indexes dropped and rebuilt afterwards. ``measure`` times the breakdown
page (one question × gender for the whole municipality) cold and warm, the equivalent single
raw GROUP BY, and the full overview page. Results are printed as JSON.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from django_env import setup, timed

setup("config.settings.test", DJANGO_ALLOW_ASYNC_UNSAFE="true")

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from medvirk.accounts.models import Role, User  # noqa: E402
from medvirk.accounts.services import role_grant  # noqa: E402
from medvirk.accounts.unit_services import municipality_create, unit_create  # noqa: E402
from medvirk.core.actors import SystemActor  # noqa: E402
from medvirk.insights.tables import clear_cache  # noqa: E402
from medvirk.orgs.models import Municipality, OrgUnit, UnitKind  # noqa: E402
from medvirk.surveys import services  # noqa: E402
from medvirk.surveys.models import Response, Survey, SurveyOption, SurveyQuestion  # noqa: E402

N_RESPONSES = int(os.environ.get("BENCH_RESPONSES", "1000000"))
N_QUESTIONS = 30
DISTRICTS, UNITS_PER_DISTRICT = 10, 20
CHUNK = 20_000
SEED = 20261125
GENDERS = ["female", "male", "other", ""]
AGES = ["16-24", "25-34", "35-44", "45-54", "55-66", "67-79", "80+", ""]
# As in the demo: three in four answer with a code or an invitation (they count towards the
# anonymity threshold, insights/counted.py), one through the open link. By position, not drawn.
CHANNELS = ["code", "email", "code", "link"]


def definition() -> dict:
    scale = {"min": 1, "max": 6, "dont_know": True}
    questions = [
        {"key": f"q{i:02d}", "type": "rating", "text": f"Spørsmål {i}", "scale": scale, "theme": "t"}
        for i in range(1, N_QUESTIONS + 1)
    ]
    return {
        "key": "bench",
        "title": {"nb": "Benk"},
        "themes": {"t": {"nb": "Alt"}},
        "sections": [
            {"key": "s1", "title": {"nb": "Spørsmål"}, "questions": questions},
            {
                "key": "s2",
                "title": {"nb": "Om deg"},
                "questions": [
                    {"key": "bg_gender", "type": "background", "dimension": "gender"},
                    {"key": "bg_age", "type": "background", "dimension": "age_band"},
                ],
            },
        ],
    }


def _indexes(tables: list[str]) -> list[tuple[str, str]]:
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            marks = ",".join("?" * len(tables))
            c.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "  # noqa: S608
                f"AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ({marks})",
                tables,
            )
        else:
            c.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                "AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
                [tables],
            )
        return list(c.fetchall())


BENCH_ACTOR = SystemActor("benchmark data")


def generate() -> None:
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Municipality.objects.filter(slug="benk").exists():
        print("already generated")
        return
    muni = municipality_create(actor=BENCH_ACTOR, code="9998", name="Benk kommune", slug="benk")
    root = OrgUnit.objects.get(municipality=muni, parent=None)
    units = []
    for d in range(DISTRICTS):
        district = unit_create(
            actor=BENCH_ACTOR, parent=root, name=f"Bydel {d}", kind=UnitKind.DISTRICT, region_code=f"99980{d}"
        )
        units += [
            unit_create(actor=BENCH_ACTOR, parent=district, name=f"Enhet {d}-{u}")
            for u in range(UNITS_PER_DISTRICT)
        ]
    admin = User.objects.create(username="benk.admin", municipality=muni)
    role_grant(actor=BENCH_ACTOR, user=admin, unit=root, role=Role.ADMIN)
    survey = services.survey_create(
        actor=admin, owner_unit=root, document=definition(), units=units, round_label="2026"
    )
    Survey.objects.filter(pk=survey.pk).update(anonymity_mode="anonymous", status="open")
    questions = {q.key: q.pk for q in SurveyQuestion.objects.filter(survey=survey)}
    options = {(o.question_id, o.key): o.pk for o in SurveyOption.objects.filter(question__survey=survey)}
    qids = [questions[f"q{i:02d}"] for i in range(1, N_QUESTIONS + 1)]
    # option id lookup table per question: values 1..6 → index 0..5, "don't know" → 6
    opt = np.array([[options[(q, k)] for k in ["1", "2", "3", "4", "5", "6", "dont_know"]] for q in qids])
    unit_ids = np.array([u.pk for u in units])
    rng = np.random.default_rng(SEED)
    unit_shift = rng.normal(0, 0.4, size=len(units))
    r_cols = [
        "id", "municipality_id", "survey_id", "unit_id", "language", "channel", "complete",
        "created_on", "submitted_on", "idempotency_key", "bg_age_band", "bg_gender",
        "bg_district", "bg_home_language", "bg_immigrant_background", "bg_functional_impairment",
    ]  # fmt: skip
    a_cols = [
        "id", "municipality_id", "response_id", "survey_id", "unit_id", "question_id", "option_id",
        "value_num", "value_text",
    ]  # fmt: skip
    dropped = _indexes(["surveys_answer", "surveys_response"])
    with connection.cursor() as c:
        for name, _sql in dropped:
            c.execute(f'DROP INDEX "{name}"')
    t_load = time.perf_counter()
    next_answer = 1
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("SET LOCAL session_replication_role = replica")  # no FK triggers during COPY
        for start in range(0, N_RESPONSES, CHUNK):
            n = min(CHUNK, N_RESPONSES - start)
            rid = np.arange(start + 1, start + n + 1)
            u = rng.integers(0, len(units), size=n)
            gender = rng.choice(len(GENDERS), size=n, p=[0.52, 0.44, 0.01, 0.03])
            age = rng.integers(0, len(AGES), size=n)
            latent = rng.normal(0, 1, size=n) + unit_shift[u]
            values = np.clip(np.rint(4.3 + latent[:, None] + rng.normal(0, 1, size=(n, N_QUESTIONS))), 1, 6)
            dk = rng.random((n, N_QUESTIONS)) < 0.03
            idx = np.where(dk, 6, values.astype(int) - 1)
            uid = unit_ids[u].tolist()
            responses = list(
                zip(
                    rid.tolist(),
                    [muni.pk] * n,
                    [survey.pk] * n,
                    uid,
                    ["nb"] * n,
                    [CHANNELS[i % len(CHANNELS)] for i in rid.tolist()],
                    [True] * n,
                    ["2026-03-01"] * n,
                    ["2026-03-01"] * n,
                    [f"b{i}" for i in rid.tolist()],
                    [AGES[a] for a in age.tolist()],
                    [GENDERS[g] for g in gender.tolist()],
                    *[[""] * n] * 4,
                    strict=True,
                )
            )
            m = n * N_QUESTIONS
            option_ids = opt[np.tile(np.arange(N_QUESTIONS), n), idx.ravel()]
            value_num = (idx.ravel() + 1).astype(float).tolist()
            for p in np.flatnonzero(dk.ravel()).tolist():
                value_num[p] = None
            answers = list(
                zip(
                    range(next_answer, next_answer + m),
                    [muni.pk] * m,
                    np.repeat(rid, N_QUESTIONS).tolist(),
                    [survey.pk] * m,
                    np.repeat(unit_ids[u], N_QUESTIONS).tolist(),
                    np.tile(np.array(qids), n).tolist(),
                    option_ids.tolist(),
                    value_num,
                    [""] * m,
                    strict=True,
                )
            )
            next_answer += m
            _insert("surveys_response", r_cols, responses)
            _insert("surveys_answer", a_cols, answers)
            print(f"{start + n} responses", file=sys.stderr, flush=True)
    t_index = time.perf_counter()
    with connection.cursor() as c:
        for _name, sql in dropped:
            c.execute(sql)
        if connection.vendor == "postgresql":
            for table in ("surveys_response", "surveys_answer"):
                c.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
                )
            c.execute("ANALYZE")
        else:
            c.execute("ANALYZE")
    t_end = time.perf_counter()
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "responses": N_RESPONSES,
                "answers": next_answer - 1,
                "setup_s": round(t_load - t0, 1),
                "load_s": round(t_index - t_load, 1),
                "index_s": round(t_end - t_index, 1),
            }
        )
    )


def _insert(table: str, cols: list[str], rows: list[tuple]) -> None:
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            raw = c.cursor
            with raw.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(cols))
            c.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)  # noqa: S608


RAW_SQL = """
SELECT a.unit_id, a.option_id, r.bg_gender, COUNT(*)
FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
WHERE a.survey_id = %s AND a.question_id = %s AND r.complete
GROUP BY a.unit_id, a.option_id, r.bg_gender
"""


def measure() -> None:
    survey = Survey.objects.get(municipality__slug="benk")
    root = OrgUnit.objects.get(municipality=survey.municipality, parent=None)
    qid = SurveyQuestion.objects.get(survey=survey, key="q01").pk
    client = Client()
    client.force_login(User.objects.get(username="benk.admin"))
    crosstab = f"/results/{survey.pk}/crosstab/?unit={root.pk}&question=q01&by=gender"
    overview = f"/results/{survey.pk}/?unit={root.pk}"

    def raw() -> None:
        with connection.cursor() as c:
            c.execute(RAW_SQL, [survey.pk, qid])
            c.fetchall()

    def page(url: str, cold: bool):  # type: ignore[no-untyped-def]
        def run() -> None:
            if cold:
                clear_cache()
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return run

    raw_first = timed(raw, 1)
    raw_ms = timed(raw, 5)
    cold = timed(page(crosstab, True), 5)
    warm = timed(page(crosstab, False), 20)
    overview_cold = timed(page(overview, True), 2)
    overview_warm = timed(page(overview, False), 5)

    # "Cold, decided ahead": every in-process cache cleared, but the round's anonymity decisions
    # were worked out beforehand (`manage.py warm_results`) and sit in the shared cache, as they
    # do for a closed round in production.
    from io import StringIO

    from django.conf import settings
    from django.test import override_settings

    from medvirk.insights import disclosure

    shared = {
        **settings.CACHES,
        "disclosure": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"},
    }
    with override_settings(CACHES=shared):
        call_command("warm_results", survey=[survey.pk], stdout=StringIO())

        def decided(url: str):  # type: ignore[no-untyped-def]
            def run() -> None:
                with disclosure._LOCK:
                    disclosure._STATE.clear()
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            return run

        cold_decided = timed(decided(crosstab), 5)
        overview_cold_decided = timed(decided(overview), 2)
    med = statistics.median
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "responses": Response.objects.filter(survey=survey).count(),
                "raw_group_by_first_ms": round(raw_first[0], 1),
                "raw_group_by_median_ms": round(med(raw_ms), 1),
                "breakdown_page_cold_median_ms": round(med(cold), 1),
                "breakdown_page_warm_median_ms": round(med(warm), 1),
                "cold_over_raw": round(med(cold) / med(raw_ms), 2),
                "overview_page_cold_ms": [round(x) for x in overview_cold],
                "overview_page_warm_median_ms": round(med(overview_warm), 1),
                "breakdown_page_cold_decided_ahead_median_ms": round(med(cold_decided), 1),
                "cold_decided_ahead_over_raw": round(med(cold_decided) / med(raw_ms), 2),
                "overview_page_cold_decided_ahead_ms": [round(x) for x in overview_cold_decided],
            }
        )
    )


def export() -> None:
    survey = Survey.objects.get(municipality__slug="benk")
    root = OrgUnit.objects.get(municipality=survey.municipality, parent=None)
    client = Client()
    client.force_login(User.objects.get(username="benk.admin"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    response = client.get(f"/results/{survey.pk}/responses/?unit={root.pk}&format=csv")
    assert response.status_code == 200
    lines = 0
    size = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        size += len(chunk)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "rows": lines - 1,
                "seconds": round(seconds, 1),
                "rows_per_s": round((lines - 1) / seconds),
                "megabytes": round(size / 1e6, 1),
                "peak_rss_mb": round(peak / 1024),
                "rss_before_mb": round(before / 1024),
            }
        )
    )


def _rss_mb() -> float:
    """Return the process's resident memory now (not the peak), from /proc (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def export_job() -> None:
    """Run a background response-level export (``insights.export``) of the whole municipality here.

    ``export-job csv|xlsx|sav``; the job runs in this process (immediate backend). Resident
    memory is sampled at every progress report, so a flat line means constant memory.
    """
    from medvirk.core import jobs
    from medvirk.core.models import JobStatus

    fmt = sys.argv[2] if len(sys.argv) > 2 else "csv"
    survey = Survey.objects.get(municipality__slug="benk")
    root = OrgUnit.objects.get(municipality=survey.municipality, parent=None)
    samples: list[tuple[int, float]] = []
    report = jobs._Reporter.__call__

    def sampling(self, done: int, total: int, message: str = "") -> None:  # type: ignore[no-untyped-def]
        samples.append((done, _rss_mb()))
        report(self, done, total, message)

    jobs._Reporter.__call__ = sampling  # type: ignore[method-assign]
    before = _rss_mb()
    t = time.perf_counter()
    job = jobs.start_job(
        kind="insights.export",
        municipality=survey.municipality,
        user=User.objects.get(username="benk.admin"),
        params={"survey_id": survey.pk, "unit_id": root.pk, "format": fmt},
    )
    seconds = time.perf_counter() - t
    assert job.status == JobStatus.DONE, job.error
    rows = job.result["rows"]
    writing = [mb for done, mb in samples if done > 0]
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "format": fmt,
                "rows": rows,
                "seconds": round(seconds, 1),
                "rows_per_s": round(rows / seconds),
                "megabytes": round(job.result_file.size / 1e6, 1),
                "rss_before_mb": round(before),
                "rss_at_10pct_mb": round(writing[len(writing) // 10]) if writing else None,
                "rss_at_end_mb": round(writing[-1]) if writing else None,
                "rss_max_while_writing_mb": round(max(writing)) if writing else None,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )
    job.result_file.delete(save=False)
    job.delete()


if __name__ == "__main__":
    commands = {"generate": generate, "measure": measure, "export": export, "export-job": export_job}
    commands[sys.argv[1]]()
