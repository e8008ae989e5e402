# SPDX-License-Identifier: AGPL-3.0-or-later
"""Benchmark "what matters to our users" on the demo: the page before and after its figures were
kept under a data version (issue 21), in the same run.

Run from the repository root on a demo database (``manage.py seed_demo``)::

    export DJANGO_SETTINGS_MODULE=config.settings.dev DEBUG=0 MEDVIRK_VAR_DIR=/tmp/mv-bench-var
    DATABASE_URL=sqlite:////tmp/mv-demo.sqlite3 .venv/bin/python bench/feedback/themes.py

"Before" is the page as it was: every request grouped the municipality's goals and ran the
anonymity decision (``themes.compute``, patched in for the kept figures). "After" reads the
figures the worker kept (``themes.prepare``, as ``warm_feedback`` and the ``feedback.themes`` job
do). Both warm (median of 20 after one request), alternating so load changes hit both alike.
Prints JSON with the ratio and the load.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from django_env import setup

setup("config.settings.dev", DEBUG="0", ALLOWED_HOSTS="testserver")  # the test client's host

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from medvirk.accounts.models import User  # noqa: E402
from medvirk.feedback import themes  # noqa: E402
from medvirk.feedback.models import Conversation  # noqa: E402
from medvirk.orgs.models import OrgUnit  # noqa: E402

ROUNDS = 20


def _ms(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    conversation = Conversation.objects.order_by("id").first()
    if conversation is None:
        sys.exit("No conversations: run manage.py seed_demo first.")
    unit = OrgUnit.objects.get(pk=conversation.unit_id)
    root = OrgUnit.objects.get(municipality_id=unit.municipality_id, parent=None)
    user = User.objects.get(username="admin")  # the demo's administrator sees every unit
    client = Client(HTTP_ACCEPT_LANGUAGE="nb")
    client.force_login(user)
    periods = themes.periods_for(unit.municipality_id, timezone.localdate())
    if not periods:
        sys.exit("No half-year of conversations can be shown (the themes are per ended half-year).")
    url = f"/feedback/what-matters/?unit={root.pk}&period={periods[0].key}"
    themes.prepare(unit.municipality_id, periods[0])  # the worker's part
    kept = themes.figures_for

    def before_figures(municipality, period, **kwargs):  # type: ignore[no-untyped-def]
        return themes.compute(municipality.pk, period), False  # what every request did before

    def before() -> float:
        themes.figures_for = before_figures
        try:
            return _ms(lambda: client.get(url))
        finally:
            themes.figures_for = kept

    def after() -> float:
        return _ms(lambda: client.get(url))

    assert client.get(url).status_code == 200
    before()
    after()
    times: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(ROUNDS):
        times["before"].append(before())
        times["after"].append(after())
    b, a = statistics.median(times["before"]), statistics.median(times["after"])
    print(
        json.dumps(
            {
                "conversations": Conversation.objects.filter(municipality_id=unit.municipality_id).count(),
                "page_before_ms": round(b, 1),
                "page_after_ms": round(a, 1),
                "after_vs_before": round(a / b, 3),
                "load_average": os.getloadavg(),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
