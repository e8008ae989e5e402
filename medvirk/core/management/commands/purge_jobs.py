"""Delete expired background jobs and their files: the daily purge limited to jobs (kept for old crontabs)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Delete expired background jobs and their files (purge_personal_data --kind core.jobs)."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("purge_personal_data", kind=["core.jobs"], stdout=self.stdout)
