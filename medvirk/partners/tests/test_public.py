"""Public pages: find organisations and the self-service proposal form."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from medvirk.partners.demo import load_demo_organisations
from medvirk.partners.models import Proposal

from .factories import contact_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(demo: Any) -> Any:
    return load_demo_organisations(municipality=demo.municipality)


def test_find_without_filters_lists_public_organisations(client: Client, orgs: Any) -> None:
    orgs[0].listed_publicly = False
    orgs[0].save()
    html = client.get("/o/eksempel/").content.decode()
    assert "Polsk forening i Eksempel" in html
    assert orgs[0].name not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"language": "so"}, {"Somalisk foreldrenettverk Nord"}),
        ({"competence": "elderly"}, {"Seniornettverket Øst"}),
        ({"group": "country:241"}, {"Eritreisk kvinneforum"}),
        ({"group": "youth"}, {"Ungdom mot diskriminering"}),
        ({"q": "polsk"}, {"Polsk forening i Eksempel"}),
        ({"q": "991000038"}, {"Polsk forening i Eksempel"}),
    ],
)
def test_search_filters(
    client: Client, demo: Any, orgs: Any, params: dict[str, str], expected: set[str]
) -> None:
    response = client.get("/o/eksempel/", params)
    assert {o.name for o, _info in response.context["results"]} == expected


def test_search_by_district(client: Client, demo: Any, orgs: Any) -> None:
    response = client.get("/o/eksempel/", {"district": demo.units["Bydel Vest"].pk})
    assert [o.name for o, _i in response.context["results"]] == ["Brukerforeningen for psykisk helse"]


def test_other_municipality_sees_nothing_of_ours(client: Client, orgs: Any) -> None:
    assert client.get("/o/provestad/").context["results"] == []
    assert client.get(f"/o/provestad/{orgs[0].pk}/").status_code == 404
    assert client.get("/o/nowhere/").status_code == 404


def test_detail_never_shows_contact_persons(client: Client, demo: Any, orgs: Any) -> None:
    contact_person(orgs[0], "Hemmelig", "h@example.org")
    html = client.get(f"/o/eksempel/{orgs[0].pk}/").content.decode()
    assert orgs[0].name in html and "h@example.org" not in html and "Hemmelig" not in html


def _form(**extra: Any) -> dict[str, Any]:
    return {"name": "Nabolagsforeningen", "org_number": "", "kind": "voluntary", "languages": ["ar"], **extra}


def test_propose_new_entry_waits_for_moderation(client: Client, demo: Any) -> None:
    response = client.post(
        "/o/eksempel/propose/",
        _form(contact_name="Aisha", contact_email="a@example.org", consent="on"),
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 302 and response["Location"] == "/o/eksempel/propose/thanks/"
    proposal = Proposal.objects.get()
    assert proposal.data["name"] == "Nabolagsforeningen" and proposal.contact["email"] == "a@example.org"
    assert "10.0.0.1" not in str(proposal.__dict__)
    assert "Nabolagsforeningen" not in client.get("/o/eksempel/").content.decode()


def test_propose_contact_without_consent_keeps_input(client: Client, demo: Any) -> None:
    response = client.post("/o/eksempel/propose/", _form(contact_name="Aisha", contact_email="a@example.org"))
    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert 'value="Nabolagsforeningen"' in response.content.decode()
    assert not Proposal.objects.exists()


def test_propose_bad_org_number(client: Client, demo: Any) -> None:
    response = client.post("/o/eksempel/propose/", _form(org_number="991000012"))
    assert "org_number" in response.context["form"].errors


def test_honeypot_stores_nothing(client: Client, demo: Any) -> None:
    response = client.post("/o/eksempel/propose/", _form(nickname="bot"))
    assert response.status_code == 302
    assert not Proposal.objects.exists()


def test_rate_limit_per_client(client: Client, demo: Any, settings: Any) -> None:
    settings.PARTNERS_PROPOSALS_PER_HOUR = 2
    for _ in range(2):
        assert client.post("/o/eksempel/propose/", _form(), REMOTE_ADDR="10.0.0.2").status_code == 302
    response = client.post("/o/eksempel/propose/", _form(), REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 200 and "try again later" in response.content.decode()
    assert client.post("/o/eksempel/propose/", _form(), REMOTE_ADDR="10.0.0.3").status_code == 302


def test_propose_update_prefills(client: Client, demo: Any, orgs: Any) -> None:
    html = client.get(f"/o/eksempel/propose/?organisation={orgs[1].pk}").content.decode()
    assert 'value="Polsk forening i Eksempel"' in html
    response = client.post("/o/eksempel/propose/", _form(organisation=orgs[1].pk, name="Polsk forening"))
    assert response.status_code == 302
    assert Proposal.objects.get().organisation == orgs[1]
    assert client.get("/o/eksempel/propose/?organisation=999999").status_code == 404
