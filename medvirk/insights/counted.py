"""Which responses count towards the anonymity threshold: only those nobody viewing results can plant.

The attack (issue 16): a unit's open link is printed on its poster. A unit leader with 3 real
respondents submits 2 answers of his own with every rating 1; the unit reaches the threshold
(n = 5) and, since figures are exact, the 3 parents' mean follows: (5 × shown − 2) / 3. The
same works for any group (unit × background group, a question's answers): plant answers with
the group's background until it is shown, then subtract them.

So a group is shown only when enough of its respondents came through a channel a results
viewer cannot feed: a single-use code or an e-mail invitation sent by Medvirk. Answers through
the open link, the kiosk, the public API and paper forms (keyed by staff, who may be the
viewer) are still part of every figure of a shown group, but they do not make a group shown.
The decision (:mod:`medvirk.insights.disclosure`) decides on the table of *counted*
respondents, with every group that has answers but none that count marked small too, and then
shows the figures of all responses in the groups it shows (:func:`decide_counted`); the
free-text decision (``tables.SurveyResults.text_table``) does the same with comments.
See docs/methods-suppression.md, "Planted answers".
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from medvirk.analysis.suppression import CellDecision, SuppressedTable, Table
from medvirk.surveys.models import Channel

# Channels whose every response was opened by something Medvirk sent to one person: a code
# printed once (each opens one response) or a personal invitation. Everything else can be
# fed by whoever holds the poster, stands at the kiosk or keys the paper forms.
COUNTED_CHANNELS: frozenset[str] = frozenset({Channel.CODE, Channel.EMAIL})


def counts_towards_threshold(channel: str) -> bool:
    """Return whether a response through ``channel`` counts towards the anonymity threshold."""
    return channel in COUNTED_CHANNELS


def counted_responses(prefix: str = "") -> Q:
    """Return the filter of responses that count (``prefix`` e.g. ``"response__"`` for answers)."""
    return Q(**{f"{prefix}channel__in": sorted(COUNTED_CHANNELS)})


def marked_small(table: Table, counted: Table) -> frozenset[str]:
    """Return the cells with answers but none that count (small whatever their count).

    ``table`` and ``counted`` have the same cells in the same order (one template refilled).
    """
    return frozenset(
        cell.key
        for cell, mine in zip(table.cells, counted.cells, strict=True)
        if cell.count > 0 and not mine.count
    )


def decide_counted(
    table: Table,
    counted: Table,
    decide: Callable[[Table, frozenset[str]], SuppressedTable],
    *,
    prefix: str = "",
) -> SuppressedTable:
    """Decide on the counted respondents; show every response's count in the cells shown.

    ``decide(table, also_small)`` is the decision proper (``suppress`` or the linked answer
    decision). A cell is shown only if it has at least the threshold of counted respondents
    (or none at all) and no small counted cell can be worked out from the shown ones. The
    shown cells then carry the count of all their respondents, so the figures (computed from
    every response of the cell) stay exact; ``prefix`` is stripped from ``table``'s keys to
    match the decision's. An attacker who subtracts his own planted answers from a shown
    figure is left with the figure of its real respondents, at least the threshold of them
    through channels he cannot feed.
    """
    decision = decide(counted, marked_small(table, counted))
    every = {cell.key[len(prefix) :]: cell.count for cell in table.cells if cell.key.startswith(prefix)}
    return SuppressedTable(
        tuple(
            d if d.count is None else CellDecision(d.key, d.status, d.reason, every[d.key])
            for d in decision.decisions
        ),
        decision.threshold,
        decision.kind,
    )
