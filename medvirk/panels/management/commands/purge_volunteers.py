"""Delete volunteers whose consent is older than the retention period promised on the sign-up page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from medvirk.core.actors import SystemActor
from medvirk.panels.forms import RETENTION_YEARS
from medvirk.panels.services import volunteers_purge_expired


class Command(BaseCommand):
    help = "Delete volunteers (and their panel memberships) after the retention period (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = volunteers_purge_expired(actor=SystemActor("daily volunteer purge"), years=RETENTION_YEARS)
        self.stdout.write(f"Deleted {count} row(s).")
