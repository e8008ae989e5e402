"""Load the demo municipalities and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from medvirk.accounts.demo import DEMO_PASSWORD, build_demo
from medvirk.accounts.models import RoleAssignment
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
        # Every role of the demo's staff, including those apps' own demos added (choice of provider).
        roles = RoleAssignment.objects.filter(
            municipality__slug__in=["eksempel", "provestad"]
        ).select_related("user", "unit")
        for role in roles.order_by("municipality__slug", "user__date_joined", "user_id"):
            self.stdout.write(f"  {role.user.username:<24} {role.role:<15} {role.unit.name}")
