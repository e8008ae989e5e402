"""Permission-matrix cases for survey interchange (JSON/XLSForm export and import).

Included by ``tests/test_permission_matrix.py`` (``_module_cases``).
Each call creates a survey owned by and run in the target unit, so who may download it is exactly
who holds ``surveys.distribute`` there; importing needs ``surveys.design`` on at least one unit.
"""

from __future__ import annotations

from typing import Any

from medvirk.accounts.demo import DemoData
from tests.matrix_support import EKS, Case, any_, api_call, get, in_, target_unit
from tests.sample_survey import sample_definition

# Who holds each capability on which target (hand-written, as in tests/matrix_support.py).
DISTRIBUTE = {
    "admin": EKS,
    "analytiker": EKS,
    "koordinator": EKS,
    "analytiker.nord": {"own", "sibling"},
    "leder.solsikken": {"own"},
    "provestad.admin": {"foreign"},
}
DESIGN = {
    "admin": EKS,
    "analytiker": EKS,
    "analytiker.nord": {"own", "sibling"},
    "leder.solsikken": {"own"},
    "provestad.admin": {"foreign"},
}


def survey_on(d: DemoData, t: str) -> int:
    """Create a survey owned by and run in the target unit; return its id."""
    from medvirk.surveys import services

    unit = target_unit(d, t)
    actor = d.users["provestad.admin" if t == "foreign" else "admin"]
    survey = services.survey_create(
        actor=actor, owner_unit=unit, document=sample_definition(), units=[unit], round_label=f"matrise-{t}"
    )
    return survey.pk


def _import_body(d: DemoData, t: str) -> Any:
    return {"definition": sample_definition()}


CASES = [
    Case(
        "surveys_interchange:export_json",
        lambda c, d, t: c.get(f"/surveys/{survey_on(d, t)}/export.json"),
        in_(DISTRIBUTE),
    ),
    Case(
        "surveys_interchange:export_xlsx",
        lambda c, d, t: c.get(f"/surveys/{survey_on(d, t)}/export.xlsx"),
        in_(DISTRIBUTE),
    ),
    Case("surveys_interchange:import", get("/surveys/import/"), any_(DESIGN), per_target=False),
    Case(
        "api:GET /api/v1/surveys/{survey_id}/xlsform",
        api_call("GET", lambda d, t: f"/api/v1/surveys/{survey_on(d, t)}/xlsform"),
        in_(DISTRIBUTE),
        api=True,
    ),
    Case(
        "api:POST /api/v1/surveys/import",
        api_call("POST", lambda d, t: "/api/v1/surveys/import", _import_body),
        any_(DESIGN),
        per_target=False,
        api=True,
    ),
]
