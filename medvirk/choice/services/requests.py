"""Requests to choose or switch that arrive from the public page, and how case handlers settle them.

A request changes nothing by itself: a case handler matches it to the client (the sender names
the client, the case handler knows who that is) and the match records the choice or the switch
with the request's date, wish and reasons, as if it had been registered by hand.

Identified requests: ``VerifiedIdentity`` is what a login with ID-porten (the municipal-IT work)
hands over. Only a keyed digest of the person's identifier is stored (HMAC with ``SECRET_KEY``),
so two requests from one person can be linked without a national ID number in Medvirk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.accounts.access import Actor, acting_user
from medvirk.accounts.idporten import identity_digest
from medvirk.analysis.text import without_national_ids
from medvirk.common import languages
from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.partners import services as partner_services

from ..enums import ChoiceAuditAction, ChoiceErrorCode
from ..models import Approval, ChoiceService, Client, OnlineRequest
from ..types import ApprovalStatus, Channel, RequestKind, RequestStatus
from .cases import choice_record, clean_reasons, ensure_cases, switch_register


@dataclass(frozen=True)
class VerifiedIdentity:
    """A person identified by an identity provider (ID-porten): never stored as such."""

    provider: str  # e.g. "idporten"
    level: str  # the assurance level, e.g. "substantial" or "high"
    subject: str  # the identifier the provider vouches for; only its keyed digest is kept

    def digest(self) -> str:
        return identity_digest(self.provider, self.subject)


@dataclass(frozen=True)
class RequestData:
    """What the public form (or an identified channel) sends."""

    kind: str
    provider_id: int
    client_name: str
    sender_name: str = ""
    phone: str = ""
    email: str = ""
    wished_on: date | None = None
    reasons: tuple[str, ...] = ()
    reason_text: str = ""
    language: str = ""


MAX_TEXT = 2000


def _public_text(text: str, limit: int) -> str:
    """From anyone on the internet, read by case handlers: no override may turn the page around,
    and no national identity number is kept (the case handler knows the client without it)."""
    return without_national_ids(languages.without_bidi_controls(text)).strip()[:limit]


@transaction.atomic
def online_request_submit(
    *, actor: SystemActor, service: ChoiceService, data: RequestData, identity: VerifiedIdentity | None = None
) -> OnlineRequest:
    """Store a request from the public page (Medvirk acts: the form is limited to one service).

    The wanted provider must be approved for the service today; a phone number or an e-mail
    address is needed so the case handler can confirm.
    """
    ensure_system(actor, "Storing a request from the public page")
    if data.kind not in RequestKind.values:
        raise ServiceError(ChoiceErrorCode.INVALID_VALUE, _("Choose what you ask for."), field="kind")
    approval = (
        Approval.objects.filter(service=service, provider_id=data.provider_id)
        .select_related("provider")
        .first()
    )
    if approval is None or approval.status_on(timezone.localdate()) is not ApprovalStatus.APPROVED:
        raise ServiceError(ChoiceErrorCode.NOT_APPROVED, _("Choose one of the providers."), field="provider")
    client_name = _public_text(data.client_name, 150)
    if not client_name:
        raise ServiceError(
            ChoiceErrorCode.NAME_REQUIRED,
            _("Write the name of the person who gets the help."),
            field="client_name",
        )
    phone = partner_services.clean_phone(data.phone)
    email = data.email.strip()
    if not phone and not email:
        raise ServiceError(
            ChoiceErrorCode.INVALID_VALUE,
            _("Give a phone number or an e-mail address so we can confirm."),
            field="phone",
        )
    request = OnlineRequest.objects.create(
        municipality_id=service.municipality_id,
        service=service,
        kind=data.kind,
        provider=approval.provider,
        wished_on=data.wished_on,
        reasons=clean_reasons(list(data.reasons)),
        reason_text=_public_text(data.reason_text, MAX_TEXT),
        client_name=client_name,
        sender_name=_public_text(data.sender_name, 150),
        phone=phone,
        email=email,
        language=data.language if languages.get(data.language or "") else "",
        identity_provider=identity.provider if identity else "",
        identity_level=identity.level if identity else "",
        identity_digest=identity.digest() if identity else "",
    )
    return request


def _ensure_new(request: OnlineRequest) -> None:
    if request.status != RequestStatus.NEW:
        raise ServiceError(ChoiceErrorCode.ALREADY_HANDLED, _("This request has already been handled."))


@transaction.atomic
def online_request_match(*, actor: Actor, request: OnlineRequest, client: Client) -> OnlineRequest:
    """Match a request to its client and record what it asks: the first choice, or a switch.

    A client without a provider gets the choice (within the time to choose); a client with one
    gets a switch dated the day the request arrived, so the notice runs from then.
    """
    ensure_cases(actor, request.service)
    _ensure_new(request)
    if client.service_id != request.service_id:
        raise ServiceError(
            ChoiceErrorCode.WRONG_SERVICE, _("Choose a client of the same service."), field="client"
        )
    received = timezone.localdate(request.received_at)
    switch = None
    if client.assignments.exists():
        switch = switch_register(
            actor=actor,
            client=client,
            to_provider=request.provider,
            requested_on=received,
            wished_on=request.wished_on,
            reasons=list(request.reasons),
            reason_text=request.reason_text,
            channel=Channel.ONLINE,
        )
    else:
        choice_record(
            actor=actor,
            client=client,
            provider=request.provider,
            chosen_on=received,
            starts_on=request.wished_on,
            channel=Channel.ONLINE,
        )
    request.status = RequestStatus.MATCHED
    request.client = client
    request.switch = switch
    request.handled_by = acting_user(actor)
    request.handled_at = timezone.now()
    request.save(update_fields=["status", "client", "switch", "handled_by", "handled_at"])
    audit_record(
        actor=actor,
        action=ChoiceAuditAction.REQUEST_MATCHED,
        obj=request,
        data={"client": client.pk},
    )
    return request


@transaction.atomic
def online_request_close(*, actor: Actor, request: OnlineRequest, note: str) -> OnlineRequest:
    """Close a request without a match (not a client, a duplicate…), with a note why."""
    ensure_cases(actor, request.service)
    _ensure_new(request)
    note = (note or "").strip()
    if not note:
        raise ServiceError(ChoiceErrorCode.INVALID_VALUE, _("Write why the request is closed."), field="note")
    request.status = RequestStatus.REJECTED
    request.note = note[:MAX_TEXT]
    request.handled_by = acting_user(actor)
    request.handled_at = timezone.now()
    request.save(update_fields=["status", "note", "handled_by", "handled_at"])
    audit_record(
        actor=actor,
        action=ChoiceAuditAction.REQUEST_CLOSED,
        obj=request,
    )
    return request
