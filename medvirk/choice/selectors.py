"""Reads of free choice of provider, and the one access helper per object for pages and the API.

As everywhere in Medvirk, a missing object and a forbidden one both answer 404. Services with
choice are scoped by their responsible unit, providers by their own unit: a case handler's role
on the health agency covers its services and the providers below it; provider staff hold their
role on the provider's unit and see only its clients, each from the client's first day.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from medvirk.accounts.access import access_by_id, pk_or_404, scope_q
from medvirk.accounts.permissions import Perm
from medvirk.analysis.suppression import SuppressedTable
from medvirk.common.dimensions import AGE_BAND, IMMIGRANT_BACKGROUND
from medvirk.core.ordering import Norwegian, name_key
from medvirk.core.tenancy import co_located
from medvirk.orgs.selectors import district_names

from .models import (
    Approval,
    Assignment,
    ChoiceService,
    Client,
    ContinuityReport,
    OnlineRequest,
    Provider,
    StatisticsRelease,
    Switch,
)
from .statistics import (
    DIMENSIONS,
    PARTS,
    ChoiceStatistics,
    Facts,
    Item,
    Labels,
    Part,
    decide,
    facts_of,
    parts_from_json,
    parts_to_json,
    release_parts,
    switch_key,
)
from .types import ApprovalStatus, HowAssigned, RequestStatus, SwitchReason, SwitchStatus


def district_codes(municipality_id: int) -> list[str]:
    """Return the region codes of the municipality's city districts (the areas clients live in)."""
    return sorted(district_names(municipality_id=municipality_id), key=name_key)


def service_districts(*, service: Any) -> dict[str, str]:
    """Return the names of the city districts a service of choice covers (every one when it names
    none) by region code, in the order of the names: a service's areas, a client's district and an
    approval's areas are kept as codes."""
    names = district_names(municipality_id=service.municipality_id)
    return {code: name for code, name in names.items() if not service.areas or code in service.areas}


# --- access helpers -------------------------------------------------------------------------

#: Who may read a service: those who set it up or handle its clients (the API adds statistics).
SERVICE_READERS = (Perm.CHOICE_SETUP, Perm.CHOICE_CASES)
#: Who may read a provider: those who keep providers, and the provider's own staff.
PROVIDER_READERS = (Perm.CHOICE_SETUP, Perm.CHOICE_CLIENTS)


def access_service_by_id(user: Any, service_id: Any, perm: Perm | tuple[Perm, ...]) -> ChoiceService:
    """Return the service if ``user`` holds ``perm`` (or any of several) on its responsible unit;
    otherwise 404."""
    rows = ChoiceService.objects.select_related("owner_unit", "owner_unit__municipality").filter(
        co_located("owner_unit")
    )
    service = access_by_id(user, rows, service_id, perm, lambda service: service.owner_unit)
    if service.default_provider_id is not None:
        # Read apart, not joined: the default is optional, and a LEFT JOIN cannot name the
        # municipality of a row that may be missing (docs/scaling.md, tests/test_routing.py).
        service.default_provider = (
            Provider.objects.select_related("unit")
            .filter(
                co_located("unit"), municipality_id=service.municipality_id, pk=service.default_provider_id
            )
            .first()
        )
    return service


def access_provider_by_id(user: Any, provider_id: Any, perm: Perm | tuple[Perm, ...]) -> Provider:
    """Return the provider if ``user`` holds ``perm`` (or any of several) on its unit; otherwise 404."""
    rows = Provider.objects.select_related("unit", "unit__municipality")
    return access_by_id(user, rows, provider_id, perm, lambda provider: provider.unit)


def access_client_by_id(user: Any, client_id: Any) -> Client:
    """Return a client whose service ``user`` handles (``CHOICE_CASES``); otherwise 404."""
    rows = Client.objects.select_related(
        "service", "service__owner_unit", "service__owner_unit__municipality"
    )
    return access_by_id(user, rows, client_id, Perm.CHOICE_CASES, lambda client: client.service.owner_unit)


def access_switch_by_id(user: Any, switch_id: Any) -> Switch:
    """Return a switch of a client ``user`` handles; otherwise 404."""
    rows = Switch.objects.select_related(
        "client", "client__service", "client__service__owner_unit", "new_assignment", "to_provider__unit"
    )
    return access_by_id(
        user, rows, switch_id, Perm.CHOICE_CASES, lambda switch: switch.client.service.owner_unit
    )


def access_request_by_id(user: Any, request_id: Any) -> OnlineRequest:
    """Return an online request to a service ``user`` handles; otherwise 404."""
    rows = OnlineRequest.objects.select_related("service", "service__owner_unit", "provider__unit", "client")
    return access_by_id(user, rows, request_id, Perm.CHOICE_CASES, lambda request: request.service.owner_unit)


# --- lists ----------------------------------------------------------------------------------


def services_for(*, user: Any, perm: Perm) -> QuerySet[ChoiceService]:
    """Return the services on whose responsible unit ``user`` holds ``perm``."""
    approvals = Approval.objects.select_related("provider", "provider__unit").order_by(
        Norwegian("provider__unit__name")
    )
    return (
        ChoiceService.objects.filter(scope_q(user, perm, path_field="owner_unit__path"))
        .select_related("owner_unit", "default_provider__unit")
        .prefetch_related(Prefetch("approvals", queryset=approvals))
        .order_by(Norwegian("name"))
    )


def providers_for(*, user: Any, perm: Perm) -> QuerySet[Provider]:
    """Return the providers on whose unit ``user`` holds ``perm``."""
    return (
        Provider.objects.filter(scope_q(user, perm, path_field="unit__path"))
        .select_related("unit")
        .prefetch_related(Prefetch("approvals", queryset=Approval.objects.select_related("service")))
        .order_by(Norwegian("unit__name"))
    )


def approvals_of(*, service: ChoiceService) -> list[Approval]:
    """Return the service's approvals with their providers, by provider name."""
    return list(
        Approval.objects.filter(
            co_located("provider", "provider__unit"), municipality_id=service.municipality_id, service=service
        )
        .select_related("provider", "provider__unit")
        .order_by(Norwegian("provider__unit__name"))
    )


def choosable_providers(*, service: ChoiceService, day: date, district: str = "") -> list[Provider]:
    """Return the providers a client of ``service`` in ``district`` may choose on ``day``."""
    return [
        a.provider
        for a in approvals_of(service=service)
        if a.status_on(day) is ApprovalStatus.APPROVED and a.serves(district)
    ]


def client_history(*, client: Client) -> list[Assignment]:
    """Return the client's periods with providers, oldest first."""
    return list(client.assignments.select_related("provider", "provider__unit").order_by("starts_on", "id"))


def client_switches(*, client: Client) -> list[Switch]:
    """Return the client's switches (cancelled ones too), newest first."""
    return list(client.switches.select_related("from_provider__unit", "to_provider__unit"))


@dataclass(frozen=True)
class ClientRow:
    """A client in a case handler's list: where they stand today."""

    client: Client
    provider: Provider | None  # the provider today (None: none yet)
    next_provider: Provider | None  # announced, from ``next_from``
    next_from: date | None
    awaiting_choice: bool
    default_due: bool  # the time to choose is over and no provider was given


def client_rows(*, service: ChoiceService, today: date, query: str = "", status: str = "") -> list[ClientRow]:
    """Return the service's clients with today's provider, in alias order (two queries)."""
    clients = Client.objects.filter(municipality_id=service.municipality_id, service=service)
    if query.strip():
        clients = clients.filter(alias__icontains=query.strip())
    clients = clients.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("provider", "provider__unit").order_by(
                "starts_on", "id"
            ),
        )
    ).order_by(Norwegian("alias"))
    rows = []
    for client in clients:
        periods = list(client.assignments.all())
        now = next((a for a in periods if a.period.covers(today)), None)
        upcoming = next((a for a in periods if a.starts_on > today), None)
        waiting = not periods and client.ended_on is None
        row = ClientRow(
            client,
            now.provider if now else None,
            upcoming.provider if upcoming else None,
            upcoming.starts_on if upcoming else None,
            waiting and today <= client.choice_deadline,
            waiting and today > client.choice_deadline,
        )
        if status == "awaiting" and not row.awaiting_choice:
            continue
        if status == "default_due" and not row.default_due:
            continue
        if status == "ended" and client.ended_on is None:
            continue
        rows.append(row)
    return rows


@dataclass(frozen=True)
class ProviderClient:
    """A client in a provider's own list: the alias and the dates, nothing more."""

    alias: str
    service: str
    starts_on: date
    ends_on: date | None


def provider_clients(*, provider: Provider, today: date) -> list[ProviderClient]:
    """Return the provider's clients on ``today``: only those whose first day has come.

    A client announced for a later date is not listed yet (the e-mail told the provider), and a
    client whose last day has passed is no longer listed.
    """
    rows = (
        Assignment.objects.filter(provider=provider, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("client", "client__service")
        .order_by(Norwegian("client__alias"))
    )
    return [ProviderClient(a.client.alias, a.client.service.name, a.starts_on, a.ends_on) for a in rows]


@dataclass(frozen=True)
class ProviderOverview:
    """What a provider's staff see first: clients today, who comes and who leaves soon."""

    provider: Provider
    clients: int
    arriving: int  # announced, first day within ``within_days``
    leaving: int  # last day within ``within_days``


def provider_overview(*, provider: Provider, today: date, within_days: int = 30) -> ProviderOverview:
    """Return the provider's client counts for its staff's home page (one query).

    Counts only: who the clients are stays on the client list, which shows a client from the
    first day with the provider (``provider_clients``).
    """
    soon = today + timedelta(days=within_days)
    current = Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    counts = Assignment.objects.filter(provider=provider).aggregate(
        clients=Count("pk", filter=current),
        arriving=Count("pk", filter=Q(starts_on__gt=today, starts_on__lte=soon)),
        leaving=Count("pk", filter=current & Q(ends_on__isnull=False, ends_on__lte=soon)),
    )
    return ProviderOverview(provider, counts["clients"], counts["arriving"], counts["leaving"])


def requests_for(*, user: Any, status: str = RequestStatus.NEW) -> QuerySet[OnlineRequest]:
    """Return online requests to the services ``user`` handles, newest first."""
    return (
        OnlineRequest.objects.filter(scope_q(user, Perm.CHOICE_CASES, path_field="service__owner_unit__path"))
        .filter(status=status)
        .select_related("service", "provider__unit", "client")
        .order_by("-received_at", "-id")
    )


def match_candidates(*, request: OnlineRequest, query: str = "") -> list[Client]:
    """Return clients of the request's service a case handler may match it to (search by alias)."""
    clients = Client.objects.filter(service=request.service, ended_on__isnull=True)
    if query.strip():
        clients = clients.filter(alias__icontains=query.strip())
    return list(clients.order_by("-decision_on", Norwegian("alias"))[:50])


def latest_continuity(*, providers: list[Provider]) -> dict[int, ContinuityReport]:
    """Return each provider's latest continuity report (by period end)."""
    latest: dict[int, ContinuityReport] = {}
    for report in ContinuityReport.objects.filter(provider__in=providers).order_by(
        "provider_id", "-period_end"
    ):
        latest.setdefault(report.provider_id, report)
    return latest


def continuity_reports(*, provider: Provider) -> list[ContinuityReport]:
    """Return the provider's continuity reports, latest period first."""
    return list(provider.continuity_reports.all())


def service_counts(*, services: list[ChoiceService], today: date) -> dict[int, dict[str, int]]:
    """Return per service: clients with a provider today, awaiting a choice, due the default, new requests."""
    out: dict[int, dict[str, int]] = {
        s.pk: {"current": 0, "awaiting": 0, "due": 0, "requests": 0} for s in services
    }
    ids = list(out)
    current = (
        Assignment.objects.filter(client__service_id__in=ids, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values("client__service_id")
        .annotate(n=Count("client_id", distinct=True))
    )
    for with_provider in current:
        out[with_provider["client__service_id"]]["current"] = with_provider["n"]
    waiting = (
        Client.objects.filter(service_id__in=ids, ended_on__isnull=True, assignments__isnull=True)
        .values("service_id")
        .annotate(
            awaiting=Count("id", filter=Q(choice_deadline__gte=today)),
            due=Count("id", filter=Q(choice_deadline__lt=today)),
        )
    )
    for without in waiting:
        out[without["service_id"]]["awaiting"] = without["awaiting"]
        out[without["service_id"]]["due"] = without["due"]
    for new in (
        OnlineRequest.objects.filter(service_id__in=ids, status=RequestStatus.NEW)
        .values("service_id")
        .annotate(n=Count("id"))
    ):
        out[new["service_id"]]["requests"] = new["n"]
    return out


def planned_switch(*, client: Client) -> Switch | None:
    """Return the client's switch that has been registered but may still be cancelled, if any."""
    return (
        client.switches.filter(status=SwitchStatus.PLANNED, new_assignment__isnull=False)
        .order_by("-id")
        .first()
    )


# --- public ---------------------------------------------------------------------------------


def published_services(*, municipality: Any) -> list[ChoiceService]:
    """Return the municipality's services shown on the public comparison pages."""
    return list(
        ChoiceService.objects.filter(municipality=municipality, published=True).order_by(Norwegian("name"))
    )


def published_service(*, municipality: Any, service_id: Any) -> ChoiceService:
    """Return one published service of the municipality; otherwise 404."""
    service = (
        ChoiceService.objects.select_related("default_provider__unit", "owner_unit")
        .filter(municipality=municipality, published=True, pk=pk_or_404(service_id))
        .first()
    )
    if service is None:
        raise Http404
    return service


def municipality_provider(*, municipality_id: int, provider_id: Any) -> Provider | None:
    """Return the municipality's provider with this id (None: no such provider of the municipality)."""
    found = Provider.objects.filter(pk=provider_id, municipality_id=municipality_id)
    return found.select_related("unit").first()


def provider_for_unit(*, unit_id: int) -> Provider | None:
    """Return the provider a unit stands for, if any (the comparison reads survey rounds by unit)."""
    return Provider.objects.filter(unit_id=unit_id).select_related("unit").first()


# --- statistics -----------------------------------------------------------------------------

NATIONAL_LANGUAGES = frozenset({"nb", "nn", "no", "se", "sma", "smj"})
LANGUAGE_CATEGORIES = ("norwegian", "other")


def language_group(code: str) -> str:
    """Return the statistics group of a preferred language: Norwegian or Sami, another, or not stated."""
    if not code:
        return ""
    return "norwegian" if code.split("-")[0] in NATIONAL_LANGUAGES else "other"


def _background(client: Client) -> dict[str, str]:
    return {
        "immigrant_background": client.immigrant_background,
        "language": language_group(client.language),
        "age_band": client.age_band,
        "district": client.district,
    }


def statistics_reference_day(*, year: int, today: date) -> date:
    """Return the last day a year's statistics of choosing cover: 31 December of a past year, for
    the current year the last day of the last month that has ended (before 1 January when none).

    Figures of the current year up to today moved as single clients arrived: read on two days,
    the difference was one client, whose provider, active choice and background it gave (red
    team 2026-12-07). Up to the last ended month they change once a month, by a month's clients.
    """
    return min(date(year, 12, 31), today.replace(day=1) - timedelta(days=1))


def _recorded_parts(*, service: ChoiceService, year: int, reference: date, shape: Facts) -> dict[str, Part]:
    """Return the parts of a service-year as the records stand today, up to ``reference``.

    First choices: clients whose time to choose ended in the year with a provider (an active
    choice, or the default); imported clients are left out (how they came is not known). Clients
    with a provider on the reference day. Switches requested in the year (not cancelled), per
    client. Only providers approved for the service are counted.
    """
    start = date(year, 1, 1)
    mine = {"municipality_id": service.municipality_id}  # named on every table (docs/scaling.md)
    known = set(shape.providers)

    def groups(client: Client) -> tuple[str, ...]:
        background = _background(client)
        return tuple(shape.category(d, background) for d in DIMENSIONS)

    first: Counter[Item] = Counter()
    firsts = (
        Assignment.objects.filter(
            co_located("client"),
            client__service=service,
            how__in=[HowAssigned.ACTIVE_CHOICE, HowAssigned.DEFAULT],
            **mine,
        )
        .filter(client__choice_deadline__gte=start, client__choice_deadline__lte=reference)
        .select_related("client")
        .order_by("client_id", "starts_on", "id")
    )
    seen: set[int] = set()
    for a in firsts:
        if a.client_id in seen:
            continue
        seen.add(a.client_id)
        if a.provider_id in known:
            how = "active" if a.how == HowAssigned.ACTIVE_CHOICE else "default"
            first[(how, a.provider_id, *groups(a.client))] += 1
    # Each client once, with the placement that started last: two placements open on the same day
    # (a back-dated or imported history) would count one client twice, and the rule that one
    # client moves a part by at most one (statistics.changed_clients) would not hold.
    current: Counter[Item] = Counter()
    placed = (
        Assignment.objects.filter(
            co_located("client"), client__service=service, starts_on__lte=reference, **mine
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=reference))
        .select_related("client")
        .order_by("client_id", "-starts_on", "-id")
    )
    counted: set[int] = set()
    for a in placed:
        if a.client_id in counted:
            continue
        counted.add(a.client_id)
        if a.provider_id in known:
            current[(a.provider_id, *groups(a.client))] += 1
    per_client: dict[int, list[tuple[int, int, tuple[str, ...]]]] = {}
    for s in Switch.objects.filter(
        co_located("client"),
        client__service=service,
        **mine,
        status=SwitchStatus.PLANNED,
        requested_on__gte=start,
        requested_on__lte=reference,
    ):
        if s.from_provider_id in known and s.to_provider_id in known:
            per_client.setdefault(s.client_id, []).append(
                (s.from_provider_id, s.to_provider_id, tuple(sorted(s.reasons)))
            )
    switches: Counter[Item] = Counter(tuple(sorted(rows)) for rows in per_client.values())
    return {
        "first": Part(reference, first),
        "current": Part(reference, current),
        "switches": Part(reference, switches),
    }


@dataclass(frozen=True)
class PublishedFacts:
    """A service-year's facts as published: the last release, or nothing while no month has ended."""

    facts: Facts
    reference_day: date
    published_at: datetime | None  # None: nothing of the year is published yet
    days: dict[str, date]  # per part, the day its figures go up to


def statistics_release(*, service: ChoiceService, year: int, today: date) -> PublishedFacts:
    """Return a service-year's figures as published, publishing them when they may move.

    Read from the records as they are today, the figures of an ended year or month moved by
    exactly one client when a case handler registered a client late, cancelled a switch asked
    for then or ended a client back in time: read before and after, the difference gave that
    client's provider, active choice, background or reasons (red team 4). So the figures first
    shown are kept (``StatisticsRelease``), and a part of them is published again only when at
    least the threshold's number of clients have changed in it, against every earlier release,
    and no part can be subtracted from another to leave fewer (``statistics.release_parts``):
    a late entry or correction then shows, together with enough others, in the next release.
    The reference day is ``statistics_reference_day``.
    """
    start = date(year, 1, 1)
    reference = statistics_reference_day(year=year, today=today)
    mine = {"municipality_id": service.municipality_id}
    shape = Facts(
        providers=tuple(
            Approval.objects.filter(co_located("provider", "provider__unit"), service=service, **mine)
            .order_by(Norwegian("provider__unit__name"))
            .values_list("provider_id", flat=True)
        ),
        categories={
            "immigrant_background": IMMIGRANT_BACKGROUND.keys(),
            "language": LANGUAGE_CATEGORIES,
            "age_band": AGE_BAND.keys(),
            "district": tuple(district_codes(service.municipality_id)),
        },
        reasons=tuple(SwitchReason.values),
    )
    if reference < start:  # no month of the year has ended: nothing to publish
        return PublishedFacts(shape, reference, None, dict.fromkeys(PARTS, reference))
    releases = StatisticsRelease.objects.filter(service=service, year=year, **mine).order_by("revision")
    earlier = list(releases)  # a few a year: one a month at the most, and corrections
    latest = earlier[-1] if earlier else None
    published = None if latest is None else parts_from_json(latest.parts)
    if latest is None or latest.reference_day <= reference:  # (never an earlier day again)
        recorded = _recorded_parts(service=service, year=year, reference=reference, shape=shape)
        threshold = service.owner_unit.municipality.anonymity_threshold
        parts = release_parts([parts_from_json(r.parts) for r in earlier], recorded, threshold)
        if parts != published:
            try:
                with transaction.atomic():
                    latest = StatisticsRelease.objects.create(
                        service=service,
                        year=year,
                        revision=1 if latest is None else latest.revision + 1,
                        reference_day=reference,
                        parts=parts_to_json(parts),
                        **mine,
                    )
            except IntegrityError:  # another request published first: show what it published
                latest = releases.last()
            assert latest is not None
            published = parts_from_json(latest.parts)
    assert latest is not None and published is not None
    return PublishedFacts(
        facts_of(shape, published),
        latest.reference_day,
        latest.published_at,
        {name: part.day for name, part in published.items()},
    )


def statistics_facts(*, service: ChoiceService, year: int, today: date) -> tuple[Facts, date]:
    """Return the facts of one service-year as published and their reference day (``statistics_release``)."""
    release = statistics_release(service=service, year=year, today=today)
    return release.facts, release.reference_day


def statistics_decision(*, service: ChoiceService, facts: Facts) -> SuppressedTable:
    """Return the suppression decision of the facts (kept per process under a digest of the facts)."""
    threshold = service.owner_unit.municipality.anonymity_threshold
    key = f"mv-choice-stats:{service.pk}:{threshold}:{facts.digest()}"
    decision = cache.get(key)
    if decision is None:
        decision = decide(facts, threshold)
        cache.set(key, decision, 60 * 60 * 24)
    return decision


def has_room(*, approval: Approval, day: date) -> bool:
    """Return whether the provider takes new clients of the service on ``day`` (capacity not reached)."""
    if approval.capacity is None:
        return True
    taken = (
        Assignment.objects.filter(provider_id=approval.provider_id)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values("client_id")
        .distinct()
        .count()
    )
    return taken < approval.capacity


__all__ = [
    "DIMENSIONS",
    "PARTS",
    "ChoiceStatistics",
    "ClientRow",
    "Labels",
    "ProviderClient",
    "PublishedFacts",
    "access_client_by_id",
    "access_provider_by_id",
    "access_request_by_id",
    "access_service_by_id",
    "access_switch_by_id",
    "approvals_of",
    "choosable_providers",
    "client_history",
    "client_rows",
    "client_switches",
    "continuity_reports",
    "district_codes",
    "has_room",
    "language_group",
    "latest_continuity",
    "match_candidates",
    "planned_switch",
    "provider_clients",
    "provider_for_unit",
    "providers_for",
    "published_service",
    "published_services",
    "requests_for",
    "service_counts",
    "services_for",
    "statistics_decision",
    "statistics_facts",
    "statistics_reference_day",
    "statistics_release",
    "switch_key",
]
