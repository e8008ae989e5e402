# SPDX-License-Identifier: AGPL-3.0-or-later
"""National scale (issue 21): one municipality's pages must not grow with the others' data.

One PostgreSQL database holds 357 municipalities, all running the question bank's kindergarten
template in the same round. One of them ("Målkommune") has 20,000 responses; the others share
the rest. Run from the repository root (``bench/national/run.sh`` does the whole sequence)::

    DATABASE_URL=postgres://…/medvirk_national .venv/bin/python bench/national/bench.py setup
    DATABASE_URL=… .venv/bin/python bench/national/bench.py grow 300000    # total responses
    (copy the database, grow the copy to 3000000: see run.sh)
    DATABASE_URL=… .venv/bin/python bench/national/bench.py prepare        # each database
    .venv/bin/python bench/national/bench.py pages URL_0.3M URL_3M 60 8 480  # JSON

``setup`` makes the municipalities, their units and rounds through the services (the round's
definition, questions and options as the product makes them). ``grow`` adds responses and their
answers in SQL (``INSERT … SELECT`` over ``generate_series``; nothing row by row in Python) to
the *other* municipalities until the database holds the given total, then ``VACUUM ANALYZE``.
``prepare`` does the worker's part (timed, not a target): the round's decisions, the whole
municipality's equity report, the national benchmark (pooling all 357 municipalities), into a
file cache per database (the shared cache, a file cache in production too).

``pages`` times, for the 20,000-response municipality, with both databases held at once by two
``serve`` processes and its requests alternating between them (so both sizes see the same
machine, second by second):

- **breakdown** (the results page with one question × gender, the whole municipality) and
  **equity** (the whole municipality's equity report): *cold* (every in-process cache emptied
  and a new database connection, as a restarted server has; the shared cache and the database's
  own caches warm), *warm* (again), and *restart* (the first request of a new process: imports
  and template compilation included);
- **national_read**: the national benchmark's read by a page (``prepared_benchmark``, < 100 ms);
- per page and kind the median and p90 at both sizes, their ratio 3 M / 0.3 M with a 95 %
  bootstrap interval, and the verdict against ≤ 1.2 (met when the whole interval is at or
  below it, not met when it is all above, else undecided);
- ``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest statements of each page at both sizes (indexes,
  rows, buffers), so a scan of other municipalities' rows shows.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from django_env import ROOT, setup

setup("config.settings.test", DJANGO_ALLOW_ASYNC_UNSAFE="true")

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
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
        .annotate(n=Count("id"))
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


def _restart() -> None:
    """Forget every in-process cache, as a restarted server has, and open a new database
    connection (a new server process's); the shared cache stays, as do the database's caches."""
    from medvirk.insights import disclosure

    with disclosure._LOCK:
        disclosure._STATE.clear()
        disclosure._LATEST.clear()
        disclosure._LOCAL_SHARED.clear()
    caches["default"].clear()
    connection.close()


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
                    "ms": round(plan["Execution Time"], 2),
                    "shared_hit": plan["Plan"].get("Shared Hit Blocks"),
                    "shared_read": plan["Plan"].get("Shared Read Blocks"),
                    "scans": nodes,
                }
            )
    return out


def _shared_cache() -> dict[str, object]:
    """The worker's shared cache as in production (a file cache, ``var/cache/disclosure`` there),
    one per database: made by ``prepare``, read by the pages ``serve`` times."""
    name = connection.settings_dict["NAME"]
    location = ROOT / "var" / "bench-national" / name
    return {
        **settings.CACHES,
        "disclosure": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": location,
        },
    }


def _target() -> tuple[Survey, OrgUnit]:
    survey = Survey.objects.select_related("municipality").get(
        municipality__slug=TARGET, template_key=TEMPLATE
    )
    return survey, OrgUnit.objects.get(municipality=survey.municipality, parent=None)


def prepare() -> None:
    """The worker's part, ahead of the measurement (not the target; times indicative): the
    round's decisions, the whole municipality's equity report and the national benchmark
    (pooling all 357 municipalities), into this database's shared cache."""
    from medvirk.insights import benchmark as national
    from medvirk.insights import equity_ahead
    from medvirk.insights.tables import SurveyResults

    survey, root = _target()
    out: dict[str, object] = {"database": connection.settings_dict["NAME"], "load": _load()}
    with override_settings(CACHES=_shared_cache()):
        caches["disclosure"].clear()
        _restart()
        t = time.perf_counter()
        SurveyResults(survey).disclosure.decide()
        out["decide_work_ms"] = round((time.perf_counter() - t) * 1000)
        _restart()
        t = time.perf_counter()
        equity_ahead.prepare(survey, root, language=settings.LANGUAGE_CODE)
        out["equity_work_ms"] = round((time.perf_counter() - t) * 1000)
        _restart()
        t = time.perf_counter()
        national.prepare(survey)
        out["national_work_ms"] = round((time.perf_counter() - t) * 1000)
    print(json.dumps(out))


def serve(warm_up: bool = True) -> None:
    """Time this database's pages as ``pages`` asks (one command a line on stdin, one JSON line
    out each): ``<page> cold`` (after :func:`_restart`) or ``<page> warm`` (again), ``explain``.

    In-process (Django's test client, no HTTP): the wall time of the request as the server
    spends it. Checks that the pages only read what ``prepare`` made (no job is queued).
    ``warm_up``: make one request before answering (imports, templates), for ``cold``.
    """
    from medvirk.core.models import Job
    from medvirk.insights import benchmark as national
    from medvirk.insights import selectors
    from medvirk.insights.tables import SurveyResults

    survey, root = _target()
    client = Client()
    client.force_login(User.objects.get(username=f"{TARGET}.admin"))
    urls = {
        "breakdown": f"/results/{survey.pk}/crosstab/?unit={root.pk}&question={BREAKDOWN_QUESTION}&by=gender",
        "equity": f"/population/equity/units/{root.pk}/?survey={survey.pk}",
    }
    jobs = Job.objects.count()

    def run(page: str) -> float:
        """Make the page; return its milliseconds (the benchmark's read alone, as a page has
        its round's results at hand when it reads it)."""
        if page == "national_read":
            results = SurveyResults(survey)
            t = time.perf_counter()
            national.prepared_benchmark(user=None, results=results, next_url="")
            return (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        response = client.get(urls[page])
        ms = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, (page, response.status_code)
        return ms

    with override_settings(CACHES=_shared_cache()):
        from medvirk.insights.disclosure import SurveyDisclosure

        assert SurveyDisclosure(survey).ready(), "run `bench.py prepare` on this database first"
        if warm_up:
            run("breakdown")  # imports, templates: what a server has done before its first request
        else:
            _restart()  # the check above read the decisions into this process: forget them
        print(json.dumps({"ready": connection.settings_dict["NAME"]}), flush=True)
        for line in sys.stdin:
            command = line.split()
            if command == ["explain"]:
                out: dict[str, object] = {"responses_total": Response.objects.count()}
                for page in ("breakdown", "equity", "national_read"):
                    _restart()
                    with CaptureQueriesContext(connection) as ctx:
                        run(page)
                    out[f"{page}_queries"] = len(ctx.captured_queries)
                    out[f"{page}_explain"] = _explain(ctx)
                # The worker's two counts (what the breakdown is made from), for the record.
                question = SurveyQuestion.objects.get(survey=survey, key=BREAKDOWN_QUESTION)
                with CaptureQueriesContext(connection) as ctx:
                    list(
                        selectors.complete_answers(survey)
                        .filter(question=question)
                        .values("unit_id", "option_id", "response__bg_gender")
                        .annotate(n=Count("id"))
                        .order_by()
                    )
                    respondents = selectors.complete_responses(survey).values("unit_id", "bg_gender")
                    list(respondents.annotate(n=Count("id")).order_by())
                out["counts_explain"] = _explain(ctx, 2)
                out["jobs_queued"] = Job.objects.count() - jobs
                print(json.dumps(out, ensure_ascii=False), flush=True)
                continue
            page, kind = command
            if kind == "cold":
                _restart()
            print(json.dumps({"ms": run(page)}), flush=True)


class _Server:
    """One ``serve`` process on one database."""

    def __init__(self, url: str, warm_up: bool = True) -> None:
        env = {**os.environ, "DATABASE_URL": url}
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "serve" if warm_up else "serve-fresh"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.reply()

    def reply(self) -> dict[str, object]:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                return json.loads(line)  # type: ignore[no-any-return]
        raise RuntimeError(f"serve process ended ({self.proc.wait()})")

    def ask(self, command: str) -> dict[str, object]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.reply()

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


PAGES = ("breakdown", "equity", "national_read")


def _bootstrap(small: list[float], large: list[float], q: float, n: int = 4000) -> tuple[float, float]:
    """95 % interval of quantile ``q`` of ``large`` over that of ``small`` (percentile bootstrap,
    each sample resampled on its own; seeded, so a run's interval reads the same again)."""
    import numpy as np

    rng = np.random.default_rng(2026)
    a, b = np.asarray(small), np.asarray(large)
    ra = np.quantile(rng.choice(a, (n, a.size)), q, axis=1)
    rb = np.quantile(rng.choice(b, (n, b.size)), q, axis=1)
    low, high = np.quantile(rb / ra, [0.025, 0.975])
    return float(low), float(high)


def _verdict(low: float, high: float, n: int, target: float = 1.2) -> str:
    if n < 10:
        return "too few samples to judge"
    if high <= target:
        return "met"
    if low > target:
        return "not met"
    return "undecided (interval spans the target)"


def pages(small_url: str, large_url: str, trials: int, restarts: int, budget: float = 480.0) -> None:
    """Time the pages on both databases at once, requests alternating between them.

    ``trials`` rounds; in each, every page (in a shuffled order) gets, on each database (the
    order alternating by round), one cold request (in-process caches emptied, a new database
    connection) and two warm ones. Then ``restarts`` times per page and database the first
    request of a new ``serve`` process (a restarted server: the issue's own "cold", imports
    and template compilation included), alternating between the databases too. Within
    ``budget`` seconds (the benchmark lock's 10 minutes): the trials stop at half of it, the
    restarts at all of it; the counts made are in the output.
    """
    import random

    rng = random.Random(21)
    names = {"0.3M": small_url, "3M": large_url}
    times: dict[str, dict[str, list[float]]] = {
        f"{page}_{kind}": {size: [] for size in names}
        for page in PAGES
        for kind in ("cold", "warm", "restart")
    }
    loads = [os.getloadavg()[0]]
    started = time.time()
    servers = {size: _Server(url) for size, url in names.items()}
    try:
        for trial in range(trials):
            if time.time() - started > budget / 2:
                break
            order = list(names) if trial % 2 == 0 else list(reversed(names))
            shuffled = list(PAGES)
            rng.shuffle(shuffled)
            for page in shuffled:
                for size in order:
                    times[f"{page}_cold"][size].append(float(servers[size].ask(f"{page} cold")["ms"]))
                    for _ in range(2):
                        times[f"{page}_warm"][size].append(float(servers[size].ask(f"{page} warm")["ms"]))
            if trial % 10 == 9:
                loads.append(os.getloadavg()[0])
                seconds = time.time() - started
                print(f"trial {trial + 1}/{trials}, {seconds:.0f} s", file=sys.stderr, flush=True)
        explain = {size: servers[size].ask("explain") for size in names}
    finally:
        for server in servers.values():
            server.stop()
    for i in range(restarts):  # a new process for each page's first request
        if time.time() - started > budget:
            break
        order = list(names) if i % 2 == 0 else list(reversed(names))
        for page in ("breakdown", "equity"):
            for size in order:
                server = _Server(names[size], warm_up=False)
                try:
                    times[f"{page}_restart"][size].append(float(server.ask(f"{page} cold")["ms"]))
                finally:
                    server.stop()
    loads.append(os.getloadavg()[0])
    summary: dict[str, object] = {}
    for key, by_size in times.items():
        small, large = by_size["0.3M"], by_size["3M"]
        if not small:
            continue
        row: dict[str, object] = {"n": [len(small), len(large)]}
        for label, q in (("median", 0.5), ("p90", 0.9)):
            import numpy as np

            a, b = float(np.quantile(small, q)), float(np.quantile(large, q))
            low, high = _bootstrap(small, large, q)
            row[label] = {"0.3M_ms": round(a, 2), "3M_ms": round(b, 2), "ratio": round(b / a, 3)}
            row[label]["interval"] = [round(low, 3), round(high, 3)]  # type: ignore[index]
            if not key.startswith("national_read"):
                row[label]["verdict"] = _verdict(low, high, min(len(small), len(large)))  # type: ignore[index]
        summary[key] = row
    out = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(started)),
        "seconds": round(time.time() - started),
        "load_1min": [round(x, 2) for x in loads],
        "trials": len(times["breakdown_cold"]["0.3M"]),
        "restarts": len(times["breakdown_restart"]["0.3M"]),
        "summary": summary,
        "explain": explain,
        "samples": times,
    }
    print(json.dumps(out, ensure_ascii=False))


def table(path: str) -> None:
    """Print the summary of a ``pages`` run (its last JSON line in ``path``) as Markdown rows."""
    with open(path, encoding="utf-8") as f:
        run = json.loads([line for line in f if line.startswith('{"started"')][-1])
    print(f"{run['started']}, {run['seconds']} s, load (1 min) {run['load_1min']}")
    print("| page, kind | n | median 0.3 M / 3 M | ratio [95 %] | p90 0.3 M / 3 M | ratio [95 %] | verdict |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for key, row in run["summary"].items():
        cells = []
        for label in ("median", "p90"):
            m = row[label]
            cells.append(f"{m['0.3M_ms']:.1f} / {m['3M_ms']:.1f} ms")
            cells.append(f"**{m['ratio']:.2f}** [{m['interval'][0]:.2f}, {m['interval'][1]:.2f}]")
        verdict = row["median"].get("verdict", "")
        page, kind = key.rsplit("_", 1)
        n = f"{row['n'][0]} + {row['n'][1]}"
        print(f"| {page}, {kind} | {n} | {' | '.join(cells)} | {verdict} |")


def _load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "setup":
        setup()
    elif command == "grow":
        grow(int(sys.argv[2]))
    elif command == "prepare":
        prepare()
    elif command == "serve":
        serve()
    elif command == "serve-fresh":
        serve(warm_up=False)
    elif command == "table":
        table(sys.argv[2])
    elif command == "pages":
        print(_load(), file=sys.stderr)
        pages(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]))
        print(_load(), file=sys.stderr)
    else:
        raise SystemExit(f"unknown command {command}")
