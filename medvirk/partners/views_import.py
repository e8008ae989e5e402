"""Staff page: import organisations from CSV with a preview; nothing is stored until confirmed."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.accounts.access import municipality_of
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.csv_import import IMPORT_MAX_BYTES
from medvirk.core.forms import BoundedFileField, DsForm
from medvirk.core.views import ImportSteps, import_preview_page, staff_view

from . import services
from .csvimport import parse_csv, sign_rows, unsign_rows
from .selectors import require_anywhere


class UploadForm(DsForm):
    file = BoundedFileField(
        max_bytes=IMPORT_MAX_BYTES,
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
    return import_preview_page(
        request,
        ImportSteps(
            form=UploadForm,
            parse=lambda data: parse_csv(data, municipality=municipality),
            sign=sign_rows,
            unsign=unsign_rows,
            store=lambda rows: services.organisations_import(
                actor=request.user, municipality=municipality, rows=rows
            ),
            stored=lambda created, skipped: (
                _(
                    "%(created)d organisations were imported (not shown publicly until you choose so); "
                    "%(skipped)d skipped."
                )
                % {"created": created, "skipped": skipped}
            ),
            template="partners/import.html",
            upload_url="partners:import",
            done_url="partners:register",
        ),
    )
