"""Print a new key for MEDVIRK_CONTACT_KEYS (contact details and secrets, encrypted at rest)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from medvirk.core.crypto import new_key


class Command(BaseCommand):
    help = "Print a new Fernet key for MEDVIRK_CONTACT_KEYS (put it first, then run rotate_keys)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(new_key())
