"""The date rules of free choice of provider, in calendar days. Pure Python, no Django.

A service with choice has two rules (``ChoiceService.choice_days`` and ``notice_days``):

* **Time to choose.** After the decision (vedtak) the client has ``choice_days`` calendar days to
  choose. The last day to choose is ``decision + choice_days``; a client who has not chosen by
  then gets the default provider from the day after (Flekkefjord: two weeks).
* **Notice for a switch.** A client may switch at any time; the new provider starts
  ``notice_days`` calendar days after the request (Oslo: about 10 days), or later if the client
  asks for a later date. The current provider's last day is the day before.

Calendar days, not working days: the municipalities' rules are written that way, and a client
can count them on a calendar. ``datetime.date`` arithmetic carries across month and year ends
and leap days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

#: Limits a service's rules must stay within (a year is longer than any rule we have seen).
MAX_NOTICE_DAYS = 365
MAX_CHOICE_DAYS = 365


def day_text(day: date) -> str:
    """Return a day as choice's messages, letters and lists write it: ``03.01.2027``."""
    return day.strftime("%d.%m.%Y")


def choice_deadline(decision_on: date, choice_days: int) -> date:
    """Return the last day the client may choose a provider after a decision on ``decision_on``."""
    _check_days(choice_days, MAX_CHOICE_DAYS)
    return decision_on + timedelta(days=choice_days)


def default_starts_on(decision_on: date, choice_days: int) -> date:
    """Return the day the default provider starts when the client has not chosen in time."""
    return choice_deadline(decision_on, choice_days) + timedelta(days=1)


def deadline_passed(decision_on: date, choice_days: int, today: date) -> bool:
    """Return whether the time to choose is over on ``today`` (the deadline itself still counts)."""
    return today > choice_deadline(decision_on, choice_days)


@dataclass(frozen=True, slots=True)
class SwitchDates:
    """When a switch takes effect: the current provider's last day and the new one's first."""

    last_day_current: date
    first_day_new: date
    earliest: date  # the first day the notice rule allows, whatever the client wished


def switch_dates(
    *,
    requested_on: date,
    notice_days: int,
    wished_on: date | None = None,
    current_starts_on: date | None = None,
) -> SwitchDates:
    """Return the dates of a switch requested on ``requested_on``.

    The new provider starts ``notice_days`` calendar days after the request, or on ``wished_on``
    if that is later. A switch never takes effect before the current provider has started: if
    the current provider starts later than the notice allows, the new one starts on the day
    after the current one's first day (the current provider then has exactly one day, so the
    history stays a sequence of non-empty periods).
    """
    _check_days(notice_days, MAX_NOTICE_DAYS)
    earliest = requested_on + timedelta(days=notice_days)
    if current_starts_on is not None:
        earliest = max(earliest, current_starts_on + timedelta(days=1))
    first = max(earliest, wished_on) if wished_on is not None else earliest
    return SwitchDates(first - timedelta(days=1), first, earliest)


@dataclass(frozen=True, slots=True)
class Period:
    """A provider's period for one client: ``starts_on`` to ``ends_on`` inclusive (None: open)."""

    starts_on: date
    ends_on: date | None = None

    def covers(self, day: date) -> bool:
        """Return whether the client is with this provider on ``day``."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def started(self, day: date) -> bool:
        """Return whether the period has begun on ``day`` (provider staff see the client from then)."""
        return self.starts_on <= day


def current_period(periods: list[Period], day: date) -> Period | None:
    """Return the period covering ``day`` (periods of one client never overlap), or None."""
    return next((p for p in periods if p.covers(day)), None)


def _check_days(days: int, limit: int) -> None:
    if not 0 <= days <= limit:
        raise ValueError(f"days must be between 0 and {limit}, got {days}")
