"""Data protection pages: retention periods, and the record of processing (page and export)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from medvirk.core.csv_export import csv_response
from medvirk.core.dataprotection import PersonalData, processing_entries, text
from medvirk.core.forms import form_submitted
from medvirk.core.retention import retention_amounts, retention_kinds
from medvirk.core.views import staff_view
from medvirk.orgs.models import Municipality

from .access import administered_municipality
from .privacy_forms import RetentionForm
from .requests import StaffRequest
from .services import retention_periods_set


def _administered_municipality(request: StaffRequest) -> Municipality:
    """Return the user's municipality if they administer all of it; otherwise 404."""
    return administered_municipality(request.user)


@staff_view
def data_protection(request: StaffRequest) -> HttpResponse:
    """Let an administrator set how long each kind of personal data is kept."""
    municipality = _administered_municipality(request)
    kinds = retention_kinds()
    form = RetentionForm(request.POST or None, kinds=kinds, initial=retention_amounts(municipality.pk))
    if form_submitted(
        request,
        form,
        _("The retention periods were saved."),
        lambda: retention_periods_set(actor=request.user, municipality=municipality, amounts=form.amounts()),
    ):
        return redirect("accounts:data_protection")
    return render(request, "accounts/data_protection.html", {"form": form, "municipality": municipality})


def _rows(municipality: Municipality) -> list[dict[str, Any]]:
    """Return the record of processing's rows in the active language, periods resolved."""
    kinds = {kind.key: kind for kind in retention_kinds()}
    amounts = retention_amounts(municipality.pk)
    rows = []
    for entry in processing_entries():
        declaration: PersonalData = entry.declaration
        kind = kinds.get(str(declaration.retention))
        how_long = kind.describe(amounts[kind.key]) if kind else text(declaration.retention)
        rows.append(
            {
                "module": entry.module,
                "table": entry.table,
                "data": text(declaration.data),
                "subjects": text(declaration.subjects),
                "purpose": text(declaration.purpose),
                "legal_basis": text(declaration.legal_basis),
                "retention": how_long,
                "seen_by": text(declaration.seen_by),
                "special": declaration.special,
                "pseudonymous": declaration.pseudonymous,
            }
        )
    return rows


@staff_view
def processing_record(request: StaffRequest) -> HttpResponse:
    """Show the record of processing (behandlingsprotokoll) generated from every model's declaration."""
    municipality = _administered_municipality(request)
    rows = _rows(municipality)
    modules: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        modules.setdefault(row["module"], []).append(row)
    context = {"municipality": municipality, "modules": modules}
    return render(request, "accounts/processing_record.html", context)


@staff_view
def processing_record_csv(request: StaffRequest) -> HttpResponse:
    """Download the record of processing as CSV (for the municipality's own register of processing)."""
    municipality = _administered_municipality(request)
    header = [
        _("Module"),
        _("Table"),
        _("What is stored"),
        _("About whom"),
        _("Why"),
        _("Legal basis"),
        _("How long"),
        _("Who sees it"),
        _("Special categories (GDPR art. 9)"),
        _("Pseudonymous"),
    ]
    yes, no = _("yes"), _("no")
    body = [
        [
            row["module"],
            row["table"],
            row["data"],
            row["subjects"],
            row["purpose"],
            row["legal_basis"],
            row["retention"],
            row["seen_by"],
            yes if row["special"] else no,
            yes if row["pseudonymous"] else no,
        ]
        for row in _rows(municipality)
    ]
    return csv_response([header, *body], filename=f"record-of-processing-{municipality.slug}.csv")
