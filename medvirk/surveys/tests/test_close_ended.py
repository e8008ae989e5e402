"""Rounds past their closing date are closed by the daily command, so their results come."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from medvirk.accounts.demo import DemoData
from medvirk.core.models import AuditEvent
from medvirk.surveys import services
from medvirk.surveys.models import Survey, SurveyStatus
from tests.survey_rounds import KINDERGARTENS, open_survey


def test_the_daily_command_closes_only_rounds_whose_last_day_has_passed(demo: DemoData) -> None:
    today = timezone.localdate()
    ended = open_survey(demo, KINDERGARTENS[0], round_label="2025")
    last_day = open_survey(demo, KINDERGARTENS[1], round_label="2026")
    analyst = demo.users["analytiker"]
    services.survey_set_dates(
        actor=analyst, survey=ended, opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1)
    )
    services.survey_set_dates(
        actor=analyst, survey=last_day, opens_on=today - timedelta(days=30), closes_on=today
    )

    out = io.StringIO()
    call_command("close_ended_rounds", stdout=out)
    ended.refresh_from_db()
    last_day.refresh_from_db()
    assert ended.status == SurveyStatus.CLOSED
    assert last_day.status == SurveyStatus.OPEN  # answers are taken through the closing date itself
    assert "Closed 1 survey round(s)" in out.getvalue() and "2025" in out.getvalue()
    event = AuditEvent.objects.filter(action="survey.status_changed", object_id=str(ended.pk)).latest("pk")
    assert event.data == {"from": "open", "to": "closed"} and event.by_medvirk is True

    again = io.StringIO()
    call_command("close_ended_rounds", stdout=again)
    assert "No open survey round had passed its closing date." in again.getvalue()


def test_a_closed_round_keeps_its_tree_and_an_open_one_follows_today_s(demo: DemoData) -> None:
    """A closed round's figures are read on the tree it closed on (surveys/round_tree.py)."""
    from medvirk.accounts import unit_services
    from medvirk.surveys.selectors import round_tree_units
    from tests.survey_rounds import close_round

    kindergarten = demo.units[KINDERGARTENS[0]]
    old_parent, new_parent = kindergarten.parent, demo.units["Bydel Sør"]
    assert old_parent != new_parent
    closed = close_round(open_survey(demo, KINDERGARTENS[0], round_label="2025"))
    still_open = open_survey(demo, KINDERGARTENS[0], round_label="2026")
    unit_services.unit_move(actor=demo.users["admin"], unit=kindergarten, new_parent=new_parent)

    def parent_in(survey: Survey) -> int | None:
        return next(t.parent_id for t in round_tree_units(survey=survey) if t.unit.pk == kindergarten.pk)

    assert parent_in(closed) == old_parent.pk
    assert parent_in(still_open) == new_parent.pk
    kept = round_tree_units(survey=closed)
    assert [t.unit.pk for t in kept if t.is_survey_unit] == [kindergarten.pk]
    assert {t.unit.pk for t in kept} == {int(p) for p in kept[-1].path.split("/") if p}
