"""Clean text stored before ``core/plaintext.py`` did it on every save: run once after upgrading.

Rows saved since are clean; a provider or unit named with a right-to-left override earlier (red
team 5) keeps it until saved again. This finds the rows of every Medvirk table whose text columns
hold a bidirectional control, or a line break in a one-line column, and saves each through
``plaintext.clean`` (only those columns). ``--dry-run`` counts them per table.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from medvirk.core import plaintext
from medvirk.core.crypto import EncryptedTextField


def _dirty(model: type[models.Model]) -> models.Q | None:
    """Return the condition of ``model``'s rows that cleaning would change, None for no text."""
    condition = models.Q()
    for name, single_line in plaintext.text_fields(model):
        if isinstance(model._meta.get_field(name), EncryptedTextField):
            continue  # a token: cannot be searched (cleaned when the row is next saved)
        for character in plaintext.unwanted_characters(single_line=single_line):
            condition |= models.Q(**{f"{name}__contains": character})
    return condition or None


class Command(BaseCommand):
    help = "Remove right-to-left overrides (and line breaks in one-line fields) from stored text."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count the rows per table")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            condition = _dirty(model)
            if condition is None or model._meta.proxy:
                continue
            columns = [name for name, _single in plaintext.text_fields(model)]
            rows = list(model._default_manager.filter(condition).only("pk", *columns))
            if not rows:
                continue
            total += len(rows)
            self.stdout.write(f"{model._meta.label}: {len(rows)}")
            if dry_run:
                continue
            with transaction.atomic():
                for row in rows:
                    plaintext.clean(row)
                    row.save(update_fields=columns)
        self.stdout.write(f"{'Would clean' if dry_run else 'Cleaned'} {total} rows.")
