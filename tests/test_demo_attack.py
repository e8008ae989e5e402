"""The attack of issue 16 on the demo, through the API, the CSV and the printed report (PDF).

One round (2026, with the issue's example: Bydel Nord, "bhg_trivsel_barn") and every unit, every
background group and every published figure of a slice of its questions, one of each kind: a
rating scale, multiple choice, a 0–10 scale with top box, single choice. The other questions'
answers are deleted first (deciding every question costs a minute of CPU). The whole sweep (both
rounds, every question, the equity report of the closed round): ``bench/attack/sweep.py``
(medvirk/insights/tests/demo_attack.py holds the attack).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from medvirk.accounts.demo import DemoData
from medvirk.insights.tests.demo_attack import attack_round, keep_only_answers_to

pytestmark = pytest.mark.sqlite_only  # reads what Medvirk publishes; the database does not matter

SLICE = ["bhg_trivsel_barn", "bhg_info_onsker", "bhg_anbefale", "bhg_barnets_alder"]


def test_the_attack_on_a_slice_of_the_demo_finds_no_withheld_count(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from medvirk.surveys.demo import seed_survey_demo

    settings.LANGUAGE_CODE = "en"
    survey = next(s for s in seed_survey_demo(demo) if s.round_label == "2026")
    keep_only_answers_to(survey, SLICE)
    with translation.override("en"):
        outcome = attack_round(survey, client_as("admin"), monkeypatch, questions=SLICE)
    assert outcome.tried > 100  # plenty of small cells to attack: hidden groups and merged options
    assert outcome.leaks == []
    # The example: Bydel Nord, "bhg_trivsel_barn", n = 32, 3: 2, 4: 7, 5: 13, 6: 10.
    nord = outcome.api[outcome.names["Bydel Nord"]]
    item = next(x for x in nord["questions"] if x["key"] == "bhg_trivsel_barn")["unit"]
    assert item["n"] == 32
    shown = {o["key"]: o["count"] for o in item["options"]}
    assert shown["3"] is None and shown["4"] is None  # merged, as before
    assert item["mean"] is None  # and the mean that gave them away is withheld
