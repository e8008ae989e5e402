"""Writes about clients: register them, record their choice or the default, switches, ending.

Every function checks its actor: ``CHOICE_CASES`` on the service's responsible unit, except
``defaults_apply_due`` for the daily command (Medvirk itself). Dates follow ``choice.rules``.
Each change that gives or takes a client from a provider e-mails the provider (``notices``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from medvirk.accounts.access import Actor, acting_user, ensure_can
from medvirk.accounts.models import User
from medvirk.accounts.permissions import Perm
from medvirk.common import languages
from medvirk.common.dimensions import AGE_BAND, IMMIGRANT_BACKGROUND
from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError, refuse_national_id

from .. import rules
from ..enums import ChoiceAuditAction, ChoiceErrorCode
from ..models import Approval, Assignment, ChoiceService, Client, Provider, Switch
from ..rules import day_text
from ..selectors import district_codes, has_room
from ..types import ApprovalStatus, Channel, HowAssigned, SwitchReason, SwitchStatus
from . import notices


def ensure_cases(actor: Actor, service: ChoiceService) -> None:
    """Refuse (403) unless the actor may handle clients of ``service``."""
    ensure_can(actor, Perm.CHOICE_CASES, service.owner_unit, _("You cannot handle clients of this service."))


# --- clients --------------------------------------------------------------------------------

AGE_BANDS = frozenset(AGE_BAND.keys())
IMMIGRANT_BACKGROUNDS = frozenset(IMMIGRANT_BACKGROUND.keys())


def clean_alias(alias: str) -> str:
    """Return the alias; refuse an empty one and anything that looks like a national ID number."""
    alias = (alias or "").strip()
    if not alias:
        raise ServiceError(
            ChoiceErrorCode.ALIAS_REQUIRED, _("Give the client's alias or case reference."), field="alias"
        )
    refuse_national_id(alias, ChoiceErrorCode.ALIAS_IS_NATIONAL_ID)
    return alias[:60]


@dataclass(frozen=True)
class Background:
    """What the case handler's record says about the client; "" where it says nothing."""

    district: str = ""
    age_band: str = ""
    immigrant_background: str = ""
    language: str = ""


def clean_background(background: Background, municipality_id: int) -> Background:
    """Return the background with keys checked (empty values stay empty: not known)."""
    if background.district and background.district not in district_codes(municipality_id):
        raise ServiceError(
            ChoiceErrorCode.INVALID_AREA,
            _("Choose one of the municipality's city districts."),
            field="district",
        )
    if background.age_band and background.age_band not in AGE_BANDS:
        raise ServiceError(
            ChoiceErrorCode.INVALID_BACKGROUND, _("Choose an age group from the list."), field="age_band"
        )
    if background.immigrant_background and background.immigrant_background not in IMMIGRANT_BACKGROUNDS:
        raise ServiceError(
            ChoiceErrorCode.INVALID_BACKGROUND,
            _("Choose an immigrant background from the list."),
            field="immigrant_background",
        )
    if background.language and languages.get(background.language) is None:
        raise ServiceError(
            ChoiceErrorCode.INVALID_LANGUAGE, _("Choose a language from the list."), field="language"
        )
    return background


def client_new(
    service: ChoiceService, alias: str, decision_on: date, background: Background, created_by: User | None
) -> Client:
    """Store a client of ``service`` (checked by the caller); the time to choose starts on ``decision_on``."""
    return Client.objects.create(
        municipality_id=service.municipality_id,
        service=service,
        alias=alias,
        decision_on=decision_on,
        choice_deadline=rules.choice_deadline(decision_on, service.choice_days),
        district=background.district,
        age_band=background.age_band,
        immigrant_background=background.immigrant_background,
        language=background.language,
        created_by=created_by,
    )


@transaction.atomic
def client_register(
    *,
    actor: Actor,
    service: ChoiceService,
    alias: str,
    decision_on: date,
    background: Background = Background(),
) -> Client:
    """Register a client with a decision for ``service``; the time to choose starts on ``decision_on``."""
    ensure_cases(actor, service)
    alias = clean_alias(alias)
    background = clean_background(background, service.municipality_id)
    if Client.objects.filter(
        municipality_id=service.municipality_id, service=service, alias__iexact=alias
    ).exists():
        raise ServiceError(
            ChoiceErrorCode.ALIAS_TAKEN,
            _("This service already has a client with this alias."),
            field="alias",
        )
    client = client_new(service, alias, decision_on, background, acting_user(actor))
    audit_record(
        actor=actor,
        action=ChoiceAuditAction.CLIENT_REGISTERED,
        obj=client,
        data={"service": service.pk},
    )
    return client


def _assignments(client: Client) -> list[Assignment]:
    return list(Assignment.objects.filter(client=client).order_by("starts_on", "id").select_for_update())


def check_can_take(provider: Provider, client: Client, day: date, *, field: str = "provider") -> Approval:
    """Refuse a provider the client cannot have from ``day``: not approved, area, capacity."""
    if provider.municipality_id != client.municipality_id:
        raise ServiceError(
            ChoiceErrorCode.OTHER_MUNICIPALITY, _("Choose a provider of this municipality."), field=field
        )
    approval = Approval.objects.filter(provider=provider, service_id=client.service_id).first()
    if approval is None or approval.status_on(day) is not ApprovalStatus.APPROVED:
        raise ServiceError(
            ChoiceErrorCode.NOT_APPROVED,
            _("%(provider)s is not approved for this service on %(date)s.")
            % {"provider": provider.name, "date": day_text(day)},
            field=field,
        )
    if not approval.serves(client.district):
        raise ServiceError(
            ChoiceErrorCode.AREA_NOT_SERVED,
            _("%(provider)s does not serve the client's city district.") % {"provider": provider.name},
            field=field,
        )
    if not has_room(approval=approval, day=day):
        raise ServiceError(
            ChoiceErrorCode.CAPACITY_FULL,
            _("%(provider)s has no room for more clients.") % {"provider": provider.name},
            field=field,
        )
    return approval


def _ensure_open(client: Client) -> None:
    if client.ended_on is not None:
        raise ServiceError(ChoiceErrorCode.CLIENT_ENDED, _("The client's service has ended."))


@transaction.atomic
def choice_record(
    *,
    actor: Actor,
    client: Client,
    provider: Provider,
    chosen_on: date,
    starts_on: date | None = None,
    channel: str = Channel.CASE_HANDLER,
) -> Assignment:
    """Record the client's active choice within the time to choose; the provider starts ``starts_on``.

    ``starts_on`` defaults to the day of the choice (never before the decision). After the last day
    to choose the default provider applies (``default_apply``), and a later wish is a switch.
    """
    ensure_cases(actor, client.service)
    _ensure_open(client)
    if channel not in Channel.values:
        raise ServiceError(ChoiceErrorCode.INVALID_VALUE, _("Choose one of the options."), field="channel")
    if _assignments(client):
        raise ServiceError(
            ChoiceErrorCode.ALREADY_CHOSEN,
            _("The client already has a provider. Register a switch instead."),
            field="provider",
        )
    if chosen_on > client.choice_deadline:
        raise ServiceError(
            ChoiceErrorCode.DEADLINE_PASSED,
            _(
                "The time to choose ended on %(date)s, so the default provider applies. "
                "Register a switch instead."
            )
            % {"date": day_text(client.choice_deadline)},
            field="chosen_on",
        )
    if chosen_on < client.decision_on:
        raise ServiceError(
            ChoiceErrorCode.INVALID_DATE, _("A choice cannot be made before the decision."), field="chosen_on"
        )
    first_day = max(starts_on or chosen_on, client.decision_on)
    check_can_take(provider, client, first_day)
    return _start(
        actor,
        client,
        provider,
        first_day,
        ChoiceAuditAction.CHOICE_RECORDED,
        how=HowAssigned.ACTIVE_CHOICE,
        channel=channel,
        chosen_on=chosen_on,
    )


def _apply_default(actor: Actor, client: Client, today: date) -> Assignment:
    service = client.service
    # The deadline stored with the client counts (the one the decision letter gave), even if
    # the service's rule has changed since.
    if today <= client.choice_deadline:
        raise ServiceError(
            ChoiceErrorCode.DEADLINE_NOT_PASSED,
            _("The client may still choose until %(date)s.") % {"date": day_text(client.choice_deadline)},
        )
    if service.default_provider is None:
        raise ServiceError(
            ChoiceErrorCode.NO_DEFAULT_PROVIDER, _("The service has no default provider. Set one first.")
        )
    first_day = client.choice_deadline + timedelta(days=1)
    return _start(
        actor,
        client,
        service.default_provider,
        first_day,
        ChoiceAuditAction.DEFAULT_APPLIED,
        how=HowAssigned.DEFAULT,
    )


def _start(
    actor: Actor, client: Client, provider: Provider, first_day: date, action: ChoiceAuditAction, **how: Any
) -> Assignment:
    """The client's first provider from ``first_day`` (``how``: how it was assigned); audited, announced."""
    assignment = Assignment.objects.create(
        municipality_id=client.municipality_id,
        client=client,
        provider=provider,
        starts_on=first_day,
        created_by=acting_user(actor),
        **how,
    )
    audit_record(
        actor=actor, action=action, obj=client, data={"provider": provider.pk, "starts_on": str(first_day)}
    )
    notices.announce_start(assignment)
    return assignment


@transaction.atomic
def default_apply(*, actor: Actor, client: Client, today: date) -> Assignment:
    """Give the client the service's default provider from the day after the last day to choose.

    The default is the rule, not a choice: it needs no free capacity and no area, and applies
    even if the default provider's approval has lapsed (the municipality stays responsible).
    """
    ensure_cases(actor, client.service)
    _ensure_open(client)
    if _assignments(client):
        raise ServiceError(ChoiceErrorCode.ALREADY_CHOSEN, _("The client already has a provider."))
    return _apply_default(actor, client, today)


def clients_awaiting_default(*, service: ChoiceService, today: date) -> list[Client]:
    """Return the service's clients whose time to choose is over and who have no provider yet."""
    return list(
        Client.objects.filter(
            municipality_id=service.municipality_id,
            service=service,
            ended_on__isnull=True,
            choice_deadline__lt=today,
            assignments__isnull=True,
        ).select_related("service")
    )


def defaults_apply_due(*, actor: SystemActor | Actor, service: ChoiceService, today: date) -> int:
    """Give the default provider to every client of ``service`` whose time to choose is over.

    Run daily by ``apply_choice_defaults`` (Medvirk itself), or from the service page by a case
    handler. Each client is one transaction; returns how many got the default. A service without
    a default provider is skipped by the daily run and refused on the page.
    """
    if not isinstance(actor, SystemActor):
        ensure_cases(actor, service)
    if service.default_provider_id is None:
        if isinstance(actor, SystemActor):
            return 0
        raise ServiceError(
            ChoiceErrorCode.NO_DEFAULT_PROVIDER, _("The service has no default provider. Set one first.")
        )
    done = 0
    for client in clients_awaiting_default(service=service, today=today):
        with transaction.atomic():
            if not _assignments(client):
                _apply_default(actor, client, today)
                done += 1
    return done


def defaults_apply_all(*, actor: SystemActor, today: date) -> int:
    """Apply due defaults in every service of every municipality (the daily command)."""
    ensure_system(actor, "Giving the default provider to every client due")
    return sum(
        defaults_apply_due(actor=actor, service=service, today=today)
        for service in ChoiceService.objects.select_related("default_provider", "owner_unit").exclude(
            default_provider=None
        )
    )


# --- switches -------------------------------------------------------------------------------


def clean_reasons(reasons: list[str]) -> list[str]:
    """Return the reasons in the list's order without repeats; refuse unknown keys."""
    unknown = [r for r in reasons if r not in SwitchReason.values]
    if unknown:
        raise ServiceError(
            ChoiceErrorCode.INVALID_REASON, _("Choose reasons from the list."), field="reasons"
        )
    return [r for r in SwitchReason.values if r in set(reasons)]


@transaction.atomic
def switch_register(
    *,
    actor: Actor,
    client: Client,
    to_provider: Provider,
    requested_on: date,
    reasons: list[str] | None = None,
    reason_text: str = "",
    wished_on: date | None = None,
    channel: str = Channel.CASE_HANDLER,
) -> Switch:
    """Register a switch: the new provider starts after the notice, the current one ends the day before.

    The client's history keeps both periods. Both providers are told by e-mail.
    """
    ensure_cases(actor, client.service)
    _ensure_open(client)
    if channel not in Channel.values:
        raise ServiceError(ChoiceErrorCode.INVALID_VALUE, _("Choose one of the options."), field="channel")
    reasons = clean_reasons(list(reasons or []))
    history = _assignments(client)
    if not history:
        raise ServiceError(
            ChoiceErrorCode.NO_CURRENT_PROVIDER,
            _("The client has no provider yet. Register the first choice instead."),
            field="to_provider",
        )
    if Switch.objects.filter(
        client=client, status=SwitchStatus.PLANNED, effective_on__gt=requested_on
    ).exists():
        raise ServiceError(
            ChoiceErrorCode.SWITCH_PENDING,
            _("A switch is already registered. Cancel it before registering another."),
            field="to_provider",
        )
    current = history[-1]
    if current.ends_on is not None:
        raise ServiceError(ChoiceErrorCode.NO_CURRENT_PROVIDER, _("The client has no current provider."))
    if current.provider_id == to_provider.pk:
        raise ServiceError(
            ChoiceErrorCode.SAME_PROVIDER, _("The client already has this provider."), field="to_provider"
        )
    dates = rules.switch_dates(
        requested_on=requested_on,
        notice_days=client.service.notice_days,
        wished_on=wished_on,
        current_starts_on=current.starts_on,
    )
    check_can_take(to_provider, client, dates.first_day_new, field="to_provider")
    current.ends_on = dates.last_day_current
    current.save(update_fields=["ends_on"])
    new = Assignment.objects.create(
        municipality_id=client.municipality_id,
        client=client,
        provider=to_provider,
        starts_on=dates.first_day_new,
        how=HowAssigned.SWITCH,
        channel=channel,
        chosen_on=requested_on,
        created_by=acting_user(actor),
    )
    switch = Switch.objects.create(
        municipality_id=client.municipality_id,
        client=client,
        from_provider_id=current.provider_id,
        to_provider=to_provider,
        requested_on=requested_on,
        wished_on=wished_on,
        effective_on=dates.first_day_new,
        reasons=reasons,
        reason_text=(reason_text or "").strip(),
        channel=channel,
        ended_assignment=current,
        new_assignment=new,
        created_by=acting_user(actor),
    )
    audit_record(
        actor=actor,
        action=ChoiceAuditAction.SWITCH_REGISTERED,
        obj=switch,
        data={"from": current.provider_id, "to": to_provider.pk, "effective_on": str(dates.first_day_new)},
    )
    notices.announce_end(current)
    notices.announce_start(new)
    return switch


@transaction.atomic
def switch_cancel(*, actor: Actor, switch: Switch, today: date) -> Switch:
    """Cancel a switch before the new provider starts: the current provider simply continues."""
    ensure_cases(actor, switch.client.service)
    if switch.status != SwitchStatus.PLANNED or today >= switch.effective_on:
        raise ServiceError(
            ChoiceErrorCode.NOT_CANCELLABLE,
            _("Only a switch that has not taken effect yet can be cancelled. Register a new switch instead."),
        )
    new = switch.new_assignment
    assert new is not None
    Assignment.objects.filter(pk=switch.ended_assignment_id).update(ends_on=None)
    switch.status = SwitchStatus.CANCELLED
    switch.new_assignment = None
    switch.save(update_fields=["status", "new_assignment"])
    notices.announce_end(new, cancelled=True)
    new.delete()  # it never began: the history keeps the cancelled switch instead
    audit_record(
        actor=actor,
        action=ChoiceAuditAction.SWITCH_CANCELLED,
        obj=switch,
    )
    return switch


@transaction.atomic
def client_end(*, actor: Actor, client: Client, last_day: date) -> Client:
    """End the client's service (e.g. moved to a nursing home); ``last_day`` is the provider's last day."""
    ensure_cases(actor, client.service)
    _ensure_open(client)
    history = _assignments(client)
    if history and last_day < history[0].starts_on:
        raise ServiceError(
            ChoiceErrorCode.INVALID_DATE,
            _("The last day cannot be before the client's first provider started."),
            field="last_day",
        )
    ended = []
    for assignment in history:
        if assignment.starts_on > last_day:  # announced, never began
            Switch.objects.filter(new_assignment=assignment).update(
                status=SwitchStatus.CANCELLED, new_assignment=None
            )
            notices.announce_end(assignment, cancelled=True)
            assignment.delete()
        elif assignment.ends_on is None or assignment.ends_on > last_day:
            assignment.ends_on = last_day
            assignment.save(update_fields=["ends_on"])
            ended.append(assignment)
    client.ended_on = last_day
    client.save(update_fields=["ended_on"])
    for assignment in ended:
        notices.announce_end(assignment)
    audit_record(
        actor=actor,
        action=ChoiceAuditAction.CLIENT_ENDED,
        obj=client,
        data={"last_day": str(last_day)},
    )
    return client
