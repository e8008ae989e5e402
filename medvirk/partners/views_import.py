"""Staff page: import organisations from CSV with a preview; nothing is stored until confirmed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.accounts.access import municipality_of
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.errors import ServiceError
from medvirk.core.forms import DsForm
from medvirk.core.views import staff_view

from . import services
from .csvimport import parse_csv, sign_rows, unsign_rows
from .selectors import require_anywhere


class UploadForm(DsForm):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns: organisasjonsnummer, navn and optionally kategori. Comma, semicolon or tab; "
            "UTF-8 or Windows-1252."
        ),
    )


@staff_view
def import_csv(request: StaffRequest) -> HttpResponse:
    """Upload → preview with a verdict per row → confirm (signed rows in a hidden field)."""
    require_anywhere(request.user, Perm.PARTNERS_MANAGE)
    municipality = municipality_of(request.user)
    if request.method == "POST" and "confirm" in request.POST:
        try:
            rows = unsign_rows(request.POST.get("rows", ""))
            created, skipped = services.organisations_import(
                actor=request.user, municipality=municipality, rows=rows
            )
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect("partners:import")
        messages.success(
            request,
            _(
                "%(created)d organisations were imported (not shown publicly until you choose so); "
                "%(skipped)d skipped."
            )
            % {"created": created, "skipped": skipped},
        )
        return redirect("partners:register")
    form = UploadForm(request.POST or None, request.FILES or None)
    preview = token = None
    if request.method == "POST" and form.is_valid():
        preview = parse_csv(form.cleaned_data["file"].read(), municipality=municipality)
        if preview.new_rows:
            token = sign_rows(preview.new_rows)
    return render(request, "partners/import.html", {"form": form, "preview": preview, "token": token})
