"""Free choice of provider: services, providers, clients with their choices and switches, online
requests, importing current clients, and the statistics of choosing.

The same access helpers and services as the pages (``medvirk.choice``), so the same scoping and
the same rules: 404 for anything missing or out of reach, a coded 400 for a broken rule, 403 when
a service refuses an actor who reached it some other way.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from medvirk.accounts.access import access_unit_by_id, can_anywhere
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.api.base import fields_of, schema_of
from medvirk.choice import csvimport, selectors, services
from medvirk.choice.enums import ChoiceErrorCode
from medvirk.choice.models import Approval, ChoiceService, Client, OnlineRequest, Provider, Switch
from medvirk.choice.services import Background, ProviderData
from medvirk.choice.types import RequestStatus
from medvirk.core.errors import ServiceError
from medvirk.core.ordering import name_key
from medvirk.insights.choice.stats import statistics_for

router = Router(tags=["choice"])


class ServiceIn(Schema):
    owner_unit_id: int
    name: str
    kind: str
    description: str = ""
    areas: list[str] = []
    notice_days: int = 14
    choice_days: int = 14
    phone: str = ""
    email: str = ""
    published: bool = False


class ServicePatch(Schema):
    name: str | None = None
    kind: str | None = None
    description: str | None = None
    areas: list[str] | None = None
    notice_days: int | None = None
    choice_days: int | None = None
    phone: str | None = None
    email: str | None = None
    published: bool | None = None
    default_provider_id: int | None = None


class ApprovalOut(Schema):
    provider_id: int
    service_id: int
    approved_from: date
    approved_until: date | None
    suspended: bool
    status_today: str
    contract: str
    capacity: int | None
    areas: list[str]


class ServiceOut(Schema):
    id: int
    owner_unit_id: int
    name: str
    kind: str
    description: str
    areas: list[str]
    notice_days: int
    choice_days: int
    default_provider_id: int | None
    phone: str
    email: str
    published: bool
    approvals: list[ApprovalOut]


if TYPE_CHECKING:
    _ProviderFields = Schema
else:
    _ProviderFields = schema_of(ProviderData)


class ProviderIn(_ProviderFields):
    # A provider's details: the fields of services.ProviderData (no docstring: it would become
    # the schema's description in the OpenAPI document).
    pass


class ProviderCreate(ProviderIn):
    parent_id: int


class ProviderOut(ProviderIn):
    id: int
    unit_id: int
    approvals: list[ApprovalOut]


class ApprovalIn(Schema):
    approved_from: date
    approved_until: date | None = None
    suspended: bool = False
    contract: str = ""
    capacity: int | None = None
    areas: list[str] = []


class ContinuityIn(Schema):
    period_start: date
    period_end: date
    staff_per_client: float


class ContinuityOut(Schema):
    provider_id: int
    period_start: date
    period_end: date
    staff_per_client: float


class ProviderClientOut(Schema):
    alias: str
    service: str
    starts_on: date
    ends_on: date | None


class ClientIn(Schema):
    alias: str
    decision_on: date
    district: str = ""
    age_band: str = ""
    immigrant_background: str = ""
    language: str = ""


class PeriodOut(Schema):
    provider_id: int
    starts_on: date
    ends_on: date | None
    how: str
    channel: str


class SwitchOut(Schema):
    id: int
    from_provider_id: int
    to_provider_id: int
    requested_on: date
    wished_on: date | None
    effective_on: date
    reasons: list[str]
    reason_text: str
    channel: str
    status: str


class ClientOut(Schema):
    id: int
    service_id: int
    alias: str
    decision_on: date
    choice_deadline: date
    district: str
    age_band: str
    immigrant_background: str
    language: str
    ended_on: date | None
    provider_today_id: int | None
    history: list[PeriodOut]
    switches: list[SwitchOut]


class ClientRowOut(Schema):
    id: int
    alias: str
    decision_on: date
    choice_deadline: date
    provider_today_id: int | None
    next_provider_id: int | None
    next_from: date | None
    awaiting_choice: bool
    default_due: bool


class ChoiceIn(Schema):
    provider_id: int
    chosen_on: date
    starts_on: date | None = None
    channel: str = "case_handler"


class SwitchIn(Schema):
    to_provider_id: int
    requested_on: date
    wished_on: date | None = None
    reasons: list[str] = []
    reason_text: str = ""
    channel: str = "case_handler"


class EndIn(Schema):
    last_day: date


class RequestOut(Schema):
    id: int
    service_id: int
    kind: str
    provider_id: int
    wished_on: date | None
    reasons: list[str]
    reason_text: str
    client_name: str
    sender_name: str
    phone: str
    email: str
    language: str
    identified: bool
    identity_level: str
    status: str
    client_id: int | None
    received_at: Any


class MatchIn(Schema):
    client_id: int


class CloseIn(Schema):
    note: str


class ImportIn(Schema):
    csv: str
    dry_run: bool = True


class ImportLineOut(Schema):
    line: int
    alias: str
    problems: list[str]


class ImportOut(Schema):
    imported: int
    lines: int
    bad_lines: list[ImportLineOut]
    errors: list[str]


def _approval(a: Approval, today: date) -> dict[str, Any]:
    return fields_of(a, ApprovalOut, status_today=a.status_on(today).value)


def _service(s: ChoiceService) -> dict[str, Any]:
    today = timezone.localdate()
    # approvals prefetched for lists
    return fields_of(s, ServiceOut, approvals=[_approval(a, today) for a in s.approvals.all()])


def _provider(p: Provider) -> dict[str, Any]:
    today = timezone.localdate()
    return fields_of(p, ProviderOut, approvals=[_approval(a, today) for a in p.approvals.all()])


def _switch(s: Switch) -> dict[str, Any]:
    return fields_of(s, SwitchOut)


def _client(c: Client) -> dict[str, Any]:
    today = timezone.localdate()
    history = selectors.client_history(client=c)
    current = next((a for a in history if a.period.covers(today)), None)
    return fields_of(
        c,
        ClientOut,
        provider_today_id=current.provider_id if current else None,
        history=[fields_of(a, PeriodOut) for a in history],
        switches=[_switch(s) for s in selectors.client_switches(client=c)],
    )


def _request(r: OnlineRequest) -> dict[str, Any]:
    return fields_of(r, RequestOut)


def _require(request: StaffRequest, *perms: Perm) -> None:
    if not any(can_anywhere(request.user, p) for p in perms):
        raise Http404


def _provider_of(service: ChoiceService, provider_id: int | None) -> Provider | None:
    if provider_id is None:
        return None
    found = selectors.municipality_provider(municipality_id=service.municipality_id, provider_id=provider_id)
    if found is None:
        raise ServiceError(
            ChoiceErrorCode.OTHER_MUNICIPALITY,
            _("Choose a provider of this municipality."),
            field="provider_id",
        )
    return found


# --- services -------------------------------------------------------------------------------


@router.get("/choice/services", response=list[ServiceOut])
def list_services(request: StaffRequest) -> list[dict[str, Any]]:
    """Services with choice the caller sets up, handles clients of, or reads statistics of."""
    _require(request, Perm.CHOICE_SETUP, Perm.CHOICE_CASES, Perm.CHOICE_STATS)
    found: dict[int, ChoiceService] = {}
    for perm in (Perm.CHOICE_SETUP, Perm.CHOICE_CASES, Perm.CHOICE_STATS):
        if can_anywhere(request.user, perm):
            found.update(
                {s.pk: s for s in selectors.services_for(user=request.user, perm=perm) if s.pk not in found}
            )
    return [_service(s) for s in sorted(found.values(), key=lambda s: name_key(s.name))]


@router.post("/choice/services", response={201: ServiceOut})
def create_service(request: StaffRequest, payload: ServiceIn) -> Status[dict[str, Any]]:
    """Create a service with choice and its rules below a unit the caller sets choice up in."""
    unit = access_unit_by_id(request.user, payload.owner_unit_id, Perm.CHOICE_SETUP)
    data = payload.dict(exclude={"owner_unit_id"})
    service = services.service_create(actor=request.user, owner_unit=unit, **data)
    return Status(201, _service(service))


@router.get("/choice/services/{service_id}", response=ServiceOut)
def get_service(request: StaffRequest, service_id: int) -> dict[str, Any]:
    """One service with its rules and approvals."""
    readers = (*selectors.SERVICE_READERS, Perm.CHOICE_STATS)
    return _service(selectors.access_service_by_id(request.user, service_id, readers))


@router.patch("/choice/services/{service_id}", response=ServiceOut)
def update_service(request: StaffRequest, service_id: int, payload: ServicePatch) -> dict[str, Any]:
    """Change a service's rules (``default_provider_id`` must be approved for it)."""
    service = selectors.access_service_by_id(request.user, service_id, Perm.CHOICE_SETUP)
    changes = payload.dict(exclude_unset=True)
    if "default_provider_id" in changes:
        changes["default_provider"] = _provider_of(service, changes.pop("default_provider_id"))
    services.service_update(actor=request.user, service=service, **changes)
    return _service(service)


# --- providers ------------------------------------------------------------------------------


@router.get("/choice/providers", response=list[ProviderOut])
def list_providers(request: StaffRequest) -> list[dict[str, Any]]:
    """Providers the caller keeps."""
    _require(request, Perm.CHOICE_SETUP)
    return [_provider(p) for p in selectors.providers_for(user=request.user, perm=Perm.CHOICE_SETUP)]


@router.post("/choice/providers", response={201: ProviderOut})
def create_provider(request: StaffRequest, payload: ProviderCreate) -> Status[dict[str, Any]]:
    """Register a provider as a new unit below ``parent_id``."""
    parent = access_unit_by_id(request.user, payload.parent_id, Perm.CHOICE_SETUP)
    data = ProviderData(**payload.dict(exclude={"parent_id"}))
    provider = services.provider_register(actor=request.user, data=data, parent=parent)
    return Status(201, _provider(provider))


@router.get("/choice/providers/{provider_id}", response=ProviderOut)
def get_provider(request: StaffRequest, provider_id: int) -> dict[str, Any]:
    """One provider with its approvals."""
    return _provider(selectors.access_provider_by_id(request.user, provider_id, selectors.PROVIDER_READERS))


@router.patch("/choice/providers/{provider_id}", response=ProviderOut)
def update_provider(request: StaffRequest, provider_id: int, payload: ProviderIn) -> dict[str, Any]:
    """Replace a provider's details."""
    provider = selectors.access_provider_by_id(request.user, provider_id, Perm.CHOICE_SETUP)
    services.provider_update(actor=request.user, provider=provider, data=ProviderData(**payload.dict()))
    return _provider(provider)


@router.put("/choice/providers/{provider_id}/approvals/{service_id}", response=ApprovalOut)
def save_approval(
    request: StaffRequest, provider_id: int, service_id: int, payload: ApprovalIn
) -> dict[str, Any]:
    """Approve a provider for a service, or change the approval."""
    provider = selectors.access_provider_by_id(request.user, provider_id, Perm.CHOICE_SETUP)
    service = selectors.access_service_by_id(request.user, service_id, Perm.CHOICE_SETUP)
    approval = services.approval_save(
        actor=request.user, provider=provider, service=service, **payload.dict()
    )
    return _approval(approval, timezone.localdate())


@router.post("/choice/providers/{provider_id}/continuity", response={201: ContinuityOut})
def report_continuity(
    request: StaffRequest, provider_id: int, payload: ContinuityIn
) -> Status[dict[str, Any]]:
    """Report different staff per client for four weeks (provider staff, or whoever keeps providers)."""
    provider = selectors.access_provider_by_id(request.user, provider_id, selectors.PROVIDER_READERS)
    report = services.continuity_report(actor=request.user, provider=provider, **payload.dict())
    return Status(
        201,
        {
            "provider_id": provider.pk,
            "period_start": report.period_start,
            "period_end": report.period_end,
            "staff_per_client": float(report.staff_per_client),
        },
    )


@router.get("/choice/providers/{provider_id}/clients", response=list[ProviderClientOut])
def provider_clients(request: StaffRequest, provider_id: int) -> list[selectors.ProviderClient]:
    """The provider's clients today, each from the first day with the provider."""
    provider = selectors.access_provider_by_id(request.user, provider_id, Perm.CHOICE_CLIENTS)
    return selectors.provider_clients(provider=provider, today=timezone.localdate())


# --- clients --------------------------------------------------------------------------------


@router.get("/choice/services/{service_id}/clients", response=list[ClientRowOut])
def list_clients(
    request: StaffRequest, service_id: int, q: str = "", status: str = ""
) -> list[dict[str, Any]]:
    """The service's clients with today's provider (``status``: awaiting, default_due, ended)."""
    service = selectors.access_service_by_id(request.user, service_id, Perm.CHOICE_CASES)
    rows = selectors.client_rows(service=service, today=timezone.localdate(), query=q, status=status)
    return [
        {
            "id": r.client.pk,
            "alias": r.client.alias,
            "decision_on": r.client.decision_on,
            "choice_deadline": r.client.choice_deadline,
            "provider_today_id": r.provider.pk if r.provider else None,
            "next_provider_id": r.next_provider.pk if r.next_provider else None,
            "next_from": r.next_from,
            "awaiting_choice": r.awaiting_choice,
            "default_due": r.default_due,
        }
        for r in rows
    ]


@router.post("/choice/services/{service_id}/clients", response={201: ClientOut})
def create_client(request: StaffRequest, service_id: int, payload: ClientIn) -> Status[dict[str, Any]]:
    """Register a client with a decision (an alias, never a national ID number)."""
    service = selectors.access_service_by_id(request.user, service_id, Perm.CHOICE_CASES)
    client = services.client_register(
        actor=request.user,
        service=service,
        alias=payload.alias,
        decision_on=payload.decision_on,
        background=Background(
            payload.district, payload.age_band, payload.immigrant_background, payload.language
        ),
    )
    return Status(201, _client(client))


@router.get("/choice/clients/{client_id}", response=ClientOut)
def get_client(request: StaffRequest, client_id: int) -> dict[str, Any]:
    """A client with the history of providers and switches."""
    return _client(selectors.access_client_by_id(request.user, client_id))


@router.post("/choice/clients/{client_id}/choice", response={201: ClientOut})
def record_choice(request: StaffRequest, client_id: int, payload: ChoiceIn) -> Status[dict[str, Any]]:
    """Record the client's active choice within the time to choose."""
    client = selectors.access_client_by_id(request.user, client_id)
    provider = _provider_of(client.service, payload.provider_id)
    assert provider is not None
    services.choice_record(
        actor=request.user,
        client=client,
        provider=provider,
        chosen_on=payload.chosen_on,
        starts_on=payload.starts_on,
        channel=payload.channel,
    )
    return Status(201, _client(client))


@router.post("/choice/clients/{client_id}/default", response={201: ClientOut})
def apply_default(request: StaffRequest, client_id: int) -> Status[dict[str, Any]]:
    """Give the default provider (the time to choose is over)."""
    client = selectors.access_client_by_id(request.user, client_id)
    services.default_apply(actor=request.user, client=client, today=timezone.localdate())
    return Status(201, _client(client))


@router.post("/choice/clients/{client_id}/switches", response={201: SwitchOut})
def register_switch(request: StaffRequest, client_id: int, payload: SwitchIn) -> Status[dict[str, Any]]:
    """Register a switch; the service's notice gives the date."""
    client = selectors.access_client_by_id(request.user, client_id)
    provider = _provider_of(client.service, payload.to_provider_id)
    assert provider is not None
    switch = services.switch_register(
        actor=request.user,
        client=client,
        to_provider=provider,
        requested_on=payload.requested_on,
        wished_on=payload.wished_on,
        reasons=payload.reasons,
        reason_text=payload.reason_text,
        channel=payload.channel,
    )
    return Status(201, _switch(switch))


@router.post("/choice/switches/{switch_id}/cancel", response=SwitchOut)
def cancel_switch(request: StaffRequest, switch_id: int) -> dict[str, Any]:
    """Cancel a switch that has not taken effect."""
    switch = selectors.access_switch_by_id(request.user, switch_id)
    return _switch(services.switch_cancel(actor=request.user, switch=switch, today=timezone.localdate()))


@router.post("/choice/clients/{client_id}/end", response=ClientOut)
def end_client(request: StaffRequest, client_id: int, payload: EndIn) -> dict[str, Any]:
    """End the client's service."""
    client = selectors.access_client_by_id(request.user, client_id)
    return _client(services.client_end(actor=request.user, client=client, last_day=payload.last_day))


# --- online requests ------------------------------------------------------------------------


@router.get("/choice/requests", response=list[RequestOut])
def list_requests(request: StaffRequest, status: str = RequestStatus.NEW) -> list[dict[str, Any]]:
    """Requests from the public page to the services the caller handles."""
    _require(request, Perm.CHOICE_CASES)
    if status not in RequestStatus.values:
        status = RequestStatus.NEW
    return [_request(r) for r in selectors.requests_for(user=request.user, status=status)[:500]]


@router.post("/choice/requests/{request_id}/match", response=RequestOut)
def match_request(request: StaffRequest, request_id: int, payload: MatchIn) -> dict[str, Any]:
    """Match a request to its client and register the choice or switch it asks for."""
    online = selectors.access_request_by_id(request.user, request_id)
    client = selectors.access_client_by_id(request.user, payload.client_id)
    return _request(services.online_request_match(actor=request.user, request=online, client=client))


@router.post("/choice/requests/{request_id}/close", response=RequestOut)
def close_request(request: StaffRequest, request_id: int, payload: CloseIn) -> dict[str, Any]:
    """Close a request without a match, with a note why."""
    online = selectors.access_request_by_id(request.user, request_id)
    return _request(services.online_request_close(actor=request.user, request=online, note=payload.note))


# --- import and statistics ------------------------------------------------------------------


@router.post(
    "/choice/services/{service_id}/import", response={200: ImportOut, 201: ImportOut, 400: ImportOut}
)
def import_clients(request: StaffRequest, service_id: int, payload: ImportIn) -> Status[dict[str, Any]]:
    """Check (``dry_run``) or import a CSV of current clients: all lines or none; every bad line listed."""
    service = selectors.access_service_by_id(request.user, service_id, Perm.CHOICE_CASES)
    preview = csvimport.parse_csv(payload.csv.encode("utf-8"), service=service)
    body = {
        "imported": 0,
        "lines": len(preview.rows),
        "bad_lines": [{"line": r.line, "alias": r.alias, "problems": r.messages} for r in preview.bad_rows],
        "errors": preview.errors,
    }
    if not preview.importable:
        return Status(400, body)
    if payload.dry_run:
        return Status(200, body)
    body["imported"] = services.clients_import(
        actor=request.user, service=service, rows=[r.data for r in preview.rows]
    )
    return Status(201, body)


@router.get("/choice/services/{service_id}/statistics")
def service_statistics(request: StaffRequest, service_id: int, year: int | None = None) -> dict[str, Any]:
    """The statistics of choosing for a year: every count the anonymity decision hides is null.

    The current year only up to the last day of its last ended month (``reference_day``), so
    the figures do not move with each client. Figures once shown are kept as published
    (``published_on``): clients registered, ended or corrected later come in only once at
    least the threshold's number of clients have changed in a part, together; ``up_to`` says
    the day each part goes up to (earlier than ``reference_day`` while changes wait).
    """
    service = selectors.access_service_by_id(request.user, service_id, Perm.CHOICE_STATS)
    today = timezone.localdate()
    year = year or today.year
    if not 2000 <= year <= today.year:
        raise Http404
    stats = statistics_for(service, year)
    data = stats.as_dict()
    data["providers"] = {str(p): stats.labels.providers.get(p, "") for p in stats.providers}
    data["year"] = year
    return data
