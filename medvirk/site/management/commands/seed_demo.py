"""Load the demo municipalities and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from medvirk.accounts.demo import DEMO_PASSWORD, DEMO_USERS, build_demo
from medvirk.core.demo import seed_demo_apps
from medvirk.orgs.models import Municipality


class Command(BaseCommand):
    help = "Create the demo municipalities (Eksempel kommune, Prøvestad kommune) unless they exist."

    def handle(self, *args: Any, **options: Any) -> None:
        if not Municipality.objects.filter(slug="eksempel").exists():
            demo = build_demo()
            seed_demo_apps(demo)  # each app's own demo (its demo.py), in dependency order
            self.stdout.write(
                self.style.SUCCESS("Demo data created (organisation, staff, survey rounds 2025 and 2026).")
            )
        else:
            self.stdout.write("Demo data already present.")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, _first, _last, role, unit in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {role:<12} {unit or 'Eksempel kommune'}")
        self.stdout.write(f"  {'provestad.admin':<18} {'admin':<12} Prøvestad kommune")
