"""Demo of free choice of provider in Eksempel kommune (all names and numbers fictional).

``build_choice_base`` sets up the home-care service with three providers (one municipal, the
default), a case handler and a provider's staff member: the test suite builds it once per
session next to the base demo (the permission matrix needs them). The registered seeder adds
300 clients over the last 20 months with choices, defaults and switches, continuity reports and
two yearly home-care survey rounds in the providers' units, large enough that two providers'
results are shown and one has too few answers.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from medvirk.accounts.demo import DemoData, make_demo_user
from medvirk.accounts.models import Role
from medvirk.accounts.services import role_grant
from medvirk.common.dimensions import DEMO_DISTRICTS
from medvirk.core.actors import SystemActor
from medvirk.core.demo import demo_seeder
from medvirk.core.errors import ServiceError

from . import services
from .models import ChoiceService, Client, Provider
from .selectors import choosable_providers
from .services import Background, ProviderData
from .types import Channel, ProviderKind, ServiceKind, Specialisation, SwitchReason

DEMO = SystemActor("demo data")
SERVICE_NAME = "Hjemmetjenester"
OWNER_UNIT = "Helse- og omsorgsetaten"
MUNICIPAL = "Eksempel hjemmetjeneste"
PRIVATE_A = "Omsorg Pluss AS"
PRIVATE_B = "Trygg Hverdag AS"
CASE_HANDLER = "saksbehandler"
PROVIDER_USER = "leverandor.omsorgpluss"

PROVIDERS: list[tuple[ProviderData, dict[str, Any]]] = [
    (
        ProviderData(
            name=MUNICIPAL,
            kind=ProviderKind.MUNICIPAL,
            org_number="921000006",
            contact_email="hjemmetjenesten@eksempel.example",
            languages=["nb", "en", "pl", "ar", "so"],
            specialisations=[
                Specialisation.DEMENTIA,
                Specialisation.PALLIATIVE,
                Specialisation.REHABILITATION,
            ],
            description="Kommunens egen hjemmetjeneste. Dag, kveld og natt i hele kommunen.",
            contact_name="Tildelingskontoret",
            contact_phone="+4721000000",
        ),
        {"capacity": None, "areas": [], "until": None},
    ),
    (
        ProviderData(
            name=PRIVATE_A,
            kind=ProviderKind.PRIVATE,
            org_number="921000014",
            contact_email="post@omsorgpluss.example",
            languages=["nb", "en", "ar", "ur", "fa"],
            specialisations=[Specialisation.MINORITY_LANGUAGE, Specialisation.DIABETES],
            description="Privat leverandør med ansatte som snakker arabisk, urdu og persisk.",
            contact_name="Omar Pluss",
            contact_phone="+4721000001",
            website="https://omsorgpluss.example",
        ),
        {"capacity": 140, "areas": [], "until": date(2027, 12, 31)},
    ),
    (
        ProviderData(
            name=PRIVATE_B,
            kind=ProviderKind.PRIVATE,
            org_number="921000022",
            contact_email="kontakt@trygghverdag.example",
            languages=["nb", "pl", "lt", "uk"],
            specialisations=[Specialisation.DEMENTIA],
            description="Privat leverandør med faste team på fem til seks ansatte per bruker.",
            contact_name="Tove Trygg",
            contact_phone="+4721000002",
        ),
        {"capacity": 90, "areas": ["999901", "999902", "999904"], "until": date(2027, 6, 30)},
    ),
]


@dataclass
class ChoiceDemo:
    """Handles to the demo's service and providers."""

    service: ChoiceService
    providers: dict[str, Provider] = field(default_factory=dict)


def _existing(demo: DemoData) -> ChoiceDemo | None:
    service = ChoiceService.objects.filter(municipality=demo.municipality, name=SERVICE_NAME).first()
    if service is None:
        return None
    names = [data.name for data, _approval in PROVIDERS]
    found = Provider.objects.filter(municipality=demo.municipality, unit__name__in=names).select_related(
        "unit"
    )
    return ChoiceDemo(service, {p.name: p for p in found})


@transaction.atomic
def build_choice_base(demo: DemoData) -> ChoiceDemo:
    """Create the home-care service, its three providers and the two demo users (tests use it too).

    The test suite builds it once per session with the base demo, so seeding on top of that
    (``seed_demo``'s test) finds it and builds nothing twice.
    """
    existing = _existing(demo)
    if existing is not None:
        return existing
    owner = demo.units[OWNER_UNIT]
    service = services.service_create(
        actor=DEMO,
        owner_unit=owner,
        name=SERVICE_NAME,
        kind=ServiceKind.HOME_NURSING,
        description=(
            "Hjelp hjemme: praktisk bistand (for eksempel rengjøring og innkjøp) og hjemmesykepleie. "
            "Du velger selv hvem som skal gi deg hjelpen."
        ),
        notice_days=10,
        choice_days=14,
        phone="+4721000000",
        email="tildeling@eksempel.example",
        published=True,
    )
    out = ChoiceDemo(service)
    for data, approval in PROVIDERS:
        provider = services.provider_register(actor=DEMO, data=data, parent=owner)
        services.approval_save(
            actor=DEMO,
            provider=provider,
            service=service,
            approved_from=date(2024, 1, 1),
            approved_until=approval["until"],
            contract=f"Kontrakt 2024-{provider.pk}",
            capacity=approval["capacity"],
            areas=approval["areas"],
        )
        out.providers[data.name] = provider
        demo.units[data.name] = provider.unit
    services.service_update(actor=DEMO, service=service, default_provider=out.providers[MUNICIPAL])
    handler = make_demo_user(CASE_HANDLER, "Sara", "Saksbehandler", demo.municipality)
    admin = demo.users["admin"]  # as in the base demo: the administrator gives the roles
    role_grant(actor=admin, user=handler, unit=owner, role=Role.CASE_HANDLER)
    staff = make_demo_user(PROVIDER_USER, "Live", "Leverandør", demo.municipality)
    role_grant(actor=admin, user=staff, unit=out.providers[PRIVATE_A].unit, role=Role.PROVIDER_STAFF)
    demo.users[CASE_HANDLER] = handler
    demo.users[PROVIDER_USER] = staff
    return out


# --- the full demo ------------------------------------------------------------------------------

DISTRICTS = list(DEMO_DISTRICTS)
# Chance of an active choice: lower for immigrants and people who prefer another language, as
# the sources report (those who choose have more education and income).
ACTIVE = {"rest": 0.62, "immigrant": 0.34, "norwegian_born_to_immigrants": 0.5, "": 0.55}
# Which provider an active chooser picks, by preferred language.
PICK = {
    "nb": (0.35, 0.30, 0.35),
    "ar": (0.15, 0.75, 0.10),
    "ur": (0.15, 0.75, 0.10),
    "pl": (0.25, 0.10, 0.65),
    "so": (0.60, 0.30, 0.10),
}


def _background(rng: random.Random) -> Background:
    immigrant = rng.random() < 0.26
    if immigrant:
        language = rng.choice(["ar", "ar", "ur", "pl", "pl", "so", "nb"])
        origin = "immigrant" if rng.random() < 0.85 else "norwegian_born_to_immigrants"
    else:
        language, origin = "nb", "rest"
    if rng.random() < 0.12:  # the record does not say
        origin = ""
    if rng.random() < 0.08:
        language = ""
    return Background(
        district=rng.choice(DISTRICTS),
        age_band=rng.choices(["55-66", "67-79", "80+"], [0.15, 0.4, 0.45])[0],
        immigrant_background=origin,
        language=language,
    )


def _pick(rng: random.Random, options: list[Provider], language: str, names: list[str]) -> Provider:
    weights = PICK.get(language, PICK["nb"])
    by_name = {p.name: p for p in options}
    candidates = [(by_name[n], w) for n, w in zip(names, weights, strict=True) if n in by_name]
    return rng.choices([p for p, _ in candidates], [w for _, w in candidates])[0]


def seed_clients(base: ChoiceDemo, *, today: date, rng: random.Random, count: int = 300) -> int:
    """Register ``count`` clients with decisions over the last 20 months; return the switches made."""
    service = base.service
    names = [MUNICIPAL, PRIVATE_A, PRIVATE_B]
    switches = 0
    for n in range(count):
        bg = _background(rng)
        decision = today - timedelta(days=rng.randint(0, 600))
        client = services.client_register(
            actor=DEMO,
            service=service,
            alias=f"EK-{decision.year}-{n + 1:04d}",
            decision_on=decision,
            background=bg,
        )
        options = choosable_providers(service=service, day=decision, district=bg.district)
        chooses = rng.random() < ACTIVE.get(bg.immigrant_background, 0.55)
        last_day = min(client.choice_deadline, today)
        if chooses and (last_day - decision).days >= 0:
            chosen_on = decision + timedelta(days=rng.randint(0, (last_day - decision).days))
            provider = _pick(rng, options, bg.language, names)
            # A full provider refuses: the client then waits for the default.
            with contextlib.suppress(ServiceError):
                services.choice_record(
                    actor=DEMO,
                    client=client,
                    provider=provider,
                    chosen_on=chosen_on,
                    channel=rng.choice([Channel.CASE_HANDLER, Channel.PHONE, Channel.PAPER, Channel.ONLINE]),
                )
        if today > client.choice_deadline and not client.assignments.exists():
            services.default_apply(actor=DEMO, client=client, today=today)
        switches += _maybe_switch(base, client, today=today, rng=rng, names=names)
    return switches


def _maybe_switch(
    base: ChoiceDemo, client: Client, *, today: date, rng: random.Random, names: list[str]
) -> int:
    current = client.assignments.order_by("-starts_on").first()
    if current is None or rng.random() > 0.16:
        return 0
    span = (today - current.starts_on).days
    if span < 20:
        return 0
    requested = current.starts_on + timedelta(days=rng.randint(15, span))
    others = [p for p in choosable_providers(service=base.service, day=requested, district=client.district)]
    others = [p for p in others if p.pk != current.provider_id]
    if not others:
        return 0
    reasons = rng.sample(
        [
            SwitchReason.TOO_MANY_STAFF,
            SwitchReason.TOO_MANY_STAFF,
            SwitchReason.TIMES_NOT_KEPT,
            SwitchReason.LANGUAGE,
            SwitchReason.QUALITY,
            SwitchReason.FAMILY_WISH,
        ],
        k=rng.randint(1, 2),
    )
    try:
        services.switch_register(
            actor=DEMO,
            client=client,
            to_provider=_pick(rng, others, client.language, names),
            requested_on=requested,
            reasons=list(dict.fromkeys(reasons)),
            reason_text=rng.choice(["", "", "Ønsker færre forskjellige ansatte.", "Datteren ønsket bytte."]),
            channel=rng.choice([Channel.CASE_HANDLER, Channel.PHONE, Channel.ONLINE]),
        )
    except ServiceError:
        return 0
    return 1


def seed_continuity(base: ChoiceDemo, *, today: date) -> None:
    """Each provider's reported continuity for the last three quarters."""
    values = {MUNICIPAL: (14.2, 13.1, 12.4), PRIVATE_A: (9.8, 9.1, 8.7), PRIVATE_B: (6.1, 5.8, 5.5)}
    for name, series in values.items():
        for back, value in zip((2, 1, 0), series, strict=True):
            end = date(today.year, 1, 1) + timedelta(days=91 * (3 - back)) - timedelta(days=1)
            end = min(end, today)
            services.continuity_report(
                actor=DEMO,
                provider=base.providers[name],
                period_start=end - timedelta(days=27),
                period_end=end,
                staff_per_client=value,
            )


def seed_online_requests(base: ChoiceDemo) -> None:
    """Two requests from the public page waiting for the case handler."""
    for provider, who, kind in ((PRIVATE_A, "Fatima (datter)", "switch"), (PRIVATE_B, "", "choice")):
        services.online_request_submit(
            actor=DEMO,
            service=base.service,
            data=services.RequestData(
                kind=kind,
                provider_id=base.providers[provider].pk,
                client_name="Aisha Demo" if who else "Olav Demo",
                sender_name=who,
                phone="+4791000000",
                reasons=("language",) if who else (),
                reason_text="Mor snakker best arabisk." if who else "",
                language="ar" if who else "nb",
            ),
        )


@demo_seeder(after=("surveys",))
def seed_choice_demo(demo: DemoData, *, seed: int = 2020) -> ChoiceDemo:
    """Seed the home-care service with providers, 300 clients, surveys per provider and requests."""
    from .demo_surveys import seed_provider_surveys

    rng = random.Random(seed)
    today = timezone.localdate()
    base = build_choice_base(demo)
    # The demo announces hundreds of clients to providers; nobody should get those e-mails,
    # not even the console of `bin/demo`.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        seed_clients(base, today=today, rng=rng)
        seed_continuity(base, today=today)
        seed_online_requests(base)
    seed_provider_surveys(demo, base, rng=rng)
    return base
