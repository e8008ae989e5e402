"""API contract: register, public search, contact log and mapping."""

from __future__ import annotations

import json
from typing import Any

import pytest

from medvirk.partners.demo import load_demo_organisations

from .factories import contact_person

pytestmark = pytest.mark.django_db


def _json(c: Any, method: str, url: str, body: Any = None) -> Any:
    return getattr(c, method)(
        url, data=json.dumps(body) if body is not None else None, content_type="application/json"
    )


def test_create_validates_org_number(client_as: Any, demo: Any) -> None:
    c = client_as("koordinator")
    response = _json(c, "post", "/api/v1/organisations", {"name": "X", "org_number": "991000012"})
    assert response.status_code == 400
    assert response.json()["error"] | {"message": ""} == {
        "code": "invalid_org_number",
        "message": "",
        "field": "org_number",
    }
    response = _json(
        c, "post", "/api/v1/organisations", {"name": "X", "org_number": "991 000 127", "languages": ["so"]}
    )
    assert response.status_code == 201 and response.json()["org_number"] == "991000127"
    org_id = response.json()["id"]
    response = _json(c, "patch", f"/api/v1/organisations/{org_id}", {"groups": ["youth"]})
    assert response.json()["groups"] == ["youth"] and response.json()["languages"] == ["so"]


def test_public_search_hides_unlisted_and_contacts(client: Any, demo: Any) -> None:
    orgs = load_demo_organisations(municipality=demo.municipality)
    orgs[0].listed_publicly = False
    orgs[0].save()
    contact_person(orgs[1], "P", "p@example.org")
    body = client.get("/api/v1/public/organisations/eksempel", {"language": "pl"}).json()
    assert [o["name"] for o in body] == ["Polsk forening i Eksempel"]
    assert "p@example.org" not in json.dumps(body) and "partner_support" not in body[0]
    assert client.get("/api/v1/public/organisations/eksempel", {"language": "so"}).json() == []


def test_contact_log_and_mapping(client_as: Any, demo: Any) -> None:
    orgs = load_demo_organisations(municipality=demo.municipality)
    unit = demo.units["Solsikken barnehage"].pk
    c = client_as("leder.solsikken")
    response = _json(
        c,
        "post",
        f"/api/v1/units/{unit}/organisation-contacts",
        {
            "organisation_id": orgs[0].pk,
            "date": "2026-04-01",
            "kind": "co_organised",
            "contribution": "Tolking",
        },
    )
    assert response.status_code == 201
    assert [e["contribution"] for e in c.get(f"/api/v1/units/{unit}/organisation-contacts").json()] == [
        "Tolking"
    ]
    foreign = _json(
        c,
        "post",
        f"/api/v1/units/{unit}/organisation-contacts",
        {"organisation_id": 999999, "date": "2026-04-01", "kind": "consulted"},
    )
    assert foreign.status_code == 404
    mapping = c.get(f"/api/v1/units/{unit}/organisation-mapping/2026").json()
    assert not mapping["saved"] and all(g["gap"] for g in mapping["groups"])
    put = {"completed": True, "groups": [{"key": "immigrants", "organisation_ids": [orgs[0].pk]}]}
    mapping = _json(c, "put", f"/api/v1/units/{unit}/organisation-mapping/2026", put).json()
    immigrants = next(g for g in mapping["groups"] if g["key"] == "immigrants")
    assert mapping["completed"] and immigrants["organisation_ids"] == [orgs[0].pk] and not immigrants["gap"]
    bad = _json(c, "put", f"/api/v1/units/{unit}/organisation-mapping/2026", {"groups": [{"key": "nope"}]})
    assert bad.status_code == 400
