"""Daily client-feedback work: anonymise episodes past their unit's retention, refit trajectories,
work out the dashboard's anonymity decisions ahead (``warm_feedback``)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from medvirk.core.actors import SystemActor
from medvirk.core.retention import purge_municipality
from medvirk.feedback import services
from medvirk.feedback.models import Service
from medvirk.feedback.retention import EPISODES
from medvirk.orgs.models import Municipality


class Command(BaseCommand):
    help = (
        "Anonymise closed client-feedback episodes past their unit's retention period, delete "
        "expired client links, re-estimate each service's expected trajectories and work out the "
        "outcome dashboard's anonymity decisions. Run daily."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-refit", action="store_true", help="Only anonymise and tidy links.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor("daily client-feedback retention and trajectories")
        anonymised = sum(  # the daily purge's own step for episodes (retention.purge_episodes)
            outcome.count
            for municipality in Municipality.objects.all()
            for outcome in purge_municipality(
                actor=actor, municipality_id=municipality.pk, dry_run=False, kinds=[EPISODES]
            )
        )
        expired = services.links_expired_delete(actor=actor)
        fits = 0
        if not options["no_refit"]:
            for service in Service.objects.select_related("outcome", "unit"):
                fits += len(services.trajectories_refit(actor=actor, service=service))
        self.stdout.write(
            f"Anonymised {anonymised} episodes, deleted {expired} expired links, {fits} trajectory fits."
        )
        call_command("warm_feedback", stdout=self.stdout)
