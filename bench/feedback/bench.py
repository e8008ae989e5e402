# SPDX-License-Identifier: AGPL-3.0-or-later
"""Benchmark client feedback: the unit dashboard over 10,000 episodes / 100,000 sessions, and a
practitioner's caseload of 40 clients.

Run from the repository root (a throwaway database; ``config.settings.dev`` with DEBUG off, so
the anonymity decision is kept in the shared file cache as in production)::

    export DJANGO_SETTINGS_MODULE=config.settings.dev DEBUG=0 MEDVIRK_VAR_DIR=/tmp/mv-bench-var
    DATABASE_URL=sqlite:////tmp/mv-fb.sqlite3 .venv/bin/python bench/feedback/bench.py generate
    DATABASE_URL=sqlite:////tmp/mv-fb.sqlite3 .venv/bin/python bench/feedback/bench.py measure

``generate`` migrates, builds a municipality (5 districts × 4 units, one service each), bulk-loads
10,000 closed episodes in one half-year with 100,000 sessions and their PHQ-9 and session-feedback
ratings, and a practitioner with 40 open episodes (4 scored sessions each). ``measure`` prints JSON:
the raw GROUP BY of the dashboard's figures; the anonymity decision and then the page's figures
worked out ahead (the worker's ``feedback.decide`` job: both kept in the shared cache, the
figures under the data version); the page's lookup of the data version; the dashboard page cold
(first request of the process to it, figures from the shared cache) and warm (median of 20); the
caseload page warm (median of 20; each request audits 40 reads in one INSERT); and the load.
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from django_env import setup

setup("config.settings.dev", DEBUG="0", ALLOWED_HOSTS="testserver")  # the test client's host

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from medvirk.accounts.models import Role, RoleAssignment, User  # noqa: E402
from medvirk.accounts.unit_services import municipality_create, unit_create  # noqa: E402
from medvirk.analysis.outcomes import classify  # noqa: E402
from medvirk.core.actors import SystemActor  # noqa: E402
from medvirk.feedback import dashboard, services  # noqa: E402
from medvirk.feedback.models import Episode, Rater, Rating, Session  # noqa: E402
from medvirk.orgs.models import Municipality, UnitKind  # noqa: E402
from medvirk.orgs.selectors import municipality_root  # noqa: E402

N_EPISODES = int(os.environ.get("BENCH_EPISODES", "10000"))
SESSIONS = 10  # per episode: 100,000 sessions
PERIOD = dashboard.Period(2025, 2)
SYSTEM = SystemActor("benchmark")
SEED = 20261206


def generate() -> None:
    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    muni = municipality_create(actor=SYSTEM, code="9990", name="Benkestad", slug="benkestad")
    root = municipality_root(municipality=muni)
    phq = services.instrument_load(actor=SYSTEM, municipality=muni, key="phq9")
    alliance = services.instrument_load(actor=SYSTEM, municipality=muni, key="medvirk_session")
    service_list = []
    for d in range(5):
        district = unit_create(actor=SYSTEM, parent=root, name=f"Bydel {d}", kind=UnitKind.DISTRICT)
        for u in range(4):
            unit = unit_create(actor=SYSTEM, parent=district, name=f"Tjeneste {d}.{u}")
            service_list.append(
                services.service_create(
                    actor=SYSTEM, unit=unit, name=f"Samtaler {d}.{u}", outcome=phq, alliance=alliance
                )
            )
    thresholds = phq.parsed.thresholds(phq.parsed.get_version("adult"))
    cats = {
        "immigrant_background": ["rest", "immigrant", "norwegian_born_to_immigrants", ""],
        "home_language": ["norwegian", "other", "norwegian_and_other", ""],
        "gender": ["female", "male", "other", ""],
        "age_band": ["16-24", "25-34", "35-44", "45-54", "55-66", ""],
    }
    weights = {
        "immigrant_background": [70, 20, 5, 5],
        "home_language": [75, 15, 8, 2],
        "gender": [55, 41, 2, 2],
        "age_band": [20, 25, 20, 15, 15, 5],
    }
    start = time.perf_counter()
    with transaction.atomic():
        for n in range(N_EPISODES):
            service = service_list[n % len(service_list)]
            intake = max(5, min(27, round(rng.gauss(15, 4.5))))
            rate = 3 + rng.gauss(0, 1.5)
            scores = [intake] + [
                max(0, min(27, round(intake - rate * math.log(t) + rng.gauss(0, 1.5))))
                for t in range(2, SESSIONS + 1)
            ]
            bg = {k: rng.choices(v, weights[k])[0] for k, v in cats.items()}
            episode = Episode.objects.create(
                municipality=muni,
                service=service,
                unit_id=service.unit_id,
                alias=f"B{n}",
                age_version="adult",
                opened_on=date(2025, 7, 1),
                closed_on=date(2025, 7, 1) + timedelta(days=rng.randint(60, 180)),
                status="closed",
                end_reason=rng.choices(["planned", "dropout", "other"], [70, 25, 5])[0],
                intake_score=scores[0],
                last_score=scores[-1],
                rated_sessions=SESSIONS,
                change=classify(scores[0], scores[-1], thresholds).value,
                alliance_mean=round(rng.uniform(7, 10), 1),
                **bg,
            )
            rater = Rater.objects.create(municipality=muni, episode=episode)
            sessions = Session.objects.bulk_create(
                Session(
                    municipality=muni,
                    episode=episode,
                    number=t + 1,
                    held_on=date(2025, 7, 1) + timedelta(days=7 * t),
                )
                for t in range(SESSIONS)
            )
            Rating.objects.bulk_create(
                Rating(
                    municipality=muni,
                    session=s,
                    rater=rater,
                    instrument=phq,
                    purpose="outcome",
                    score=v,
                    mode="own_phone",
                )
                for s, v in zip(sessions, scores, strict=True)
            )
    user = User.objects.create(username="bench.behandler", municipality=muni)
    RoleAssignment.objects.create(
        municipality=muni, user=user, unit=service_list[0].unit, role=Role.PRACTITIONER
    )
    for n in range(40):
        episode = services.episode_open(
            actor=user, service=service_list[0], alias=f"Klient {n}", opened_on=date(2026, 9, 1)
        )
        for value in (16, 14, 13, 12 + n % 5):
            session = services.session_record(actor=user, episode=episode, held_on=date(2026, 9, 2))
            services.rating_submit(
                actor=user,
                session=session,
                rater=services.client_rater(episode),
                instrument=phq,
                answers={f"phq9_{i}": min(3, max(0, value - 3 * (i - 1))) for i in range(1, 10)},
                mode="tablet",
            )
    analyst = User.objects.create(username="bench.analytiker", municipality=muni)
    RoleAssignment.objects.create(municipality=muni, user=analyst, unit=root, role=Role.ANALYST)
    print(
        json.dumps(
            {
                "generated_episodes": N_EPISODES,
                "sessions": N_EPISODES * SESSIONS,
                "seconds": round(time.perf_counter() - start, 1),
            }
        )
    )


def _ms(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def measure() -> None:
    call_command("migrate", verbosity=0)  # a database generated before the dashboard's data version
    caches[dashboard.CACHE].clear()  # the bench's own var dir: decide from scratch
    muni = Municipality.objects.get(slug="benkestad")
    raw = [_ms(lambda: dashboard._rows(muni.pk, PERIOD)) for _ in range(7)]
    data = dashboard.load(muni.pk, PERIOD)
    policy = dashboard.policy_for(muni)
    decided = _ms(lambda: dashboard.decision_for(data, policy))
    # The worker's part (``feedback.decide``, ``warm_feedback``): the page's figures with the
    # decision, kept under the data version (the decision itself is now found in the cache).
    prepared = _ms(lambda: dashboard.prepare(muni, PERIOD))
    dashboard.clear_cache()  # the page's process holds nothing: it reads the shared cache
    version = [_ms(lambda: dashboard.data_version(muni, PERIOD)) for _ in range(7)]
    client = Client()
    client.force_login(User.objects.get(username="bench.analytiker"))
    url = f"/feedback/outcomes/?period={PERIOD.key}"
    # The process's first request loads URL patterns, templates and translations: a page of its
    # own, so "cold" is the dashboard's cost with the decision in the shared cache only.
    first = _ms(lambda: client.get("/"))
    cold = _ms(lambda: client.get(url))
    warm = [_ms(lambda: client.get(url)) for _ in range(20)]
    practitioner = Client()
    practitioner.force_login(User.objects.get(username="bench.behandler"))
    practitioner.get("/feedback/")
    caseload = [_ms(lambda: practitioner.get("/feedback/")) for _ in range(20)]
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "episodes": Episode.objects.filter(municipality=muni, status="closed").count(),
                "sessions": Session.objects.filter(municipality=muni).count(),
                "raw_group_by_ms": round(statistics.median(raw), 1),
                "decision_ahead_ms": round(decided, 1),
                "figures_ahead_ms": round(prepared, 1),
                "data_version_ms": round(statistics.median(version), 1),
                "process_first_request_ms": round(first, 1),
                "dashboard_cold_ms": round(cold, 1),
                "dashboard_cold_vs_raw": round(cold / statistics.median(raw), 2),
                "dashboard_warm_ms": round(statistics.median(warm), 1),
                "caseload_40_warm_ms": round(statistics.median(caseload), 1),
                "load_average": os.getloadavg(),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    {"generate": generate, "measure": measure}[sys.argv[1]]()
