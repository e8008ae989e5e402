"""Staff pages for survey interchange: download a definition as JSON or XLSForm, import one.

Import is two steps without touching the filesystem: the upload is parsed and previewed, and the
parsed definition travels to the confirm step in a hidden field signed with ``django.core.signing``
(so it cannot be changed on the way). Confirming creates a survey round with
``services.survey_create`` for units the user designs surveys for.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.accounts.access import access_unit_by_id, units_for_new_work
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.common import languages
from medvirk.core.errors import ServiceError
from medvirk.core.forms import DsForm
from medvirk.core.views import staff_view
from medvirk.orgs.forms import unit_choices

from ..design import services
from ..design.definition import Definition, missing_translations
from ..design.parser import parse_definition
from ..selectors import access_survey_by_id
from .files import MAX_UPLOAD_BYTES
from .upload import read_survey_upload
from .xlsform import Problem, definition_to_xlsform

SIGNING_SALT = "medvirk.surveys.interchange.import"
PAYLOAD_MAX_AGE = 60 * 60 * 2  # seconds between preview and confirm
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Translated wording for problems about the file as a whole (the XLSForm reader is pure Python
# and words its row-level problems in English).
FILE_PROBLEMS = {
    "not_xlsform": gettext_lazy("The file is not an Excel workbook (.xlsx or .xls), or it is damaged."),
    "no_survey": gettext_lazy("The workbook has no XLSForm 'survey' sheet with a 'type' column and rows."),
    "json_encoding": gettext_lazy("The file is not UTF-8 text."),
    "not_json": gettext_lazy("The file is called .json but is an Excel or zip file."),
    "extension": gettext_lazy("Upload a .json, .xlsx or .xls file."),
    "empty": gettext_lazy("The file is empty."),
    "too_large": gettext_lazy("The file is larger than 5 MB."),
}


def problem_text(problem: Problem) -> str:
    """Return a problem as a line for people, translated where the wording is ours."""
    if problem.feature in FILE_PROBLEMS:
        return str(FILE_PROBLEMS[problem.feature])
    if problem.feature == "duplicate_column" and len(problem.names) == 1:
        return _("The column “%(column)s” appears twice on the sheet “%(sheet)s”. Keep one of them.") % {
            "column": problem.names[0],
            "sheet": problem.sheet,
        }
    if problem.feature == "duplicate_column" and len(problem.names) == 2:
        return _(
            "The columns “%(first)s” and “%(second)s” on the sheet “%(sheet)s” are the same column. "
            "Keep one of them."
        ) % {"first": problem.names[0], "second": problem.names[1], "sheet": problem.sheet}
    if problem.feature == "json_syntax":
        detail = problem.message.removeprefix("The file is not valid JSON: ")
        return _("The file is not valid JSON (line %(n)s): %(detail)s") % {"n": problem.row, "detail": detail}
    return str(problem)


def _filename(definition: Definition, extension: str) -> str:
    return f"{slugify(definition.key) or 'survey'}.{extension}"


def _download(survey: Any) -> Definition:
    return parse_definition(survey.definition)


@staff_view
def export_json(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Download the survey's full definition as ``medvirk-survey/1`` JSON (lossless)."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    definition = _download(survey)
    body = json.dumps(definition.to_dict(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(definition, "json")}"'
    return response


@staff_view
def export_xlsx(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Download the survey as an XLSForm workbook (opens in KoboToolbox, ODK and Medvirk)."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    definition = _download(survey)
    response = HttpResponse(definition_to_xlsform(definition), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(definition, "xlsx")}"'
    return response


class UploadForm(DsForm):
    file = forms.FileField(
        label=gettext_lazy("Survey file"),
        help_text=gettext_lazy(
            "A Medvirk survey (.json) or an XLSForm (.xlsx or .xls) from KoboToolbox, ODK or Excel. Max 5 MB."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".json", ".xlsx", ".xls")):
            raise forms.ValidationError(_("Upload a .json, .xlsx or .xls file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class ConfirmForm(DsForm):
    payload = forms.CharField(widget=forms.HiddenInput)
    owner_unit = forms.TypedChoiceField(
        label=gettext_lazy("Owner unit"),
        coerce=int,
        help_text=gettext_lazy("Who designs the survey. The units below must lie under it."),
    )
    units = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Units that run the survey"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    round_label = forms.CharField(
        label=gettext_lazy("Round"), max_length=60, help_text=gettext_lazy("For example the year: 2026.")
    )
    series = forms.CharField(
        label=gettext_lazy("Series (optional)"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Rounds in the same series are compared. Default: the survey's key."),
    )

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = unit_choices(units)
        self.choice_field("owner_unit").choices = choices
        self.choice_field("units").choices = choices

    def clean_payload(self) -> dict[str, Any]:
        try:
            document = signing.loads(self.cleaned_data["payload"], salt=SIGNING_SALT, max_age=PAYLOAD_MAX_AGE)
        except signing.SignatureExpired:
            raise forms.ValidationError(_("The preview has expired. Upload the file again.")) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                _("The import was changed or damaged. Upload the file again.")
            ) from None
        if not isinstance(document, dict):
            raise forms.ValidationError(_("The import was changed or damaged. Upload the file again."))
        return document


def _preview(definition: Definition) -> dict[str, Any]:
    gaps = {lang: places for lang, places in missing_translations(definition).items() if places}
    return {
        "title": [(lang, text, languages.direction(lang)) for lang, text in definition.title.items()],
        "title_text": next(
            (definition.title[lang] for lang in definition.languages if definition.title.get(lang)), ""
        )
        or next(iter(definition.title.values()), definition.key),
        "key": definition.key,
        "languages": list(definition.languages),
        "sections": len(definition.sections),
        "questions": sum(1 for _q in definition.questions(include_rows=False)),
        "statements": sum(len(q.rows) for q in definition.questions(include_rows=False)),
        "translation_gaps": gaps,
    }


def _render_upload(
    request: HttpRequest, form: UploadForm, problems: list[str], status: int = 200
) -> HttpResponse:
    return render(
        request, "surveys/interchange_upload.html", {"form": form, "problems": problems}, status=status
    )


def _render_preview(
    request: HttpRequest, definition: Definition, problems: list[str], form: ConfirmForm, status: int = 200
) -> HttpResponse:
    context = {"preview": _preview(definition), "problems": problems, "form": form}
    return render(request, "surveys/interchange_preview.html", context, status=status)


@staff_view
def import_survey(request: StaffRequest) -> HttpResponse:
    """Upload a survey file, see what will be imported, then create a survey round from it."""
    units = list(units_for_new_work(request.user, Perm.SURVEY_DESIGN).order_by("path"))
    if not units:
        raise Http404
    if request.method == "POST" and "payload" in request.POST:
        return _confirm(request, units)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _render_upload(request, form, [])
    if not form.is_valid():
        return _render_upload(request, form, [], status=400)
    upload = form.cleaned_data["file"]
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    try:
        definition, problems = read_survey_upload(data, upload.name)
    except ServiceError as refused:
        return _render_upload(request, form, [str(refused.message)], status=400)
    lines = [problem_text(p) for p in problems]
    if definition is None:
        return _render_upload(request, form, lines, status=400)
    payload = signing.dumps(definition.to_dict(), salt=SIGNING_SALT, compress=True)
    confirm = ConfirmForm(
        units=units,
        initial={"payload": payload, "owner_unit": units[0].pk, "series": definition.key},
    )
    return _render_preview(request, definition, lines, confirm)


def _confirm(request: StaffRequest, units: list[Any]) -> HttpResponse:
    form = ConfirmForm(request.POST, units=units)
    if not form.is_valid():
        if "payload" in form.errors:
            messages.error(request, " ".join(str(error) for error in form.errors["payload"]))
            return _render_upload(request, UploadForm(), [], status=400)
        definition = parse_definition(form.cleaned_data["payload"])
        return _render_preview(request, definition, [], form, status=400)
    document = form.cleaned_data["payload"]
    definition = parse_definition(document)
    owner = access_unit_by_id(request.user, form.cleaned_data["owner_unit"], Perm.SURVEY_DESIGN)
    chosen = [access_unit_by_id(request.user, pk, Perm.SURVEY_DESIGN) for pk in form.cleaned_data["units"]]
    try:
        survey = services.survey_create(
            actor=request.user,
            owner_unit=owner,
            document=document,
            units=chosen,
            round_label=form.cleaned_data["round_label"],
            series=form.cleaned_data["series"] or None,
        )
    except ServiceError as error:
        form.add_service_error(error)
        return _render_preview(request, definition, [], form, status=400)
    messages.success(
        request,
        _("The survey “%(title)s” (round %(round)s) was created for %(n)s units.")
        % {"title": _preview(definition)["title_text"], "round": survey.round_label, "n": len(chosen)},
    )
    return redirect("surveys:detail", survey.pk)
