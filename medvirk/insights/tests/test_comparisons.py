"""A unit's answers compared with its district's and the municipality's, said in words."""

from __future__ import annotations

import dataclasses
import re
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation

from medvirk.analysis.intervals import wilson_interval
from medvirk.insights.comparisons import compared_in_words, level_shares, level_summaries
from medvirk.insights.figures import QuestionFigures, hidden_figures
from medvirk.insights.reports import QuestionView

from .test_readings import SENTRUM


def _level(count: int, n: int) -> QuestionFigures:
    return dataclasses.replace(SENTRUM, n=n, top_box=wilson_interval(count, n), top_count=count)


def test_the_unit_is_compared_with_each_level_in_words() -> None:
    # Sentrum: 8 of 27 (30 %, likely between 16 and 48 %).
    levels = (
        ("Bydel Sentrum", SENTRUM),  # the same answers: said once on the page, not per question
        ("Bydel Nord", _level(40, 100)),  # within Sentrum's interval
        ("Eksempel kommune", _level(64, 125)),  # 51 %: above it
        ("Bydel Sør", hidden_figures(SENTRUM.question, "secondary")),  # hidden: nothing said
    )
    with translation.override("nb"):
        words = compared_in_words(SENTRUM, levels)
        shares = level_shares(levels)
    assert words == [
        "Omtrent like mange svarte 5 eller høyere som i Bydel Nord (40 %): forskjellen kan være tilfeldig.",
        "Færre svarte 5 eller høyere enn i Eksempel kommune (51 %): "
        "en større forskjell enn tilfeldighetene kan forklare.",
    ]
    assert [(s.name, s.shown, s.share) for s in shares] == [
        ("Bydel Sentrum", True, "30 %"),
        ("Bydel Nord", True, "40 %"),
        ("Eksempel kommune", True, "51 %"),
        ("Bydel Sør", False, ""),
    ]
    # Without the unit's own top-box figure there is nothing to compare.
    assert compared_in_words(dataclasses.replace(SENTRUM, top_box=None, top_from=None), levels) == []


def test_the_printed_report_compares_in_the_same_words() -> None:
    levels = (("Eksempel kommune", _level(64, 125)),)
    view = QuestionView(SENTRUM.question, SENTRUM, None, None, (), None, levels=levels)
    o = SimpleNamespace(node=SimpleNamespace(name="Sentrum barnehage"), printed_questions=[view])
    with translation.override("nb"):
        printed = render_to_string("insights/report_pdf.html", {"o": o, "threshold": 5})
    assert "<li>Færre svarte 5 eller høyere enn i Eksempel kommune (51 %): " in printed


def test_the_summary_names_the_questions_where_the_unit_is_clearly_behind() -> None:
    """A leader with ten minutes reads first where her unit is behind the municipality, with links
    to those questions, and how many questions are about the same."""
    municipality = _level(64, 125)  # 51 %: above Sentrum's interval (16–48 %)
    level = (("Eksempel kommune", municipality),)
    behind = dataclasses.replace(SENTRUM.question, key="q_safe", statement="Barnet mitt er trygt.")
    same = dataclasses.replace(SENTRUM.question, key="q_play")
    close = dataclasses.replace(SENTRUM, n=30, top_box=wilson_interval(15, 30), top_count=15)  # 50 %
    summaries = level_summaries([(behind, SENTRUM, level), (same, close, level), (same, close, ())])
    assert [(s.name, [q.key for q in s.fewer], s.more, s.same) for s in summaries] == [
        ("Eksempel kommune", ["q_safe"], (), 1)
    ]
    o = SimpleNamespace(level_summaries=summaries)
    with translation.override("nb"):
        html = render_to_string("insights/_level_summaries.html", {"o": o})
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()
    assert text == (
        "Sammenlignet med bydelen og kommunen "
        "Færre enn i Eksempel kommune svarte øverst på skalaen på 1 spørsmål, en større forskjell enn "
        "tilfeldighetene kan forklare: Barnet mitt er trygt. "
        "Omtrent like mange som i Eksempel kommune på det andre spørsmålet: forskjellen kan være tilfeldig."
    )
    assert 'href="#q-q_safe"' in html
