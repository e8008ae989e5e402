"""Remind the owners of overdue measures by e-mail (run daily, e.g. from cron).

``send_participation_reminders`` does this too, along with the yearly checklist reminders.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from medvirk.core.actors import SystemActor
from medvirk.participation.reminders import send_measure_reminders


class Command(BaseCommand):
    help = "E-mail the owners of open measures whose due date has passed (once a day per measure)."

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor("daily measure reminders")
        sent = send_measure_reminders(actor=actor, today=timezone.localdate())
        self.stdout.write(f"{sent} reminder(s) sent.")
