"""What a question's figures mean, in words first ("Omtrent 3 av 4 svarte 5 eller 6").

A reading is worked out only from what the anonymity decision lets a group's figures show:
the option counts it shows (``OptionFigure.count``; merged options have none), the group's
number of answers and the mean it shows. A sentence is one more published statistic, so it may
publish nothing these do not: "x of n answered 5 or 6" is the sum of the shown counts of 5 and
6, and it is left out when one of them is merged into "other options"; "most chose A" is said
only when A's shown count is at least the shown total of the merged options. So a sentence never
adds a figure to the attacker model that the decision has not already cleared
(``medvirk/insights/disclosure.py``; tested in ``medvirk/insights/tests/test_readings.py``).

The computed intervals are never changed (they match R); only how they are drawn and said is:
a mean interval wider than half the scale is said as "too few answers to say much", and its
drawing stops at the scale's ends, saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .figures import OptionFigure, QuestionFigures
from .questions import localise
from .templatetags.insights import dec

# Fractions a reader grasps at once; a share is said as the nearest of them ("about 3 in 4").
PLAIN_FRACTIONS = tuple(sorted({Fraction(a, b) for b in (2, 3, 4, 5, 10) for a in range(1, b)}))
NEAR = 0.025  # a share within 2.5 points of a plain fraction is "about" it


@dataclass(frozen=True)
class MeanDrawing:
    """A mean and its interval drawn on the scale (0–100 % of the drawing's width)."""

    mean: float
    low: float  # clipped to the scale
    high: float
    clipped_low: bool  # the computed interval goes below the scale's lowest value
    clipped_high: bool

    @property
    def clipped(self) -> bool:
        return self.clipped_low or self.clipped_high

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def mark_x(self) -> float:
        """Where the mean's mark (1.6 wide) starts."""
        return self.mean - 0.8


@dataclass(frozen=True)
class Reading:
    """The sentences that say what a shown group's figures mean, most important first."""

    sentences: tuple[str, ...]
    top_count: int | None = None  # answers in the top box, from shown counts only
    uncertain_mean: bool = False  # the mean's interval spans more than half the scale
    drawing: MeanDrawing | None = None
    all_merged: bool = False  # every answer is in "other options": no distribution to show


def share_in_words(count: int, total: int) -> str:
    """Say ``count`` of ``total`` as people read it: "3 av 4", "omtrent 2 av 3", "nesten alle"."""
    if total <= 0:
        return ""
    if count == 0:
        return _("none")
    if count == total:
        return _("all")
    share = count / total
    if share >= 0.95:
        return _("nearly all")
    if share <= 0.05:
        return _("very few")
    nearest = min(PLAIN_FRACTIONS, key=lambda f: (abs(share - f), f.denominator))
    if Fraction(count, total) == nearest:
        return _("%(a)s in %(b)s") % {"a": nearest.numerator, "b": nearest.denominator}
    if abs(share - nearest) <= NEAR:
        return _("about %(share)s") % {"share": _("%(a)s in %(b)s") % _parts(nearest)}
    # Otherwise the largest plain fraction it exceeds, the simplest of equals ("more than 1 in 2").
    below = [f for f in PLAIN_FRACTIONS if f < share]
    if not below:
        return _("fewer than %(share)s") % {"share": _("%(a)s in %(b)s") % _parts(PLAIN_FRACTIONS[0])}
    return _("more than %(share)s") % {"share": _("%(a)s in %(b)s") % _parts(max(below))}


def _parts(fraction: Fraction) -> dict[str, int]:
    return {"a": fraction.numerator, "b": fraction.denominator}


def _or_list(values: list[str]) -> str:
    if len(values) == 1:
        return values[0]
    return _("%(first)s or %(last)s") % {"first": ", ".join(values[:-1]), "last": values[-1]}


def _top_options(f: QuestionFigures) -> list[OptionFigure]:
    """Return the group's options in the question's top box ("5 or 6"), none for other questions."""
    scale = f.question.scale
    if scale is None:
        return []
    top_from = scale.top_box_from()
    values = {o.key: o.value for o in f.question.options}
    return [o for o in f.options if (v := values.get(o.key)) is not None and v >= top_from]


def top_option_keys(f: QuestionFigures) -> list[str]:
    """Return the keys of the options the top-box figure adds up (for the API)."""
    return [o.key for o in _top_options(f)]


def top_count(f: QuestionFigures) -> int | None:
    """Return how many answered at the top of the scale, from what the group shows: the top-box
    figure the decision clears, else the shown counts of every top option (None when neither)."""
    if not f.shown or not f.n:
        return None
    if f.top_box is not None and f.top_count is not None:
        return f.top_count
    top = _top_options(f)
    if not top or any(o.count is None for o in top):  # a top option is merged: its count is not shown
        return None
    return sum(o.count or 0 for o in top)


def _top_sentence(f: QuestionFigures) -> tuple[str | None, int | None]:
    count = top_count(f)
    if count is None or not f.n:
        return None, None
    values = {o.key: o.value for o in f.question.options}
    answered = _or_list([str(values[o.key]) for o in _top_options(f)])
    sentence = _("%(share)s answered %(values)s (%(count)s of %(n)s).") % {
        "share": share_in_words(count, f.n),
        "values": answered,
        "count": count,
        "n": f.n,
    }
    return sentence[0].upper() + sentence[1:], count


@dataclass(frozen=True)
class AnswerRow:
    """One row of a shown group's answer table, and one bar of its chart."""

    label: str
    count: int | None  # None: not shown (options merged whose total the decision withholds)
    share: float | None
    short_label: str = ""  # for the chart's bar, where the label has little room

    @property
    def bar_label(self) -> str:
        return self.short_label or self.label


@dataclass(frozen=True)
class AnswerTable:
    """The answer table of a shown group, in the groups its words use.

    ``rows`` split the answers without overlap: each shown option, then the merged options, in
    two rows where the top of the scale is said ("other options" below it, "other options" in
    it), so that no row mixes answers inside and outside the top. ``top`` is the total the
    summary says ("Answered 5 or higher": the count of the sentence, the share of the figure),
    found in the table as its last row. Every number is a sum or difference of figures the group
    already shows (the top-box share times *n*, the shown counts, the merged total), so the table
    publishes nothing the anonymity decision has not cleared.
    """

    rows: tuple[AnswerRow, ...]
    top: AnswerRow | None


def _merged_row(options: list[OptionFigure], count: int | None, n: int) -> AnswerRow:
    labels = ", ".join(o.label for o in options)
    return AnswerRow(
        _("Other options together (%(options)s)") % {"options": labels},
        count,
        count / n if count is not None and n else None,
        _("%(options)s together") % {"options": labels},
    )


def answer_table(f: QuestionFigures) -> AnswerTable:
    """Return the rows a shown group's answer table (page, printed report) and chart show."""
    if not f.shown or not f.n:
        return AnswerTable((), None)
    n = f.n
    rows = [AnswerRow(o.label, o.count, o.share) for o in f.options if o.count is not None]
    merged = [o for o in f.options if o.count is None]
    top = top_count(f)
    top_keys = {o.key for o in _top_options(f)}
    inside = [o for o in merged if o.key in top_keys]
    outside = [o for o in merged if o.key not in top_keys]
    if top is not None and inside:
        inside_count = top - sum(o.count or 0 for o in f.options if o.key in top_keys and o.count is not None)
        if outside:
            rest = f.merged_count - inside_count if f.merged_count is not None else None
            rows.append(_merged_row(outside, rest, n))
        rows.append(_merged_row(inside, inside_count, n))
    elif merged:
        rows.append(_merged_row(merged, f.merged_count, n))
    top_row = None
    scale = f.question.scale
    if top is not None and scale is not None:
        label = _("Answered %(v)s or higher") % {"v": scale.top_box_from()}
        top_row = AnswerRow(label, top, top / n)
    return AnswerTable(tuple(rows), top_row)


def _choice_sentence(f: QuestionFigures) -> str | None:
    shown = [o for o in f.options if o.count is not None]
    if not f.n or not shown:
        return None
    most = max(shown, key=lambda o: o.count or 0)
    if not most.count or (f.has_merged and (f.merged_count is None or f.merged_count >= most.count)):
        return None  # the merged options might hold more: say nothing they do not show
    if sum(1 for o in shown if o.count == most.count) > 1:
        return None  # a tie: no single answer was chosen most
    key = "chose" if f.question.exclusive else "ticked"
    template = _("Most chose “%(option)s”: %(share)s (%(count)s of %(n)s).")
    if key == "ticked":
        template = _("“%(option)s” was ticked most often: by %(share)s (%(count)s of %(n)s).")
    return template % {
        "option": most.label,
        "share": share_in_words(most.count, f.n),
        "count": most.count,
        "n": f.n,
    }


def mean_drawing(f: QuestionFigures) -> MeanDrawing | None:
    """Return where the mean and its interval are drawn on the scale, clipped to its ends."""
    scale = f.question.scale
    if scale is None or f.mean is None or scale.max <= scale.min:
        return None
    low, high = f.mean.interval
    if low != low or high != high:  # NaN: one answer, no interval
        return None
    span = scale.max - scale.min

    def at(value: float) -> float:
        return 100 * (min(max(value, scale.min), scale.max) - scale.min) / span

    return MeanDrawing(at(f.mean.estimate), at(low), at(high), low < scale.min, high > scale.max)


def reading(f: QuestionFigures) -> Reading:
    """Return the sentences that say what a shown group's figures mean (nothing for hidden ones)."""
    if not f.shown or not f.n:
        return Reading(())
    all_merged = f.has_merged and not any(o.count for o in f.options if o.count is not None)
    sentences: list[str] = []
    top_count = None
    scale = f.question.scale
    if scale is not None:
        sentence, top_count = _top_sentence(f)
        if sentence:
            sentences.append(sentence)
    else:
        choice = _choice_sentence(f)
        if choice:
            sentences.append(choice)
    uncertain = False
    if scale is not None and f.mean is not None:
        low, high = f.mean.interval
        uncertain = not (high - low <= (scale.max - scale.min) / 2)  # NaN (one answer) counts as wide
        if uncertain:
            sentences.append(
                ngettext(
                    "With %(n)s answer there are too few to say much about the average.",
                    "With %(n)s answers there are too few to say much about the average.",
                    f.n,
                )
                % {"n": f.n}
            )
        else:
            ends = ""
            low_label, high_label = localise(scale.min_label), localise(scale.max_label)
            if low_label and high_label:
                ends = _(" (%(min)s: %(min_label)s, %(max)s: %(max_label)s)") % {
                    "min": scale.min,
                    "min_label": low_label,
                    "max": scale.max,
                    "max_label": high_label,
                }
            sentences.append(
                _("On average %(mean)s on a scale from %(min)s to %(max)s%(ends)s.")
                % {"mean": dec(f.mean.estimate), "min": scale.min, "max": scale.max, "ends": ends}
            )
    if all_merged:
        sentences.append(
            _(
                "Each answer option was chosen by so few that the options are shown only together, "
                "to protect those who answered."
            )
        )
    return Reading(tuple(sentences), top_count, uncertain, mean_drawing(f), all_merged)
