"""API of client feedback: instruments (FHIR Questionnaire in and out), episodes, sessions, ratings,
goals, links, the client's record, the outcome dashboard and "what matters to you" conversations.

Same rules as the pages: an episode is read only by practitioners on it (404 otherwise) and every
read is audited; aggregates need FEEDBACK_STATS; instruments FEEDBACK_MANAGE on the municipality.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from medvirk.accounts.access import (
    access_unit_by_id,
    can,
    can_anywhere,
    municipality_id_of,
    municipality_of,
)
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.common import languages
from medvirk.core.errors import ServiceError
from medvirk.feedback import selectors, services
from medvirk.feedback.dashboard import BoardPending, Figures, Period, dashboard
from medvirk.feedback.enums import FeedbackErrorCode
from medvirk.feedback.exports import episode_record
from medvirk.feedback.fhir import (
    FhirError,
    definition_from_questionnaire,
    questionnaire,
    questionnaire_response,
)
from medvirk.feedback.models import Rating
from medvirk.orgs.selectors import municipality_root

from .base import json_number
from .insights import PendingOut
from .jobs import job_out

router = Router(tags=["client feedback"])


class InstrumentOut(Schema):
    id: int
    key: str
    version: str
    purpose: str
    name: str
    licensed: bool
    validated: bool
    ready: bool


@router.get("/feedback/instruments", response=list[InstrumentOut])
def instruments(request: StaffRequest) -> list[dict[str, Any]]:
    """The municipality's instruments (people who may set up client feedback)."""
    if not can_anywhere(request.user, Perm.FEEDBACK_MANAGE):
        raise Http404
    out = []
    for i in selectors.instruments_for(municipality_id_of(request.user)):
        parsed = i.parsed
        out.append(
            {
                "id": i.pk,
                "key": i.key,
                "version": i.version,
                "purpose": i.purpose,
                "name": parsed.name.get(request.LANGUAGE_CODE) or parsed.name.get("en") or i.key,
                "licensed": parsed.licensed,
                "validated": parsed.validated,
                "ready": parsed.ready(),
            }
        )
    return out


@router.get("/feedback/instruments/{instrument_id}/questionnaire", response=dict[str, Any])
def instrument_questionnaire(request: StaffRequest, instrument_id: int, lang: str = "nb") -> dict[str, Any]:
    """The instrument as a FHIR R4 Questionnaire, with the municipality's pasted texts."""
    instrument = selectors.access_instrument_by_id(request.user, instrument_id)
    return questionnaire(instrument, lang=lang if languages.get(lang) else "nb", with_pasted_texts=True)


class ImportIn(Schema):
    questionnaire: dict[str, Any] | None = None
    definition: dict[str, Any] | None = None


class CreatedOut(Schema):
    id: int


@router.post("/feedback/instruments/import", response={201: CreatedOut})
def instrument_import(request: StaffRequest, body: ImportIn) -> Status[dict[str, int]]:
    """Load an instrument from a FHIR Questionnaire (with Medvirk's definition) or a definition."""
    root = municipality_root(municipality=municipality_of(request.user))
    if not can(request.user, Perm.FEEDBACK_MANAGE, root):
        raise Http404
    if body.questionnaire is not None:
        try:
            definition = definition_from_questionnaire(body.questionnaire)
        except FhirError as exc:
            raise ServiceError(FeedbackErrorCode.INSTRUMENT_INVALID, "; ".join(exc.problems)[:500]) from exc
    elif body.definition is not None:
        definition = body.definition
    else:
        raise ServiceError(FeedbackErrorCode.INSTRUMENT_INVALID, _("Send a questionnaire or a definition."))
    instrument = services.instrument_import(
        actor=request.user, municipality=municipality_of(request.user), definition=definition
    )
    return Status(201, {"id": instrument.pk})


class TextsIn(Schema):
    version: str
    language: str
    texts: dict[str, str]


@router.put("/feedback/instruments/{instrument_id}/texts", response=InstrumentOut)
def instrument_texts(request: StaffRequest, instrument_id: int, body: TextsIn) -> dict[str, Any]:
    """Paste a licensed instrument's texts for one version and language."""
    instrument = selectors.access_instrument_by_id(request.user, instrument_id)
    instrument = services.instrument_texts_set(
        actor=request.user,
        instrument=instrument,
        version=body.version,
        language=body.language,
        texts=body.texts,
    )
    parsed = instrument.parsed
    return {
        "id": instrument.pk,
        "key": instrument.key,
        "version": instrument.version,
        "purpose": instrument.purpose,
        "name": parsed.name.get("en") or instrument.key,
        "licensed": parsed.licensed,
        "validated": parsed.validated,
        "ready": parsed.ready(),
    }


class EpisodeOut(Schema):
    id: int
    alias: str
    service_id: int
    status: str
    opened_on: date
    closed_on: date | None
    sessions: int
    first_score: float | None
    latest_score: float | None
    alerts: list[str]


@router.get("/feedback/episodes", response=list[EpisodeOut])
def episodes(request: StaffRequest, closed: bool = False) -> list[dict[str, Any]]:
    """The practitioner's own clients (every one listed is a read, and audited)."""
    if not can_anywhere(request.user, Perm.FEEDBACK_PRACTICE):
        raise Http404
    return [
        {
            "id": row.episode.pk,
            "alias": row.episode.alias,
            "service_id": row.episode.service_id,
            "status": row.episode.status,
            "opened_on": row.episode.opened_on,
            "closed_on": row.episode.closed_on,
            "sessions": row.sessions,
            "first_score": row.intake,
            "latest_score": row.latest,
            "alerts": [a.value for a in row.alerts],
        }
        for row in selectors.caseload(request.user, include_closed=closed)
    ]


class EpisodeIn(Schema):
    service_id: int
    alias: str
    birth_year: int | None = None
    language: str = "nb"
    gender: str = ""
    immigrant_background: str = ""
    home_language: str = ""
    contact_email: str = ""
    contact_phone: str = ""


@router.post("/feedback/episodes", response={201: CreatedOut})
def episode_create(request: StaffRequest, body: EpisodeIn) -> Status[dict[str, int]]:
    """Open an episode; the caller becomes its responsible practitioner."""
    service = selectors.access_service_by_id(request.user, body.service_id, Perm.FEEDBACK_PRACTICE)
    episode = services.episode_open(actor=request.user, service=service, **body.dict(exclude={"service_id"}))
    return Status(201, {"id": episode.pk})


class PointOut(Schema):
    session: int
    date: date
    score: float | None
    alliance: float | None
    expected: float | None
    expected_low: float | None
    expected_high: float | None


class AlertOut(Schema):
    kind: str
    session: int


class GoalOut(Schema):
    id: int
    text: str
    status: str
    progress: dict[str, float]


class GraphOut(Schema):
    id: int
    alias: str
    status: str
    direction: str
    cutoff: float | None
    reliable_change: float
    trajectory: str | None
    points: list[PointOut]
    alerts: list[AlertOut]
    goals: list[GoalOut]


@router.get("/feedback/episodes/{episode_id}", response=GraphOut)
def episode_graph(request: StaffRequest, episode_id: int) -> dict[str, Any]:
    """The client's graph as numbers: scores per session, expected band, alerts, goals."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="api")
    view = selectors.episode_view(episode, with_links=False)
    alliance = {p.session: p.score for p in view.alliance}
    points = []
    for p in view.outcome:
        i = p.session - 1
        band = view.band_scores if view.band and i < len(view.band.sessions) else None
        points.append(
            {
                "session": p.session,
                "date": p.held_on,
                "score": p.score,
                "alliance": alliance.get(p.session),
                "expected": json_number(band["median"][i]) if band else None,
                "expected_low": json_number(min(band["lower"][i], band["upper"][i])) if band else None,
                "expected_high": json_number(max(band["lower"][i], band["upper"][i])) if band else None,
            }
        )
    return {
        "id": episode.pk,
        "alias": episode.alias,
        "status": episode.status,
        "direction": view.direction,
        "cutoff": view.cutoff,
        "reliable_change": view.rci,
        "trajectory": view.band.source if view.band else None,
        "points": points,
        "alerts": [{"kind": a.kind.value, "session": a.session} for a in view.alerts],
        "goals": [
            {
                "id": g.goal.pk,
                "text": g.goal.text,
                "status": g.goal.status,
                "progress": {str(k): v for k, v in g.values.items()},
            }
            for g in view.goals
        ],
    }


class SessionIn(Schema):
    held_on: date | None = None


class SessionOut(Schema):
    number: int
    held_on: date


@router.post("/feedback/episodes/{episode_id}/sessions", response={201: SessionOut})
def session_create(request: StaffRequest, episode_id: int, body: SessionIn) -> Status[dict[str, Any]]:
    """Record the next session."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="api")
    session = services.session_record(actor=request.user, episode=episode, held_on=body.held_on)
    return Status(201, {"number": session.number, "held_on": session.held_on})


class RatingIn(Schema):
    instrument_id: int
    answers: dict[str, float | None]
    rater_id: int | None = None
    mode: str = "paper"


class RatingOut(Schema):
    id: int
    score: float | None


@router.post("/feedback/episodes/{episode_id}/sessions/{number}/ratings", response={201: RatingOut})
def rating_create(
    request: StaffRequest, episode_id: int, number: int, body: RatingIn
) -> Status[dict[str, Any]]:
    """Store an answered instrument (keyed from paper, or from another system)."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="api")
    session = selectors.episode_session(episode, number)
    rater = (
        episode.raters.filter(pk=body.rater_id).first() if body.rater_id else services.client_rater(episode)
    )
    instrument = next(
        (i for i in (episode.service.outcome, episode.service.alliance) if i and i.pk == body.instrument_id),
        None,
    )
    if rater is None or instrument is None:
        raise Http404
    rating = services.rating_submit(
        actor=request.user,
        session=session,
        rater=rater,
        instrument=instrument,
        answers=body.answers,
        mode=body.mode,
    )
    return Status(201, {"id": rating.pk, "score": rating.score})


class LinkOut(Schema):
    url: str
    expires_at: datetime


@router.post("/feedback/episodes/{episode_id}/sessions/{number}/links", response={201: LinkOut})
def link_create(request: StaffRequest, episode_id: int, number: int) -> Status[dict[str, Any]]:
    """Make a link for the client; its address is returned only now."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="api")
    link, token = services.link_create(actor=request.user, session=selectors.episode_session(episode, number))
    url = request.build_absolute_uri(reverse("feedback_client:answer", args=[token]))
    return Status(201, {"url": url, "expires_at": link.expires_at})


class GoalsIn(Schema):
    goals: list[str]


@router.put("/feedback/episodes/{episode_id}/goals", response=list[GoalOut])
def goals_set(request: StaffRequest, episode_id: int, body: GoalsIn) -> list[dict[str, Any]]:
    """Replace the client's active goals (their words); goals left out are set aside."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="api")
    goals = services.goal_set(actor=request.user, episode=episode, texts=body.goals)
    return [{"id": g.pk, "text": g.text, "status": g.status, "progress": {}} for g in goals]


class CloseIn(Schema):
    end_reason: str
    closed_on: date | None = None


@router.post("/feedback/episodes/{episode_id}/close", response=CreatedOut)
def episode_close(request: StaffRequest, episode_id: int, body: CloseIn) -> dict[str, int]:
    """Close the episode (planned, dropout, other); its links stop working."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="api")
    services.episode_close(
        actor=request.user, episode=episode, end_reason=body.end_reason, closed_on=body.closed_on
    )
    return {"id": episode.pk}


@router.get("/feedback/episodes/{episode_id}/responses", response=dict[str, Any])
def episode_responses(request: StaffRequest, episode_id: int) -> dict[str, Any]:
    """Every rating of the episode as FHIR R4 QuestionnaireResponse, in a searchset Bundle."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="fhir")
    ratings = (
        Rating.objects.filter(session__episode=episode)
        .select_related("instrument")
        .order_by("session__number", "pk")
    )
    entries = [{"resource": questionnaire_response(r, lang=request.LANGUAGE_CODE)} for r in ratings]
    return {"resourceType": "Bundle", "type": "searchset", "total": len(entries), "entry": entries}


@router.get("/feedback/episodes/{episode_id}/record", response=dict[str, Any])
def episode_export(request: StaffRequest, episode_id: int) -> dict[str, Any]:
    """The client's whole record on request (innsyn), with who has read it."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="export")
    return episode_record(episode, actor=request.user)


class ShareOut(Schema):
    count: int
    n: int


class FiguresOut(Schema):
    node: str
    name: str
    episodes: int | None
    assessable: int | None
    recovered: ShareOut | None
    improved: ShareOut | None
    deteriorated: ShareOut | None
    dropout: ShareOut | None
    mean_change: float | None
    effect_size: float | None
    alliance: float | None


class OutcomesOut(Schema):
    period: str
    being_updated: bool  # an earlier version's figures while the new ones are worked out
    nodes: list[FiguresOut]
    breakdowns: dict[str, list[FiguresOut]]


def _figures(node: str, f: Figures) -> dict[str, Any]:
    def share(s: Any) -> dict[str, int] | None:
        return {"count": s.count, "n": s.n} if s is not None else None

    return {
        "node": node,
        "name": f.label,
        "episodes": f.episodes,
        "assessable": f.assessable,
        "recovered": share(f.recovered),
        "improved": share(f.improved),
        "deteriorated": share(f.deteriorated),
        "dropout": share(f.dropout),
        "mean_change": json_number(f.prepost.mean_change) if f.prepost else None,
        "effect_size": json_number(f.prepost.effect_size) if f.prepost else None,
        "alliance": f.alliance,
    }


@router.get("/feedback/outcomes", response={200: OutcomesOut, 202: PendingOut})
def outcomes(request: StaffRequest, period: str = "", node: str = "") -> Any:
    """The dashboard's figures for a half-year that has ended (hidden figures are null).

    202 with the job that works them out while a half-year has none yet: poll it, then ask again.
    """
    wanted = Period.parse(period) if period else None
    if period and wanted is None:  # an unreadable half-year is not found (the page shows the latest)
        raise Http404
    paths, chosen, _ended = selectors.access_outcomes(request.user, wanted)
    try:
        board = dashboard(
            municipality=municipality_of(request.user),
            period=chosen,
            scope=paths,
            selected=node or None,
            lang=request.LANGUAGE_CODE,
            user=request.user,
            next_url=f"/feedback/outcomes/?period={chosen.key}",
        )
    except BoardPending as pending:
        return Status(202, {"job_id": pending.job.pk, "job": job_out(pending.job)})
    return {
        "period": chosen.key,
        "being_updated": board.being_updated,
        "nodes": [_figures(n, f) for n, f, _depth in board.nodes],
        "breakdowns": {
            b.dimension: [_figures(board.selected or "", f) for f in b.rows] for b in board.breakdowns
        },
    }


class ConversationIn(Schema):
    unit_id: int
    goals: list[str]
    held_on: date | None = None
    age_band: str = ""
    gender: str = ""
    immigrant_background: str = ""
    home_language: str = ""


@router.post("/feedback/conversations", response={201: CreatedOut})
def conversation_create(request: StaffRequest, body: ConversationIn) -> Status[dict[str, int]]:
    """Record a "What matters to you?" conversation (no identity)."""
    unit = access_unit_by_id(request.user, body.unit_id, Perm.CONVERSATION_RECORD)
    conversation = services.conversation_record(
        actor=request.user, unit=unit, **body.dict(exclude={"unit_id"})
    )
    return Status(201, {"id": conversation.pk})


class ThemeOut(Schema):
    label: str
    count: int


class ThemesOut(Schema):
    unit_id: int
    period: str | None  # the half-year the conversations were held in (None: none can be shown yet)
    people: int | None
    shown: bool
    being_updated: bool  # an earlier version's themes while the new ones are worked out
    themes: list[ThemeOut]


@router.get("/feedback/what-matters", response={200: ThemesOut, 202: PendingOut})
def what_matters(request: StaffRequest, unit_id: int, period: str = "") -> Any:
    """What matters to a unit's users in a half-year that has ended, as themes (only from 8 people on).

    ``period`` (e.g. ``2026-1``) defaults to the newest half-year that can be shown; one that has
    not ended, or whose oldest conversations the retention period has begun to delete, is not
    found. 202 with the job that works them out while there are none yet: poll it, then ask again.
    """
    from medvirk.feedback.themes import ThemesPending, periods_for
    from medvirk.feedback.themes import what_matters as themes

    unit = access_unit_by_id(request.user, unit_id, Perm.FEEDBACK_STATS)
    wanted = Period.parse(period) if period else None
    if period and wanted not in periods_for(unit.municipality_id, timezone.localdate()):
        raise Http404
    try:
        result = themes(
            unit,
            wanted,
            user=request.user,
            next_url=f"/feedback/what-matters/?unit={unit.pk}" + (f"&period={period}" if period else ""),
        )
    except ThemesPending as pending:
        return Status(202, {"job_id": pending.job.pk, "job": job_out(pending.job)})
    return {
        "unit_id": unit.pk,
        "period": result.period.key if result.period else None,
        "people": result.people if result.shown else None,
        "shown": result.shown,
        "being_updated": result.being_updated,
        "themes": [{"label": t.label, "count": t.count} for t in result.themes],
    }
