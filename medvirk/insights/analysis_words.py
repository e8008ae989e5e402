"""The analysis core's notes in the page's language and in plain words.

``medvirk.analysis`` stays free of Django: when raking, the ordinal check or the R-indicator
cannot be worked out, or an outcome gap is not marked, it says why in English for analysts and
logs (``RakingError``, ``OrdinalResult.reason``, ``RepresentationResult.r_indicator_note``,
``Gap.reason``). The equity report keeps those notes as they are (it is made ahead in the
worker); its page and its API (``api/population.py``, in the request's language) say them here,
at the edge, in bokmål, nynorsk or English a coordinator understands. A note this module does not know
is left as it is (a test makes every note the core writes known).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.utils.translation import gettext as _

from .templatetags.insights import points


def _unweightable() -> str:
    return _("the population figures do not fit the answers, so they cannot be weighted to them.")


def _unsettled() -> str:
    return _("the calculation did not settle on an answer")


# (the core's words, as a pattern) → what a page says instead, given the pattern's named groups;
# weighting's reasons follow "Weighting by … failed:", the ordinal check's follow "not fitted:".
_NOTES: tuple[tuple[re.Pattern[str], Callable[..., str]], ...] = tuple(
    (re.compile(pattern), say)
    for pattern, say in (
        # medvirk.analysis.weighting (RakingError)
        (
            r"raking did not converge in \d+ sweeps \([^)]*\); the margins may be incompatible with "
            r"the sample's cell structure",
            lambda: _(
                "the answers could not be made to match the population figures: those who answered "
                "are spread too unevenly over the groups."
            ),
        ),
        (
            r"margin \d+: categories \[[^\]]*\] have a population total but no respondents \(empty "
            r"cell\); merge categories before raking",
            lambda: _("nobody answered from a group that the population figures count."),
        ),
        (
            r"margin \d+: categories \[[^\]]*\] have respondents but a zero population total; the "
            r"margin cannot be met with positive weights",
            lambda: _("some answered from a group in which the population figures count nobody."),
        ),
        (
            r"margin totals disagree \([^)]*\); all margins must describe the same population",
            lambda: _(
                "the population figures for the different backgrounds do not add up to the same total."
            ),
        ),
        (r"margin \d+: targets must be finite, non-negative totals", _unweightable),
        (r"margin \d+: code \d+ has no target \(only \d+ categories\)", _unweightable),
        (r"no rows to rake", lambda: _("nobody gave every background answer the weighting needs.")),
        # medvirk.analysis.representation (the R-indicator's note)
        (
            r"R-indicator not computed: some groups have more respondents than population, so the "
            r"counts are not a response from that population",
            lambda: _(
                "No overall measure of how alike those who answered are to everyone living here "
                "(R-indicator): some groups have more people who answered than the population "
                "figures count, so the figures are not of the people this survey reached."
            ),
        ),
        (
            r"R-indicator not computed: population too small",
            lambda: _(
                "No overall measure of how alike those who answered are to everyone living here "
                "(R-indicator): the population figures count too few people."
            ),
        ),
        # medvirk.analysis.ordinal (why the adjusted check was not fitted)
        (r"too few rows \(\d+ < \d+\)", lambda: _("too few answers")),
        (r"fewer than \d+ respondents in or outside the group", lambda: _("too few answers")),
        (r"more parameters than rows", lambda: _("too few answers")),
        (r"all answers are the same", lambda: _("everyone gave the same answer")),
        (
            r"separation: the group's answers do not overlap with the others'",
            lambda: _("the group's answers and the others' do not overlap at all"),
        ),
        (
            r"separation: the coefficient diverges",
            lambda: _("the group's answers and the others' hardly overlap"),
        ),
        (
            r"singular: group membership is fully determined by the controls",
            lambda: _(
                "the group cannot be told apart from the other background answers it is checked against"
            ),
        ),
        (r"singular information matrix \(no standard error\)", _unsettled),
        (r"model did not converge", _unsettled),
        (r"model could not be fitted: .*", _unsettled),
        # medvirk.analysis.gaps (why a gap is not marked)
        (r"corrected interval includes zero", lambda: _("the difference may be chance")),
        (
            r"no practical size set for this measure",
            lambda: _("no size is set that a difference must reach to count"),
        ),
        (
            r"smaller than the practical size (?P<size>[-+0-9.e]+)",
            lambda size: _("the difference is smaller than %(size)s") % {"size": points(float(size), "size")},
        ),
        (r"fewer than \d+ answers on one side", lambda: _("too few answers")),
    )
)


def in_words(note: str | None) -> str:
    """Return ``note`` with every note of the analysis core in it said in the active language."""
    if not note:
        return note or ""
    for pattern, say in _NOTES:
        note = pattern.sub(lambda match, say=say: say(**match.groupdict()), note)  # type: ignore[misc]
    return note


def representation_in_words(report: Any) -> Any:
    """Return a copy of an equity report's representation (``equity.RepresentationReport``) whose
    dimensions' notes are said in the active language (the report made ahead is not changed)."""
    return replace(report, dimensions=[replace(d, note=in_words(d.note)) for d in report.dimensions])


def outcomes_in_words(outcomes: Any) -> Any:
    """Return a copy of an equity report's outcomes (``equity_outcomes.OutcomeReport``, or None)
    whose weighting note, reasons a gap is not marked and reasons the adjusted check was not
    fitted are said in the active language."""
    if outcomes is None:
        return None
    weighting = outcomes.weighting
    gaps = [
        replace(
            g,
            reason=in_words(g.reason) if g.reason else g.reason,
            adjusted=replace(g.adjusted, reason=in_words(g.adjusted.reason))
            if g.adjusted is not None and g.adjusted.reason
            else g.adjusted,
        )
        for g in outcomes.gaps
    ]
    return replace(
        outcomes,
        gaps=gaps,
        weighting=None if weighting is None else replace(weighting, note=in_words(weighting.note)),
    )
