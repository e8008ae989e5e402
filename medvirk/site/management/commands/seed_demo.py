"""Load the demo municipalities and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

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
                self.style.SUCCESS(_("Demo data created (organisation, staff, survey rounds 2025 and 2026)."))
            )
        else:
            self.stdout.write(_("Demo data already present."))
        heading = _("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD}
        self.stdout.write("\n" + heading)
        for username, line in demo_logins():
            self.stdout.write(f"  {username:<24} {line}")


def demo_logins() -> list[tuple[str, str]]:
    """Return each demo user's login name with who they are, in words: their name, then each role
    they hold and on which units ("Berit Behandler: Behandler (klienttilbakemelding) – Helsestasjonen,
    Eksempelhjelpa"), the way the README's table of demo logins says it; never a role's key."""
    # Every role of the demo's staff, including those apps' own demos added (choice of provider).
    roles = (
        RoleAssignment.objects.filter(municipality__slug__in=["eksempel", "provestad"])
        .select_related("user", "unit")
        .order_by("municipality__slug", "user__date_joined", "user_id", "pk")
    )
    people: dict[str, tuple[str, dict[str, list[str]]]] = {}
    for role in roles:
        _name, held = people.setdefault(role.user.username, (role.user.get_full_name(), {}))
        held.setdefault(role.get_role_display(), []).append(role.unit.name)
    return [
        (
            username,
            (f"{name}: " if name else "")
            + "; ".join(f"{label} – {', '.join(units)}" for label, units in held.items()),
        )
        for username, (name, held) in people.items()
    ]
