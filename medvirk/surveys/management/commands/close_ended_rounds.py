"""Close the survey rounds whose closing date has passed (run daily), so their results come."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from medvirk.core.actors import SystemActor
from medvirk.surveys.services import rounds_close_ended


class Command(BaseCommand):
    help = (
        "Close every open survey round whose closing date has passed. Its results are shown only "
        "once it is closed; run this daily, after midnight."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        closed = rounds_close_ended(actor=SystemActor("daily closing of ended survey rounds"))
        if not closed:
            self.stdout.write("No open survey round had passed its closing date.")
            return
        self.stdout.write(
            f"Closed {len(closed)} survey round(s) whose closing date had passed;"
            " their results can now be read:"
        )
        for survey in closed:
            self.stdout.write(
                f"  {survey.municipality}: {survey}, {survey.round_label}"
                f" (its last day was {survey.closes_on:%Y-%m-%d})"
            )
