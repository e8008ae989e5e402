"""API contract: the same services and scoping as the pages, structured errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from medvirk.participation.models import Activity

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_activity_finding_measure_through_the_api(demo: Any, client_as: Any) -> None:
    client = client_as("leder.solsikken")
    unit = demo.units["Solsikken barnehage"].pk
    activity = _post(
        client,
        "/api/v1/participation/activities",
        {
            "owner_unit_id": unit,
            "title": "Fokusgruppe",
            "kind": "focus_group",
            "ladder": "informants",
            "level": "group",
            "invited": "panel",
            "starts_on": "2026-09-01",
        },
    )
    assert activity.status_code == 201
    aid = activity.json()["id"]
    doc = client.put(
        f"/api/v1/participation/activities/{aid}/documentation",
        data=json.dumps({"participants": 2, "composition": {"gender": {"female": 3}}}),
        content_type="application/json",
    )
    assert doc.status_code == 400 and doc.json()["error"]["code"] == "composition_too_many"
    finding = _post(
        client,
        "/api/v1/participation/findings",
        {"unit_id": unit, "statement": "For lite info", "activity_id": aid},
    )
    assert finding.status_code == 201
    measure = _post(
        client,
        "/api/v1/participation/measures",
        {
            "unit_id": unit,
            "title": "Nyhetsbrev",
            "decision_level": "employee",
            "finding_id": finding.json()["id"],
        },
    )
    assert measure.status_code == 201
    mid = measure.json()["id"]
    refused = _post(client, f"/api/v1/participation/measures/{mid}/updates", {"status": "rejected"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "reason_required"
    done = _post(client, f"/api/v1/participation/measures/{mid}/updates", {"status": "done"})
    assert done.status_code == 201 and done.json()["progress"] == 100
    assert [m["id"] for m in client.get("/api/v1/participation/measures").json()] == [mid]
    assert client_as("provestad.admin").get(f"/api/v1/participation/measures/{mid}").status_code == 404
    # Prøvestad sees only its own activities (its open demo survey is recorded as a survey round).
    theirs = client_as("provestad.admin").get("/api/v1/participation/activities").json()
    assert [a["kind"] for a in theirs] == ["survey_round"]


def test_values_outside_the_choices_are_refused_and_listed_in_the_schema(demo: Any, client_as: Any) -> None:
    """A kind, ladder level or decision level the pages do not offer was stored as sent (and then
    shown as a bare key); the schema now lists the values, and others answer 422 naming the field."""
    client = client_as("leder.solsikken")
    unit = demo.units["Solsikken barnehage"].pk
    activity = {
        "owner_unit_id": unit,
        "title": "Fokusgruppe",
        "kind": "planet",
        "ladder": "informants",
        "level": "group",
        "invited": "panel",
        "starts_on": "2026-09-01",
    }
    refused = _post(client, "/api/v1/participation/activities", activity)
    assert refused.status_code == 422
    assert [f["loc"][-1] for f in refused.json()["error"]["fields"]] == ["kind"]
    measure = {"unit_id": unit, "title": "Nyhetsbrev", "decision_level": "moon"}
    refused = _post(client, "/api/v1/participation/measures", measure)
    assert refused.status_code == 422
    assert [f["loc"][-1] for f in refused.json()["error"]["fields"]] == ["decision_level"]
    assert not Activity.objects.filter(title="Fokusgruppe").exists()
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "focus_group" in schemas["ActivityKind"]["enum"]
    assert "employee" in schemas["DecisionLevel"]["enum"]
