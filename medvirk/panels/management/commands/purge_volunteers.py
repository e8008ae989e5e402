"""Delete volunteers past the retention period: the daily purge for volunteers only (old crontabs)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Delete volunteers after the retention period (same as purge_personal_data --kind panels.volunteers)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("purge_personal_data", kind=["panels.volunteers"], stdout=self.stdout)
