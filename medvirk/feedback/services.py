"""Writes of client feedback: instruments, services, episodes, sessions, ratings, goals, links.

Every function takes a keyword-only ``actor`` and checks it first (ADR 0003): a
:class:`~medvirk.core.actors.SystemActor` passes (commands, the demo, a client's own link);
a staff user needs the permission on the unit, and on an episode must also be one of its
practitioners. Refusals are ``ServiceError`` with code ``forbidden``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import can
from medvirk.accounts.models import User
from medvirk.accounts.permissions import Perm
from medvirk.analysis.outcomes import classify, score
from medvirk.common import languages
from medvirk.common.dimensions import AGE_BANDS, GENDER, HOME_LANGUAGE, IMMIGRANT_BACKGROUND, age_band_for
from medvirk.common.norway import is_valid_fnr
from medvirk.core.actors import SystemActor
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import OrgUnit
from medvirk.orgs.selectors import municipality_root

from . import instruments as catalogue
from .enums import FeedbackAuditAction as Action
from .enums import FeedbackErrorCode as Code
from .models import (
    ClientLink,
    Conversation,
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
    Purpose,
    Rater,
    RaterKind,
    Rating,
    RetentionPolicy,
    Service,
    Session,
)

Actor = User | SystemActor
MAX_GOALS = 5
DIMENSIONS = {
    "gender": GENDER.keys(),
    "immigrant_background": IMMIGRANT_BACKGROUND.keys(),
    "home_language": HOME_LANGUAGE.keys(),
}


# --- checks ------------------------------------------------------------------------------------


def _forbidden() -> ServiceError:
    return ServiceError(Code.FORBIDDEN, _("You do not have access to do this."))


def ensure_can(actor: Actor, perm: Perm, unit: OrgUnit) -> None:
    """Refuse ``actor`` unless it holds ``perm`` on ``unit`` (Medvirk itself always may)."""
    if isinstance(actor, SystemActor):
        return
    if not can(actor, perm, unit):
        raise _forbidden()


def ensure_member(actor: Actor, episode: Episode) -> None:
    """Refuse anyone but a practitioner on the episode who still works in its unit."""
    if isinstance(actor, SystemActor):
        return
    if not can(actor, Perm.FEEDBACK_PRACTICE, episode.unit):
        raise _forbidden()
    if not EpisodeMember.objects.filter(episode=episode, user=actor).exists():
        raise _forbidden()


def _user(actor: Actor) -> User | None:
    return None if isinstance(actor, SystemActor) else actor


def _audit(actor: Actor, obj: Any, action: Action, data: dict[str, Any] | None = None) -> None:
    audit_record(actor=actor, municipality=obj.municipality, action=action.value, obj=obj, data=data)


def _open(episode: Episode) -> None:
    if episode.status != EpisodeStatus.OPEN:
        raise ServiceError(Code.EPISODE_CLOSED, _("The episode is closed."))


# --- instruments ------------------------------------------------------------------------------


def instrument_load(*, actor: Actor, municipality: Any, key: str) -> Instrument:
    """Load a shipped definition (PHQ-9, ORS scoring-only, …) into the municipality."""
    ensure_can(actor, Perm.FEEDBACK_MANAGE, municipality_root(municipality=municipality))
    raw = catalogue.catalogue_raw().get(key)
    if raw is None:
        raise ServiceError(
            Code.UNKNOWN_INSTRUMENT, _("Medvirk has no instrument with that name."), field="key"
        )
    return _instrument_store(actor, municipality, raw)


def instrument_import(*, actor: Actor, municipality: Any, definition: Mapping[str, Any]) -> Instrument:
    """Load a definition document (``medvirk-instrument/1``, e.g. read from a FHIR Questionnaire)."""
    ensure_can(actor, Perm.FEEDBACK_MANAGE, municipality_root(municipality=municipality))
    try:
        catalogue.parse_instrument(definition)
    except catalogue.InstrumentError as exc:
        raise ServiceError(
            Code.INSTRUMENT_INVALID,
            _("The definition has problems: %(problems)s") % {"problems": "; ".join(exc.problems[:10])},
            field="definition",
        ) from exc
    return _instrument_store(actor, municipality, dict(definition))


def _instrument_store(actor: Actor, municipality: Any, raw: Mapping[str, Any]) -> Instrument:
    parsed = catalogue.parse_instrument(raw)
    if Instrument.objects.filter(municipality=municipality, key=parsed.key, version=parsed.version).exists():
        raise ServiceError(
            Code.INSTRUMENT_EXISTS, _("This instrument is already loaded in your municipality."), field="key"
        )
    with transaction.atomic():
        instrument = Instrument.objects.create(
            municipality=municipality,
            key=parsed.key,
            version=parsed.version,
            purpose=parsed.purpose,
            definition=dict(raw),
            loaded_by=_user(actor),
        )
        _audit(actor, instrument, Action.INSTRUMENT_LOADED, {"key": parsed.key, "version": parsed.version})
    return instrument


def instrument_texts_set(
    *, actor: Actor, instrument: Instrument, version: str, language: str, texts: Mapping[str, str]
) -> Instrument:
    """Store a licence holder's texts for one version and language (empty texts remove a text).

    Only keys the definition has are accepted (items, instruction, end labels or options).
    """
    ensure_can(actor, Perm.FEEDBACK_MANAGE, municipality_root(municipality=instrument.municipality))
    parsed = catalogue.parse_instrument(instrument.definition)
    if version not in {v.key for v in parsed.versions}:
        raise ServiceError(Code.TEXT_INVALID, _("Choose one of the instrument's versions."), field="version")
    if not languages.get(language) and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", language):
        raise ServiceError(Code.LANGUAGE_INVALID, _("Choose a language."), field="language")
    allowed = set(parsed.text_keys())
    unknown = sorted(set(texts) - allowed)
    if unknown:
        raise ServiceError(Code.TEXT_INVALID, _("The instrument has no such item."), field=unknown[0])
    for key, text in texts.items():
        if len(text) > 1000 or "\x00" in text:
            raise ServiceError(Code.TEXT_INVALID, _("Each text may be at most 1,000 characters."), field=key)
    stored = {
        v: {lang: dict(t) for lang, t in langs.items()} for v, langs in (instrument.texts or {}).items()
    }
    slot = stored.setdefault(version, {}).setdefault(language, {})
    for key, text in texts.items():
        if text.strip():
            slot[key] = text.strip()
        else:
            slot.pop(key, None)
    with transaction.atomic():
        instrument.texts = stored
        instrument.texts_by = _user(actor)
        instrument.texts_at = timezone.now()
        instrument.save(update_fields=["texts", "texts_by", "texts_at"])
        instrument.__dict__.pop("parsed", None)
        _audit(actor, instrument, Action.INSTRUMENT_TEXTS_PASTED, {"version": version, "language": language})
    return instrument


# --- services ---------------------------------------------------------------------------------


def service_create(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str,
    outcome: Instrument,
    alliance: Instrument | None = None,
    goals: bool = True,
    link_hours: int = 24,
    no_change_after: int = 4,
) -> Service:
    """Set up client feedback for a unit with its outcome measure and session feedback."""
    ensure_can(actor, Perm.FEEDBACK_MANAGE, unit)
    name = name.strip()
    if not name:
        raise ServiceError(Code.NAME_REQUIRED, _("Give the service a name."), field="name")
    _check_instruments(unit, outcome, alliance)
    _check_settings(link_hours, no_change_after)
    if Service.objects.filter(municipality_id=unit.municipality_id, unit=unit, name=name).exists():
        raise ServiceError(
            Code.SERVICE_EXISTS, _("The unit already has a service with that name."), field="name"
        )
    with transaction.atomic():
        service = Service.objects.create(
            municipality_id=unit.municipality_id,
            unit=unit,
            name=name,
            outcome=outcome,
            alliance=alliance,
            goals=goals,
            link_hours=link_hours,
            no_change_after=no_change_after,
        )
        _audit(actor, service, Action.SERVICE_CREATED)
    return service


def _check_instruments(unit: OrgUnit, outcome: Instrument, alliance: Instrument | None) -> None:
    for instrument, purpose, field in (
        (outcome, Purpose.OUTCOME, "outcome"),
        (alliance, Purpose.ALLIANCE, "alliance"),
    ):
        if instrument is None:
            continue
        if instrument.municipality_id != unit.municipality_id:
            raise ServiceError(
                Code.INSTRUMENT_OUTSIDE, _("Choose an instrument of your municipality."), field=field
            )
        if instrument.purpose != purpose:
            raise ServiceError(
                Code.INSTRUMENT_PURPOSE, _("This instrument measures something else."), field=field
            )


def _check_settings(link_hours: int, no_change_after: int) -> None:
    if not 1 <= link_hours <= 24 * 14:
        raise ServiceError(
            Code.SETTING_INVALID, _("Links can be valid for 1 hour to 14 days."), field="link_hours"
        )
    if not 2 <= no_change_after <= 30:
        raise ServiceError(
            Code.SETTING_INVALID, _("Choose between 2 and 30 sessions."), field="no_change_after"
        )


# --- episodes ---------------------------------------------------------------------------------


_DIGITS = re.compile(r"\d")


def _check_alias(alias: str) -> str:
    alias = " ".join(alias.split())
    if not alias:
        raise ServiceError(Code.ALIAS_REQUIRED, _("Give the client an alias."), field="alias")
    digits = "".join(_DIGITS.findall(alias))
    if len(digits) >= 11 and (is_valid_fnr(digits[:11]) or len(digits) == 11):
        raise ServiceError(
            Code.ALIAS_IS_ID,
            _("Never use a national identity number: choose an alias such as initials or a nickname."),
            field="alias",
        )
    if len(alias) > 60:
        raise ServiceError(Code.ALIAS_REQUIRED, _("Keep the alias under 60 characters."), field="alias")
    return alias


def _check_background(values: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for key, allowed in DIMENSIONS.items():
        value = (values.get(key) or "").strip()
        if value and value not in allowed:
            raise ServiceError(Code.CATEGORY_INVALID, _("Choose one of the categories."), field=key)
        out[key] = value
    return out


def _check_contact(email: str, phone: str) -> tuple[str, str]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from medvirk.common.norway import normalise_phone

    email, phone = email.strip(), phone.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(
                Code.CONTACT_INVALID, _("Enter a valid e-mail address."), field="contact_email"
            ) from None
    if phone:
        result = normalise_phone(phone, norwegian_only=False)
        if not result.valid or not result.e164:
            raise ServiceError(Code.CONTACT_INVALID, _("Enter a valid mobile number."), field="contact_phone")
        phone = result.e164
    return email, phone


def _check_language(language: str) -> str:
    if not languages.get(language):
        raise ServiceError(Code.LANGUAGE_INVALID, _("Choose a language."), field="language")
    return language


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
            created_by=_user(actor),
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
    """Change an open episode's alias, language, background or contact details."""
    ensure_member(actor, episode)
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
            added_by=_user(actor),
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
            label=label.strip()[:60],
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
            created_by=_user(actor),
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
    wanted = [" ".join(t.split())[:300] for t in texts if t and t.strip()]
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


# --- client links -----------------------------------------------------------------------------


def one_decimal(value: float) -> float:
    """Round to one decimal, halves up (as the 0–10 line's step: 3.25 is the point 3.3)."""
    return float(Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
            token_hash=_hash(token),
            session=session,
            rater=rater,
            language=_check_language(language or rater.language),
            mode=mode,
            created_by=_user(actor),
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


def link_by_token(token: str) -> ClientLink | None:
    """Return the usable link for ``token``: not expired, not revoked, its episode open; else None."""
    if not token or len(token) > 100:
        return None
    link = (
        ClientLink.objects.select_related(
            "session__episode__service__outcome", "session__episode__service__alliance", "rater"
        )
        .filter(token_hash=_hash(token))
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
    outcome = list(
        Rating.objects.filter(
            session__episode=episode, instrument_id=service.outcome_id, rater__kind=RaterKind.CLIENT
        )
        .order_by("session__number")
        .values_list("score", flat=True)
    )
    alliance = (
        list(
            Rating.objects.filter(
                session__episode=episode, instrument_id=service.alliance_id, rater__kind=RaterKind.CLIENT
            ).values_list("score", flat=True)
        )
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


# --- "Hva er viktig for deg?" -----------------------------------------------------------------


def conversation_record(
    *,
    actor: Actor,
    unit: OrgUnit,
    goals: Sequence[str],
    held_on: date | None = None,
    age_band: str = "",
    gender: str = "",
    immigrant_background: str = "",
    home_language: str = "",
) -> Conversation:
    """Record a one-off "What matters to you?" conversation: the person's goals, no identity."""
    ensure_can(actor, Perm.CONVERSATION_RECORD, unit)
    wanted = [" ".join(t.split())[:300] for t in goals if t and t.strip()]
    if not wanted:
        raise ServiceError(
            Code.GOAL_REQUIRED, _("Write down at least one thing that matters."), field="goals"
        )
    if len(wanted) > MAX_GOALS:
        raise ServiceError(Code.GOAL_TOO_MANY, _("Choose at most five goals."), field="goals")
    background = _check_background(
        {"gender": gender, "immigrant_background": immigrant_background, "home_language": home_language}
    )
    if age_band and age_band not in {b.key for b in AGE_BANDS}:
        raise ServiceError(Code.CATEGORY_INVALID, _("Choose one of the categories."), field="age_band")
    held_on = held_on or timezone.localdate()
    with transaction.atomic():
        conversation = Conversation.objects.create(
            municipality_id=unit.municipality_id,
            unit=unit,
            held_on=held_on,
            recorded_by=_user(actor),
            age_band=age_band,
            **background,
        )
        Goal.objects.bulk_create(
            Goal(
                municipality_id=unit.municipality_id,
                conversation=conversation,
                text=text,
                position=n,
                created_on=held_on,
            )
            for n, text in enumerate(wanted)
        )
        _audit(actor, conversation, Action.CONVERSATION_RECORDED, {"goals": len(wanted)})
    return conversation


def goals_finding_create(*, actor: Actor, unit: OrgUnit, statement: str) -> Any:
    """Turn what matters to a unit's users into a participation finding (participation checks its rights)."""
    from medvirk.participation import services as participation

    ensure_can(actor, Perm.FEEDBACK_STATS, unit)
    if not statement.strip():
        raise ServiceError(
            Code.STATEMENT_REQUIRED, _("Write the finding in one or two sentences."), field="statement"
        )
    finding = participation.finding_create(actor=actor, unit=unit, statement=statement)
    _audit(actor, finding, Action.FEEDBACK_FINDING_CREATED, {"unit": unit.pk})
    return finding


# --- retention --------------------------------------------------------------------------------


def retention_set(*, actor: Actor, unit: OrgUnit, months: int) -> RetentionPolicy:
    """Set how many months after closing a unit's episodes are anonymised (1–120)."""
    ensure_can(actor, Perm.FEEDBACK_MANAGE, unit)
    if not 1 <= months <= 120:
        raise ServiceError(Code.RETENTION_INVALID, _("Choose between 1 and 120 months."), field="months")
    with transaction.atomic():
        policy, _created = RetentionPolicy.objects.update_or_create(
            municipality_id=unit.municipality_id, unit=unit, defaults={"months": months}
        )
        _audit(actor, policy, Action.RETENTION_SET, {"months": months})
    return policy


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
    from medvirk.analysis.trajectories import MIN_EPISODES, fit_quantiles
    from medvirk.analysis.trajectories import Episode as Course

    from .models import TrajectoryFit

    ensure_can(actor, Perm.FEEDBACK_MANAGE, service.unit)
    rows = Rating.objects.filter(
        session__episode__service=service,
        session__episode__status=EpisodeStatus.CLOSED,
        instrument_id=service.outcome_id,
        rater__kind=RaterKind.CLIENT,
        score__isnull=False,
    ).values_list("session__episode_id", "session__episode__age_version", "session__number", "score")
    courses: dict[str, dict[int, list[tuple[int, float]]]] = {}
    for episode_id, version, number, value in rows.order_by("session__episode_id", "session__number"):
        courses.setdefault(version, {}).setdefault(episode_id, []).append((number, value))
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
