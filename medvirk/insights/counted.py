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
shows the figures of all responses in the groups it shows (:func:`decide_counted`), after
auditing the table of all responses too (those shown figures are equations an attacker reads);
the option and free-text decisions (``SurveyDisclosure.options``, ``first_places``,
``tables.SurveyResults.text_table``) do the same.
See docs/methods-suppression.md, "Planted answers".
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from medvirk.analysis.suppression import Cell, CellDecision, SuppressedTable, Table
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
    decide: Callable[[Table, frozenset[str], frozenset[str]], SuppressedTable],
    *,
    prefix: str = "",
) -> SuppressedTable:
    """Decide on the counted respondents; show every response's count in the cells shown.

    ``decide(table, also_small, hide)`` is the decision proper (``suppress`` or the linked
    answer decision), ``hide`` the cells (keys of ``table``) it must hide whatever their count.
    A cell is shown only if it has at least the threshold of counted respondents (or none at
    all) and no small counted cell can be worked out from the shown ones. The shown cells then
    carry the count of all their respondents, so the figures (computed from every response of
    the cell) stay exact; ``prefix`` is stripped from ``table``'s keys to match the decision's.
    An attacker who subtracts his own planted answers from a shown figure is left with the
    figure of its real respondents, at least the threshold of them through channels he cannot
    feed.

    Those published counts of all answers are equations too: "unit 4 has 15, 8 women, the
    district's men 6" can prove a withheld group not empty although its *counted* count could
    be 0. So when the two tables differ, the decision is made a second time on the table of all
    answers, with every cell hidden the first time forced hidden and every cell with answers
    but fewer than the threshold counted marked small: its audit (rule 3) proves each such cell
    could be empty or hold the threshold there too, and hides more where it cannot. Hiding more
    only widens what an attacker of the counted table can infer, so the first decision still
    holds: neither view pins a small cell (a fixed point after this one step). Where nothing is
    pinned the second decision only audits the small cells and hides nothing.
    """
    small = marked_small(table, counted)
    decision = decide(counted, small, frozenset())
    every = {cell.key[len(prefix) :]: cell.count for cell in table.cells if cell.key.startswith(prefix)}
    if any(a.count != b.count for a, b in zip(table.cells, counted.cells, strict=True)):
        first = {prefix + d.key for d in decision.decisions if not d.shown}
        # Small on counted answers: with answers but fewer than the threshold of them counted
        # (this holds every cell with 0 < all answers < threshold, as counted ≤ all).
        below = frozenset(
            cell.key
            for cell, mine in zip(table.cells, counted.cells, strict=True)
            if cell.count > 0 and mine.count < _threshold(cell, decision)
        )
        again = decide(table, below, frozenset(first))
        # The first decision stands where it hides (with its reasons); the second adds the
        # cells it hides to protect a group on the table of all answers.
        decision = SuppressedTable(
            tuple(d if not d.shown or again[d.key].shown else again[d.key] for d in decision.decisions),
            decision.threshold,
            decision.kind,
        )
    return SuppressedTable(
        tuple(
            d if d.count is None else CellDecision(d.key, d.status, d.reason, every[d.key])
            for d in decision.decisions
        ),
        decision.threshold,
        decision.kind,
    )


def _threshold(cell: Cell, decision: SuppressedTable) -> int:
    return decision.threshold if cell.threshold is None else cell.threshold
