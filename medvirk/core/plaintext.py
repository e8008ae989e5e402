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

A ``CharField`` (a name, a title, a short note) is also stored on one line: a measure titled
"Bedre" + newline + "uteområde" through the API made the overdue-measure e-mail's subject one
Django refuses to send (``BadHeaderError``), and the daily reminders stopped there every day,
for every measure after it; a service's, council's or municipality's name reaches e-mail subjects
the same way. Subjects made from texts that are no column (a survey's title in its definition,
the subject typed when inviting organisations) go through :func:`one_line` where they are made.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from django.db import models

from medvirk.common.languages import BIDI_CONTROLS, without_bidi_controls

# What str.splitlines() breaks a line at: a name with one of these became an e-mail subject that
# Django refuses (BadHeaderError), and the daily reminders stopped at it.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAKS = re.compile(f"[{LINE_BREAKS}]+")


def one_line(text: str) -> str:
    """Return ``text`` with every line break (a run of them) turned into one space."""
    return _LINE_BREAKS.sub(" ", text)


def unwanted_characters(*, single_line: bool) -> str:
    """Return the characters :func:`clean` removes from a column (``single_line``: a ``CharField``)."""
    return BIDI_CONTROLS + (LINE_BREAKS if single_line else "")


@functools.cache
def text_fields(model: type[models.Model]) -> tuple[tuple[str, bool], ...]:
    """Return (attribute name, is a one-line field) of ``model``'s text columns (none for tables
    not Medvirk's). A ``CharField`` is one line (a name, a title); a ``TextField`` keeps its lines."""
    if not model.__module__.startswith("medvirk."):
        return ()
    return tuple(
        (field.attname, isinstance(field, models.CharField))
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
    )


def clean(instance: models.Model) -> None:
    """Remove bidirectional embeddings, overrides and isolates from ``instance``'s text columns,
    and line breaks from its one-line columns."""
    for name, single_line in text_fields(type(instance)):
        value = getattr(instance, name)
        if isinstance(value, str):
            cleaned = without_bidi_controls(value)
            if single_line:
                cleaned = one_line(cleaned)
            if cleaned != value:
                setattr(instance, name, cleaned)


def clean_all(instances: Iterable[models.Model]) -> None:
    """:func:`clean` each row, before ``bulk_create`` (which sends no ``pre_save``)."""
    for instance in instances:
        clean(instance)


def before_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    """The ``pre_save`` receiver: clean every Medvirk row before it is written (fixtures too)."""
    clean(instance)
