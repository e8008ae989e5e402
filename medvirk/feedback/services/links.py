"""Client links: create, revoke, find by token, and what a client submits through one."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import acting_user
from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.crypto import token_hash
from medvirk.core.errors import ServiceError

from ..enums import FeedbackAuditAction as Action
from ..enums import FeedbackErrorCode as Code
from ..models import (
    ClientLink,
    EpisodeStatus,
    Instrument,
    Mode,
    Rater,
    RaterKind,
    Rating,
    Session,
)
from ._common import (
    Actor,
    _audit,
    _check_language,
    _open,
    ensure_member,
)
from .episodes import client_rater, goal_rate, rating_submit


def link_expiry(session: Session, now: datetime | None = None) -> datetime:
    """Return when a link for ``session`` stops working: ``Service.link_hours`` after the session.

    A session has a date, not a time: a link made during the session's day counts from when it
    was made; one made later counts from the end of that day (so a past session's links have
    usually expired already).
    """
    now = now or timezone.now()
    end_of_day = timezone.make_aware(datetime.combine(session.held_on + timedelta(days=1), time.min))
    return min(now, end_of_day) + timedelta(hours=session.episode.service.link_hours)


def link_create(
    *,
    actor: Actor,
    session: Session,
    rater: Rater | None = None,
    language: str | None = None,
    mode: str = Mode.OWN_PHONE,
) -> tuple[ClientLink, str]:
    """Create a link for a rater to answer this session's measures; return it and its token.

    The token is shown once (QR code, message); only its hash is stored. Expires
    ``Service.link_hours`` (default 24) hours after the session's date.
    """
    episode = session.episode
    ensure_member(actor, episode)
    _open(episode)
    rater = rater or client_rater(episode)
    if rater.episode_id != episode.pk or not rater.active:
        raise ServiceError(Code.RATER_INVALID, _("This rater does not belong to the episode."))
    if mode not in Mode.values or mode == Mode.PAPER:
        raise ServiceError(Code.RATING_INVALID, _("Choose how the client answers."), field="mode")
    expires = link_expiry(session)
    if expires <= timezone.now():
        raise ServiceError(Code.LINK_INVALID, _("Links for this session have expired; record a new session."))
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        link = ClientLink.objects.create(
            municipality_id=episode.municipality_id,
            token_hash=token_hash(token),
            session=session,
            rater=rater,
            language=_check_language(language or rater.language),
            mode=mode,
            created_by=acting_user(actor),
            expires_at=expires,
        )
        _audit(actor, link, Action.LINK_CREATED, {"episode": episode.pk, "session": session.number})
    return link, token


def link_revoke(*, actor: Actor, link: ClientLink) -> ClientLink:
    """Stop a link from working at once."""
    ensure_member(actor, link.session.episode)
    with transaction.atomic():
        link.revoked_at = link.revoked_at or timezone.now()
        link.save(update_fields=["revoked_at"])
        _audit(actor, link, Action.LINK_REVOKED)
    return link


def links_expired_delete(*, actor: SystemActor) -> int:
    """Delete every expired client link (the daily ``feedback_daily``); return how many went."""
    ensure_system(actor, "Deleting expired client links")
    deleted, _kinds = ClientLink.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


def link_by_token(token: str) -> ClientLink | None:
    """Return the usable link for ``token``: not expired, not revoked, its episode open; else None."""
    if not token or len(token) > 100:
        return None
    link = (
        ClientLink.objects.select_related(
            "session__episode__service__outcome",
            "session__episode__service__alliance",
            "rater",
            "municipality",
        )
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None or link.revoked_at is not None or link.expires_at <= timezone.now():
        return None
    if link.session.episode.status != EpisodeStatus.OPEN:
        return None
    return link


def client_answers_submit(
    *,
    link: ClientLink,
    ratings: Mapping[int, Mapping[str, float | None]],
    goals: Mapping[int, float],
) -> list[Rating]:
    """Store what a client (or collateral rater) answered through their link.

    ``ratings``: instrument id → item answers; ``goals``: goal id → progress. The link only lets
    its rater answer its session; answers already given are not replaced.
    """
    system = SystemActor("a client's own link")
    session, rater = link.session, link.rater
    stored = []
    with transaction.atomic():
        for instrument_id, answers in ratings.items():
            instrument = Instrument.objects.get(pk=instrument_id, municipality_id=link.municipality_id)
            if Rating.objects.filter(session=session, rater=rater, instrument=instrument).exists():
                continue
            stored.append(
                rating_submit(
                    actor=system,
                    session=session,
                    rater=rater,
                    instrument=instrument,
                    answers=answers,
                    mode=link.mode,
                    language=link.language,
                )
            )
        if goals and rater.kind == RaterKind.CLIENT:
            goal_rate(actor=system, session=session, values=goals)
        ClientLink.objects.filter(pk=link.pk).update(answered_at=timezone.now())
    return stored
