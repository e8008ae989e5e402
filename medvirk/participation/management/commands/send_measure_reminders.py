"""Remind the owners of overdue measures by e-mail (run daily, e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from medvirk.participation.services import measure_mark_reminded, overdue_measures


class Command(BaseCommand):
    help = "E-mail the owners of open measures whose due date has passed (once a day per measure)."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        sent = 0
        for measure in overdue_measures(today=today):
            owner = measure.owner
            if not owner.email:
                continue
            with override("nb"):
                subject = _("Overdue measure: %(title)s") % {"title": measure.title}
                body = _(
                    "The measure “%(title)s” (%(unit)s) was due on %(due)s and is %(progress)s %% done.\n"
                    "Update its status in Medvirk, or set a new due date."
                ) % {
                    "title": measure.title,
                    "unit": measure.unit.name,
                    "due": measure.due_on.isoformat(),
                    "progress": measure.progress,
                }
            send_mail(subject, body, None, [owner.email])
            measure_mark_reminded(measure=measure, today=today)
            sent += 1
        self.stdout.write(f"{sent} reminder(s) sent.")
