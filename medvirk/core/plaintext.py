"""Text is stored without bidirectional controls, whoever typed it: one place for every table.

An unclosed right-to-left override (U+202E) or isolate in a name turns what follows it backwards
wherever the name is shown: a provider called "Omsorg" + RLO + "SA gaP" reads "Omsorg Pag AS" on
the relative's comparison page, a unit name spoofs the next column of an export, a volunteer's
name the coordinator's list. Red team 4 stripped them from what the public types
(``common.languages.without_bidi_controls``); red team 5 found the names staff type (units,
services, providers, panels, councils, organisations, clients' aliases) still kept them.

So every text column (``CharField``, ``TextField`` and their subclasses) of every Medvirk table
is stored without them, in a ``pre_save`` receiver (``CoreConfig.ready``): forms, the API,
imports, services and the admin all pass through ``save()``. ``bulk_create`` does not send
``pre_save``: the few places that bulk-create rows with typed text call :func:`clean` on each
row first (the organisation tree's import, the volunteers' import, a conversation's goals).
Text the database only reads (hashes, keys, codes) has no such characters to lose; the marks
(LRM, RLM, ALM) stay, so mixed Arabic and Norwegian text still reads in order.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.db import models

from medvirk.common.languages import without_bidi_controls


@functools.cache
def _text_fields(model: type[models.Model]) -> tuple[str, ...]:
    """Return the attribute names of ``model``'s text columns (none for tables not Medvirk's)."""
    if not model.__module__.startswith("medvirk."):
        return ()
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
    )


def clean(instance: models.Model) -> None:
    """Remove bidirectional embeddings, overrides and isolates from ``instance``'s text columns."""
    for name in _text_fields(type(instance)):
        value = getattr(instance, name)
        if isinstance(value, str):
            cleaned = without_bidi_controls(value)
            if cleaned != value:
                setattr(instance, name, cleaned)


def clean_all(instances: Iterable[models.Model]) -> None:
    """:func:`clean` each row, before ``bulk_create`` (which sends no ``pre_save``)."""
    for instance in instances:
        clean(instance)


def before_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    """The ``pre_save`` receiver: clean every Medvirk row before it is written (fixtures too)."""
    clean(instance)
