"""Work out the client-outcome dashboard's anonymity decisions ahead, so its pages open fast.

One decision per municipality and ended half-year (``feedback.dashboard.warm``), kept in the
shared ``disclosure`` cache under a digest of the half-year's data: a run over unchanged data
only reads. ``feedback_daily`` runs it after anonymising (which changes the data); ``bin/demo``
runs it once at start. Pages work without it: the first visitor then waits for the decision.
"What matters to our users" is made ahead too (``feedback.themes.prepare``), for every half-year
its page offers (``feedback.themes.periods_for``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from medvirk.feedback.dashboard import warm
from medvirk.feedback.themes import periods_for
from medvirk.feedback.themes import prepare as prepare_themes
from medvirk.orgs.models import Municipality


class Command(BaseCommand):
    help = (
        "Work out the client-outcome dashboard's anonymity decisions for the ended half-years, "
        "and what matters to each municipality's users."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        decided = 0
        for municipality in Municipality.objects.all():
            decided += warm(municipality, today)
            for period in periods_for(municipality.pk, today):
                prepare_themes(municipality.pk, period)
        self.stdout.write(f"Decided {decided} half-years with closed episodes.")
