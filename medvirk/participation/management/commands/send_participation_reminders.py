"""Send the participation reminders (run daily, e.g. from cron; a second run the same day sends nothing)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from medvirk.core.actors import SystemActor
from medvirk.participation.reminders import send_cycle_reminders, send_measure_reminders
from medvirk.participation.services import ROUNDS_ACTOR, survey_rounds_sync


class Command(BaseCommand):
    help = (
        "Record survey rounds as participation activities, e-mail owners of overdue measures (daily) "
        "and unit leaders whose yearly checklist is behind schedule (every two weeks at most)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Run as of this date.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options.get("today") or timezone.localdate()
        actor = SystemActor("daily participation reminders")
        rounds = survey_rounds_sync(actor=ROUNDS_ACTOR)
        measures = send_measure_reminders(actor=actor, today=today)
        cycle = send_cycle_reminders(actor=actor, today=today)
        self.stdout.write(
            f"{rounds} survey round(s) recorded, {measures} measure reminder(s), "
            f"{cycle} checklist reminder(s) sent."
        )
