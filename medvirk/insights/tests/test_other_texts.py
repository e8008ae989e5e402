"""\"Other, please specify\" in results and exports: a column next to the choice, free-text rules."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.accounts.demo import DemoData
from medvirk.analysis.suppression import DEFAULT_TEXT_THRESHOLD
from tests.sample_survey import with_other

from .. import exports
from ..tables import SurveyResults
from . import factories
from .factories import answer, close, make_survey


@pytest.fixture
def survey(demo: DemoData, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(factories, "sample_definition", with_other)
    return make_survey(demo, units=[demo.units["Solsikken barnehage"], demo.units["Østli barnehage"]])


def test_the_export_has_the_choice_but_not_the_text(survey: Any, demo: DemoData) -> None:
    """Response-level files leave free text out, "other, please specify" too: a text names
    whoever wrote it more easily than any answer (red team, 2026-12-07)."""
    sol = demo.units["Solsikken barnehage"]
    answer(survey, sol, q_channel="other", q_channel_other="Ring meg på 912 34 567", q_used=("a", "other"))
    answer(survey, sol, q_channel="web", q_used=("b",))
    results = SurveyResults(survey)
    rows = list(exports.raw_rows(demo.users["analytiker"], results, sol.pk))
    header = rows[0]
    assert "q_channel" in header and "q_used" in header
    assert "q_channel_other" not in header and "q_used_other" not in header
    assert not any("Ring meg" in str(v) for row in rows for v in row)


def test_the_texts_follow_the_free_text_threshold_and_other_is_counted_as_an_option(
    survey: Any, demo: DemoData
) -> None:
    sol, ost = demo.units["Solsikken barnehage"], demo.units["Østli barnehage"]
    for i in range(DEFAULT_TEXT_THRESHOLD):
        answer(survey, sol, q_channel="other", q_channel_other=f"Avisa {i}")
    for i in range(DEFAULT_TEXT_THRESHOLD - 1):
        answer(survey, ost, q_channel="other", q_channel_other=f"Plakat {i}")
    results = SurveyResults(close(survey))
    question = next(q for q in results.text_questions if q.key == "q_channel_other")
    assert question.text == "Hvordan fikk du vite om tilbudet? – Annet"
    user = demo.users["analytiker"]
    shown = results.texts(user, question, sol.pk)
    assert shown.shown and sorted(shown.answers) == sorted(
        f"Avisa {i}" for i in range(DEFAULT_TEXT_THRESHOLD)
    )
    assert not results.texts(user, question, ost.pk).shown  # one text too few
    channel = next(q for q in results.questions if q.key == "q_channel")
    assert [o.key for o in channel.options][-1] == "other"
