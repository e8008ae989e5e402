"""Staff pages for the volunteers' pool: counts by attribute, list, CSV import."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.accounts.access import municipality_of
from medvirk.accounts.requests import StaffRequest
from medvirk.core.csv_import import IMPORT_MAX_BYTES
from medvirk.core.forms import BoundedFileField, DsForm, form_submitted_to
from medvirk.core.ordering import Norwegian
from medvirk.core.views import ImportSteps, import_preview_page, staff_view

from . import services
from .choices import FEATURES, PREFER_NOT, feature_choices, value_label
from .csvimport import parse_csv, sign_rows, unsign_rows
from .forms import VolunteerEditForm
from .models import Volunteer
from .selectors import access_volunteer_by_id, pool_counts, require_panels
from .services import VOLUNTEER_EDITABLE, volunteer_update


class UploadForm(DsForm):
    file = BoundedFileField(
        max_bytes=IMPORT_MAX_BYTES,
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns: navn, e-post and optionally aldersgruppe, kjønn, bydel, innvandringsbakgrunn, "
            "utdanning, husstand. An empty cell means “prefer not to say”."
        ),
    )
    consent = forms.BooleanField(
        label=gettext_lazy("Everyone in the file has agreed to be in the pool"),
        required=True,
    )


@staff_view
def pool(request: StaffRequest) -> HttpResponse:
    """Show the pool: counts by attribute (confirmed volunteers) and the list of volunteers."""
    require_panels(request.user)
    municipality = municipality_of(request.user)
    counts = pool_counts(municipality.pk)
    choices = feature_choices(municipality)
    tables = []
    for feature, label in FEATURES.items():
        rows = [
            (value_label(choices, feature, v), counts.get((feature, v), 0))
            for v, _l in [*choices[feature], PREFER_NOT]
        ]
        tables.append({"key": feature, "label": label, "rows": rows})
    volunteers = Volunteer.objects.filter(municipality=municipality).order_by(Norwegian("name"), "pk")[:1000]
    unconfirmed = Volunteer.objects.filter(municipality=municipality, email_confirmed=False).count()
    context = {
        "tables": tables,
        "volunteers": volunteers,
        "confirmed": sum(n for (f, _v), n in counts.items() if f == "gender"),
        "unconfirmed": unconfirmed,
    }
    return render(request, "panels/pool.html", context)


@staff_view
def import_csv(request: StaffRequest) -> HttpResponse:
    """Upload → preview with a verdict per row → confirm (signed rows in a hidden field)."""
    require_panels(request.user)
    municipality = municipality_of(request.user)
    return import_preview_page(
        request,
        ImportSteps(
            form=UploadForm,
            parse=lambda data: parse_csv(data, municipality=municipality),
            sign=sign_rows,
            unsign=unsign_rows,
            store=lambda rows: services.volunteers_import(
                actor=request.user, municipality=municipality, rows=rows
            ),
            stored=lambda created, skipped: (
                _("%(created)d volunteers were imported; %(skipped)d skipped.")
                % {"created": created, "skipped": skipped}
            ),
            template="panels/import.html",
            upload_url="panels:import",
            done_url="panels:pool",
        ),
    )


@staff_view
def volunteer_edit(request: StaffRequest, volunteer_id: int) -> HttpResponse:
    """Correct a volunteer's attributes (audited; the volunteer's own links stay valid)."""
    volunteer = access_volunteer_by_id(request.user, volunteer_id)
    initial = {f: getattr(volunteer, f) for f in VOLUNTEER_EDITABLE}
    form = VolunteerEditForm(request.POST or None, municipality=volunteer.municipality, initial=initial)
    if form_submitted_to(
        request, form, _("The volunteer's details were saved."), volunteer_update, volunteer=volunteer
    ):
        return redirect("panels:pool")
    return render(request, "panels/volunteer_form.html", {"form": form, "volunteer": volunteer})
