"""Instrument definitions: the format (``definition.py``), the shipped catalogue (``catalogue/``)
and Medvirk's goal-progress scale (``goals.py``). Pure Python."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from .definition import (
    FORMAT,
    Instrument,
    InstrumentError,
    Item,
    Option,
    Version,
    parse_instrument,
    with_texts,
)

CATALOGUE = Path(__file__).with_name("catalogue")


@cache
def catalogue_raw() -> dict[str, dict]:
    """Return every shipped definition document by key (PHQ-9, GAD-7, Medvirk's session feedback,
    and the scoring-only ORS/CORS, SRS, GSRS and CORE-10)."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(CATALOGUE.glob("*.json"))
    }


def catalogue() -> dict[str, Instrument]:
    """Return every shipped definition, parsed."""
    return {key: parse_instrument(raw) for key, raw in catalogue_raw().items()}


__all__ = [
    "FORMAT",
    "Instrument",
    "InstrumentError",
    "Item",
    "Option",
    "Version",
    "catalogue",
    "catalogue_raw",
    "parse_instrument",
    "with_texts",
]
