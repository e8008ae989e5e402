"""The columns many tables share, declared once: who did something, and which unit it concerns.

Each builder returns exactly the field the tables spelt out before (the same arguments), so the
schema and the migrations do not change (``makemigrations --check`` proves it). Tables are named
by their labels (``"orgs.OrgUnit"``, ``AUTH_USER_MODEL``): core sits below the apps and imports none
of them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def user_reference(*, blank: bool = False, **options: Any) -> models.ForeignKey[Any, Any]:
    """Return the key to the staff member who did something (``created_by``, ``decided_by``, …).

    The row outlives the account: deleting a user leaves NULL. No reverse accessor on the user.
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=blank,
        related_name="+",
        **options,
    )


def unit_reference(
    *, on_delete: Any = models.PROTECT, related_name: str = "+", **options: Any
) -> models.ForeignKey[Any, Any]:
    """Return the key to the organisation unit a row belongs to (kept from deletion by default)."""
    return models.ForeignKey("orgs.OrgUnit", on_delete=on_delete, related_name=related_name, **options)
