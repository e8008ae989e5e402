"""Load the fictional SSB-format population samples for the demo municipality (Eksempel kommune)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medvirk.common.dimensions import DEMO_MUNICIPALITY_CODE
from medvirk.orgs.models import Municipality
from medvirk.population.demo import load_samples


class Command(BaseCommand):
    help = "Import the fictional population samples for a municipality, replacing earlier imports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--code", default=DEMO_MUNICIPALITY_CODE, help="Municipality number (default 9999)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Municipality.objects.filter(code=options["code"]).exists():
            raise CommandError(f"No municipality {options['code']}; run seed_demo first.")
        tables = load_samples(code=options["code"])
        for t in tables:
            self.stdout.write(f"  {t.table_id} ({t.year}): {t.title[:70]}")
        self.stdout.write(self.style.SUCCESS(f"{len(tables)} population tables loaded (fictional numbers)."))
