"""Form helpers of the organisation tree (the unit forms themselves: ``accounts.unit_forms``)."""

from __future__ import annotations

from collections.abc import Iterable

from .models import OrgUnit


def unit_choices(units: Iterable[OrgUnit]) -> list[tuple[int, str]]:
    """Label units with indentation by depth so the tree reads in a plain select."""
    return [(u.pk, "\u2003" * u.depth + u.name) for u in units]
