"""E-mail council contacts about members whose terms end within 60 days (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from medvirk.core.actors import SystemActor
from medvirk.panels.services import council_terms_remind


class Command(BaseCommand):
    help = "Send renewal reminders for council terms ending within 60 days (each member once)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = council_terms_remind(actor=SystemActor("daily council term reminders"))
        self.stdout.write(f"Reminded about {count} term(s).")
