"""Retention (anonymise after the unit's period) and the daily refit of expected trajectories."""

from __future__ import annotations

import io
import math
from datetime import date, timedelta

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from medvirk.analysis.trajectories import MIN_EPISODES
from medvirk.feedback import selectors, services
from medvirk.feedback.models import Episode, Rater, Rating, Session, TrajectoryFit

from .conftest import SYSTEM, Feedback


def closed_episode(fb: Feedback, closed_on: date) -> Episode:
    episode = services.episode_open(
        actor=fb.users["behandler"], service=fb.service, alias="A", opened_on=closed_on - timedelta(days=30)
    )
    Episode.objects.filter(pk=episode.pk).update(status="closed", closed_on=closed_on, end_reason="planned")
    episode.refresh_from_db()
    return episode


def test_nearest_retention_policy_applies(fb: Feedback) -> None:
    unit = fb.service.unit
    agency = unit.parent
    assert services.retention_months(unit, {}, 12) == 12
    assert services.retention_months(unit, {agency.pk: 6}, 12) == 6
    assert services.retention_months(unit, {agency.pk: 6, unit.pk: 24}, 12) == 24


def test_daily_command_anonymises_only_what_is_due(fb: Feedback) -> None:
    today = timezone.localdate()
    services.retention_set(actor=fb.demo.users["admin"], unit=fb.service.unit, months=6)
    old = closed_episode(fb, today - timedelta(days=200))
    recent = closed_episode(fb, today - timedelta(days=100))
    still_open = services.episode_open(actor=fb.users["behandler"], service=fb.service, alias="Åpen")
    call_command("feedback_daily", "--no-refit", stdout=io.StringIO())
    for episode in (old, recent, still_open):
        episode.refresh_from_db()
    assert old.anonymised_at is not None and old.alias == ""
    assert recent.anonymised_at is None and recent.alias == "A"
    assert still_open.anonymised_at is None


def test_purge_dry_run_counts_episodes_due_and_anonymises_nothing(fb: Feedback) -> None:
    old = closed_episode(fb, timezone.localdate() - timedelta(days=400))  # past the default 12 months
    recent = closed_episode(fb, timezone.localdate() - timedelta(days=30))
    out = io.StringIO()
    code = fb.demo.municipality.code
    args = ("--kind", "feedback.episodes", "--municipality", code)
    call_command("purge_personal_data", "--dry-run", *args, stdout=out)
    assert "feedback.episodes (kept 12 months): 1 would be removed" in out.getvalue()
    old.refresh_from_db()
    assert old.anonymised_at is None and old.alias == "A"
    call_command("purge_personal_data", *args, stdout=io.StringIO())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.anonymised_at is not None and recent.anonymised_at is None


def test_add_months_at_month_ends() -> None:
    assert services._add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services._add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert services._add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def _bulk_closed(fb: Feedback, count: int, seed: int) -> None:
    """Closed PHQ-9 episodes improving by (4 - 0.1 * intake) * log t, written in bulk."""
    rng = np.random.default_rng(seed)
    muni = fb.demo.municipality
    for n in range(count):
        intake = int(rng.integers(10, 25))
        episode = Episode.objects.create(
            municipality=muni,
            service=fb.service,
            unit=fb.service.unit,
            alias=f"S{n}",
            age_version="adult",
            opened_on=date(2025, 1, 1),
            closed_on=date(2025, 3, 1),
            status="closed",
            end_reason="planned",
        )
        rater = Rater.objects.create(municipality=muni, episode=episode, kind="client")
        for t in range(1, 5):
            session = Session.objects.create(
                municipality=muni, episode=episode, number=t, held_on=date(2025, 1, t)
            )
            value = intake - (4 - 0.1 * intake) * math.log(t)
            Rating.objects.create(
                municipality=muni,
                session=session,
                rater=rater,
                instrument=fb.outcome,
                purpose="outcome",
                score=round(value, 2),
                mode="tablet",
            )


def test_refit_needs_the_minimum_then_uses_own_data(fb: Feedback) -> None:
    _bulk_closed(fb, MIN_EPISODES - 1, seed=1)
    assert services.trajectories_refit(actor=SYSTEM, service=fb.service, bootstrap=0) == []
    _bulk_closed(fb, 1, seed=2)
    [fit] = services.trajectories_refit(actor=SYSTEM, service=fb.service, bootstrap=5)
    assert fit.episodes == MIN_EPISODES
    band = selectors.trajectory_band(fb.service, fb.outcome, "adult", 20.0)
    assert band.source == "own_data"
    assert band.median[3] == pytest.approx((4 - 2) * math.log(4), abs=0.05)
    assert TrajectoryFit.objects.count() == 1


def test_before_the_minimum_the_rule_applies(fb: Feedback) -> None:
    band = selectors.trajectory_band(fb.service, fb.outcome, "adult", 20.0)
    assert band.source == "rule"


def test_conversations_are_deleted_after_their_period_and_the_themes_move(fb: Feedback) -> None:
    """Conversations of "What matters to you?" keep goals in the person's own words: the daily purge
    deletes those older than the municipality's period (36 months by default), goals and all."""
    from medvirk.feedback.models import Conversation, Goal, ThemesVersion

    unit = fb.service.unit
    today = timezone.localdate()
    old = services.conversation_record(actor=SYSTEM, unit=unit, goals=["Gå til butikken selv"])
    recent = services.conversation_record(actor=SYSTEM, unit=unit, goals=["Treffe barnebarna"])
    # held long ago and lately (the service dates no conversation before the running half-year)
    Conversation.objects.filter(pk=old.pk).update(held_on=today - timedelta(days=3 * 366))
    Conversation.objects.filter(pk=recent.pk).update(held_on=today - timedelta(days=30))
    version = ThemesVersion.objects.get(municipality=fb.demo.municipality).token
    args = ("--kind", "feedback.conversations", "--municipality", fb.demo.municipality.code)
    out = io.StringIO()
    call_command("purge_personal_data", "--dry-run", *args, stdout=out)
    assert "feedback.conversations (kept 36 months): 1 would be removed" in out.getvalue()
    assert Conversation.objects.filter(pk=old.pk).exists()
    call_command("purge_personal_data", *args, stdout=io.StringIO())
    assert list(Conversation.objects.filter(pk__in=[old.pk, recent.pk])) == [recent]
    assert not Goal.objects.filter(conversation_id=old.pk).exists()
    assert Goal.objects.filter(conversation=recent).count() == 1
    assert ThemesVersion.objects.get(municipality=fb.demo.municipality).token != version
