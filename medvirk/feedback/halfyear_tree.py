"""The organisation tree an ended half-year's figures are worked out on, kept from the first time.

The outcome dashboard and "what matters to our users" show only half-years that have ended, so
that their figures never move (a client closed late, a background changed: red team 4). Read on
today's tree they still moved when a unit was moved to another district afterwards: the old
district's figures lost exactly the moved unit's, hidden ones included, so a leader who had read
the district before the move read the hidden neighbour after it (red team 5; the survey rounds'
counterpart is ``surveys.round_tree``). A half-year has no moment of closing, so its tree is kept
the first time its figures are worked out (in the worker, soon after it ends), and every later
working-out of the same half-year places each unit under the parent it had then. A unit made
since stands where it stands today (it has no clients or conversations in the half-year). Who
may see which unit's figures still follows today's tree.

The frame the figures are kept under in the cache (``kept.py``: ``dashboard.data_version``,
``themes.data_version``) is made of the same tree (:func:`half_year_parents`, which never
writes: pages call it), so a move changes neither the figures nor their frame, and a page goes on
showing them without waiting for the worker. The running half-year is never kept: its figures
are never shown, and it follows today's tree until it ends. Half-years shown before the tree was
kept got the tree as it stood at the upgrade (migration ``0006_keep_ended_half_year_trees``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils import timezone

from medvirk.orgs.models import OrgUnit

from .models import HalfYearTree

if TYPE_CHECKING:
    from .dashboard import Period


def kept_parents(municipality_id: int, period: Period) -> dict[int, int | None]:
    """Return unit → parent as an ended half-year's figures were first worked out (kept now if
    never); a half-year that has not ended: today's tree, kept nowhere."""
    today: dict[int, int | None] = dict(
        OrgUnit.objects.filter(municipality_id=municipality_id).values_list("pk", "parent_id")
    )
    if period.end >= timezone.localdate():
        return today
    row, _created = HalfYearTree.objects.get_or_create(
        municipality_id=municipality_id,
        period=period.key,
        defaults={"parents": {str(unit): parent for unit, parent in today.items()}},
    )
    return in_half_year(today, row.parents)


def half_year_parents(municipality_id: int, period: Period) -> dict[str, int | None] | None:
    """Return an ended half-year's kept tree (unit id as text → parent), None while none is kept
    (or the half-year has not ended): one read, no write."""
    if period.end >= timezone.localdate():
        return None
    return (
        HalfYearTree.objects.filter(municipality_id=municipality_id, period=period.key)
        .values_list("parents", flat=True)
        .first()
    )


def in_half_year(
    today: Mapping[int, int | None], kept: Mapping[str, int | None] | None
) -> dict[int, int | None]:
    """Return unit → parent in the half-year: as kept, a unit made since where it is today."""
    if kept is None:
        return dict(today)
    return {unit: kept.get(str(unit), parent) for unit, parent in today.items()}
