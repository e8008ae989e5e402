"""Test data for participation: an activity with plausible defaults, made through the service."""

from __future__ import annotations

import datetime
from typing import Any

from medvirk.participation import services
from medvirk.participation.models import Activity


def make_activity(
    demo: Any, unit: Any = "Solsikken barnehage", user: Any = "leder.solsikken", **extra: Any
) -> Activity:
    """Create an activity in ``unit`` as ``user`` (a demo unit's and user's name, or the objects);
    ``extra`` overrides the fields."""
    values: dict[str, Any] = {
        "title": "Foreldremøte",
        "kind": "user_meeting",
        "ladder": "dialogue",
        "level": "group",
        "invited": "open",
        "starts_on": datetime.date(2026, 3, 1),
    } | extra
    return services.activity_create(
        actor=demo.users[user] if isinstance(user, str) else user,
        owner_unit=demo.units[unit] if isinstance(unit, str) else unit,
        **values,
    )
