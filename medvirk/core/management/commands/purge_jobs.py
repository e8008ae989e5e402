"""Delete background jobs (and their result files) past their expiry; meant to run daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from medvirk.core.actors import SystemActor
from medvirk.core.jobs import jobs_purge


class Command(BaseCommand):
    help = "Delete expired background jobs and their result files."

    def handle(self, *args: Any, **options: Any) -> None:
        count = jobs_purge(actor=SystemActor("daily job purge"))
        self.stdout.write(f"Deleted {count} expired job(s).")
