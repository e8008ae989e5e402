"""Where a respondent goes between pages: pure functions of the definition and the answers.

Pages are the definition's sections, numbered from 1 as in the respondent's URL. A page is
shown when show-when logic lets its section through and it has a visible question (see
``engine.visible_answers``); every move lands on a shown page or ends the survey, whatever the
page number asked for. ``answering.views.section`` is the only caller; the property tests in
``surveys/tests/test_navigation.py`` check these rules for random surveys and answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from ..design.definition import Definition, Section
from . import engine


class Move(StrEnum):
    HERE = "here"  # open a page: itself when shown, else the next shown page
    NEXT = "next"
    PREVIOUS = "previous"


def shown_pages(definition: Definition, answers: Mapping[str, Any]) -> list[int]:
    """Return the numbers of the pages shown with these answers, in order."""
    sections, _keys, _effective = engine.visible_answers(definition, answers)
    shown = {id(s) for s in sections}
    return [n for n, section in enumerate(definition.sections, start=1) if id(section) in shown]


def target(definition: Definition, answers: Mapping[str, Any], page: int, move: Move) -> int | None:
    """Return the page the respondent goes to from ``page``, or None when the survey is done.

    HERE gives ``page`` itself when it is shown, else the next shown page; NEXT the first shown
    page after ``page``; PREVIOUS the last shown page before it, or ``page`` on the first one.
    """
    shown = shown_pages(definition, answers)
    if move is Move.HERE and page in shown:
        return page
    if move is Move.PREVIOUS:
        before = [n for n in shown if n < page]
        return before[-1] if before else page
    later = [n for n in shown if n > page]
    return later[0] if later else None


def progress(definition: Definition, answers: Mapping[str, Any], page: int) -> tuple[int, int]:
    """Return (position of ``page`` among the shown pages, number of shown pages)."""
    shown = shown_pages(definition, answers)
    return (shown.index(page) + 1 if page in shown else 1), len(shown)


def follow_up_appeared(
    section: Section, earlier: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]
) -> bool:
    """Return whether answers saved on ``section`` show a question there that was hidden before.

    The page is then shown again so the respondent sees the follow-up (no JavaScript needed).
    """
    shown_before = {q.key for q in engine.visible_questions(section, {**earlier, **before})}
    shown_after = {q.key for q in engine.visible_questions(section, {**earlier, **after})}
    return bool(shown_after - shown_before)
