# SPDX-License-Identifier: AGPL-3.0-or-later
"""CPU time of deciding the anonymity of one demo round (bench/decide/RESULTS.md).

Seeds the demo (as ``bin/demo`` does), then decides every question of the round with
``SurveyDisclosure.decide()`` (what the worker's ``insights.decide`` job and ``warm_results``
run after new answers) without a time limit, and prints CPU time (``time.process_time``: the
machine is shared, so wall time says little), wall time, the LP solves and a digest of every
decision, so runs before and after a change can be checked to decide the same. Run from the
repository root::

    .venv/bin/pytest -q -p no:randomly -s bench/decide/run.py            # both rounds
    .venv/bin/pytest -q -p no:randomly -s bench/decide/run.py -k 2026    # one
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import Any
from unittest import mock

import pytest

from medvirk.accounts.demo import DemoData
from medvirk.analysis import suppression


@pytest.mark.parametrize("round_label", ["2025", "2026"])
def test_decide_the_demo_round(round_label: str, demo: DemoData, settings: Any) -> None:
    from medvirk.insights.disclosure import SurveyDisclosure
    from medvirk.surveys.demo import seed_survey_demo

    settings.DISCLOSURE_SECONDS = None  # no time limit: the same decisions however loaded the machine
    survey = next(s for s in seed_survey_demo(demo) if s.round_label == round_label)
    solves = 0
    solve = suppression._Attacker._solve

    def counted(self: Any, *args: Any) -> Any:
        nonlocal solves
        solves += 1
        return solve(self, *args)

    disclosure = SurveyDisclosure(survey)
    load = os.getloadavg()[0]
    cpu, wall = time.process_time(), time.perf_counter()
    with mock.patch.object(suppression._Attacker, "_solve", counted):
        disclosure.decide()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    digest = hashlib.sha256()
    for question in disclosure.round_questions():
        for decision in (disclosure.answers(question), disclosure.options(question)):
            if decision is not None:
                digest.update(repr([(d.key, d.shown) for d in decision.decisions]).encode())
    digest.update(repr([(d.key, d.shown) for d in disclosure.respondents.decisions]).encode())
    print(
        f"\nround {round_label}: {len(disclosure.round_questions())} questions decided in {cpu:.1f} s CPU "
        f"({wall:.1f} s wall, load average {load:.1f} at the start), {solves} LP solves, "
        f"decisions digest {digest.hexdigest()[:16]}"
    )
    assert solves > 0
