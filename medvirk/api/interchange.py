"""Survey interchange endpoints: XLSForm download and an import preview (nothing is stored).

To create a survey from an imported definition, post the returned ``definition`` to
``POST /surveys`` (it is the lossless ``medvirk-survey/1`` JSON form).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import Router, Schema

from medvirk.accounts.access import can_anywhere
from medvirk.accounts.permissions import Perm
from medvirk.core.errors import ServiceError
from medvirk.surveys.enums import SurveysErrorCode
from medvirk.surveys.selectors import (
    MAX_UPLOAD_BYTES,
    Problem,
    access_survey_by_id,
    definition_to_xlsform,
    read_survey_document,
    read_survey_upload,
)
from medvirk.surveys.types import missing_translations, parse_definition

router = Router(tags=["surveys"])

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportIn(Schema):
    """Either a file (``filename`` ending .json, .xlsx or .xls, content in base64) or a ``definition``."""

    filename: str | None = None
    file_base64: str | None = None
    definition: dict[str, Any] | None = None


class ProblemOut(Schema):
    feature: str
    message: str
    row: int | None
    sheet: str


class PreviewOut(Schema):
    title: dict[str, str]
    key: str
    languages: list[str]
    sections: int
    questions: int
    translation_gaps: dict[str, list[str]]


class ImportOut(Schema):
    ok: bool
    preview: PreviewOut | None
    definition: dict[str, Any] | None
    problems: list[ProblemOut]


@router.get("/surveys/{survey_id}/xlsform")
def export_xlsform(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Download the survey as an XLSForm workbook (.xlsx) for KoboToolbox, ODK or Excel."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    definition = parse_definition(survey.definition)
    response = HttpResponse(definition_to_xlsform(definition), content_type=XLSX_TYPE)
    name = slugify(definition.key) or "survey"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@router.post("/surveys/import", response=ImportOut)
def import_preview(request: HttpRequest, payload: ImportIn) -> dict[str, Any]:
    """Read a survey file (JSON or XLSForm) or definition and return what would be imported.

    Unsupported XLSForm features (calculations, repeats, GPS, media, cascading choices, …) are
    listed in ``problems`` with their sheet rows; ``ok`` is false when nothing usable was found.
    Files the upload guard refuses (a zip bomb, JSON nested too deep, a parse past its time or
    memory limit) answer 400 with the reason.
    """
    if not can_anywhere(request.user, Perm.SURVEY_DESIGN):
        raise Http404
    if payload.definition is not None:
        definition, problems = read_survey_document(payload.definition)
    elif payload.file_base64 is not None:
        if len(payload.file_base64) > MAX_UPLOAD_BYTES * 4 // 3 + 8:
            raise ServiceError(
                SurveysErrorCode.FILE_TOO_LARGE, _("The file is larger than 5 MB."), field="file_base64"
            )
        try:
            data = base64.b64decode(payload.file_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ServiceError(
                SurveysErrorCode.FILE_INVALID, _("file_base64 is not valid base64."), field="file_base64"
            ) from None
        definition, problems = read_survey_upload(data, payload.filename or "", field="file_base64")
    else:
        raise ServiceError(
            SurveysErrorCode.FILE_REQUIRED, _("Give a file or a definition."), field="file_base64"
        )
    return {
        "ok": definition is not None,
        "preview": None
        if definition is None
        else {
            "title": dict(definition.title),
            "key": definition.key,
            "languages": list(definition.languages),
            "sections": len(definition.sections),
            "questions": sum(1 for _q in definition.questions(include_rows=False)),
            "translation_gaps": {k: v for k, v in missing_translations(definition).items() if v},
        },
        "definition": None if definition is None else definition.to_dict(),
        "problems": [_problem(p) for p in problems],
    }


def _problem(p: Problem) -> dict[str, Any]:
    return p.to_dict()
