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


def compared_in_words(unit: QuestionFigures, levels: tuple[tuple[str, QuestionFigures], ...]) -> list[str]:
    """Return one sentence per level above the unit: more, fewer or about as many at the top."""
    if unit.top_box is None or unit.top_from is None or not unit.n:
        return []
    low, high = unit.top_box.interval
    out = []
    for name, f in levels:
        if not f.shown or f.top_box is None or not f.n:
            continue
        values = {"v": unit.top_from, "group": name, "share": pct(f.top_box.estimate)}
        if f.n == unit.n:
            continue  # the same answers as the unit's (the page says so once)
        if f.top_box.estimate > high:
            out.append(
                _(
                    "Fewer answered %(v)s or higher than in %(group)s (%(share)s): "
                    "more of a difference than chance would explain."
                )
                % values
            )
        elif f.top_box.estimate < low:
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
