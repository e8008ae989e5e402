"""API contract: structured errors, scoping through the API, and the OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

from medvirk.accounts.demo import DemoData
from medvirk.core.models import AuditEvent


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(
        url, data=json.dumps(body) if not isinstance(body, str) else body, content_type="application/json"
    )


def test_openapi_schema_lists_the_endpoints(client_as: Any) -> None:
    schema = client_as("admin").get("/api/v1/openapi.json").json()
    assert {"/api/v1/units", "/api/v1/units/{unit_id}", "/api/v1/roles", "/api/v1/audit"} <= set(
        schema["paths"]
    )
    assert client_as(None).get("/api/v1/docs").status_code == 200


def test_validation_errors_are_structured(client_as: Any, demo: DemoData) -> None:
    response = post(client_as("admin"), "/api/v1/units", {"name": "Uten forelder"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert any(f["loc"][-1] == "parent_id" for f in error["fields"])


def test_malformed_json_is_a_structured_4xx(client_as: Any) -> None:
    response = post(client_as("admin"), "/api/v1/units", "{not json")
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_unknown_enum_value_is_rejected(client_as: Any, demo: DemoData) -> None:
    body = {"parent_id": demo.units[""].pk, "name": "X", "kind": "planet"}
    response = post(client_as("admin"), "/api/v1/units", body)
    assert response.status_code == 422


def test_service_rule_errors_carry_code_field_and_translated_message(client_as: Any, demo: DemoData) -> None:
    body = {"parent_id": demo.units["Bydel Nord"].pk, "name": "Solsikken barnehage"}
    response = post(client_as("admin"), "/api/v1/units", body)
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "name_taken",
        "field": "name",
        "message": "Det finnes allerede en annen enhet med dette navnet på samme sted.",
    }


def test_create_move_and_audit_via_api(client_as: Any, demo: DemoData) -> None:
    client = client_as("admin")
    created = post(
        client,
        "/api/v1/units",
        {"parent_id": demo.units["Bydel Vest"].pk, "name": "Vest bibliotek", "service_area": "other"},
    )
    assert created.status_code == 201
    unit_id = created.json()["id"]
    moved = post(client, f"/api/v1/units/{unit_id}/move", {"parent_id": demo.units["Bydel Øst"].pk})
    assert moved.status_code == 200 and moved.json()["parent_id"] == demo.units["Bydel Øst"].pk
    actions = [e["action"] for e in client.get("/api/v1/audit").json()[:2]]
    assert actions == ["unit.moved", "unit.created"]
    assert AuditEvent.objects.filter(object_id=str(unit_id)).count() == 2


def test_api_language_follows_accept_language(client_as: Any) -> None:
    client = client_as(None)
    en = client.get("/api/v1/units", headers={"Accept-Language": "en"}).json()["error"]["message"]
    assert en == "Log in or send a valid API token."
