"""API contract: structured errors, scoping through the API, and the OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from medvirk.accounts.demo import DemoData
from medvirk.api.base import Error
from medvirk.api.routes import api
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


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return api.get_openapi_schema()


def test_every_operation_says_what_it_does_and_how_it_fails(schema: dict[str, Any]) -> None:
    """A newcomer reading /api/v1/docs finds, for every operation, what it does (summary and the
    view's docstring), its group (a tag that says what it holds) and the errors it may answer
    with, in the one error shape."""
    described = {tag["name"] for tag in schema.get("tags", []) if tag.get("description")}
    problems = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            if not operation.get("summary") or not operation.get("description"):
                problems.append(f"{where}: no summary or description (give the view a docstring)")
            if not operation.get("tags"):
                problems.append(f"{where}: no tag (give its router tags)")
            problems += [
                f"{where}: its tag {tag!r} says nothing (add it to api.base.TAGS)"
                for tag in operation.get("tags", [])
                if tag not in described
            ]
            errors = {int(status): r for status, r in operation["responses"].items() if int(status) >= 400}
            if operation.get("security") and 401 not in errors:
                problems.append(f"{where}: needs a login but does not document 401")
            if (operation.get("parameters") or "requestBody" in operation) and 422 not in errors:
                problems.append(f"{where}: takes input but does not document 422")
            if method != "get" and 400 not in errors:
                problems.append(f"{where}: a write that does not document 400")
            problems += [
                f"{where}: the body of its {status} has no named schema (the Error schema)"
                for status, response in errors.items()
                if "$ref" not in response.get("content", {}).get("application/json", {}).get("schema", {})
            ]
    assert not problems, "\n".join(problems)
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert {"code", "message"} <= set(detail["required"])


def test_the_schema_says_how_to_authenticate(schema: dict[str, Any]) -> None:
    about = schema["info"]["description"]
    assert "Authorization: Bearer mvk_" in about and reverse("accounts:tokens") in about
    schemes = schema["components"]["securitySchemes"]
    assert set(schemes) == {"TokenAuth", "StaffSession"}
    assert all(scheme.get("description") for scheme in schemes.values())


def test_errors_have_the_documented_shape(client_as: Any, demo: DemoData) -> None:
    admin = client_as("admin")
    taken = {"parent_id": demo.units["Bydel Nord"].pk, "name": "Solsikken barnehage"}
    answers = {
        401: client_as(None).get("/api/v1/units"),
        404: admin.get("/api/v1/units/999999999"),
        422: post(admin, "/api/v1/units", {"name": "Uten forelder"}),
        400: post(admin, "/api/v1/units", taken),
    }
    for status, response in answers.items():
        assert response.status_code == status
        Error.model_validate(response.json())


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
    events = client.get("/api/v1/audit").json()[:2]
    assert [e["action"] for e in events] == ["unit.moved", "unit.created"]
    assert [(e["actor"], e["by_medvirk"]) for e in events] == [("admin", False)] * 2  # a person, not Medvirk
    assert AuditEvent.objects.filter(object_id=str(unit_id)).count() == 2


def test_api_language_follows_accept_language(client_as: Any) -> None:
    client = client_as(None)
    en = client.get("/api/v1/units", headers={"Accept-Language": "en"}).json()["error"]["message"]
    assert en == "Log in or send a valid API token."
