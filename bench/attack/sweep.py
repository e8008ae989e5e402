# SPDX-License-Identifier: AGPL-3.0-or-later
"""The whole attack of issue 16 on the demo: both rounds, every question, API, CSV, PDF, equity.

CI runs a slice of it (``tests/test_demo_attack.py``: one round, four questions). This sweep
reads every figure the demo publishes as an analyst of the whole municipality (the results API
for every unit with its comparisons, every breakdown by every background question, the CSV
export, the printed report of every unit, and the equity report's API for the closed round) and
attacks every withheld small count with the LP attacker (medvirk/insights/tests/demo_attack.py).
Run from the repository root (about 15–20 minutes on a shared 2-core machine; most of it is
deciding the rounds and the LPs)::

    .venv/bin/pytest -q -p no:randomly -s bench/attack/sweep.py

It prints, per round, the withheld cells tried, the cells pinned (must be none) and where the
time went; results in bench/attack/RESULTS.md.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.utils import translation

from medvirk.accounts.demo import DemoData
from medvirk.insights.tests.demo_attack import attack_round


def _mean(outcome: Any, name: str, key: str) -> Any:
    item = next(x for x in outcome.api[outcome.names[name]]["questions"] if x["key"] == key)["unit"]
    return (item.get("mean") or {}).get("estimate")


@pytest.mark.parametrize("round_label", ["2025", "2026"])
def test_the_whole_attack_on_the_demo_finds_no_withheld_count(
    round_label: str, demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from medvirk.insights.tests.equity_fixtures import import_population
    from medvirk.surveys.demo import seed_survey_demo

    settings.LANGUAGE_CODE = "en"
    started = time.perf_counter()
    import_population(demo)
    survey = next(s for s in seed_survey_demo(demo) if s.round_label == round_label)
    seeded = time.perf_counter() - started
    with translation.override("en"):
        outcome = attack_round(survey, client_as("admin"), monkeypatch, printed_pdfs=len(demo.units))
    print(
        f"\nround {round_label}: {len(outcome.questions)} questions, {outcome.tried} withheld cells tried, "
        f"{len(outcome.leaks)} pinned; seconds: seeding {seeded:.1f}, "
        + ", ".join(f"{k} {v:.1f}" for k, v in outcome.seconds.items())
    )
    # What the option rule costs the demo: shown groups (units × questions on a scale) whose mean
    # is withheld because an option is merged.
    scaled = [
        (name, item["key"])
        for name, node in outcome.names.items()
        for item in outcome.api[node]["questions"]
        if item["unit"]["shown"] and item["unit"]["n"] and item["unit"]["top_box_from"] is not None
    ]
    withheld = [(name, key) for name, key in scaled if _mean(outcome, name, key) is None]
    print(f"shown unit × scale-question figures: {len(scaled)}, mean withheld: {len(withheld)}")
    for name, key in withheld:
        print(f"  mean withheld: {name}, {key}")
    for key, group, what, value, (low, high) in outcome.leaks:
        # The rule: pinned to one value in 1 … m−1 or to an interval narrower than m; the
        # tests' stricter one also counts "provably not empty" (low > 0) with a wide interval.
        threshold = 5 if what in ("respondents", "answers") else 3
        kind = "NARROW" if high - low < threshold - 1e-6 else "not empty"
        print(f"  pinned ({kind}): {key}, group {group}, {what}: true {value}, [{low:.3f}, {high:.3f}]")
    assert outcome.tried > 100
    assert outcome.leaks == []
