"""The one daily purge: every kind of personal data past its municipality's retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from medvirk.accounts.services import personal_data_purge
from medvirk.core.actors import SystemActor
from medvirk.core.retention import retention_kinds
from medvirk.orgs.models import Municipality


class Command(BaseCommand):
    help = (
        "Delete or anonymise personal data kept longer than each municipality's retention period "
        "(volunteers, contact persons, invitation addresses, client-feedback episodes, background "
        "jobs). Run daily; --dry-run only counts."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what is due; change nothing.")
        parser.add_argument(
            "--kind", action="append", default=[], help="Only this kind (repeatable), e.g. core.jobs."
        )
        parser.add_argument("--municipality", help="Only this municipality (its number or slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        known = {kind.key for kind in retention_kinds()}
        unknown = set(options["kind"]) - known
        if unknown:
            raise CommandError(
                f"Unknown kind(s): {', '.join(sorted(unknown))}. Known: {', '.join(sorted(known))}."
            )
        only = options["municipality"]
        if only and not Municipality.objects.filter(Q(code=only) | Q(slug=only)).exists():
            raise CommandError(f"No municipality has the number or short name {only!r}.")
        outcomes = personal_data_purge(
            actor=SystemActor("daily purge of personal data"),
            dry_run=options["dry_run"],
            kinds=options["kind"] or None,
            municipality=options["municipality"],
        )
        verb = "would be removed" if options["dry_run"] else "removed"
        total = 0
        for municipality, outcome in outcomes:
            total += outcome.count
            self.stdout.write(
                f"{municipality.name}: {outcome.kind.key} (kept {outcome.amount} {outcome.kind.unit}): "
                f"{outcome.count} {verb}"
            )
        self.stdout.write(f"{total} record(s) {verb}.")
