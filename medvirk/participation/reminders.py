"""Reminders by e-mail: overdue measures to their owners, yearly checklist items to unit leaders.

Both are idempotent per day: a measure's owner is reminded at most once a day, and a unit's
leaders at most once every ``CYCLE_REMIND_EVERY_DAYS`` days while an item stays behind schedule.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.core.mail import send_mail
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from medvirk.accounts.models import Role, RoleAssignment
from medvirk.core.actors import SystemActor
from medvirk.orgs.models import Municipality, OrgUnit, UnitKind

from .cycle import CYCLE_ITEMS, cycle_rows, item_due
from .selectors import overdue_measures
from .services import cycle_mark_reminded, measure_mark_reminded

CYCLE_REMIND_EVERY_DAYS = 14  # a yearly checklist is no reason to write every day


def send_measure_reminders(*, actor: SystemActor, today: datetime.date) -> int:
    """E-mail the owner of every open measure past its due date (once a day); return the count."""
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
                "due": date_format(measure.due_on, "DATE_FORMAT"),
                "progress": measure.progress,
            }
        send_mail(subject, body, None, [owner.email])
        measure_mark_reminded(actor=actor, measure=measure, today=today)
        sent += 1
    return sent


def _leaders(municipality: Municipality) -> list[tuple[str, Any]]:
    """Return (unit path, user) for every active unit leader with an e-mail address."""
    return [
        (a.unit.path, a.user)
        for a in RoleAssignment.objects.filter(
            municipality=municipality, role=Role.UNIT_LEADER, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("unit", "user")
    ]


def cycle_reminders_due(*, today: datetime.date) -> dict[Any, list[tuple[OrgUnit, list[str]]]]:
    """Return, per unit leader, the units behind schedule this year and their overdue items.

    A unit's leaders are those holding the unit-leader role on the nearest unit at or above it
    that has any. Units reminded less than ``CYCLE_REMIND_EVERY_DAYS`` ago are left out.
    """
    due: dict[Any, list[tuple[OrgUnit, list[str]]]] = defaultdict(list)
    since = today - datetime.timedelta(days=CYCLE_REMIND_EVERY_DAYS)
    for municipality in Municipality.objects.all():
        units = list(OrgUnit.objects.filter(municipality=municipality, kind=UnitKind.UNIT))
        if not units:
            continue
        leaders = _leaders(municipality)
        for row in cycle_rows(units=units, year=today.year):
            items = row.behind(year=today.year, today=today)
            reminded = row.check.reminded_on if row.check else None
            if not items or (reminded is not None and reminded > since):
                continue
            above = [(path, user) for path, user in leaders if row.unit.path.startswith(path)]
            nearest = max((len(path) for path, _user in above), default=0)
            for user in {user for path, user in above if len(path) == nearest}:
                due[user].append((row.unit, items))
    return due


def send_cycle_reminders(*, actor: SystemActor, today: datetime.date) -> int:
    """E-mail unit leaders whose units are behind on the yearly checklist; return the count."""
    labels = {key: label for key, _due, label in CYCLE_ITEMS}
    reminded: dict[int, OrgUnit] = {}
    sent = 0
    for user, rows in sorted(cycle_reminders_due(today=today).items(), key=lambda item: item[0].pk):
        with override("nb"):
            lines = [
                f"- {unit.name}: "
                + "; ".join(
                    _("%(item)s (due %(due)s)")
                    % {"item": labels[i], "due": date_format(item_due(i, today.year), "DATE_FORMAT")}
                    for i in items
                )
                for unit, items in rows
            ]
            subject = _("The yearly participation checklist is behind schedule")
            body = (
                _("These items of this year's participation checklist are past their due date:")
                + "\n"
                + "\n".join(lines)
                + "\n"
                + _("Tick what has been done in Medvirk (Participation → Yearly cycle), or plan it.")
            )
        send_mail(subject, body, None, [user.email])
        sent += 1
        reminded.update({unit.pk: unit for unit, _items in rows})
    for unit in reminded.values():
        cycle_mark_reminded(actor=actor, unit=unit, today=today)
    return sent
