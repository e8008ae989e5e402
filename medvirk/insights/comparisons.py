"""How a unit's answers compare with its district's and the municipality's, said in words.

Only figures the page already shows are compared: the unit's top-box share with its 95 %
interval and each level's top-box share (the levels above the unit: every unit's district and
municipality are shown beside it, decided in the round's one anonymity decision). A level's
share outside the unit's interval is said to differ by more than chance would explain; inside
it, that the difference may be chance. The level is taken as a fixed value (it has many more
answers than the unit), a plain reading for a leader, not a test between two samples.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .figures import QuestionFigures
from .questions import QuestionInfo
from .readings import share_in_words, top_count
from .templatetags.insights import pct


@dataclass(frozen=True)
class LevelShare:
    """A level's (district's, municipality's) share at the top of the scale, in words and numbers."""

    name: str
    shown: bool
    words: str = ""  # "omtrent 3 av 5"
    share: str = ""  # "62 %"


def level_shares(levels: tuple[tuple[str, QuestionFigures], ...]) -> list[LevelShare]:
    """Return each level's top-box share as the page shows it (hidden levels say nothing)."""
    out = []
    for name, f in levels:
        count = top_count(f) if f.top_box is not None else None
        if count is None or not f.n:
            out.append(LevelShare(name, False))
        else:
            out.append(LevelShare(name, True, share_in_words(count, f.n), pct(count / f.n)))
    return out


FEWER, MORE, SAME = "fewer", "more", "same"


def verdict(unit: QuestionFigures, level: QuestionFigures) -> str | None:
    """Return whether fewer, more or about as many of the unit answered at the top of the scale
    than of the level; None where either does not show its share or they are the same answers."""
    if unit.top_box is None or not unit.n or not level.shown or level.top_box is None or not level.n:
        return None
    if level.n == unit.n:
        return None  # the same answers as the unit's (the page says so once)
    low, high = unit.top_box.interval
    if level.top_box.estimate > high:
        return FEWER
    if level.top_box.estimate < low:
        return MORE
    return SAME


def compared_in_words(unit: QuestionFigures, levels: tuple[tuple[str, QuestionFigures], ...]) -> list[str]:
    """Return one sentence per level above the unit: more, fewer or about as many at the top."""
    out = []
    for name, f in levels:
        said = verdict(unit, f)
        if said is None or f.top_box is None:
            continue
        values = {"v": unit.top_from, "group": name, "share": pct(f.top_box.estimate)}
        if said == FEWER:
            out.append(
                _(
                    "Fewer answered %(v)s or higher than in %(group)s (%(share)s): "
                    "more of a difference than chance would explain."
                )
                % values
            )
        elif said == MORE:
            out.append(
                _(
                    "More answered %(v)s or higher than in %(group)s (%(share)s): "
                    "more of a difference than chance would explain."
                )
                % values
            )
        else:
            out.append(
                _(
                    "About as many answered %(v)s or higher as in %(group)s (%(share)s): "
                    "the difference may be chance."
                )
                % values
            )
    return out


@dataclass(frozen=True)
class LevelSummary:
    """Across the questions: where the unit is clearly behind or ahead of one level above it."""

    name: str
    fewer: tuple[QuestionInfo, ...]
    more: tuple[QuestionInfo, ...]
    same: int  # questions with about as many at the top of the scale


def level_summaries(
    questions: list[tuple[QuestionInfo, QuestionFigures, tuple[tuple[str, QuestionFigures], ...]]],
) -> list[LevelSummary]:
    """Return, per level above the unit, the questions where fewer or more of the unit answered at
    the top of the scale than chance would explain, and how many are about the same (the page's
    first words on how the unit does; levels with no question compared are left out)."""
    names: list[str] = []
    found: dict[str, dict[str, list[QuestionInfo]]] = {}
    for question, unit, levels in questions:
        for name, f in levels:
            said = verdict(unit, f)
            if said is None:
                continue
            if name not in found:
                names.append(name)
                found[name] = {FEWER: [], MORE: [], SAME: []}
            found[name][said].append(question)
    return [
        LevelSummary(name, tuple(found[name][FEWER]), tuple(found[name][MORE]), len(found[name][SAME]))
        for name in names
    ]
