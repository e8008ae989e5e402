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
"""

from __future__ import annotations

from medvirk.orgs.models import OrgUnit

from .models import HalfYearTree


def kept_parents(municipality_id: int, period_key: str) -> dict[int, int | None]:
    """Return unit → parent as the half-year's figures were first worked out (kept now if never)."""
    today: dict[int, int | None] = dict(
        OrgUnit.objects.filter(municipality_id=municipality_id).values_list("pk", "parent_id")
    )
    row, _created = HalfYearTree.objects.get_or_create(
        municipality_id=municipality_id,
        period=period_key,
        defaults={"parents": {str(unit): parent for unit, parent in today.items()}},
    )
    kept = {int(unit): parent for unit, parent in row.parents.items()}
    return {unit: kept.get(unit, parent) for unit, parent in today.items()}
