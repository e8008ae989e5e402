"""Episodes, practitioners, raters, sessions, ratings, goals, closing and anonymising."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import acting_user, can
from medvirk.accounts.models import User
from medvirk.accounts.permissions import Perm
from medvirk.analysis.outcomes import classify, score
from medvirk.common.dimensions import age_band_for
from medvirk.core.actors import SystemActor
from medvirk.core.errors import ServiceError

from ..enums import FeedbackAuditAction as Action
from ..enums import FeedbackErrorCode as Code
from ..models import (
    ClientLink,
    EndReason,
    Episode,
    EpisodeMember,
    EpisodeStatus,
    Goal,
    GoalRating,
    GoalStatus,
    Instrument,
    MemberRole,
    Mode,
    Rater,
    RaterKind,
    Rating,
    Service,
    Session,
)
from ._common import (
    DIMENSIONS,
    MAX_GOALS,
    Actor,
    _audit,
    _check_alias,
    _check_background,
    _check_contact,
    _check_language,
    _forbidden,
    _open,
    check_text,
    ensure_can,
    ensure_member,
    ensure_running_half_year,
    one_decimal,
)


def episode_open(
    *,
    actor: Actor,
    service: Service,
    alias: str,
    birth_year: int | None = None,
    opened_on: date | None = None,
    language: str = "nb",
    gender: str = "",
    immigrant_background: str = "",
    home_language: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> Episode:
    """Open an episode for a client; the practitioner who opens it is its responsible practitioner.

    Contact details are optional and only for sending links; they are stored encrypted.
    """
    ensure_can(actor, Perm.FEEDBACK_PRACTICE, service.unit)
    alias = _check_alias(alias)
    opened_on = opened_on or timezone.localdate()
    if birth_year is not None and not opened_on.year - 110 <= birth_year <= opened_on.year:
        raise ServiceError(Code.BIRTH_YEAR_INVALID, _("Enter a birth year such as 1987."), field="birth_year")
    background = _check_background(
        {"gender": gender, "immigrant_background": immigrant_background, "home_language": home_language}
    )
    email, phone = _check_contact(contact_email, contact_phone)
    language = _check_language(language)
    age = opened_on.year - birth_year if birth_year is not None else None
    version = service.outcome.parsed.version_for(age)
    with transaction.atomic():
        episode = Episode.objects.create(
            municipality_id=service.municipality_id,
            service=service,
            unit_id=service.unit_id,
            alias=alias,
            birth_year=birth_year,
            age_version=version.key,
            age_band=age_band_for(age) if age is not None else "",
            language=language,
            contact_email=email,
            contact_phone=phone,
            opened_on=opened_on,
            created_by=acting_user(actor),
            **background,
        )
        if not isinstance(actor, SystemActor):
            EpisodeMember.objects.create(
                municipality_id=episode.municipality_id,
                episode=episode,
                user=actor,
                role=MemberRole.RESPONSIBLE,
                added_by=actor,
            )
        Rater.objects.create(
            municipality_id=episode.municipality_id, episode=episode, kind=RaterKind.CLIENT, language=language
        )
        _audit(actor, episode, Action.EPISODE_OPENED)
    return episode


def episode_update(*, actor: Actor, episode: Episode, **values: Any) -> Episode:
    """Change an open episode's alias, language, background or contact details.

    A closed episode is counted in the outcome dashboard of its half-year: moving it to another
    background group would change figures already published by exactly this client (the two
    versions side by side give the client's outcome), so it is not changed any more.
    """
    ensure_member(actor, episode)
    _open(episode)
    fields = []
    if "alias" in values:
        episode.alias = _check_alias(values["alias"])
        fields.append("alias")
    if "language" in values:
        episode.language = _check_language(values["language"])
        fields.append("language")
    background = {k: values[k] for k in DIMENSIONS if k in values}
    for key, value in _check_background(background).items():
        if key in background:
            setattr(episode, key, value)
            fields.append(key)
    if "contact_email" in values or "contact_phone" in values:
        email, phone = _check_contact(
            values.get("contact_email", episode.contact_email),
            values.get("contact_phone", episode.contact_phone),
        )
        episode.contact_email, episode.contact_phone = email, phone
        fields += ["contact_email", "contact_phone"]
    with transaction.atomic():
        episode.save(update_fields=fields or None)
        # Field names only: the log never holds a client's details.
        _audit(actor, episode, Action.EPISODE_UPDATED, {"fields": sorted(set(fields))})
    return episode


def episode_member_add(
    *, actor: Actor, episode: Episode, user: User, role: str = MemberRole.TEAM
) -> EpisodeMember:
    """Give a colleague access to the episode by adding them to it (audited)."""
    ensure_member(actor, episode)
    if user.municipality_id != episode.municipality_id or not can(user, Perm.FEEDBACK_PRACTICE, episode.unit):
        raise ServiceError(
            Code.MEMBER_NOT_PRACTITIONER,
            _("Only practitioners of the service's unit can be added."),
            field="user",
        )
    if EpisodeMember.objects.filter(episode=episode, user=user).exists():
        raise ServiceError(
            Code.MEMBER_EXISTS, _("This practitioner is already on the episode."), field="user"
        )
    with transaction.atomic():
        member = EpisodeMember.objects.create(
            municipality_id=episode.municipality_id,
            episode=episode,
            user=user,
            role=role,
            added_by=acting_user(actor),
        )
        _audit(actor, episode, Action.EPISODE_MEMBER_ADDED, {"user": user.pk, "role": role})
    return member


def episode_member_remove(*, actor: Actor, episode: Episode, user: User) -> None:
    """Take a practitioner off the episode (the last one cannot leave)."""
    ensure_member(actor, episode)
    members = EpisodeMember.objects.filter(episode=episode)
    if not members.filter(user=user).exists():
        raise ServiceError(Code.MEMBER_EXISTS, _("This practitioner is not on the episode."), field="user")
    if members.count() == 1:
        raise ServiceError(Code.MEMBER_LAST, _("An episode needs at least one practitioner."), field="user")
    with transaction.atomic():
        members.filter(user=user).delete()
        _audit(actor, episode, Action.EPISODE_MEMBER_REMOVED, {"user": user.pk})


def rater_add(
    *,
    actor: Actor,
    episode: Episode,
    kind: str,
    label: str = "",
    language: str = "nb",
    contact_email: str = "",
) -> Rater:
    """Add a collateral rater (parent, teacher) who answers about the client with their own links."""
    ensure_member(actor, episode)
    _open(episode)
    if kind not in RaterKind.values or kind == RaterKind.CLIENT:
        raise ServiceError(Code.RATER_INVALID, _("Choose who the rater is."), field="kind")
    email, _phone = _check_contact(contact_email, "")
    with transaction.atomic():
        rater = Rater.objects.create(
            municipality_id=episode.municipality_id,
            episode=episode,
            kind=kind,
            label=check_text(label, "label").strip()[:60],
            language=_check_language(language),
            contact_email=email,
        )
        _audit(actor, episode, Action.RATER_ADDED, {"kind": kind})
    return rater


def client_rater(episode: Episode) -> Rater:
    """Return the episode's client rater."""
    return Rater.objects.filter(episode=episode, kind=RaterKind.CLIENT).order_by("id").first()  # type: ignore[return-value]


# --- sessions, ratings, goals -----------------------------------------------------------------


def session_record(*, actor: Actor, episode: Episode, held_on: date | None = None) -> Session:
    """Record the next session of an open episode (number 1 is intake)."""
    ensure_member(actor, episode)
    _open(episode)
    held_on = held_on or timezone.localdate()
    if held_on < episode.opened_on:
        raise ServiceError(
            Code.DATE_INVALID, _("A session cannot be before the episode opened."), field="held_on"
        )
    with transaction.atomic():
        Episode.objects.select_for_update().filter(pk=episode.pk).first()  # numbers stay unique under races
        last = Session.objects.filter(episode=episode).aggregate(n=Max("number"))["n"] or 0
        session = Session.objects.create(
            municipality_id=episode.municipality_id,
            episode=episode,
            number=last + 1,
            held_on=held_on,
            created_by=acting_user(actor),
        )
        _audit(actor, session, Action.SESSION_RECORDED, {"episode": episode.pk, "number": session.number})
    return session


def rating_submit(
    *,
    actor: Actor,
    session: Session,
    rater: Rater,
    instrument: Instrument,
    answers: Mapping[str, float | None],
    mode: str,
    language: str = "",
) -> Rating:
    """Store one answered instrument with its score. Answers are item key → value (already parsed).

    A second rating of the same instrument by the same rater at the same session is refused:
    what a client entered is never silently replaced.
    """
    episode = session.episode
    ensure_member(actor, episode)
    _open(episode)
    if rater.episode_id != episode.pk:
        raise ServiceError(Code.RATER_INVALID, _("This rater does not belong to the episode."))
    service = episode.service
    if instrument.pk not in (service.outcome_id, service.alliance_id):
        raise ServiceError(Code.INSTRUMENT_OUTSIDE, _("The service does not use this instrument."))
    if mode not in Mode.values:
        raise ServiceError(Code.RATING_INVALID, _("Choose how the answers were given."), field="mode")
    parsed = instrument.parsed
    allowed_values = (
        None if parsed.response.type == "vas" else {float(o.value) for o in parsed.response.options}
    )
    clean: dict[str, float | None] = {}
    for item in parsed.items:
        value = answers.get(item.key)
        if value is None:
            clean[item.key] = None
            continue
        value = float(value)
        if allowed_values is not None and value not in allowed_values:
            raise ServiceError(Code.RATING_INVALID, _("Choose one of the answers."), field=item.key)
        if allowed_values is None and not 0 <= value <= 10:
            raise ServiceError(Code.RATING_INVALID, _("Mark a point from 0 to 10."), field=item.key)
        clean[item.key] = one_decimal(value)
    total = score(parsed.score_rule, clean)
    if total is None:
        raise ServiceError(Code.RATING_INVALID, _("Answer every statement."), field="answers")
    low = parsed.response.item_min
    critical = [i.key for i in parsed.items if i.critical and (clean.get(i.key) or low) > low]
    if Rating.objects.filter(session=session, rater=rater, instrument=instrument).exists():
        raise ServiceError(Code.RATING_EXISTS, _("These answers were already given for this session."))
    with transaction.atomic():
        rating = Rating.objects.create(
            municipality_id=episode.municipality_id,
            session=session,
            rater=rater,
            instrument=instrument,
            purpose=instrument.purpose,
            answers={k: v for k, v in clean.items() if v is not None},
            score=round(total, 2),
            critical=critical,
            mode=mode,
            language=language,
        )
        _audit(actor, rating, Action.RATING_RECORDED, {"episode": episode.pk, "session": session.number})
    return rating


def goal_set(*, actor: Actor, episode: Episode, texts: Sequence[str]) -> list[Goal]:
    """Replace the episode's active goals by ``texts`` (the client's words), keeping rated ones.

    A goal whose text is unchanged keeps its ratings; a goal no longer listed is set aside (never
    deleted, so its history stays on the graph).
    """
    ensure_member(actor, episode)
    _open(episode)
    wanted = [" ".join(check_text(t, "goals").split())[:300] for t in texts if t and t.strip()]
    if len(wanted) > MAX_GOALS:
        raise ServiceError(Code.GOAL_TOO_MANY, _("Choose at most five goals."), field="goals")
    current = {g.text: g for g in Goal.objects.filter(episode=episode, status=GoalStatus.ACTIVE)}
    today = timezone.localdate()
    kept: list[Goal] = []
    with transaction.atomic():
        for position, text in enumerate(wanted):
            goal = current.pop(text, None)
            if goal is None:
                goal = Goal.objects.create(
                    municipality_id=episode.municipality_id,
                    episode=episode,
                    text=text,
                    position=position,
                    created_on=today,
                )
            elif goal.position != position:
                goal.position = position
                goal.save(update_fields=["position"])
            kept.append(goal)
        for goal in current.values():
            goal.status = GoalStatus.DROPPED
            goal.save(update_fields=["status"])
        _audit(actor, episode, Action.GOAL_CHANGED, {"goals": len(kept)})
    return kept


def goal_status_set(*, actor: Actor, goal: Goal, status: str) -> Goal:
    """Mark a goal reached, set aside or active again."""
    if goal.episode is None:
        raise _forbidden()
    ensure_member(actor, goal.episode)
    if status not in GoalStatus.values:
        raise ServiceError(Code.CATEGORY_INVALID, _("Choose a status."), field="status")
    with transaction.atomic():
        goal.status = status
        goal.save(update_fields=["status"])
        _audit(actor, goal.episode, Action.GOAL_CHANGED, {"status": status})
    return goal


def goal_rate(*, actor: Actor, session: Session, values: Mapping[int, float]) -> list[GoalRating]:
    """Store progress 0–10 (one decimal) on the episode's goals at this session; a re-rating replaces."""
    episode = session.episode
    ensure_member(actor, episode)
    _open(episode)
    goals = {g.pk: g for g in Goal.objects.filter(episode=episode, pk__in=list(values))}
    out = []
    with transaction.atomic():
        for goal_id, value in values.items():
            goal = goals.get(goal_id)
            if goal is None:
                raise ServiceError(Code.RATING_INVALID, _("This goal does not belong to the episode."))
            value = float(value)
            if not 0 <= value <= 10:
                raise ServiceError(
                    Code.RATING_INVALID, _("Mark a point from 0 to 10."), field=f"goal-{goal_id}"
                )
            rating, _created = GoalRating.objects.update_or_create(
                municipality_id=episode.municipality_id,
                goal=goal,
                session=session,
                defaults={"value": one_decimal(value)},
            )
            out.append(rating)
    return out


# --- closing ----------------------------------------------------------------------------------


def episode_close(
    *, actor: Actor, episode: Episode, end_reason: str, closed_on: date | None = None
) -> Episode:
    """Close the episode (planned end, dropout, other): store its outcome figures, revoke its links."""
    ensure_member(actor, episode)
    _open(episode)
    if end_reason not in EndReason.values:
        raise ServiceError(Code.END_REASON_INVALID, _("Choose how the episode ended."), field="end_reason")
    closed_on = closed_on or timezone.localdate()
    if closed_on < episode.opened_on:
        raise ServiceError(
            Code.DATE_INVALID, _("The episode cannot end before it opened."), field="closed_on"
        )
    ensure_running_half_year(closed_on, "closed_on")
    figures = closing_figures(episode)
    with transaction.atomic():
        for key, value in figures.items():
            setattr(episode, key, value)
        episode.status = EpisodeStatus.CLOSED
        episode.closed_on = closed_on
        episode.end_reason = end_reason
        episode.save()
        ClientLink.objects.filter(session__episode=episode, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        _audit(actor, episode, Action.EPISODE_CLOSED, {"end_reason": end_reason})
    return episode


def closing_figures(episode: Episode) -> dict[str, Any]:
    """Return what the dashboard counts of an episode: first and last outcome score of the client,
    number of rated sessions, change category (when two scores exist) and mean session feedback."""
    service = episode.service
    outcome = [
        score
        for score in Rating.objects.filter(
            session__episode=episode, instrument_id=service.outcome_id, rater__kind=RaterKind.CLIENT
        )
        .order_by("session__number")
        .values_list("score", flat=True)
        if score is not None
    ]
    alliance = (
        [
            score
            for score in Rating.objects.filter(
                session__episode=episode, instrument_id=service.alliance_id, rater__kind=RaterKind.CLIENT
            ).values_list("score", flat=True)
            if score is not None
        ]
        if service.alliance_id
        else []
    )
    change = ""
    if len(outcome) >= 2:
        parsed = service.outcome.parsed
        change = classify(
            outcome[0], outcome[-1], parsed.thresholds(parsed.get_version(episode.age_version))
        ).value
    return {
        "intake_score": outcome[0] if outcome else None,
        "last_score": outcome[-1] if outcome else None,
        "rated_sessions": len(outcome),
        "change": change,
        "alliance_mean": sum(alliance) / len(alliance) if alliance else None,
    }


def episodes_anonymise(*, actor: Actor, episodes: Iterable[Episode]) -> int:
    """Remove everything that could identify a client, keeping the figures the dashboard counts.

    Alias, birth year, contact details, goal texts, collateral raters' names, item answers and
    links go; service, unit, dates, age band, background, scores and the change category stay.
    """
    if not isinstance(actor, SystemActor):
        raise TypeError("Anonymising is done by Medvirk itself (a SystemActor).")
    count = 0
    now = timezone.now()
    for episode in episodes:
        with transaction.atomic():
            ClientLink.objects.filter(session__episode=episode).delete()
            Goal.objects.filter(episode=episode).update(text="")
            Rater.objects.filter(episode=episode).update(label="", contact_email="", contact_phone="")
            Rating.objects.filter(session__episode=episode).update(answers={}, critical=[])
            EpisodeMember.objects.filter(episode=episode).delete()
            Episode.objects.filter(pk=episode.pk).update(
                alias="", birth_year=None, contact_email="", contact_phone="", anonymised_at=now
            )
            _audit(actor, episode, Action.EPISODE_ANONYMISED)
        count += 1
    return count
