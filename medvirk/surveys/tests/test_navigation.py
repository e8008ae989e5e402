"""Property tests of respondent navigation (``answering/navigation.py``) on random surveys and answers.

Each generated survey has 1–6 pages; every page asks one yes/no question and may be shown only
when an earlier page's answer is "yes" (or "no"). Answers are random, including answers to
pages logic hides. No database: navigation is a pure function.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from medvirk.surveys.answering.navigation import Move, follow_up_appeared, progress, shown_pages, target
from medvirk.surveys.design.definition import Definition
from medvirk.surveys.design.parser import parse_definition

SETTINGS = settings(max_examples=150, derandomize=True, deadline=None, database=None)
YES_NO = [{"key": "yes", "label": {"nb": "Ja"}}, {"key": "no", "label": {"nb": "Nei"}}]


@st.composite
def surveys(draw: st.DrawFn) -> tuple[Definition, dict[str, Any]]:
    pages = draw(st.integers(1, 6))
    sections = []
    for n in range(1, pages + 1):
        section: dict[str, Any] = {
            "key": f"p{n}",
            "title": {"nb": f"Side {n}"},
            "questions": [{"key": f"q{n}", "type": "single", "text": {"nb": "?"}, "options": YES_NO}],
        }
        if n > 1 and draw(st.booleans()):
            earlier = draw(st.integers(1, n - 1))
            value = draw(st.sampled_from(["yes", "no"]))
            section["condition"] = {"question": f"q{earlier}", "op": "equals", "value": value}
        sections.append(section)
    definition = parse_definition({"key": "nav", "title": {"nb": "Navigasjon"}, "sections": sections})
    answered = draw(st.lists(st.integers(1, pages), unique=True))
    answers = {f"q{n}": draw(st.sampled_from(["yes", "no"])) for n in answered}
    return definition, answers


def oracle(definition: Definition, answers: dict[str, Any]) -> list[int]:
    """Shown pages worked out directly: a page shows when its condition holds on shown pages' answers."""
    shown: list[int] = []
    counted: dict[str, Any] = {}
    for n, section in enumerate(definition.sections, start=1):
        condition = section.condition
        if condition is None or counted.get(condition.question or "") == condition.value:
            shown.append(n)
            if f"q{n}" in answers:
                counted[f"q{n}"] = answers[f"q{n}"]
    return shown


@SETTINGS
@given(surveys())
def test_shown_pages_follow_the_logic_and_ignore_answers_on_hidden_pages(case: Any) -> None:
    definition, answers = case
    shown = shown_pages(definition, answers)
    assert shown == oracle(definition, answers)
    assert shown[0] == 1  # the first page has no condition
    counted = {k: v for k, v in answers.items() if int(k[1:]) in shown}
    assert shown_pages(definition, counted) == shown


@SETTINGS
@given(surveys(), st.data())
def test_every_move_lands_on_the_nearest_shown_page_or_ends(case: Any, data: st.DataObject) -> None:
    definition, answers = case
    shown = shown_pages(definition, answers)
    page = data.draw(st.integers(1, len(definition.sections)))
    following = target(definition, answers, page, Move.NEXT)
    assert following == next((n for n in shown if n > page), None)
    previous = target(definition, answers, page, Move.PREVIOUS)
    assert previous == max((n for n in shown if n < page), default=page)
    here = target(definition, answers, page, Move.HERE)
    assert here == (page if page in shown else following)
    if page in shown and following is not None:  # NEXT and PREVIOUS undo each other
        assert target(definition, answers, following, Move.PREVIOUS) == page


@SETTINGS
@given(surveys())
def test_walking_next_visits_every_shown_page_once_in_order_and_ends(case: Any) -> None:
    definition, answers = case
    visited = []
    page = target(definition, answers, 1, Move.HERE)
    for _step in range(len(definition.sections) + 1):  # bounded: a loop would fail here
        if page is None:
            break
        visited.append(page)
        page = target(definition, answers, page, Move.NEXT)
    assert page is None
    assert visited == shown_pages(definition, answers)
    positions = [progress(definition, answers, n) for n in visited]
    assert positions == [(i, len(visited)) for i in range(1, len(visited) + 1)]


def test_a_follow_up_that_appears_on_the_same_page_is_noticed() -> None:
    definition = parse_definition(
        {
            "key": "f",
            "title": {"nb": "F"},
            "sections": [
                {
                    "key": "p1",
                    "title": {"nb": "Side"},
                    "questions": [
                        {"key": "q1", "type": "single", "text": {"nb": "?"}, "options": YES_NO},
                        {
                            "key": "q2",
                            "type": "text",
                            "text": {"nb": "Hvorfor?"},
                            "condition": {"question": "q1", "op": "equals", "value": "yes"},
                        },
                    ],
                }
            ],
        }
    )
    page = definition.sections[0]
    assert follow_up_appeared(page, {}, {}, {"q1": "yes"})
    assert not follow_up_appeared(page, {}, {"q1": "yes"}, {"q1": "yes"})
    assert not follow_up_appeared(page, {}, {}, {"q1": "no"})
