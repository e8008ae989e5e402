"""Permission-matrix cases of free choice of provider (collected by tests/test_permission_matrix.py).

Targets: ``own`` = the home-care service of Eksempel kommune, its provider Omsorg Pluss (whose
staff member ``leverandor.omsorgpluss`` is) and a client of it; ``sibling`` = another provider
of the same service (Trygg Hverdag), for provider pages; ``foreign`` = the same in Prøvestad
kommune (made on first use). The service and its providers sit below Helse- og omsorgsetaten,
where the case handler ``saksbehandler`` holds her role.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.test import Client as HttpClient

from medvirk.accounts.demo import DemoData
from medvirk.choice import services
from medvirk.choice.demo import MUNICIPAL, PRIVATE_A, PRIVATE_B, SERVICE_NAME
from medvirk.choice.models import ChoiceService, Client, OnlineRequest, Provider, Switch
from medvirk.choice.services import ProviderData, RequestData
from medvirk.core.actors import SystemActor
from tests.matrix_support import ACTORS, Case, in_

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


def _get(path: Any) -> Any:
    return lambda c, d, t: c.get(path(d, t))


def _post(path: Any, data: Any = None) -> Any:
    return lambda c, d, t: c.post(path(d, t), data(d, t) if data else {})


def _api(method: str, path: Any, body: Any = None) -> Any:
    def call(c: HttpClient, d: DemoData, t: str) -> Any:
        payload = json.dumps(body(d, t)) if body else None
        return getattr(c, method.lower())(path(d, t), data=payload, content_type="application/json")

    return call


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


def case(
    key: str, call: Any, allowed: Any, targets: tuple[str, ...] | None = SERVICE_TARGETS, **kw: Any
) -> Case:
    per_target = targets is not None
    return Case(
        key,
        call,
        allowed,
        per_target=per_target,
        targets=targets if per_target else None,
        **kw,
    )


S = lambda d, t: service_for(d, t).pk  # noqa: E731 - short path helpers read best inline
P = lambda d, t: provider_for(d, t).pk  # noqa: E731

CASES = [
    case("choice:home", _get(lambda d, t: "/choice/"), anywhere("setup", "cases"), None),
    case("choice:service_create", _get(lambda d, t: "/choice/services/new/"), anywhere("setup"), None),
    case("choice:provider_list", _get(lambda d, t: "/choice/providers/"), anywhere("setup"), None),
    case("choice:provider_create", _get(lambda d, t: "/choice/providers/new/"), anywhere("setup"), None),
    case("choice:my_providers", _get(lambda d, t: "/choice/mine/"), anywhere("clients"), None),
    case("choice:request_list", _get(lambda d, t: "/choice/requests/"), anywhere("cases"), None),
    case("choice:service_detail", _get(lambda d, t: f"/choice/services/{S(d, t)}/"), in_(SERVICE_PAGE)),
    case("choice:service_edit", _get(lambda d, t: f"/choice/services/{S(d, t)}/edit/"), in_(SETUP)),
    case("choice:defaults_apply", _post(lambda d, t: f"/choice/services/{S(d, t)}/defaults/"), in_(CASES_)),
    case("choice:client_create", _get(lambda d, t: f"/choice/services/{S(d, t)}/clients/new/"), in_(CASES_)),
    case("choice:import", _get(lambda d, t: f"/choice/services/{S(d, t)}/import/"), in_(CASES_)),
    case(
        "choice:provider_detail",
        _get(lambda d, t: f"/choice/providers/{P(d, t)}/"),
        in_(PROVIDER_READ),
        PROVIDER_TARGETS,
    ),
    case(
        "choice:provider_edit",
        _get(lambda d, t: f"/choice/providers/{P(d, t)}/edit/"),
        in_(SETUP),
        PROVIDER_TARGETS,
    ),
    case(
        "choice:approval_edit",
        _get(lambda d, t: f"/choice/providers/{P(d, t)}/approval/{same_side_service(d, t).pk}/"),
        in_(SETUP),
        PROVIDER_TARGETS,
    ),
    case(
        "choice:continuity",
        _get(lambda d, t: f"/choice/providers/{P(d, t)}/continuity/"),
        in_(PROVIDER_READ),
        PROVIDER_TARGETS,
    ),
    case(
        "choice:provider_clients",
        _get(lambda d, t: f"/choice/providers/{P(d, t)}/clients/"),
        in_(CLIENTS),
        PROVIDER_TARGETS,
    ),
    case("choice:client_detail", _get(lambda d, t: f"/choice/clients/{client_for(d, t).pk}/"), in_(CASES_)),
    case(
        "choice:client_choose",
        _post(lambda d, t: f"/choice/clients/{new_client_for(d, t).pk}/choose/", _choice_form),
        in_(CASES_),
    ),
    case(
        "choice:client_default",
        _post(lambda d, t: f"/choice/clients/{waiting_client_for(d, t).pk}/default/"),
        in_(CASES_),
    ),
    case(
        "choice:client_switch",
        _post(lambda d, t: f"/choice/clients/{client_for(d, t).pk}/switch/", _switch_form),
        in_(CASES_),
    ),
    case(
        "choice:client_end",
        _post(
            lambda d, t: f"/choice/clients/{client_for(d, t).pk}/end/",
            lambda d, t: {"last_day": "2026-06-30"},
        ),
        in_(CASES_),
    ),
    case(
        "choice:switch_cancel",
        _post(lambda d, t: f"/choice/switches/{switch_for(d, t).pk}/cancel/"),
        in_(CASES_),
    ),
    case(
        "choice:request_detail", _get(lambda d, t: f"/choice/requests/{request_for(d, t).pk}/"), in_(CASES_)
    ),
    case("choice_stats:index", _get(lambda d, t: "/choice/statistics/"), anywhere("stats"), None),
    case("choice_stats:service", _get(lambda d, t: f"/choice/statistics/{S(d, t)}/"), in_(STATS)),
    case(
        "choice_stats:finding",
        _post(lambda d, t: f"/choice/statistics/{S(d, t)}/finding/", lambda d, t: {"reason": "other"}),
        in_(STATS),
    ),
    # The public pages: anyone, for a published service of that municipality only.
    case(
        "choice_public:index",
        _get(lambda d, t: f"/valg/{(d.other if t == 'foreign' else d.municipality).slug}/"),
        lambda a, t: True,
        public=True,
    ),
    case(
        "choice_public:compare",
        _get(lambda d, t: f"/valg/eksempel/{S(d, t)}/"),
        lambda a, t: t == "own",
        public=True,
    ),
    case(
        "choice_public:form",
        _get(lambda d, t: f"/valg/eksempel/{S(d, t)}/form/"),
        lambda a, t: t == "own",
        public=True,
    ),
    case(
        "choice_public:request",
        _get(lambda d, t: f"/valg/eksempel/{S(d, t)}/request/"),
        lambda a, t: t == "own",
        public=True,
    ),
    case(
        "choice_public:thanks",
        _get(lambda d, t: f"/valg/eksempel/{S(d, t)}/request/thanks/"),
        lambda a, t: t == "own",
        public=True,
    ),
]

API = "/api/v1/choice"


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


API_CASES = [
    case(
        f"api:GET {API}/services",
        _api("GET", lambda d, t: f"{API}/services"),
        anywhere("setup", "cases", "stats"),
        None,
        api=True,
    ),
    case(
        f"api:POST {API}/services",
        _api("POST", lambda d, t: f"{API}/services", _service_body),
        in_(SETUP),
        api=True,
    ),
    case(
        f"api:GET {API}/services/{{service_id}}",
        _api("GET", lambda d, t: f"{API}/services/{S(d, t)}"),
        in_(SERVICE_READ),
        api=True,
    ),
    case(
        f"api:PATCH {API}/services/{{service_id}}",
        _api("PATCH", lambda d, t: f"{API}/services/{S(d, t)}", lambda d, t: {"notice_days": 12}),
        in_(SETUP),
        api=True,
    ),
    case(
        f"api:GET {API}/providers",
        _api("GET", lambda d, t: f"{API}/providers"),
        anywhere("setup"),
        None,
        api=True,
    ),
    case(
        f"api:POST {API}/providers",
        _api("POST", lambda d, t: f"{API}/providers", _provider_body),
        in_(SETUP),
        api=True,
    ),
    case(
        f"api:GET {API}/providers/{{provider_id}}",
        _api("GET", lambda d, t: f"{API}/providers/{P(d, t)}"),
        in_(PROVIDER_READ),
        PROVIDER_TARGETS,
        api=True,
    ),
    case(
        f"api:PATCH {API}/providers/{{provider_id}}",
        _api(
            "PATCH",
            lambda d, t: f"{API}/providers/{P(d, t)}",
            lambda d, t: {
                "name": provider_for(d, t).name,
                "kind": provider_for(d, t).kind,
                "org_number": provider_for(d, t).org_number,
                "contact_email": "ny@x.example",
            },
        ),
        in_(SETUP),
        PROVIDER_TARGETS,
        api=True,
    ),
    case(
        f"api:PUT {API}/providers/{{provider_id}}/approvals/{{service_id}}",
        _api(
            "PUT",
            lambda d, t: f"{API}/providers/{P(d, t)}/approvals/{same_side_service(d, t).pk}",
            lambda d, t: {"approved_from": "2024-01-01"},
        ),
        in_(SETUP),
        PROVIDER_TARGETS,
        api=True,
    ),
    case(
        f"api:POST {API}/providers/{{provider_id}}/continuity",
        _api(
            "POST",
            lambda d, t: f"{API}/providers/{P(d, t)}/continuity",
            lambda d, t: {"period_start": "2026-11-01", "period_end": "2026-11-28", "staff_per_client": 7.5},
        ),
        in_(PROVIDER_READ),
        PROVIDER_TARGETS,
        api=True,
    ),
    case(
        f"api:GET {API}/providers/{{provider_id}}/clients",
        _api("GET", lambda d, t: f"{API}/providers/{P(d, t)}/clients"),
        in_(CLIENTS),
        PROVIDER_TARGETS,
        api=True,
    ),
    case(
        f"api:GET {API}/services/{{service_id}}/clients",
        _api("GET", lambda d, t: f"{API}/services/{S(d, t)}/clients"),
        in_(CASES_),
        api=True,
    ),
    case(
        f"api:POST {API}/services/{{service_id}}/clients",
        _api(
            "POST",
            lambda d, t: f"{API}/services/{S(d, t)}/clients",
            lambda d, t: {"alias": "M-api", "decision_on": "2026-03-01"},
        ),
        in_(CASES_),
        api=True,
    ),
    case(
        f"api:GET {API}/clients/{{client_id}}",
        _api("GET", lambda d, t: f"{API}/clients/{client_for(d, t).pk}"),
        in_(CASES_),
        api=True,
    ),
    case(
        f"api:POST {API}/clients/{{client_id}}/choice",
        _api(
            "POST",
            lambda d, t: f"{API}/clients/{waiting_client_for(d, t).pk}/choice",
            lambda d, t: {"provider_id": provider_for(d, t).pk, "chosen_on": "2025-01-06"},
        ),
        in_(CASES_),
        api=True,
    ),
    case(
        f"api:POST {API}/clients/{{client_id}}/default",
        _api("POST", lambda d, t: f"{API}/clients/{waiting_client_for(d, t).pk}/default"),
        in_(CASES_),
        api=True,
    ),
    case(
        f"api:POST {API}/clients/{{client_id}}/switches",
        _api(
            "POST",
            lambda d, t: f"{API}/clients/{client_for(d, t).pk}/switches",
            lambda d, t: {"to_provider_id": provider_for(d, t).pk, "requested_on": "2026-06-01"},
        ),
        in_(CASES_),
        api=True,
        refused=lambda a, t: t == "foreign",  # Prøvestad's client already has its one provider
    ),
    case(
        f"api:POST {API}/switches/{{switch_id}}/cancel",
        _api("POST", lambda d, t: f"{API}/switches/{switch_for(d, t).pk}/cancel"),
        in_(CASES_),
        api=True,
    ),
    case(
        f"api:POST {API}/clients/{{client_id}}/end",
        _api(
            "POST",
            lambda d, t: f"{API}/clients/{client_for(d, t).pk}/end",
            lambda d, t: {"last_day": "2026-06-30"},
        ),
        in_(CASES_),
        api=True,
    ),
    case(
        f"api:GET {API}/requests",
        _api("GET", lambda d, t: f"{API}/requests"),
        anywhere("cases"),
        None,
        api=True,
    ),
    case(
        f"api:POST {API}/requests/{{request_id}}/match",
        _api(
            "POST",
            lambda d, t: f"{API}/requests/{request_for(d, t).pk}/match",
            lambda d, t: {"client_id": client_for(d, t).pk},
        ),
        in_(CASES_),
        api=True,
        refused=lambda a, t: t == "foreign",  # the client already has the one provider it asks for
    ),
    case(
        f"api:POST {API}/requests/{{request_id}}/close",
        _api(
            "POST", lambda d, t: f"{API}/requests/{request_for(d, t).pk}/close", lambda d, t: {"note": "Test"}
        ),
        in_(CASES_),
        api=True,
    ),
    case(
        f"api:POST {API}/services/{{service_id}}/import",
        _api(
            "POST",
            lambda d, t: f"{API}/services/{S(d, t)}/import",
            lambda d, t: {"csv": f"alias;leverandør;fra\nI-1;{provider_for(d, t).org_number};01.02.2026\n"},
        ),
        in_(CASES_),
        api=True,
    ),
    case(
        f"api:GET {API}/services/{{service_id}}/statistics",
        _api("GET", lambda d, t: f"{API}/services/{S(d, t)}/statistics"),
        in_(STATS),
        api=True,
    ),
]

CASES = CASES + API_CASES
