"""Cleaning text stored before ``plaintext`` cleaned every save (``manage.py clean_stored_text``).

Rows saved since are clean; a provider or unit named with a right-to-left override earlier (red
team 5) keeps it until saved again. This finds the rows of every Medvirk table whose text columns
hold a bidirectional control, or a line break in a one-line column, and saves each through
``plaintext.clean`` (only those columns).
"""

from __future__ import annotations

from django.apps import apps
from django.db import models, transaction

from . import plaintext
from .actors import SystemActor, ensure_system
from .crypto import EncryptedTextField


def _dirty(model: type[models.Model]) -> models.Q | None:
    """Return the condition of ``model``'s rows that cleaning would change, None for no text."""
    condition = models.Q()
    for name, single_line in plaintext.text_fields(model):
        if isinstance(model._meta.get_field(name), EncryptedTextField):
            continue  # a token: cannot be searched (cleaned when the row is next saved)
        for character in plaintext.unwanted_characters(single_line=single_line):
            condition |= models.Q(**{f"{name}__contains": character})
    return condition or None


def stored_text_clean(*, actor: SystemActor, dry_run: bool = False) -> dict[str, int]:
    """Clean (or with ``dry_run`` only count) the rows holding unwanted characters, per table."""
    ensure_system(actor, "Cleaning text stored before every save was cleaned")
    counts: dict[str, int] = {}
    for model in apps.get_models():
        condition = _dirty(model)
        if condition is None or model._meta.proxy:
            continue
        columns = [name for name, _single in plaintext.text_fields(model)]
        rows = list(model._default_manager.filter(condition).only("pk", *columns))
        if not rows:
            continue
        counts[model._meta.label] = len(rows)
        if dry_run:
            continue
        with transaction.atomic():
            for row in rows:
                plaintext.clean(row)
                row.save(update_fields=columns)
    return counts
