"""Distribution: single-use codes, e-mail invitations and reminders, known numbers of users."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import Actor, ensure_can
from medvirk.accounts.permissions import Perm
from medvirk.common import languages
from medvirk.core import plaintext
from medvirk.core.actors import ensure_system
from medvirk.core.audit import audit_record
from medvirk.core.crypto import token_hash
from medvirk.core.errors import ServiceError
from medvirk.surveys.enums import SurveysAuditAction, SurveysErrorCode

from ..design.definition import tx
from ..design.parser import parse_definition
from ..design.respondent_text import ui
from ..models import AccessCode, Invitation, SurveyStatus, SurveyUnit

# No 0/O, 1/I/L: codes are typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MAX_BATCH = 5000
LANG_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


def _check(actor: Actor, survey_unit: SurveyUnit) -> None:
    ensure_can(
        actor, Perm.SURVEY_DISTRIBUTE, survey_unit.unit, _("You cannot distribute this survey in this unit.")
    )


def _ensure_answerable(survey_unit: SurveyUnit) -> None:
    """Refuse codes, invitations and reminders for a closed round: nobody can answer it any more,
    and an e-mail would take people to a page that says so (walk2: a closed round still sent them)."""
    if survey_unit.survey.status == SurveyStatus.CLOSED:
        raise ServiceError(
            SurveysErrorCode.SURVEY_CLOSED,
            _(
                "The survey is closed, so nobody can answer it any more: no codes, invitations or "
                "reminders are sent for it. To ask again, start a new round."
            ),
        )


def codes_create(*, actor: Actor, survey_unit: SurveyUnit, count: int) -> list[AccessCode]:
    """Create a batch of single-use codes for letters or paper forms."""
    _check(actor, survey_unit)
    _ensure_answerable(survey_unit)
    if not 1 <= count <= MAX_BATCH:
        raise ServiceError(
            SurveysErrorCode.COUNT_INVALID,
            _("Choose between 1 and %(max)s codes.") % {"max": MAX_BATCH},
            field="count",
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
            action=SurveysAuditAction.SURVEY_CODES_CREATED,
            obj=survey_unit.survey,
            data={"unit": survey_unit.unit.name, "count": count, "batch": batch},
        )
    return codes


def parse_emails(text: str) -> tuple[list[str], list[str]]:
    """Split pasted addresses (commas, semicolons, new lines); return (valid, invalid)."""
    addressed, invalid = parse_addresses(text)
    return [email for email, _lang in addressed], invalid


def parse_addresses(text: str) -> tuple[list[tuple[str, str | None]], list[str]]:
    """Split pasted addresses, each optionally followed by ``;<language code>``.

    Addresses are separated by new lines, commas or semicolons; a piece without "@" right after
    an address is that address's language (``ola@example.no;ar``). Return ((address, language
    or None) in order without repeats, invalid pieces).
    """
    found: dict[str, str | None] = {}
    invalid: list[str] = []
    last: str | None = None
    for raw in text.replace(";", ",").replace("\n", ",").split(","):
        piece = raw.strip().strip("<>")
        if not piece:
            continue
        if "@" not in piece and last is not None and LANG_RE.match(piece.lower()):
            found[last] = piece.lower()
            last = None
            continue
        address = piece.lower()
        try:
            validate_email(address)
        except Exception:
            invalid.append(piece)
            last = None
        else:
            found.setdefault(address, None)
            last = address
    return list(found.items()), invalid


def _message(survey_unit: SurveyUnit, link: str, *, lang: str, reminder: bool) -> tuple[str, str, str]:
    """Return subject, plain text and HTML of an invitation or reminder in ``lang``.

    The survey's own texts (title, introduction) come from its translations; the rest is the
    respondent system text in that language (English where none is shipped).
    """
    definition = parse_definition(survey_unit.survey.definition)
    overrides = (survey_unit.survey.definition or {}).get("ui")
    title = tx(definition.title, lang, definition.languages)
    intro = tx(definition.intro, lang, definition.languages)
    subject = ui("invite_reminder", lang, overrides, title=title) if reminder else title
    subject = plaintext.one_line(subject)  # a title on two lines is a subject Django refuses to send
    paragraphs = [
        ui("invite_hello", lang, overrides),
        ui("invite_intro", lang, overrides, unit=survey_unit.unit.name),
        *([intro] if intro else []),
    ]
    link_label = ui("invite_link", lang, overrides)
    personal = ui("invite_personal", lang, overrides)
    body = "\n\n".join([*paragraphs, f"{link_label}\n{link}", personal]) + "\n"
    html = render_to_string(
        "surveys/email/invitation.html",
        {
            "lang": lang,
            "dir": languages.direction(lang),
            "subject": subject,
            "paragraphs": paragraphs,
            "link_label": link_label,
            "link": link,
            "personal": personal,
        },
    )
    return subject, body, html


def _link(base_url: str, token: str, lang: str) -> str:
    return f"{base_url}/a/i/{token}/?lang={lang}"


def _send(messages: list[tuple[str, str, str, str]]) -> None:
    """Send (subject, text, html, address) messages over one connection."""
    connection = get_connection()
    emails = []
    for subject, body, html, address in messages:
        email = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        email.attach_alternative(html, "text/html")
        emails.append(email)
    connection.send_messages(emails)


def _record_and_send(
    actor: Actor,
    survey_unit: SurveyUnit,
    action: SurveysAuditAction,
    messages: list[tuple[str, str, str, str]],
    count: int | None,
) -> None:
    """Audit a batch of e-mails to the unit's respondents (``count``: how many, as it may be
    said; None leaves it out), send them once the transaction commits."""
    data: dict[str, Any] = {"unit": survey_unit.unit.name}
    if count is not None:
        data["count"] = count
    audit_record(actor=actor, action=action, obj=survey_unit.survey, data=data)
    transaction.on_commit(lambda: _send(messages))


def invitation_language(survey_unit: SurveyUnit, language: str | None) -> str:
    """Return ``language`` if the survey offers it (default: its first language); else refuse."""
    languages = parse_definition(survey_unit.survey.definition).languages
    if not language:
        return languages[0]
    if language not in languages:
        raise ServiceError(
            SurveysErrorCode.LANGUAGE_INVALID,
            _("The survey is not offered in %(lang)s. Choose one of: %(list)s.")
            % {"lang": language, "list": ", ".join(languages)},
            field="language",
        )
    return language


def invitations_send(
    *,
    actor: Actor,
    survey_unit: SurveyUnit,
    emails: Iterable[str | tuple[str, str | None]],
    base_url: str,
    language: str | None = None,
) -> int:
    """Create personal invitations and e-mail them; an address already invited is skipped.

    Each invitation is written in ``language`` (one of the survey's; default its first) unless
    the address comes as ``(address, language)``; its reminders and its link use the same one.
    """
    _check(actor, survey_unit)
    _ensure_answerable(survey_unit)
    batch_lang = invitation_language(survey_unit, language)
    wanted = [(e, None) if isinstance(e, str) else e for e in emails]
    langs = {email: invitation_language(survey_unit, lang) if lang else batch_lang for email, lang in wanted}
    existing = set(Invitation.objects.filter(survey_unit=survey_unit).values_list("email", flat=True))
    messages = []
    today = timezone.localdate()
    with transaction.atomic():
        for email, lang in langs.items():
            if email in existing:
                continue
            token = secrets.token_urlsafe(24)
            Invitation.objects.create(
                municipality_id=survey_unit.municipality_id,
                survey_unit=survey_unit,
                email=email,
                language=lang,
                token_hash=token_hash(token),
                sent_on=today,
            )
            subject, body, html = _message(
                survey_unit, _link(base_url, token, lang), lang=lang, reminder=False
            )
            messages.append((subject, body, html, email))
        _record_and_send(
            actor, survey_unit, SurveysAuditAction.SURVEY_INVITATIONS_SENT, messages, len(messages)
        )
        return len(messages)


def reminders_send(*, actor: Actor, survey_unit: SurveyUnit, base_url: str) -> None:
    """Remind everyone invited who has not answered, in the invitation's language, with a new link.

    How many were reminded is said nowhere, not even in the audit record: invited − reminded is
    how many invited have answered, and reminding again later told when the next one did
    ("3 reminders were sent" beside "6 invited, fewer than 5 have answered", then "2"; red team
    2026-12-07). The unit's answers are said as the results count them (the survey's page).
    """
    _check(actor, survey_unit)
    _ensure_answerable(survey_unit)
    languages = parse_definition(survey_unit.survey.definition).languages
    messages = []
    today = timezone.localdate()
    with transaction.atomic():
        for invitation in Invitation.objects.select_for_update().filter(
            survey_unit=survey_unit, completed=False
        ):
            token = secrets.token_urlsafe(24)
            invitation.token_hash = token_hash(token)
            invitation.reminders_sent += 1
            invitation.reminded_on = today
            invitation.save(update_fields=["token_hash", "reminders_sent", "reminded_on"])
            lang = invitation.language if invitation.language in languages else languages[0]
            subject, body, html = _message(
                survey_unit, _link(base_url, token, lang), lang=lang, reminder=True
            )
            messages.append((subject, body, html, invitation.email))
        _record_and_send(actor, survey_unit, SurveysAuditAction.SURVEY_REMINDERS_SENT, messages, None)


def user_count_set(*, actor: Actor, survey_unit: SurveyUnit, count: int | None) -> SurveyUnit:
    """Record how many users the unit has, so the response rate can be shown."""
    _check(actor, survey_unit)
    if count is not None and not 0 <= count <= 10_000_000:
        raise ServiceError(
            SurveysErrorCode.COUNT_INVALID, _("Enter a whole number of users."), field="user_count"
        )
    with transaction.atomic():
        survey_unit.user_count = count
        survey_unit.save(update_fields=["user_count"])
        audit_record(
            actor=actor,
            action=SurveysAuditAction.SURVEY_USER_COUNT_SET,
            obj=survey_unit.survey,
            data={"unit": survey_unit.unit.name, "count": count},
        )
    return survey_unit


def invitation_addresses_purge(
    *, actor: Actor, municipality_id: int, cutoff: datetime, dry_run: bool = False
) -> int:
    """Blank the e-mail addresses of invitations to rounds that closed before ``cutoff``; return how many.

    The rows stay (a round's response rate counts the invitations sent), holding no address:
    the answers were unlinked from them when submitted, so nothing then ties a response to a person.
    """
    ensure_system(actor, "Deleting invitation addresses after the retention period")
    due = Invitation.objects.filter(
        municipality_id=municipality_id, survey_unit__survey__closes_on__lt=cutoff.date()
    ).exclude(email="")
    if dry_run:
        return due.count()
    return due.update(email="", language="")
