"""The demo survey data is valid, deterministic and shows what the product does."""

from __future__ import annotations

from medvirk.accounts.demo import DemoData
from medvirk.surveys.demo import seed_survey_demo
from medvirk.surveys.models import Answer, Response, Survey


def test_demo_rounds_have_answers_gaps_and_a_tiny_unit(demo: DemoData) -> None:
    surveys = seed_survey_demo(demo)
    assert [s.round_label for s in surveys] == ["2025", "2026"]
    assert [s.status for s in surveys] == ["closed", "open"]
    counts = sorted(
        Response.objects.filter(survey=surveys[1], complete=True).values_list("unit_id", flat=True)
    )
    per_unit = {u: counts.count(u) for u in set(counts)}
    assert min(per_unit.values()) == 3 < surveys[1].threshold  # suppression has something to hide
    assert Answer.objects.filter(survey=surveys[1], value_text__contains="@example.no").exists()
    assert Survey.objects.filter(series="kindergarten_parents").count() == 2
