"""Permission-matrix cases for survey interchange (JSON/XLSForm export and import).

Included by ``tests/test_permission_matrix.py`` (``_module_cases``).
Each target is a survey owned by and run in the target unit (made once for the matrix), so who
may download it is exactly who holds ``surveys.distribute`` there; importing needs
``surveys.design`` on at least one unit.
"""

from __future__ import annotations

from typing import Any

from medvirk.accounts.demo import DemoData
from tests.matrix_support import DESIGN, ONCE, TARGETS, WORK, any_, api, built_once, in_, page, target_unit
from tests.sample_survey import sample_definition

# Who may download a survey: WORK (surveys.distribute); import one: DESIGN (tests/matrix_support.py).


def survey_on(d: DemoData, t: str) -> int:
    """Return the id of the survey owned by and run in the target unit (made once for the matrix:
    ``_surveys``)."""
    from medvirk.surveys import services
    from medvirk.surveys.models import Survey

    existing = Survey.objects.filter(round_label=f"matrise-{t}").first()
    if existing:
        return existing.pk
    unit = target_unit(d, t)
    actor = d.users["provestad.admin" if t == "foreign" else "admin"]
    survey = services.survey_create(
        actor=actor, owner_unit=unit, document=sample_definition(), units=[unit], round_label=f"matrise-{t}"
    )
    return survey.pk


@built_once
def _surveys(d: DemoData) -> None:
    for t in TARGETS:
        survey_on(d, t)


def _import_body(d: DemoData, t: str) -> Any:
    return {"definition": sample_definition()}


CASES = [
    page("surveys_interchange:export_json", "/surveys/{s}/export.json", in_(WORK), s=survey_on),
    page("surveys_interchange:export_xlsx", "/surveys/{s}/export.xlsx", in_(WORK), s=survey_on),
    page("surveys_interchange:import", "/surveys/import/", any_(DESIGN), ONCE),
    api("GET /api/v1/surveys/{survey_id}/xlsform", in_(WORK), survey_id=survey_on),
    api("POST /api/v1/surveys/import", any_(DESIGN), ONCE, _import_body),
]
