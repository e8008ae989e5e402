"""Re-encrypt every stored encrypted value with the newest key of MEDVIRK_CONTACT_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from medvirk.core.actors import SystemActor
from medvirk.core.crypto_services import keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt contact details and stored secrets with the first key of MEDVIRK_CONTACT_KEYS "
        "(run after putting a new key first; then the old key can be dropped)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in keys_rotate(actor=SystemActor("manage.py rotate_keys")).items():
            self.stdout.write(f"{name}: {count}")
