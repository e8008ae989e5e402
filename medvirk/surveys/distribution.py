"""Distribution: single-use codes, e-mail invitations and reminders, known numbers of users."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import can
from medvirk.accounts.permissions import Perm
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError

from .definition import parse_definition
from .models import AccessCode, Invitation, SurveyUnit
from .render import tx
from .services import hash_token

# No 0/O, 1/I/L: codes are typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MAX_BATCH = 5000


def _check(actor: Any, survey_unit: SurveyUnit) -> None:
    if not can(actor, Perm.SURVEY_DISTRIBUTE, survey_unit.unit):
        raise ServiceError("forbidden", _("You cannot distribute this survey in this unit."))


def codes_create(*, actor: Any, survey_unit: SurveyUnit, count: int) -> list[AccessCode]:
    """Create a batch of single-use codes for letters or paper forms."""
    _check(actor, survey_unit)
    if not 1 <= count <= MAX_BATCH:
        raise ServiceError(
            "count_invalid", _("Choose between 1 and %(max)s codes.") % {"max": MAX_BATCH}, field="count"
        )
    batch = (
        AccessCode.objects.filter(survey_unit=survey_unit)
        .order_by("-batch")
        .values_list("batch", flat=True)
        .first()
        or 0
    ) + 1
    codes: list[AccessCode] = []
    with transaction.atomic():
        while len(codes) < count:
            wanted = count - len(codes)
            fresh = {"".join(secrets.choice(CODE_ALPHABET) for _ in range(8)) for _ in range(wanted)}
            taken = set(AccessCode.objects.filter(code__in=fresh).values_list("code", flat=True))
            new = [
                AccessCode(
                    municipality_id=survey_unit.municipality_id, survey_unit=survey_unit, code=c, batch=batch
                )
                for c in sorted(fresh - taken)
            ]
            try:
                with transaction.atomic():
                    AccessCode.objects.bulk_create(new)
            except IntegrityError:  # a code was taken concurrently; draw again
                continue
            codes.extend(new)
        audit_record(
            actor=actor,
            municipality=survey_unit.unit.municipality,
            action="survey.codes_created",
            obj=survey_unit.survey,
            data={"unit": survey_unit.unit.name, "count": count, "batch": batch},
        )
    return codes


def parse_emails(text: str) -> tuple[list[str], list[str]]:
    """Split pasted addresses (commas, semicolons, new lines); return (valid, invalid)."""
    valid: list[str] = []
    invalid: list[str] = []
    for raw in text.replace(";", "\n").replace(",", "\n").splitlines():
        address = raw.strip().strip("<>").lower()
        if not address:
            continue
        try:
            validate_email(address)
        except Exception:
            invalid.append(address)
        else:
            if address not in valid:
                valid.append(address)
    return valid, invalid


def _message(survey_unit: SurveyUnit, link: str, *, reminder: bool) -> tuple[str, str]:
    definition = parse_definition(survey_unit.survey.definition)
    title = tx(definition.title, "nb", definition.languages)
    subject = ("Påminnelse: " if reminder else "") + title
    body = (
        f"Hei!\n\n{survey_unit.unit.name} vil gjerne høre hva du mener. "
        f"Undersøkelsen er anonym og tar noen få minutter.\n\n{link}\n\n"
        "Lenken er personlig. Når du har svart, sender vi ingen flere påminnelser.\n"
    )
    return subject, body


def invitations_send(*, actor: Any, survey_unit: SurveyUnit, emails: Iterable[str], base_url: str) -> int:
    """Create personal invitations and e-mail them; an address already invited is skipped."""
    _check(actor, survey_unit)
    existing = set(Invitation.objects.filter(survey_unit=survey_unit).values_list("email", flat=True))
    messages = []
    today = timezone.localdate()
    with transaction.atomic():
        for email in emails:
            if email in existing:
                continue
            token = secrets.token_urlsafe(24)
            Invitation.objects.create(
                municipality_id=survey_unit.municipality_id,
                survey_unit=survey_unit,
                email=email,
                token_hash=hash_token(token),
                sent_on=today,
            )
            subject, body = _message(survey_unit, f"{base_url}/a/i/{token}/", reminder=False)
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
        audit_record(
            actor=actor,
            municipality=survey_unit.unit.municipality,
            action="survey.invitations_sent",
            obj=survey_unit.survey,
            data={"unit": survey_unit.unit.name, "count": len(messages)},
        )
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
    return len(messages)


def reminders_send(*, actor: Any, survey_unit: SurveyUnit, base_url: str) -> int:
    """Remind everyone invited who has not answered; the token is rotated so a new link is sent."""
    _check(actor, survey_unit)
    messages = []
    today = timezone.localdate()
    with transaction.atomic():
        for invitation in Invitation.objects.select_for_update().filter(
            survey_unit=survey_unit, completed=False
        ):
            token = secrets.token_urlsafe(24)
            invitation.token_hash = hash_token(token)
            invitation.reminders_sent += 1
            invitation.reminded_on = today
            invitation.save(update_fields=["token_hash", "reminders_sent", "reminded_on"])
            subject, body = _message(survey_unit, f"{base_url}/a/i/{token}/", reminder=True)
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]))
        audit_record(
            actor=actor,
            municipality=survey_unit.unit.municipality,
            action="survey.reminders_sent",
            obj=survey_unit.survey,
            data={"unit": survey_unit.unit.name, "count": len(messages)},
        )
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
    return len(messages)


def user_count_set(*, actor: Any, survey_unit: SurveyUnit, count: int | None) -> SurveyUnit:
    """Record how many users the unit has, so the response rate can be shown."""
    _check(actor, survey_unit)
    if count is not None and not 0 <= count <= 10_000_000:
        raise ServiceError("count_invalid", _("Enter a whole number of users."), field="user_count")
    with transaction.atomic():
        survey_unit.user_count = count
        survey_unit.save(update_fields=["user_count"])
        audit_record(
            actor=actor,
            municipality=survey_unit.unit.municipality,
            action="survey.user_count_set",
            obj=survey_unit.survey,
            data={"unit": survey_unit.unit.name, "count": count},
        )
    return survey_unit
