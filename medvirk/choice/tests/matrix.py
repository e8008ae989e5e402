"""Permission-matrix cases of free choice of provider (collected by tests/test_permission_matrix.py).

Targets: ``own`` = the home-care service of Eksempel kommune, its provider Omsorg Pluss (whose
staff member ``leverandor.omsorgpluss`` is) and a client of it; ``sibling`` = another provider
of the same service (Trygg Hverdag), for provider pages; ``foreign`` = the same in Prøvestad
kommune (made on first use). The service and its providers sit below Helse- og omsorgsetaten,
where the case handler ``saksbehandler`` holds her role.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from medvirk.accounts.demo import DemoData
from medvirk.choice import services
from medvirk.choice.demo import MUNICIPAL, PRIVATE_A, PRIVATE_B, SERVICE_NAME
from medvirk.choice.models import ChoiceService, Client, OnlineRequest, Provider, Switch
from medvirk.choice.services import ProviderData, RequestData
from medvirk.core.actors import SystemActor
from tests.matrix_support import ACTORS, ONCE, api, in_, page, pk, post

SERVICE_TARGETS = ("own", "foreign")
PROVIDER_TARGETS = ("own", "sibling", "foreign")
SYSTEM = SystemActor("permission matrix set-up")

# Who holds each capability on which target (hand-written, not derived from ``can()``).
SETUP: dict[str | None, set[str]] = {
    "admin": {"own", "sibling"},
    "analytiker": {"own", "sibling"},
    "saksbehandler": {"own", "sibling"},
    "provestad.admin": {"foreign"},
}
CASES_: dict[str | None, set[str]] = {
    "admin": {"own"},
    "saksbehandler": {"own"},
    "provestad.admin": {"foreign"},
}
CLIENTS: dict[str | None, set[str]] = {
    "admin": {"own", "sibling"},
    "leverandor.omsorgpluss": {"own"},
    "provestad.admin": {"foreign"},
}
STATS: dict[str | None, set[str]] = {
    "admin": {"own"},
    "analytiker": {"own"},
    "lesetilgang": {"own"},
    "provestad.admin": {"foreign"},
}
# Reading a provider: whoever keeps it, or its own staff.
PROVIDER_READ = {a: SETUP.get(a, set()) | CLIENTS.get(a, set()) for a in ACTORS}
# The service's page: whoever sets it up or handles its clients.
SERVICE_PAGE = {a: SETUP.get(a, set()) | CASES_.get(a, set()) for a in ACTORS}
# Reading a service through the API: also whoever reads its statistics.
SERVICE_READ = {a: SETUP.get(a, set()) | CASES_.get(a, set()) | STATS.get(a, set()) for a in ACTORS}


def _foreign_service(d: DemoData) -> ChoiceService:
    found = ChoiceService.objects.filter(municipality=d.other).first()
    if found is not None:
        return found
    root = d.other_units[""]
    service = services.service_create(
        actor=SYSTEM, owner_unit=root, name="Praktisk bistand", kind="practical_help"
    )
    provider = services.provider_register(
        actor=SYSTEM,
        data=ProviderData(
            name="Prøve Omsorg AS", kind="private", org_number="921000049", contact_email="p@x.example"
        ),
        parent=root,
    )
    services.approval_save(actor=SYSTEM, provider=provider, service=service, approved_from=date(2024, 1, 1))
    services.service_update(actor=SYSTEM, service=service, default_provider=provider)
    return service


def service_for(d: DemoData, t: str) -> ChoiceService:
    if t == "foreign":
        return _foreign_service(d)
    return ChoiceService.objects.get(municipality=d.municipality, name=SERVICE_NAME)


def same_side_service(d: DemoData, t: str) -> ChoiceService:
    """The service of the target provider's municipality."""
    return service_for(d, "foreign" if t == "foreign" else "own")


def provider_for(d: DemoData, t: str) -> Provider:
    if t == "foreign":
        return service_for(d, t).approvals.select_related("provider").order_by("pk")[0].provider
    return Provider.objects.get(
        municipality=d.municipality, unit__name=PRIVATE_A if t == "own" else PRIVATE_B
    )


def client_for(d: DemoData, t: str) -> Client:
    """A client with a provider since the decision (an active choice)."""
    service = service_for(d, t)
    client = services.client_register(
        actor=SYSTEM, service=service, alias=f"M-{t}", decision_on=date(2026, 1, 5)
    )
    provider = service.approvals.select_related("provider").order_by("provider__unit__name")[0].provider
    if t != "foreign":
        provider = Provider.objects.get(municipality=d.municipality, unit__name=MUNICIPAL)
    services.choice_record(actor=SYSTEM, client=client, provider=provider, chosen_on=date(2026, 1, 6))
    return client


def waiting_client_for(d: DemoData, t: str) -> Client:
    """A client whose time to choose ended long ago without a choice."""
    return services.client_register(
        actor=SYSTEM, service=service_for(d, t), alias=f"W-{t}", decision_on=date(2025, 1, 5)
    )


def new_client_for(d: DemoData, t: str) -> Client:
    """A client decided today, still choosing."""
    return services.client_register(
        actor=SYSTEM, service=service_for(d, t), alias=f"N-{t}", decision_on=date.today()
    )


def _choice_form(d: DemoData, t: str) -> dict[str, Any]:
    return {"provider": provider_for(d, t).pk, "chosen_on": date.today().isoformat(), "channel": "phone"}


def _switch_form(d: DemoData, t: str) -> dict[str, Any]:
    provider = provider_for(d, "sibling" if t != "foreign" else t)
    if t == "foreign":
        provider = switch_target(d)
    return {
        "to_provider": provider.pk,
        "requested_on": "2026-06-01",
        "channel": "phone",
        "reasons": ["other"],
    }


def switch_target(d: DemoData) -> Provider:
    """Prøvestad's second provider (made on first use), so a switch there has somewhere to go."""
    service = service_for(d, "foreign")
    found = Provider.objects.filter(municipality=d.other, org_number="921000057").first()
    if found is not None:
        return found
    other = services.provider_register(
        actor=SYSTEM,
        data=ProviderData(
            name="Prøve Hjem AS", kind="private", org_number="921000057", contact_email="q@x.example"
        ),
        parent=d.other_units[""],
    )
    services.approval_save(actor=SYSTEM, provider=other, service=service, approved_from=date(2024, 1, 1))
    return other


def switch_for(d: DemoData, t: str) -> Switch:
    client = client_for(d, t)
    other = switch_target(d) if t == "foreign" else provider_for(d, "own")
    return services.switch_register(
        actor=SYSTEM, client=client, to_provider=other, requested_on=date.today(), reasons=["other"]
    )


def request_for(d: DemoData, t: str) -> OnlineRequest:
    """A request for a provider the target's client does not have (Prøvestad: the one it has)."""
    service = service_for(d, t)
    provider = provider_for(d, "sibling") if t != "foreign" else provider_for(d, t)
    return services.online_request_submit(
        actor=SYSTEM,
        service=service,
        data=RequestData(kind="choice", provider_id=provider.pk, client_name="Matrise", phone="91234567"),
    )


# Who holds each capability on some unit (pages that list what the caller may reach). The
# analyst of Bydel Nord may set choice up there, and read statistics there, but reaches nothing
# of the demo's service (it belongs to Helse- og omsorgsetaten).
HOLDS = {
    "setup": {"admin", "analytiker", "analytiker.nord", "saksbehandler", "provestad.admin"},
    "cases": {"admin", "saksbehandler", "provestad.admin"},
    "clients": {"admin", "leverandor.omsorgpluss", "provestad.admin"},
    "stats": {"admin", "analytiker", "analytiker.nord", "lesetilgang", "provestad.admin"},
}


def anywhere(*capabilities: str) -> Any:
    return lambda actor, target: any(actor in HOLDS[c] for c in capabilities)


S = pk(service_for)


P = pk(provider_for)


def _municipality(d: DemoData, t: str) -> str:
    return (d.other if t == "foreign" else d.municipality).slug


def _pk(make: Any) -> Any:
    return lambda d, t: make(d, t).pk


SERVICES, PROVIDERS = SERVICE_TARGETS, PROVIDER_TARGETS
OWN_ONLY = lambda a, t: t == "own"  # noqa: E731 - public pages of Eksempel's published service
CASES = [
    page("choice:home", "/choice/", anywhere("setup", "cases"), ONCE),
    page("choice:service_create", "/choice/services/new/", anywhere("setup"), ONCE),
    page("choice:provider_list", "/choice/providers/", anywhere("setup"), ONCE),
    page("choice:provider_create", "/choice/providers/new/", anywhere("setup"), ONCE),
    page("choice:my_providers", "/choice/mine/", anywhere("clients"), ONCE),
    page("choice:request_list", "/choice/requests/", anywhere("cases"), ONCE),
    page("choice:service_detail", "/choice/services/{s}/", in_(SERVICE_PAGE), SERVICES, s=S),
    page("choice:service_edit", "/choice/services/{s}/edit/", in_(SETUP), SERVICES, s=S),
    post("choice:defaults_apply", "/choice/services/{s}/defaults/", in_(CASES_), SERVICES, s=S),
    page("choice:client_create", "/choice/services/{s}/clients/new/", in_(CASES_), SERVICES, s=S),
    page("choice:import", "/choice/services/{s}/import/", in_(CASES_), SERVICES, s=S),
    page("choice:provider_detail", "/choice/providers/{p}/", in_(PROVIDER_READ), PROVIDERS, p=P),
    page("choice:provider_edit", "/choice/providers/{p}/edit/", in_(SETUP), PROVIDERS, p=P),
    page(
        "choice:approval_edit",
        "/choice/providers/{p}/approval/{s}/",
        in_(SETUP),
        PROVIDERS,
        p=P,
        s=_pk(same_side_service),
    ),
    page("choice:continuity", "/choice/providers/{p}/continuity/", in_(PROVIDER_READ), PROVIDERS, p=P),
    page("choice:provider_clients", "/choice/providers/{p}/clients/", in_(CLIENTS), PROVIDERS, p=P),
    page("choice:client_detail", "/choice/clients/{c}/", in_(CASES_), SERVICES, c=_pk(client_for)),
    post(
        "choice:client_choose",
        "/choice/clients/{c}/choose/",
        in_(CASES_),
        SERVICES,
        data=_choice_form,
        c=_pk(new_client_for),
    ),
    post(
        "choice:client_default",
        "/choice/clients/{c}/default/",
        in_(CASES_),
        SERVICES,
        c=_pk(waiting_client_for),
    ),
    post(
        "choice:client_switch",
        "/choice/clients/{c}/switch/",
        in_(CASES_),
        SERVICES,
        data=_switch_form,
        c=_pk(client_for),
    ),
    post(
        "choice:client_end",
        "/choice/clients/{c}/end/",
        in_(CASES_),
        SERVICES,
        data=lambda d, t: {"last_day": "2026-06-30"},
        c=_pk(client_for),
    ),
    post("choice:switch_cancel", "/choice/switches/{w}/cancel/", in_(CASES_), SERVICES, w=_pk(switch_for)),
    page("choice:request_detail", "/choice/requests/{r}/", in_(CASES_), SERVICES, r=_pk(request_for)),
    page("choice_stats:index", "/choice/statistics/", anywhere("stats"), ONCE),
    page("choice_stats:service", "/choice/statistics/{s}/", in_(STATS), SERVICES, s=S),
    post(
        "choice_stats:finding",
        "/choice/statistics/{s}/finding/",
        in_(STATS),
        SERVICES,
        data=lambda d, t: {"reason": "other"},
        s=S,
    ),
    # The public pages: anyone, for a published service of that municipality only.
    page("choice_public:index", "/valg/{m}/", lambda a, t: True, SERVICES, public=True, m=_municipality),
    page("choice_public:compare", "/valg/eksempel/{s}/", OWN_ONLY, SERVICES, public=True, s=S),
    page("choice_public:form", "/valg/eksempel/{s}/form/", OWN_ONLY, SERVICES, public=True, s=S),
    page("choice_public:request", "/valg/eksempel/{s}/request/", OWN_ONLY, SERVICES, public=True, s=S),
    page("choice_public:thanks", "/valg/eksempel/{s}/request/thanks/", OWN_ONLY, SERVICES, public=True, s=S),
]


def _service_body(d: DemoData, t: str) -> dict[str, Any]:
    unit = service_for(d, t).owner_unit
    return {"owner_unit_id": unit.pk, "name": f"Matrisetjeneste {t}", "kind": "meals"}


def _provider_body(d: DemoData, t: str) -> dict[str, Any]:
    return {
        "parent_id": service_for(d, "foreign" if t == "foreign" else "own").owner_unit_id,
        "name": f"Matrise AS {t}",
        "kind": "private",
        "org_number": "921000065" if t == "own" else "921000073",
        "contact_email": "m@x.example",
    }


def _provider_patch(d: DemoData, t: str) -> dict[str, Any]:
    provider = provider_for(d, t)
    return {
        "name": provider.name,
        "kind": provider.kind,
        "org_number": provider.org_number,
        "contact_email": "ny@x.example",
    }


def _import_body(d: DemoData, t: str) -> dict[str, Any]:
    return {"csv": f"alias;leverandør;fra\nI-1;{provider_for(d, t).org_number};01.02.2026\n"}


A = "/api/v1/choice"
API_CASES = [
    api(f"GET {A}/services", anywhere("setup", "cases", "stats"), ONCE),
    api(f"POST {A}/services", in_(SETUP), SERVICES, _service_body),
    api(f"GET {A}/services/{{service_id}}", in_(SERVICE_READ), SERVICES, service_id=S),
    api(
        f"PATCH {A}/services/{{service_id}}",
        in_(SETUP),
        SERVICES,
        lambda d, t: {"notice_days": 12},
        service_id=S,
    ),
    api(f"GET {A}/providers", anywhere("setup"), ONCE),
    api(f"POST {A}/providers", in_(SETUP), SERVICES, _provider_body),
    api(f"GET {A}/providers/{{provider_id}}", in_(PROVIDER_READ), PROVIDERS, provider_id=P),
    api(f"PATCH {A}/providers/{{provider_id}}", in_(SETUP), PROVIDERS, _provider_patch, provider_id=P),
    api(
        f"PUT {A}/providers/{{provider_id}}/approvals/{{service_id}}",
        in_(SETUP),
        PROVIDERS,
        lambda d, t: {"approved_from": "2024-01-01"},
        provider_id=P,
        service_id=_pk(same_side_service),
    ),
    api(
        f"POST {A}/providers/{{provider_id}}/continuity",
        in_(PROVIDER_READ),
        PROVIDERS,
        lambda d, t: {"period_start": "2026-11-01", "period_end": "2026-11-28", "staff_per_client": 7.5},
        provider_id=P,
    ),
    api(f"GET {A}/providers/{{provider_id}}/clients", in_(CLIENTS), PROVIDERS, provider_id=P),
    api(f"GET {A}/services/{{service_id}}/clients", in_(CASES_), SERVICES, service_id=S),
    api(
        f"POST {A}/services/{{service_id}}/clients",
        in_(CASES_),
        SERVICES,
        lambda d, t: {"alias": "M-api", "decision_on": "2026-03-01"},
        service_id=S,
    ),
    api(f"GET {A}/clients/{{client_id}}", in_(CASES_), SERVICES, client_id=_pk(client_for)),
    api(
        f"POST {A}/clients/{{client_id}}/choice",
        in_(CASES_),
        SERVICES,
        lambda d, t: {"provider_id": provider_for(d, t).pk, "chosen_on": "2025-01-06"},
        client_id=_pk(waiting_client_for),
    ),
    api(f"POST {A}/clients/{{client_id}}/default", in_(CASES_), SERVICES, client_id=_pk(waiting_client_for)),
    api(
        f"POST {A}/clients/{{client_id}}/switches",
        in_(CASES_),
        SERVICES,
        lambda d, t: {"to_provider_id": provider_for(d, t).pk, "requested_on": "2026-06-01"},
        refused=lambda a, t: t == "foreign",  # Prøvestad's client already has its one provider
        client_id=_pk(client_for),
    ),
    api(f"POST {A}/switches/{{switch_id}}/cancel", in_(CASES_), SERVICES, switch_id=_pk(switch_for)),
    api(
        f"POST {A}/clients/{{client_id}}/end",
        in_(CASES_),
        SERVICES,
        lambda d, t: {"last_day": "2026-06-30"},
        client_id=_pk(client_for),
    ),
    api(f"GET {A}/requests", anywhere("cases"), ONCE),
    api(
        f"POST {A}/requests/{{request_id}}/match",
        in_(CASES_),
        SERVICES,
        lambda d, t: {"client_id": client_for(d, t).pk},
        refused=lambda a, t: t == "foreign",  # the client already has the one provider it asks for
        request_id=_pk(request_for),
    ),
    api(
        f"POST {A}/requests/{{request_id}}/close",
        in_(CASES_),
        SERVICES,
        lambda d, t: {"note": "Test"},
        request_id=_pk(request_for),
    ),
    api(f"POST {A}/services/{{service_id}}/import", in_(CASES_), SERVICES, _import_body, service_id=S),
    api(f"GET {A}/services/{{service_id}}/statistics", in_(STATS), SERVICES, service_id=S),
]

CASES = CASES + API_CASES
