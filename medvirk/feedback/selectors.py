"""Reads of client feedback. Individual records only through :func:`access_episode_by_id` and
:func:`caseload`, which check that the reader is a practitioner on the episode and audit the read.

A read is audited in the same request that shows it (``episode.read``, one row per episode and
page), so "who has read my record?" can always be answered (pasientjournalloven § 16 and the
right of access, docs/security.md). Aggregates (dashboard, goal themes) are in ``dashboard.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from medvirk.accounts.access import (
    access_by_id,
    can,
    municipality_id_of,
    pk_or_404,
    row_or_404,
    scope_paths,
    scope_q,
    units_for,
)
from medvirk.accounts.permissions import Perm
from medvirk.analysis.outcomes import AlertKind, AlertRules, OutcomeAlert, alerts
from medvirk.analysis.trajectories import MIN_EPISODES, Band, QuantileModel, rule_band
from medvirk.core.models import AuditEvent
from medvirk.core.ordering import Norwegian

from .dashboard import Period, ended_periods
from .enums import FeedbackAuditAction
from .models import (
    ClientLink,
    Episode,
    EpisodeMember,
    EpisodeStatus,
    Goal,
    GoalRating,
    GoalStatus,
    Instrument,
    RaterKind,
    Rating,
    Service,
    Session,
    TrajectoryFit,
)


def audit_reads(user: Any, episodes: Iterable[Episode], purpose: str) -> None:
    """Record that ``user`` read each episode's individual record (one INSERT for all)."""
    rows = [
        AuditEvent(
            municipality_id=e.municipality_id,
            actor=user if getattr(user, "pk", None) else None,
            by_medvirk=not getattr(user, "pk", None),
            action=FeedbackAuditAction.EPISODE_READ.value,
            object_type=Episode._meta.label_lower,
            object_id=str(e.pk),
            data={"page": purpose},
        )
        for e in episodes
    ]
    if rows:
        AuditEvent.objects.bulk_create(rows)


def _member_episodes(user: Any) -> QuerySet[Episode]:
    """Episodes ``user`` is on, in units where they still hold FEEDBACK_PRACTICE."""
    if not getattr(user, "is_authenticated", False) or not user.municipality_id:
        return Episode.objects.none()
    return Episode.objects.filter(
        scope_q(user, Perm.FEEDBACK_PRACTICE, path_field="unit__path"),
        municipality_id=user.municipality_id,
        members__user=user,
    )


def access_episode_by_id(user: Any, episode_id: Any, *, purpose: str) -> Episode:
    """Return the episode if ``user`` is one of its practitioners; 404 otherwise. Audits the read."""
    episode = (
        _member_episodes(user)
        .select_related("service__outcome", "service__alliance", "unit")
        .filter(pk=pk_or_404(episode_id))
        .first()
    )
    if episode is None:
        raise Http404
    audit_reads(user, [episode], purpose)
    return episode


def episode_session(episode: Episode, number: int) -> Session:
    """Return session ``number`` of an episode fetched with ``access_episode_by_id``; 404 if it has none."""
    session = Session.objects.filter(episode=episode, number=number).first()
    if session is None:
        raise Http404
    return session


def access_outcomes(user: Any, period: Period | None) -> tuple[list[str], Period, list[Period]]:
    """Return what the outcome dashboard shows ``user``: the unit subtrees in scope, the half-year
    (``None``: the latest that has ended) and the half-years that have ended, newest first.

    Not found when the user may see no figures or the half-year has not ended (page and API).
    """
    paths = scope_paths(user, Perm.FEEDBACK_STATS)
    if not paths:
        raise Http404
    periods = ended_periods(timezone.localdate())
    chosen = period or periods[0]
    if chosen not in periods:
        raise Http404
    return paths, chosen, periods


def episode_members(episode: Episode) -> list[EpisodeMember]:
    return list(EpisodeMember.objects.filter(episode=episode).select_related("user").order_by("added_at"))


def practitioners_for(episode: Episode) -> list[Any]:
    """Return colleagues who could be added: practitioners of the unit not yet on the episode."""
    from medvirk.accounts.models import User
    from medvirk.accounts.permissions import roles_with

    on = {m.user_id for m in EpisodeMember.objects.filter(episode=episode)}
    candidates = User.objects.filter(
        municipality_id=episode.municipality_id,
        is_active=True,
        roles__role__in=list(roles_with(Perm.FEEDBACK_PRACTICE)),
    ).distinct()
    out = []
    for user in candidates.order_by(Norwegian("first_name"), "username"):
        if user.pk not in on and can(user, Perm.FEEDBACK_PRACTICE, episode.unit):
            out.append(user)
    return out


def services_for(user: Any, perm: Perm = Perm.FEEDBACK_PRACTICE) -> QuerySet[Service]:
    """Return the services in units where ``user`` holds ``perm``."""
    units = units_for(user, perm)
    return (
        Service.objects.filter(unit__in=units)
        .select_related("unit", "outcome", "alliance")
        .order_by(Norwegian("name"))
    )


def access_service_by_id(user: Any, service_id: Any, perm: Perm) -> Service:
    rows = Service.objects.select_related("unit", "outcome", "alliance")
    return access_by_id(user, rows, service_id, perm, lambda service: service.unit)


def access_instrument_by_id(user: Any, instrument_id: Any) -> Instrument:
    """Return a municipality's instrument for someone who may manage instruments; 404 otherwise."""
    from medvirk.orgs.selectors import municipality_root

    instrument = row_or_404(Instrument.objects.all(), instrument_id, municipality_id=municipality_id_of(user))
    if not can(user, Perm.FEEDBACK_MANAGE, municipality_root(municipality=instrument.municipality)):
        raise Http404
    return instrument


def instruments_for(municipality_id: int) -> list[Instrument]:
    return list(Instrument.objects.filter(municipality_id=municipality_id).order_by("key", "version"))


# --- the client's graph ------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    session: int
    held_on: Any
    score: float | None


@dataclass(frozen=True)
class GoalLine:
    goal: Goal
    values: dict[int, float]  # session number → progress

    @property
    def latest(self) -> float | None:
        return self.values[max(self.values)] if self.values else None


@dataclass
class EpisodeView:
    """Everything the client's graph shows: scores per session, cut-off, band, alerts, goals."""

    episode: Episode
    sessions: list[Session]
    outcome: list[Point]  # the client's outcome score per session (None: not rated)
    alliance: list[Point]
    collateral: dict[str, list[Point]]  # rater label → outcome scores
    band: Band | None  # expected improvement from intake
    band_scores: dict[str, list[float]]  # the band on the instrument's scale
    cutoff: float | None
    rci: float
    scale: tuple[float, float]
    direction: str
    alerts: list[OutcomeAlert]
    goals: list[GoalLine]
    links: list[ClientLink] = field(default_factory=list)

    @property
    def intake(self) -> float | None:
        rated = [p.score for p in self.outcome if p.score is not None]
        return rated[0] if rated else None


def trajectory_band(service: Service, instrument: Instrument, version_key: str, intake: float) -> Band:
    """Return the expected band for a client of ``service`` starting at ``intake``.

    From the service's own closed episodes once it has ``MIN_EPISODES`` (a stored fit), else the rule.
    """
    parsed = instrument.parsed
    version = parsed.get_version(version_key)
    thresholds = parsed.thresholds(version)
    fit = (
        TrajectoryFit.objects.filter(service=service, instrument=instrument, age_version=version.key)
        .only("model", "episodes")
        .first()
    )
    if fit is not None and fit.episodes >= MIN_EPISODES:
        return QuantileModel.from_json(fit.model).band(intake, thresholds, parsed.scale)
    return rule_band(intake, thresholds, parsed.scale)


def alert_rules(service: Service) -> AlertRules:
    """Return the service's alert rules: its "no change after N", its session feedback's thresholds."""
    alliance = service.alliance.parsed if service.alliance_id else None  # type: ignore[union-attr]
    return AlertRules(
        no_change_after=service.no_change_after,
        alliance_cutoff=alliance.alliance_cutoff if alliance else None,
        alliance_drop=alliance.alliance_drop if alliance else None,
    )


def episode_view(episode: Episode, *, with_links: bool = True) -> EpisodeView:
    """Return the graph of one episode (read already checked and audited by the caller)."""
    service = episode.service
    sessions = list(Session.objects.filter(episode=episode).order_by("number"))
    ratings = list(
        Rating.objects.filter(session__episode=episode)
        .select_related("rater")
        .values(
            "session__number", "instrument_id", "score", "critical", "rater__kind", "rater__label", "rater_id"
        )
    )
    by_session = {s.number: s for s in sessions}
    outcome_scores: dict[int, float] = {}
    alliance_scores: dict[int, float] = {}
    collateral: dict[str, dict[int, float]] = defaultdict(dict)
    critical: list[tuple[int, str]] = []
    for r in ratings:
        n, score = r["session__number"], r["score"]
        if r["rater__kind"] == RaterKind.CLIENT:
            if r["instrument_id"] == service.outcome_id:
                if score is not None:  # an unscored rating has no point to draw
                    outcome_scores[n] = score
                critical += [(n, key) for key in r["critical"] or []]
            elif r["instrument_id"] == service.alliance_id and score is not None:
                alliance_scores[n] = score
        elif r["instrument_id"] == service.outcome_id and score is not None:
            label = r["rater__label"] or RaterKind(r["rater__kind"]).label
            collateral[str(label)][n] = score
    parsed = service.outcome.parsed
    version = parsed.get_version(episode.age_version)
    thresholds = parsed.thresholds(version)
    series = sorted(outcome_scores.items())
    band = None
    band_scores: dict[str, list[float]] = {}
    if series:
        intake = series[0][1]
        band = trajectory_band(service, service.outcome, episode.age_version, intake)
        band_scores = band.as_scores(intake, parsed.direction)
    rules = alert_rules(service)
    found = alerts(
        series,
        thresholds,
        expected_worse_edge=band.worse_edge() if band else None,
        alliance=sorted(alliance_scores.items()),
        critical=critical,
        rules=rules,
    )
    goals = []
    goal_rows = list(
        Goal.objects.filter(episode=episode).exclude(status=GoalStatus.DROPPED, ratings__isnull=True)
    )
    values: dict[int, dict[int, float]] = defaultdict(dict)
    for goal_id, number, value in GoalRating.objects.filter(goal__episode=episode).values_list(
        "goal_id", "session__number", "value"
    ):
        values[goal_id][number] = value
    for goal in goal_rows:
        goals.append(GoalLine(goal, dict(sorted(values[goal.pk].items()))))

    def points(scores: dict[int, float]) -> list[Point]:
        return [Point(n, by_session[n].held_on, scores.get(n)) for n in sorted(by_session)]

    links = []
    if with_links:
        links = list(
            ClientLink.objects.filter(
                session__episode=episode, revoked_at__isnull=True, expires_at__gt=timezone.now()
            )
            .select_related("session", "rater")
            .order_by("-created_at")
        )
    return EpisodeView(
        episode=episode,
        sessions=sessions,
        outcome=points(outcome_scores),
        alliance=points(alliance_scores),
        collateral={k: points(v) for k, v in collateral.items()},
        band=band,
        band_scores=band_scores,
        cutoff=version.cutoff,
        rci=version.rci,
        scale=parsed.scale,
        direction=parsed.direction.value,
        alerts=found,
        goals=goals,
        links=links,
    )


# --- caseload ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadRow:
    episode: Episode
    sessions: int
    intake: float | None
    latest: float | None
    alerts: tuple[AlertKind, ...]


def caseload(user: Any, *, include_closed: bool = False) -> list[CaseloadRow]:
    """Return the user's own episodes with their latest score and alerts; audits each read.

    A fixed number of queries whatever the caseload's size: episodes, sessions and ratings are
    read in one go each, and alerts computed in Python (see bench/feedback).
    """
    episodes = list(
        _member_episodes(user)
        .filter(**({} if include_closed else {"status": EpisodeStatus.OPEN}))
        .select_related("service__outcome", "service__alliance")
        .order_by(Norwegian("alias"), "pk")
    )
    if not episodes:
        return []
    ids = [e.pk for e in episodes]
    session_count: dict[int, int] = defaultdict(int)
    for episode_id in Session.objects.filter(episode_id__in=ids).values_list("episode_id", flat=True):
        session_count[episode_id] += 1
    scores: dict[int, dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    criticals: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for episode_id, instrument_id, number, value, critical in Rating.objects.filter(
        session__episode_id__in=ids, rater__kind=RaterKind.CLIENT
    ).values_list("session__episode_id", "instrument_id", "session__number", "score", "critical"):
        if value is not None:
            scores[episode_id][instrument_id][number] = value
        criticals[episode_id] += [(number, key) for key in critical or []]
    fits = {
        (f.service_id, f.instrument_id, f.age_version): f
        for f in TrajectoryFit.objects.filter(service_id__in={e.service_id for e in episodes})
    }
    models: dict[int, QuantileModel] = {}
    rows = []
    for episode in episodes:
        service = episode.service
        parsed = service.outcome.parsed
        version = parsed.get_version(episode.age_version)
        thresholds = parsed.thresholds(version)
        series = sorted(scores[episode.pk][service.outcome_id].items())
        edge = None
        if series:
            fit = fits.get((service.pk, service.outcome_id, version.key))
            if fit is not None and fit.episodes >= MIN_EPISODES:
                model = models.setdefault(fit.pk, QuantileModel.from_json(fit.model))
                edge = model.band(series[0][1], thresholds, parsed.scale).worse_edge()
            else:
                edge = rule_band(series[0][1], thresholds, parsed.scale).worse_edge()
        rules = alert_rules(service)
        alliance = sorted(scores[episode.pk][service.alliance_id].items()) if service.alliance_id else []
        found = alerts(
            series,
            thresholds,
            expected_worse_edge=edge,
            alliance=alliance,
            critical=criticals[episode.pk],
            rules=rules,
        )
        rows.append(
            CaseloadRow(
                episode,
                session_count[episode.pk],
                series[0][1] if series else None,
                series[-1][1] if series else None,
                tuple(a.kind for a in found),
            )
        )
    audit_reads(user, episodes, "caseload")
    return rows


def reads_of(episode: Episode) -> Sequence[AuditEvent]:
    """Return who read the episode's record and when (for the client's access request)."""
    return list(
        AuditEvent.objects.filter(
            object_type=Episode._meta.label_lower,
            object_id=str(episode.pk),
            action=FeedbackAuditAction.EPISODE_READ.value,
        )
        .select_related("actor")
        .order_by("created_at")
    )


__all__ = [
    "CaseloadRow",
    "EpisodeView",
    "GoalLine",
    "Point",
    "access_episode_by_id",
    "access_instrument_by_id",
    "access_service_by_id",
    "audit_reads",
    "caseload",
    "episode_members",
    "episode_view",
    "instruments_for",
    "practitioners_for",
    "reads_of",
    "services_for",
    "trajectory_band",
]
