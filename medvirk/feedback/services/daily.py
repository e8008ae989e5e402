"""Daily work: which episodes are due for anonymising, and refitting expected trajectories."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from medvirk.accounts.permissions import Perm
from medvirk.analysis.trajectories import MIN_EPISODES, fit_quantiles
from medvirk.analysis.trajectories import Episode as Course
from medvirk.orgs.models import OrgUnit

from ..models import (
    Episode,
    EpisodeStatus,
    RaterKind,
    Rating,
    RetentionPolicy,
    Service,
    TrajectoryFit,
)
from ._common import (
    Actor,
    ensure_can,
)

# --- daily work: retention and expected trajectories ------------------------------------------


def retention_months(unit: OrgUnit, policies: Mapping[int, int], default: int) -> int:
    """Return the months of the nearest policy at or above ``unit`` (else ``default``)."""
    for unit_id in reversed([int(p) for p in unit.path.strip("/").split("/") if p]):
        if unit_id in policies:
            return policies[unit_id]
    return default


def episodes_due_for_anonymising(municipality_id: int, today: date, default_months: int) -> list[Episode]:
    """Return closed, not yet anonymised episodes whose unit's retention period has passed."""
    policies = dict(
        RetentionPolicy.objects.filter(municipality_id=municipality_id).values_list("unit_id", "months")
    )
    due = []
    for episode in Episode.objects.filter(
        municipality_id=municipality_id, status=EpisodeStatus.CLOSED, anonymised_at__isnull=True
    ).select_related("unit"):
        months = retention_months(episode.unit, policies, default_months)
        if episode.closed_on is not None and _add_months(episode.closed_on, months) <= today:
            due.append(episode)
    return due


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")  # pragma: no cover


def trajectories_refit(*, actor: Actor, service: Service, bootstrap: int = 200) -> list[Any]:
    """Estimate expected trajectories from the service's closed episodes, per age version.

    A version with fewer than ``MIN_EPISODES`` usable episodes keeps (or falls back to) the rule:
    its stored fit is removed. Returns the fits stored.
    """

    ensure_can(actor, Perm.FEEDBACK_MANAGE, service.unit)
    rows = Rating.objects.filter(
        session__episode__service=service,
        session__episode__status=EpisodeStatus.CLOSED,
        instrument_id=service.outcome_id,
        rater__kind=RaterKind.CLIENT,
        score__isnull=False,
    ).values_list("session__episode_id", "session__episode__age_version", "session__number", "score")
    courses: dict[str, dict[int, list[tuple[int, float]]]] = {}
    for episode_id, age_version, number, value in rows.order_by("session__episode_id", "session__number"):
        if value is not None:  # none is: the query asks for scored ratings
            courses.setdefault(age_version, {}).setdefault(episode_id, []).append((number, value))
    direction = service.outcome.parsed.direction
    stored = []
    for version in service.outcome.parsed.versions:
        episodes = [Course(tuple(s)) for s in courses.get(version.key, {}).values() if len(s) >= 2]
        model = (
            fit_quantiles(episodes, direction, bootstrap=bootstrap) if len(episodes) >= MIN_EPISODES else None
        )
        if model is None:
            TrajectoryFit.objects.filter(
                service=service, instrument_id=service.outcome_id, age_version=version.key
            ).delete()
            continue
        fit, _created = TrajectoryFit.objects.update_or_create(
            municipality_id=service.municipality_id,
            service=service,
            instrument_id=service.outcome_id,
            age_version=version.key,
            defaults={"model": model.as_json(), "episodes": model.episodes},
        )
        stored.append(fit)
    return stored
