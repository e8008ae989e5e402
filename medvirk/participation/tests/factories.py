"""Test data for participation: an activity with plausible defaults, made through the service."""

from __future__ import annotations

import datetime
from typing import Any

from medvirk.participation import services
from medvirk.participation.models import Activity


def make_activity(
    demo: Any, unit: str = "Solsikken barnehage", user: str = "leder.solsikken", **extra: Any
) -> Activity:
    """Create an activity in the demo ``unit`` as the demo ``user``; ``extra`` overrides the fields."""
    values: dict[str, Any] = {
        "title": "Foreldremøte",
        "kind": "user_meeting",
        "ladder": "dialogue",
        "level": "group",
        "invited": "open",
        "starts_on": datetime.date(2026, 3, 1),
    } | extra
    return services.activity_create(actor=demo.users[user], owner_unit=demo.units[unit], **values)
