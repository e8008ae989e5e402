"""Clean text stored before ``core/plaintext.py`` did it on every save: run once after upgrading.

Rows saved since are clean; a provider or unit named with a right-to-left override earlier (red
team 5) keeps it until saved again. ``core.plaintext_services.stored_text_clean`` finds and cleans
them; ``--dry-run`` counts them per table.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from medvirk.core.actors import SystemActor
from medvirk.core.plaintext_services import stored_text_clean


class Command(BaseCommand):
    help = "Remove right-to-left overrides (and line breaks in one-line fields) from stored text."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count the rows per table")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        counts = stored_text_clean(actor=SystemActor("manage.py clean_stored_text"), dry_run=dry_run)
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
        total = sum(counts.values())
        self.stdout.write(f"{'Would clean' if dry_run else 'Cleaned'} {total} rows.")
