"""The staff pages: what a case handler, an adviser and a provider's staff do, through HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from medvirk.choice.demo import MUNICIPAL, PRIVATE_A, PRIVATE_B, ChoiceDemo
from medvirk.choice.models import Approval, ChoiceService, Client, ContinuityReport, OnlineRequest, Provider
from medvirk.choice.types import SwitchStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client_as: Any) -> Any:
    def make(username: str) -> Any:
        client = client_as(username)
        client.cookies["django_language"] = "en"
        return client

    return make


def _register(client: Any, base: ChoiceDemo, alias: str = "K-100", **extra: str) -> Client:
    today = timezone.localdate()
    response = client.post(
        f"/choice/services/{base.service.pk}/clients/new/",
        {"alias": alias, "decision_on": today.isoformat(), "district": "999901", **extra},
    )
    assert response.status_code == 302, response.content[:800]
    return Client.objects.get(service=base.service, alias=alias)


def test_a_case_handler_registers_a_client_and_the_choice_and_the_provider_sees_the_client(
    english: Any, client_as: Any, base: ChoiceDemo, django_capture_on_commit_callbacks: Any
) -> None:
    # The form's button says what it does (it said "Register", the noun, in bokmål: walk2).
    form = client_as("saksbehandler").get(f"/choice/services/{base.service.pk}/clients/new/").content.decode()
    assert ">Registrer brukeren</button>" in form
    handler = english("saksbehandler")
    client = _register(handler, base, language="ar")
    page = handler.get(f"/choice/clients/{client.pk}/").content.decode()
    assert "Register the client&#x27;s choice" in page or "Register the client's choice" in page
    assert PRIVATE_B in page  # Trygg Hverdag serves Bydel Nord
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = handler.post(
            f"/choice/clients/{client.pk}/choose/",
            {"provider": base.providers[PRIVATE_A].pk, "chosen_on": today.isoformat(), "channel": "phone"},
        )
    assert response.status_code == 302
    assert mail.outbox[0].to == [base.providers[PRIVATE_A].contact_email]
    staff = english("leverandor.omsorgpluss")
    listing = staff.get(f"/choice/providers/{base.providers[PRIVATE_A].pk}/clients/").content.decode()
    assert "K-100" in listing
    assert staff.get(f"/choice/providers/{base.providers[PRIVATE_B].pk}/clients/").status_code == 404
    assert staff.get("/choice/mine/").status_code == 302  # one provider: straight to its list


def test_a_choice_starting_later_is_not_in_the_providers_list_before_its_first_day(
    english: Any, base: ChoiceDemo
) -> None:
    handler = english("saksbehandler")
    client = _register(handler, base, alias="K-later")
    today = timezone.localdate()
    handler.post(
        f"/choice/clients/{client.pk}/choose/",
        {
            "provider": base.providers[PRIVATE_A].pk,
            "chosen_on": today.isoformat(),
            "starts_on": (today + timedelta(days=5)).isoformat(),
            "channel": "paper",
        },
    )
    listing = english("leverandor.omsorgpluss").get(
        f"/choice/providers/{base.providers[PRIVATE_A].pk}/clients/"
    )
    assert "K-later" not in listing.content.decode()
    assert client.assignments.get().starts_on == today + timedelta(days=5)


def test_provider_staff_home_page_shows_their_clients_arrivals_and_survey_results(
    english: Any, base: ChoiceDemo, demo: Any
) -> None:
    from tests.choice_support import round_with

    staff = english("leverandor.omsorgpluss")
    provider = base.providers[PRIVATE_A]
    page = staff.get("/overview/").content.decode()
    assert f'id="provider-{provider.pk}"' in page and "Clients today" in page
    assert f'href="/choice/providers/{provider.pk}/clients/"' in page
    assert f'id="todo-provider-{provider.pk}"' not in page  # nobody comes or goes yet
    assert base.providers[PRIVATE_B].name not in page  # only their own provider
    handler = english("saksbehandler")
    client = _register(handler, base, alias="K-soon")
    today = timezone.localdate()
    handler.post(
        f"/choice/clients/{client.pk}/choose/",
        {
            "provider": provider.pk,
            "chosen_on": today.isoformat(),
            "starts_on": (today + timedelta(days=5)).isoformat(),
            "channel": "paper",
        },
    )
    page = staff.get("/overview/").content.decode()
    assert f'id="todo-provider-{provider.pk}"' in page
    assert f"1 new client starts with {provider.name} within 30 days." in page
    assert "K-soon" not in page  # counts only: the list shows a client from the first day
    survey = round_with(demo, (6, 6, 6), label="2025")
    page = staff.get("/overview/").content.decode()
    assert "What your users answered" in page and f'href="/results/{survey.pk}/"' in page


def test_a_refused_choice_is_shown_next_to_the_field_and_keeps_the_page(
    english: Any, base: ChoiceDemo
) -> None:
    handler = english("saksbehandler")
    client = _register(handler, base, alias="K-early", district="999905")  # Sentrum
    response = handler.post(
        f"/choice/clients/{client.pk}/choose/",
        {
            "provider": base.providers[PRIVATE_B].pk,
            "chosen_on": timezone.localdate().isoformat(),
            "channel": "phone",
        },
    )
    assert response.status_code == 400  # Trygg Hverdag is not offered in Sentrum
    assert not client.assignments.exists()


def test_a_switch_through_the_page_and_its_cancellation(english: Any, base: ChoiceDemo) -> None:
    handler = english("saksbehandler")
    client = _register(handler, base, alias="K-switch")
    today = timezone.localdate()
    handler.post(
        f"/choice/clients/{client.pk}/choose/",
        {"provider": base.providers[MUNICIPAL].pk, "chosen_on": today.isoformat(), "channel": "phone"},
    )
    response = handler.post(
        f"/choice/clients/{client.pk}/switch/",
        {
            "to_provider": base.providers[PRIVATE_A].pk,
            "requested_on": today.isoformat(),
            "reasons": ["too_many_staff", "language"],
            "reason_text": "Datteren ringte.",
            "channel": "phone",
        },
    )
    assert response.status_code == 302
    switch = client.switches.get()
    assert switch.effective_on == today + timedelta(days=base.service.notice_days)
    page = handler.get(f"/choice/clients/{client.pk}/").content.decode()
    assert "Too many different staff" in page
    assert "Cancel the switch" in page
    assert handler.post(f"/choice/switches/{switch.pk}/cancel/").status_code == 302
    switch.refresh_from_db()
    assert switch.status == SwitchStatus.CANCELLED


def test_the_default_is_given_from_the_service_page(english: Any, base: ChoiceDemo) -> None:
    handler = english("saksbehandler")
    due = Client.objects.create(
        municipality_id=base.service.municipality_id,
        service=base.service,
        alias="K-due",
        decision_on=timezone.localdate() - timedelta(days=30),
        choice_deadline=timezone.localdate() - timedelta(days=16),
    )
    page = handler.get(f"/choice/services/{base.service.pk}/?status=default_due").content.decode()
    assert "K-due" in page
    assert handler.post(f"/choice/services/{base.service.pk}/defaults/").status_code == 302
    assert due.assignments.get().provider.name == MUNICIPAL


def test_an_adviser_sets_up_a_service_and_approves_a_provider(
    english: Any, demo: Any, base: ChoiceDemo
) -> None:
    analyst = english("analytiker")
    owner = demo.units["Helse- og omsorgsetaten"]
    response = analyst.post(
        "/choice/services/new/",
        {
            "owner_unit": owner.pk,
            "name": "Matombringing",
            "kind": "meals",
            "notice_days": 7,
            "choice_days": 10,
        },
    )
    assert response.status_code == 302
    service = ChoiceService.objects.get(name="Matombringing")
    details = {
        "name": "Mat på Døra AS",
        "kind": "private",
        "org_number": "921000081",
        "contact_email": "mat@x.example",
        "languages": ["nb", "pl"],
        "specialisations": ["diabetes"],
    }
    response = analyst.post("/choice/providers/new/", {"parent": owner.pk, **details})
    assert response.status_code == 302, response.content[:800]
    provider = Provider.objects.get(unit__name="Mat på Døra AS")
    assert provider.unit.parent_id == owner.pk
    # Its edit page starts from every detail as registered.
    initial = analyst.get(f"/choice/providers/{provider.pk}/edit/").context["form"].initial
    assert initial == {**details, "description": "", "contact_name": "", "contact_phone": "", "website": ""}
    response = analyst.post(
        f"/choice/providers/{provider.pk}/approval/{service.pk}/",
        {"approved_from": "2026-01-01", "capacity": "20", "areas": ["999901"]},
    )
    assert response.status_code == 302
    approval = Approval.objects.get(provider=provider, service=service)
    assert (approval.capacity, approval.areas) == (20, ["999901"])
    response = analyst.post(
        f"/choice/services/{service.pk}/edit/",
        {
            "name": "Matombringing",
            "kind": "meals",
            "notice_days": 7,
            "choice_days": 10,
            "default_provider": provider.pk,
        },
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.default_provider_id == provider.pk


def test_a_bad_organisation_number_is_explained(english: Any, demo: Any) -> None:
    response = english("saksbehandler").post(
        "/choice/providers/new/",
        {
            "parent": demo.units["Helse- og omsorgsetaten"].pk,
            "name": "Feil AS",
            "kind": "private",
            "org_number": "921000082",
            "contact_email": "f@x.example",
        },
    )
    assert response.status_code == 200
    assert "check digit" in response.content.decode()


def test_provider_staff_report_continuity(english: Any, base: ChoiceDemo) -> None:
    staff = english("leverandor.omsorgpluss")
    response = staff.post(
        f"/choice/providers/{base.providers[PRIVATE_A].pk}/continuity/",
        {"period_start": "2026-10-01", "period_end": "2026-10-28", "staff_per_client": "7,5"},
    )
    assert response.status_code == 302
    assert (
        str(
            ContinuityReport.objects.get(
                provider=base.providers[PRIVATE_A], period_start="2026-10-01"
            ).staff_per_client
        )
        == "7.5"
    )


def test_a_request_is_matched_from_its_page(english: Any, base: ChoiceDemo) -> None:
    from medvirk.choice import services
    from medvirk.core.actors import SystemActor

    handler = english("saksbehandler")
    client = _register(handler, base, alias="K-online")
    request = services.online_request_submit(
        actor=SystemActor("test"),
        service=base.service,
        data=services.RequestData(
            kind="choice", provider_id=base.providers[PRIVATE_A].pk, client_name="Aisha", phone="91234567"
        ),
    )
    page = handler.get(f"/choice/requests/{request.pk}/?q=K-online").content.decode()
    assert "K-online" in page
    assert "No: confirm with the sender before you match" in page
    response = handler.post(f"/choice/requests/{request.pk}/", {"match": "1", "client": client.pk})
    assert response.status_code == 302
    request = OnlineRequest.objects.get(pk=request.pk)
    assert request.status == "matched"
    assert client.assignments.get().provider == base.providers[PRIVATE_A]


def test_the_switch_form_asks_for_the_day_the_client_asked_not_a_wished_date() -> None:
    """The notice runs from the day the client asked; "Ønsket dato" read as the wished start, which
    is the next field."""
    from django.utils import translation

    from medvirk.choice.forms import SwitchForm

    for language, asked, wished in (
        ("nb", "Dagen brukeren ba om byttet", "Ønsket oppstart (valgfritt)"),
        ("nn", "Dagen brukaren bad om bytet", "Ønskt oppstart (valfritt)"),
    ):
        with translation.override(language):
            form = SwitchForm(providers=[])
            assert (str(form.fields["requested_on"].label), str(form.fields["wished_on"].label)) == (
                asked,
                wished,
            )
