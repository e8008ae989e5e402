"""Participants' composition by the standard background dimensions, with small groups suppressed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medvirk.common.dimensions import STANDARD_DIMENSIONS, Dimension
from medvirk.core.errors import ServiceError

from .enums import ParticipationErrorCode

# District categories are municipality-specific, so composition uses the fixed dimensions only.
COMPOSITION_DIMENSIONS: tuple[Dimension, ...] = tuple(d for d in STANDARD_DIMENSIONS if d.categories)
NOT_STATED = "not_stated"


@dataclass(frozen=True)
class Row:
    label: str
    count: int | None  # None: hidden to protect small groups


@dataclass(frozen=True)
class DimensionTable:
    key: str
    label: str
    rows: list[Row]
    hidden: bool  # the whole breakdown is withheld


def clean_composition(
    raw: Mapping[str, Mapping[str, Any]], participants: int | None
) -> dict[str, dict[str, int]]:
    """Return only known keys with positive whole counts; refuse sums above the participant count."""
    result: dict[str, dict[str, int]] = {}
    for dimension in COMPOSITION_DIMENSIONS:
        counts = {}
        for key in (c.key for c in dimension.categories):
            value = (raw.get(dimension.key) or {}).get(key)
            if value in (None, ""):
                continue
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ServiceError(
                    ParticipationErrorCode.COMPOSITION_INVALID,
                    _("Counts must be whole numbers."),
                    field=f"{dimension.key}__{key}",
                ) from None
            if number < 0:
                raise ServiceError(
                    ParticipationErrorCode.COMPOSITION_INVALID,
                    _("Counts cannot be negative."),
                    field=f"{dimension.key}__{key}",
                )
            if number:
                counts[key] = number
        if counts:
            if participants is None or sum(counts.values()) > participants:
                raise ServiceError(
                    ParticipationErrorCode.COMPOSITION_TOO_MANY,
                    _("%(dimension)s adds up to more than the number of participants.")
                    % {"dimension": dimension.label((get_language() or "nb")[:2])},
                    field="participants",
                )
            result[dimension.key] = counts
    return result
