# SPDX-License-Identifier: AGPL-3.0-or-later
"""National scale (issue 21): one municipality's pages must not grow with the others' data.

One PostgreSQL database holds 357 municipalities, all running the question bank's kindergarten
template in the same round. One of them ("Målkommune") has 20,000 responses; the others share
the rest. Run from the repository root (``bench/national/run.sh`` does the whole sequence)::

    DATABASE_URL=postgres://…/medvirk_national .venv/bin/python bench/national/bench.py setup
    DATABASE_URL=… .venv/bin/python bench/national/bench.py grow 300000    # total responses
    DATABASE_URL=… .venv/bin/python bench/national/bench.py measure        # prints JSON
    (copy the database, grow the copy to 3000000, measure both: see run.sh)

``setup`` makes the municipalities, their units and rounds through the services (the round's
definition, questions and options as the product makes them). ``grow`` adds responses and their
answers in SQL (``INSERT … SELECT`` over ``generate_series``; nothing row by row in Python) to
the *other* municipalities until the database holds the given total, then ``VACUUM ANALYZE``.
``measure`` times, for the 20,000-response municipality:

- the results page with a breakdown (one question × gender, the whole municipality) and the
  equity report (whole municipality): *work* (the worker's part: the round's decisions and the
  report, nothing cached), *cold* (a restarted server: every in-process cache empty, the worker's
  decisions and report in the shared cache, the database's caches warm) and *warm* (again);
- the national benchmark: computed in the worker (the pooled counts over all 357 municipalities
  and the anonymity decision over them), and read by a page (< 100 ms);
- ``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest statements of each page, with the indexes they
  use and the rows they read, so a scan of other municipalities' rows shows.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from medvirk.accounts.models import Role, User  # noqa: E402
from medvirk.accounts.services import role_grant  # noqa: E402
from medvirk.accounts.unit_services import municipality_create, unit_create  # noqa: E402
from medvirk.core.actors import SystemActor  # noqa: E402
from medvirk.orgs.models import OrgUnit, ServiceArea, UnitKind  # noqa: E402
from medvirk.surveys import services  # noqa: E402
from medvirk.surveys.models import Response, Survey, SurveyQuestion  # noqa: E402
from medvirk.surveys.selectors import load_template  # noqa: E402

MUNICIPALITIES = 357
TARGET = "malkommune"
TARGET_RESPONSES = 20_000
TEMPLATE, ROUND = "kindergarten_parents", "2026"
# The closed questions each respondent answers (a respondent may skip the rest): the matrix's
# five rows, two ratings and the child's age group. Fewer answers per response keep 3 M
# responses within reach of a shared 2-core machine; every page reads per question anyway.
QUESTIONS = [
    "bhg_trivsel_barn",
    "bhg_trygg_barn",
    "bhg_venner",
    "bhg_godt_sted",
    "bhg_helhet",
    "bhg_barnets_alder",
]
BREAKDOWN_QUESTION = "bhg_helhet"
ACTOR = SystemActor("national benchmark data")
GENDERS = ["female", "male", "other", ""]
AGES = ["16-24", "25-34", "35-44", "45-54", "55-66", ""]
CHANNELS = ["code", "email", "code", "link"]  # three in four count towards the threshold

# The worker's shared cache, as in production (a file cache per host there): "cold" keeps it.
SHARED = {
    **settings.CACHES,
    "disclosure": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "national"},
}


def setup() -> None:
    """Make 357 municipalities with the same bank round; the target one with 5 districts × 8 units."""
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    document = load_template(TEMPLATE).to_dict()
    have = set(
        Survey.objects.filter(template_key=TEMPLATE, round_label=ROUND).values_list(
            "municipality__slug", flat=True
        )
    )
    for i in range(MUNICIPALITIES):
        slug = TARGET if i == 0 else f"nasjonal{i:03d}"
        if slug in have:
            continue
        muni = municipality_create(
            actor=ACTOR, code=f"{7000 + i}", name="Målkommune" if i == 0 else f"Kommune {i:03d}", slug=slug
        )
        root = OrgUnit.objects.get(municipality=muni, parent=None)
        units = []
        for d in range(5 if i == 0 else 1):
            parent = root
            if i == 0:
                parent = unit_create(
                    actor=ACTOR,
                    parent=root,
                    name=f"Bydel {d}",
                    kind=UnitKind.DISTRICT,
                    region_code=f"70000{d}",
                )
            units += [
                unit_create(
                    actor=ACTOR,
                    parent=parent,
                    name=f"Barnehage {d}-{u}",
                    service_area=ServiceArea.KINDERGARTEN,
                )
                for u in range(8 if i == 0 else 3)
            ]
        admin = User.objects.create(username=f"{slug}.admin", municipality=muni)
        role_grant(actor=ACTOR, user=admin, unit=root, role=Role.ADMIN)
        survey = services.survey_create(
            actor=admin, owner_unit=root, document=document, units=units, round_label=ROUND
        )
        Survey.objects.filter(pk=survey.pk).update(anonymity_mode="anonymous", status="closed")
        if i % 50 == 0:
            print(f"{i + 1} municipalities, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_q")
        c.execute(
            """
            CREATE TABLE bench_q AS
            SELECT q.survey_id, q.id AS question_id,
                   array_agg(o.id ORDER BY o.position, o.id) AS option_ids,
                   count(o.id) AS n
            FROM surveys_surveyquestion q
            JOIN surveys_survey s ON s.id = q.survey_id
            JOIN surveys_surveyoption o ON o.question_id = q.id AND o.key <> 'dont_know'
            WHERE s.template_key = %s AND s.round_label = %s AND q.key = ANY(%s)
            GROUP BY q.survey_id, q.id
            """,
            [TEMPLATE, ROUND, QUESTIONS],
        )
        c.execute("CREATE INDEX ON bench_q (survey_id)")
        c.execute("SELECT count(DISTINCT survey_id), count(*) FROM bench_q")
        surveys, questions = c.fetchone()
    assert questions == surveys * len(QUESTIONS), (surveys, questions)
    print(json.dumps({"municipalities": surveys, "setup_s": round(time.perf_counter() - t0, 1)}))


def _plan(total: int) -> list[tuple[int, int, int, list[int]]]:
    """Return (municipality, survey, responses to add, unit ids) so the database holds ``total``."""
    rows = list(
        Survey.objects.filter(template_key=TEMPLATE, round_label=ROUND)
        .order_by("pk")
        .values_list("pk", "municipality_id", "municipality__slug")
    )
    have = dict(
        Response.objects.filter(survey_id__in=[pk for pk, _m, _s in rows])
        .values_list("survey_id")
        .annotate(n=django.db.models.Count("id"))
    )
    others = [r for r in rows if r[2] != TARGET]
    per_other = (total - TARGET_RESPONSES) // len(others)
    plan = []
    for pk, muni, slug in rows:
        want = TARGET_RESPONSES if slug == TARGET else per_other
        add = want - have.get(pk, 0)
        if add > 0:
            units = list(
                Survey.objects.get(pk=pk).survey_units.values_list("unit_id", flat=True).order_by("unit_id")
            )
            plan.append((muni, pk, add, units))
    return plan


def _secondary_indexes() -> list[tuple[str, str]]:
    """The non-unique indexes of the two big tables (dropped while a large growth loads)."""
    with connection.cursor() as c:
        c.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename IN ('surveys_answer', 'surveys_response') "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
        )
        return list(c.fetchall())


def grow(total: int) -> None:
    """Add responses (and their answers) in SQL until the database holds ``total`` responses.

    Adding more than a million, the secondary indexes are dropped first and built again after
    (as a bulk load would), which on a shared machine is several times faster.
    """
    t0 = time.perf_counter()
    plan = _plan(total)
    added = 0
    dropped = _secondary_indexes() if sum(p[2] for p in plan) > 1_000_000 else []
    with connection.cursor() as c:
        for name, _sql in dropped:
            c.execute(f'DROP INDEX "{name}"')
    with connection.cursor() as c:
        c.execute("SELECT setseed(0.2026)")
        c.execute("SELECT coalesce(max(id), 0) FROM surveys_response")
        (last,) = c.fetchone()
        # In batches of municipalities, so each statement stays a few hundred thousand rows.
        batch: list[tuple[int, int, int, list[int]]] = []
        for i, item in enumerate(plan):
            batch.append(item)
            if sum(b[2] for b in batch) < 200_000 and i < len(plan) - 1:
                continue
            c.execute("DROP TABLE IF EXISTS bench_plan")
            c.execute("CREATE TEMP TABLE bench_plan (municipality_id int, survey_id int, n int, units int[])")
            with c.cursor.copy("COPY bench_plan FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
            c.execute(
                """
                INSERT INTO surveys_response (municipality_id, survey_id, unit_id, language, channel,
                    complete, created_on, submitted_on, idempotency_key, bg_age_band, bg_gender, bg_district,
                    bg_home_language, bg_immigrant_background, bg_functional_impairment)
                SELECT p.municipality_id, p.survey_id, p.units[1 + (g %% array_length(p.units, 1))], 'nb',
                    (%s::text[])[1 + (g %% 4)], true, DATE '2026-03-01', DATE '2026-03-01',
                    'nat-' || p.survey_id || '-' || g || '-' || %s,
                    (%s::text[])[1 + floor(random() * %s)::int],
                    (%s::text[])[1 + (CASE WHEN random() < 0.52 THEN 0 WHEN random() < 0.93 THEN 1
                                         WHEN random() < 0.5 THEN 2 ELSE 3 END)],
                    '', '', '', ''
                FROM bench_plan p, generate_series(1, p.n) AS g
                """,
                [CHANNELS, last, AGES, len(AGES), GENDERS],
            )
            c.execute("SELECT max(id) FROM surveys_response")
            (newest,) = c.fetchone()
            # Each answer's option: skewed towards the top of the scale, as satisfaction is.
            c.execute(
                """
                INSERT INTO surveys_answer (municipality_id, response_id, survey_id, unit_id, question_id,
                    option_id, value_num, value_text)
                SELECT r.municipality_id, r.id, r.survey_id, r.unit_id, q.question_id,
                    q.option_ids[1 + k.k], (1 + k.k)::float, ''
                FROM surveys_response r
                JOIN bench_q q ON q.survey_id = r.survey_id
                CROSS JOIN LATERAL (SELECT least(q.n - 1, floor(power(random(), 0.45) * q.n))::int
                                    + 0 * r.id AS k) k
                WHERE r.id > %s AND r.id <= %s
                """,
                [last, newest],
            )
            added += sum(b[2] for b in batch)
            last = newest
            batch = []
            print(f"+{added} responses, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    with connection.cursor() as c:
        for _name, sql in dropped:
            c.execute(sql)
    t_vac = time.perf_counter()
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE surveys_response")
        c.execute("VACUUM ANALYZE surveys_answer")
    print(
        json.dumps(
            {
                "responses": Response.objects.count(),
                "added": added,
                "load_s": round(t_vac - t0, 1),
                "vacuum_s": round(time.perf_counter() - t_vac, 1),
            }
        )
    )


def _timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _restart() -> None:
    """Forget every in-process cache, as a restarted server has; the shared cache stays."""
    from medvirk.insights import disclosure

    with disclosure._LOCK:
        disclosure._STATE.clear()
        disclosure._LATEST.clear()
        disclosure._LOCAL_SHARED.clear()
    caches["default"].clear()


def _forget_everything() -> None:
    _restart()
    caches["disclosure"].clear()


def _explain(ctx: CaptureQueriesContext, top: int = 4) -> list[dict[str, object]]:
    """EXPLAIN (ANALYZE, BUFFERS) the ``top`` slowest SELECTs captured: indexes used, rows, buffers."""
    queries = sorted(
        (q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))),
        key=lambda q: -float(q["time"]),
    )[:top]
    out = []
    with connection.cursor() as c:
        for q in queries:
            c.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + q["sql"])
            plan = c.fetchone()[0][0]
            nodes: list[dict[str, object]] = []

            def walk(node: dict[str, object], nodes: list[dict[str, object]] = nodes) -> None:
                if "Relation Name" in node:
                    nodes.append(
                        {
                            "table": node["Relation Name"],
                            "scan": node["Node Type"],
                            "index": node.get("Index Name"),
                            "rows": node.get("Actual Rows", 0) * node.get("Actual Loops", 1),
                            "heap_fetches": node.get("Heap Fetches"),
                        }
                    )
                for child in node.get("Plans", []):  # type: ignore[attr-defined]
                    walk(child, nodes)

            walk(plan["Plan"])
            out.append(
                {
                    "sql": re.sub(r"\s+", " ", q["sql"])[:160],
                    "ms": round(plan["Execution Time"], 1),
                    "shared_hit": plan["Plan"].get("Shared Hit Blocks"),
                    "shared_read": plan["Plan"].get("Shared Read Blocks"),
                    "scans": nodes,
                }
            )
    return out


def measure() -> None:
    from medvirk.insights import benchmark as national
    from medvirk.insights import equity_ahead
    from medvirk.insights.tables import SurveyResults

    survey = Survey.objects.select_related("municipality").get(
        municipality__slug=TARGET, template_key=TEMPLATE
    )
    root = OrgUnit.objects.get(municipality=survey.municipality, parent=None)
    client = Client()
    client.force_login(User.objects.get(username=f"{TARGET}.admin"))
    crosstab = f"/results/{survey.pk}/crosstab/?unit={root.pk}&question={BREAKDOWN_QUESTION}&by=gender"
    equity = f"/population/equity/units/{root.pk}/?survey={survey.pk}"
    med = statistics.median

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    out: dict[str, object] = {
        "vendor": connection.vendor,
        "responses_total": Response.objects.count(),
        "responses_target": Response.objects.filter(municipality=survey.municipality).count(),
        "municipalities": Survey.objects.filter(template_key=TEMPLATE, round_label=ROUND).count(),
        "load": os.getloadavg(),
    }
    with override_settings(CACHES=SHARED):
        # The worker's part, nothing cached: the round's decisions, the equity report, the
        # national benchmark (pooling all 357 municipalities). Once each: on a shared 2-core
        # machine a round's decision takes minutes of CPU.
        _forget_everything()
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as decide_sql:
            SurveyResults(survey).disclosure.decide()
        decide_ms = (time.perf_counter() - t) * 1000
        _restart()
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as equity_sql:
            equity_ahead.prepare(survey, root, language=settings.LANGUAGE_CODE)
        equity_ms = (time.perf_counter() - t) * 1000
        _restart()
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as national_sql:
            national.prepare(survey)
        national_ms = (time.perf_counter() - t) * 1000
        # The two counts the results are made from (the round's own rows, named by municipality):
        # answers per unit, option and gender for one question, respondents per unit and gender.
        from django.db.models import Count

        from medvirk.insights import selectors

        question = SurveyQuestion.objects.get(survey=survey, key=BREAKDOWN_QUESTION)
        with CaptureQueriesContext(connection) as counts_sql:
            list(
                selectors.complete_answers(survey)
                .filter(question=question)
                .values("unit_id", "option_id", "response__bg_gender")
                .annotate(n=Count("id"))
                .order_by()
            )
            respondents = selectors.complete_responses(survey).values("unit_id", "bg_gender")
            list(respondents.annotate(n=Count("id")).order_by())
        out["counts_explain"] = _explain(counts_sql, 2)

        # The statements that read the answers: the worker's; the pages then read the cache.
        out["decide_explain"] = _explain(decide_sql)
        out["equity_work_explain"] = _explain(equity_sql, 2)
        out["national_work_explain"] = _explain(national_sql, 2)

        def page(url: str, cold: bool):  # type: ignore[no-untyped-def]
            def run() -> None:
                if cold:
                    _restart()
                get(url)

            return run

        for name, url in (("breakdown", crosstab), ("equity", equity)):
            cold = _timed(page(url, True), 7)
            warm = _timed(page(url, False), 25)
            out[f"{name}_cold_ms"] = round(med(cold), 1)
            out[f"{name}_warm_ms"] = round(med(warm), 1)
            _restart()
            with CaptureQueriesContext(connection) as ctx:
                get(url)
            out[f"{name}_queries"] = len(ctx.captured_queries)
            out[f"{name}_explain"] = _explain(ctx)
        out["decide_work_ms"] = round(decide_ms, 1)
        out["equity_work_ms"] = round(equity_ms, 1)
        out["national_work_ms"] = round(national_ms, 1)
        results_page = f"/results/{survey.pk}/?unit={root.pk}"
        reads = []
        for _ in range(5):  # a restarted server: only the shared cache holds the benchmark
            _restart()
            results = SurveyResults(survey)
            t = time.perf_counter()
            national.prepared_benchmark(user=None, results=results, next_url="")
            reads.append((time.perf_counter() - t) * 1000)
        out["national_read_ms"] = round(med(reads), 1)
        out["results_page_cold_ms"] = round(med(_timed(page(results_page, True), 5)), 1)
        out["results_page_warm_ms"] = round(med(_timed(page(results_page, False), 10)), 1)
        national_bench = national.prepared_benchmark(user=None, results=SurveyResults(survey), next_url="")
        out["national_benchmark"] = {
            "available": national_bench.available,
            "municipalities": national_bench.municipalities,
            "questions_shown": len(national_bench.figures),
        }
    print(json.dumps(out, ensure_ascii=False))


def _load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "setup":
        setup()
    elif command == "grow":
        grow(int(sys.argv[2]))
    elif command == "measure":
        print(_load(), file=sys.stderr)
        measure()
    else:
        raise SystemExit(f"unknown command {command}")
    _ = StringIO
