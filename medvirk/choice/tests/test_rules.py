"""The notice and default rules in calendar days, across month ends, year ends and leap days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medvirk.choice.rules import (
    Period,
    choice_deadline,
    current_period,
    deadline_passed,
    default_starts_on,
    switch_dates,
)


@pytest.mark.parametrize(
    ("decision", "days", "deadline", "default_start"),
    [
        (date(2026, 1, 20), 14, date(2026, 2, 3), date(2026, 2, 4)),  # into February
        (date(2026, 12, 20), 14, date(2027, 1, 3), date(2027, 1, 4)),  # across the year end
        (date(2026, 12, 17), 14, date(2026, 12, 31), date(2027, 1, 1)),  # deadline on New Year's Eve
        (date(2027, 2, 20), 14, date(2027, 3, 6), date(2027, 3, 7)),  # February of a common year
        (date(2028, 2, 20), 14, date(2028, 3, 5), date(2028, 3, 6)),  # leap year: 29 February counts
        (date(2028, 2, 15), 14, date(2028, 2, 29), date(2028, 3, 1)),  # deadline on the leap day
        (date(2026, 4, 30), 30, date(2026, 5, 30), date(2026, 5, 31)),  # Flekkefjord's month
        (date(2026, 3, 10), 0, date(2026, 3, 10), date(2026, 3, 11)),  # choose on the day
    ],
)
def test_deadline_and_default_start(decision: date, days: int, deadline: date, default_start: date) -> None:
    assert choice_deadline(decision, days) == deadline
    assert default_starts_on(decision, days) == default_start


def test_the_deadline_itself_is_still_time_to_choose() -> None:
    decision = date(2026, 12, 20)
    assert not deadline_passed(decision, 14, date(2027, 1, 3))
    assert deadline_passed(decision, 14, date(2027, 1, 4))


@pytest.mark.parametrize(
    ("requested", "notice", "last_day", "first_day"),
    [
        (date(2026, 1, 25), 10, date(2026, 2, 3), date(2026, 2, 4)),  # Oslo's ten days, into February
        (date(2026, 12, 28), 10, date(2027, 1, 6), date(2027, 1, 7)),  # across the year end
        (date(2026, 12, 23), 10, date(2027, 1, 1), date(2027, 1, 2)),  # last day is New Year's Day
        (date(2026, 12, 21), 10, date(2026, 12, 30), date(2026, 12, 31)),  # starts on New Year's Eve
        (date(2028, 2, 25), 4, date(2028, 2, 28), date(2028, 2, 29)),  # starts on the leap day
        (date(2027, 2, 25), 4, date(2027, 2, 28), date(2027, 3, 1)),  # no leap day in 2027
        (date(2026, 1, 31), 30, date(2026, 3, 1), date(2026, 3, 2)),  # a month's notice from 31 Jan
        (date(2026, 6, 1), 0, date(2026, 5, 31), date(2026, 6, 1)),  # no notice: switch at once
    ],
)
def test_switch_dates(requested: date, notice: int, last_day: date, first_day: date) -> None:
    dates = switch_dates(requested_on=requested, notice_days=notice)
    assert dates.first_day_new == first_day
    assert dates.last_day_current == last_day
    assert dates.earliest == first_day


def test_a_later_wished_date_is_kept_an_earlier_one_is_not() -> None:
    later = switch_dates(requested_on=date(2026, 12, 28), notice_days=10, wished_on=date(2027, 2, 1))
    assert later.first_day_new == date(2027, 2, 1)
    assert later.last_day_current == date(2027, 1, 31)
    assert later.earliest == date(2027, 1, 7)
    earlier = switch_dates(requested_on=date(2026, 12, 28), notice_days=10, wished_on=date(2026, 12, 30))
    assert earlier.first_day_new == date(2027, 1, 7)


def test_a_switch_never_starts_before_the_current_provider_has_started() -> None:
    dates = switch_dates(requested_on=date(2026, 12, 1), notice_days=3, current_starts_on=date(2026, 12, 31))
    assert dates.first_day_new == date(2027, 1, 1)
    assert dates.last_day_current == date(2026, 12, 31)


@pytest.mark.parametrize("days", [-1, 366])
def test_rules_outside_the_limits_are_refused(days: int) -> None:
    with pytest.raises(ValueError, match="days must be between"):
        choice_deadline(date(2026, 1, 1), days)
    with pytest.raises(ValueError, match="days must be between"):
        switch_dates(requested_on=date(2026, 1, 1), notice_days=days)


days_2020s = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@given(
    requested=days_2020s,
    notice=st.integers(0, 365),
    wished=st.none() | days_2020s,
    current=st.none() | days_2020s,
)
def test_switch_properties(requested: date, notice: int, wished: date | None, current: date | None) -> None:
    dates = switch_dates(
        requested_on=requested, notice_days=notice, wished_on=wished, current_starts_on=current
    )
    # Exactly the notice in calendar days, never less, counted from the request.
    assert (dates.first_day_new - requested).days >= notice
    assert (dates.earliest - requested).days == notice or (current is not None and dates.earliest > current)
    # No gap and no overlap between the two providers.
    assert dates.first_day_new - dates.last_day_current == timedelta(days=1)
    if wished is not None:
        assert dates.first_day_new == max(dates.earliest, wished)
    if current is not None:
        assert dates.last_day_current >= current


@given(decision=days_2020s, days=st.integers(0, 365), today=days_2020s)
def test_default_properties(decision: date, days: int, today: date) -> None:
    deadline = choice_deadline(decision, days)
    assert (deadline - decision).days == days
    assert default_starts_on(decision, days) == deadline + timedelta(days=1)
    assert deadline_passed(decision, days, today) == (today >= default_starts_on(decision, days))


def test_current_period() -> None:
    periods = [Period(date(2026, 1, 1), date(2026, 12, 31)), Period(date(2027, 1, 1))]
    assert current_period(periods, date(2026, 12, 31)) == periods[0]
    assert current_period(periods, date(2027, 1, 1)) == periods[1]
    assert current_period(periods, date(2025, 12, 31)) is None
    assert not periods[1].started(date(2026, 12, 31))
    assert periods[1].started(date(2027, 1, 1))
