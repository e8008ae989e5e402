"""Give the default provider to every client whose time to choose is over (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from medvirk.choice.services import defaults_apply_all
from medvirk.core.actors import SystemActor


class Command(BaseCommand):
    help = "Give the default provider to clients whose time to choose ended without a choice."

    def handle(self, *args: Any, **options: Any) -> None:
        count = defaults_apply_all(actor=SystemActor("daily default providers"), today=timezone.localdate())
        self.stdout.write(f"{count} client(s) got the default provider.")
