"""Start a real municipality: the municipality, its top unit and its first administrator (invited)."""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from medvirk.accounts.invitations import municipality_start
from medvirk.core.actors import SystemActor
from medvirk.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Create a municipality (number and name) with its first administrator, who gets an e-mail with "
        "a link to choose a password. Example: create_municipality 4601 Bergen it-admin@bergen.kommune.no"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("number", help="The municipality number (four digits), e.g. 4601.")
        parser.add_argument("name", help="The municipality's name, e.g. Bergen.")
        parser.add_argument(
            "admin_email", help="The first administrator's e-mail address (also their username)."
        )
        parser.add_argument(
            "--slug", default="", help="Short name in public addresses (default: from the name)."
        )
        parser.add_argument(
            "--base-url",
            default=settings.MEDVIRK_BASE_URL,
            help="The address staff reach Medvirk at, for the link (default: MEDVIRK_BASE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                municipality, admin = municipality_start(
                    actor=SystemActor("create_municipality command"),
                    code=options["number"],
                    name=options["name"],
                    admin_email=options["admin_email"],
                    base_url=options["base_url"],
                    slug=options["slug"],
                )
            except ServiceError as error:
                raise CommandError(str(error.message)) from error
            except (OSError, smtplib.SMTPException) as error:
                raise CommandError(
                    f"The invitation could not be sent ({error}); nothing was stored. Check EMAIL_HOST and "
                    "EMAIL_PORT and run the command again."
                ) from error
        self.stdout.write(
            f"Created {municipality.name} ({municipality.code}, /{municipality.slug}/). "
            f"An invitation was sent to {admin.email}."
        )
