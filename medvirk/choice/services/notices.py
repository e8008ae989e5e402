"""E-mails to providers about new and ending clients (sent by the services of ``cases``).

Sent after the change is committed (``transaction.on_commit``), so a rolled-back registration
never announces a client. The message names the client by the alias the municipality uses with
the provider and the dates; nothing else about the client. Written in bokmål, the language the
municipality and its providers work in (the provider's staff read it, not the client).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Assignment
from ..rules import day_text


def _later(assignment: Assignment, subject: str, body: str, stamp: str) -> None:
    """Send after the commit; the message is made now (a cancelled period is gone by then)."""
    address, pk = assignment.provider.contact_email, assignment.pk

    def send() -> None:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        Assignment.objects.filter(pk=pk).update(**{stamp: timezone.now()})

    if address:
        transaction.on_commit(send)


def announce_start(assignment: Assignment) -> None:
    """Tell the provider it gets a new client from the assignment's first day."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New client for %(service)s from %(date)s") % {
            "service": assignment.client.service.name,
            "date": day_text(assignment.starts_on),
        }
        body = _(
            "Hello %(provider)s,\n\n"
            "%(client)s becomes your client for %(service)s from %(date)s.\n"
            "You see the client in your client list in Medvirk from that day."
        ) % {
            "provider": assignment.provider.name,
            "client": assignment.client.alias,
            "service": assignment.client.service.name,
            "date": day_text(assignment.starts_on),
        }
    _later(assignment, subject, body + "\n", "start_notified_at")


def announce_end(assignment: Assignment, *, cancelled: bool = False) -> None:
    """Tell the provider a client leaves (last day), or that an announced client will not come."""
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "provider": assignment.provider.name,
            "client": assignment.client.alias,
            "service": assignment.client.service.name,
            "date": day_text(assignment.ends_on or assignment.starts_on),
        }
        if cancelled:
            subject = _("Client will not come: %(service)s") % params
            body = (
                _(
                    "Hello %(provider)s,\n\n"
                    "The switch of %(client)s to you for %(service)s has been cancelled. "
                    "The client will not become your client."
                )
                % params
            )
        else:
            subject = _("Client leaves %(service)s after %(date)s") % params
            body = (
                _(
                    "Hello %(provider)s,\n\n"
                    "%(date)s is your last day with %(client)s for %(service)s. "
                    "After that day the client is no longer in your client list."
                )
                % params
            )
    _later(assignment, subject, body + "\n", "end_notified_at")
