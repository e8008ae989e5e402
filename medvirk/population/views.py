"""Staff pages for population data and user counts: fetch with access check, act, render.

The equity report built on them is an ``insights`` page (``insights.views_equity``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from medvirk.accounts.access import access_unit_by_id
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.csv_export import csv_response
from medvirk.core.errors import ServiceError
from medvirk.core.forms import form_submitted
from medvirk.core.views import staff_view, year_param

from . import selectors, services, usercounts_import
from .forms import MappingForm, UploadForm, UserCountForm, UserCountUploadForm
from .models import MappingEntry


def _language() -> str:
    return "en" if (get_language() or "nb").startswith("en") else "nb"


@staff_view
def tables(request: HttpRequest) -> HttpResponse:
    """List the imported population tables."""
    root = selectors.access_population_root(request.user)
    items = selectors.tables_for(municipality=root.municipality)
    return render(request, "population/tables.html", {"tables": items})


def _preview_summary(preview: services.Preview) -> list[dict[str, Any]]:
    by_dim: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for c in preview.result.counts:
        by_dim[c.dimension][c.category] += c.count
    return [
        {"dimension": selectors.dimension_label(d, _language()), "categories": sorted(cats.items())}
        for d, cats in by_dim.items()
    ]


@staff_view
def table_import(request: StaffRequest) -> HttpResponse:
    """Upload a table: check it (preview and error report) or import it, all or nothing."""
    root = selectors.access_population_root(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        kwargs = {
            "municipality": root.municipality,
            "data": data,
            "filename": upload.name,
            "source": form.cleaned_data["source"] or "",
            "year": form.cleaned_data["year"],
        }
        try:
            if request.POST.get("action") == "import":
                table = services.table_import(
                    actor=request.user, replace=form.cleaned_data["replace"], **kwargs
                )
                messages.success(request, _("The table was imported."))
                return redirect("population:table_detail", table.pk)
            preview = services.import_preview(**kwargs)
            context.update(preview=preview, summary=_preview_summary(preview))
        except services.ImportRejected as error:
            context.update(rejected=error)
            status = 400
        except ServiceError as error:
            form.add_service_error(error)
            status = 400
    return render(request, "population/import.html", context, status=status)


@staff_view
def table_detail(request: HttpRequest, table_id: int) -> HttpResponse:
    """Show a table's source, credit, issues, population per region and its mapping."""
    table = selectors.access_table_by_id(request.user, table_id)
    entries = list(table.mapping_entries.all())
    language = (get_language() or "nb")[:2]
    dims: dict[str, list[MappingEntry]] = defaultdict(list)
    for e in entries:
        # The standard category by its name ("Kvinner"), never its key ("female").
        e.target_label = _target_label(e.target_dimension, e.target_key, language)  # type: ignore[attr-defined]
        dims[e.source_dimension].append(e)
    mapped = [
        (dim, selectors.dimension_label(rows[0].target_dimension, language), rows)
        for dim, rows in dims.items()
    ]
    regions = table.counts.filter(dimension="__population__").order_by("region")
    return render(
        request,
        "population/table_detail.html",
        {"table": table, "dimensions": mapped, "regions": regions},
    )


def _target_label(dimension: str, key: str | None, language: str) -> str:
    if not key:
        return "–"
    if key == "__total__":
        return str(_("Total (used for checks)"))
    return selectors.category_label(dimension, key, language)


@staff_view
def mapping_edit(request: StaffRequest, table_id: int, entry_id: int) -> HttpResponse:
    """Correct where one source code is counted."""
    entry = selectors.access_mapping_entry_by_id(request.user, table_id, entry_id)
    table = entry.table
    keys = services.target_choices(table, entry.target_dimension)
    language = (get_language() or "nb")[:2]
    choices = [(k, _target_label(entry.target_dimension, k, language)) for k in keys]
    form = MappingForm(request.POST or None, choices=choices, initial={"target_key": entry.target_key})
    rejected = None
    if request.method == "POST" and form.is_valid():
        try:
            services.mapping_correct(
                actor=request.user, entry=entry, target_key=form.cleaned_data["target_key"] or None
            )
        except services.ImportRejected as error:
            rejected = error
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The mapping was corrected and the table recounted."))
            return redirect("population:table_detail", table.pk)
    return render(
        request,
        "population/mapping_form.html",
        {"table": table, "entry": entry, "form": form, "rejected": rejected},
    )


@staff_view
def table_delete(request: StaffRequest, table_id: int) -> HttpResponse:
    """Delete an imported table after confirmation."""
    table = selectors.access_table_by_id(request.user, table_id)
    if request.method == "POST":
        services.table_delete(actor=request.user, table=table)
        messages.success(request, _("The table was deleted."))
        return redirect("population:tables")
    return render(request, "population/table_delete.html", {"table": table})


@staff_view
def user_counts(request: StaffRequest, unit_id: int) -> HttpResponse:
    """Enter a unit's service-user counts for one year and background dimension."""
    unit = access_unit_by_id(request.user, unit_id, Perm.USER_COUNTS_EDIT)
    dimension = request.POST.get("dimension") or request.GET.get("dimension") or "age_band"
    if dimension not in services.USER_COUNT_DIMENSIONS:
        raise Http404
    year = year_param(request, lenient=True)
    current = selectors.user_counts_for(unit=unit, year=year).get(dimension, {}) if year else {}
    initial = {"dimension": dimension, "year": year, **{f"c_{k}": v for k, v in current.items()}}
    form = UserCountForm(request.POST or None, initial=initial, dimension=dimension, language=_language())
    if form_submitted(
        request,
        form,
        _("The user counts were saved."),
        lambda: services.user_counts_set(
            actor=request.user,
            unit=unit,
            year=form.cleaned_data["year"],
            dimension=dimension,
            counts=form.counts(),
        ),
    ):
        return redirect(f"{request.path}?dimension={dimension}&year={form.cleaned_data['year']}")
    context = {
        "unit": unit,
        "form": form,
        "dimension": dimension,
        "dimensions": [
            (d, selectors.dimension_label(d, _language())) for d in services.USER_COUNT_DIMENSIONS
        ],
        "years": selectors.user_count_years(unit=unit),
        "year": year,
    }
    return render(request, "population/user_counts.html", context)


@staff_view
def user_counts_import(request: StaffRequest, unit_id: int) -> HttpResponse:
    """Upload a CSV of user counts → preview of what would be stored → confirm (signed counts)."""
    unit = access_unit_by_id(request.user, unit_id, Perm.USER_COUNTS_EDIT)
    if request.method == "POST" and "confirm" in request.POST:
        try:
            year, counts = usercounts_import.unsign_counts(request.POST.get("counts", ""))
            stored = services.user_counts_import(actor=request.user, unit=unit, year=year, counts=counts)
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect("population:user_counts_import", unit.pk)
        messages.success(
            request, _("%(n)d user counts were imported for %(year)d.") % {"n": stored, "year": year}
        )
        return redirect(f"{reverse('population:user_counts', args=[unit.pk])}?year={year}")
    form = UserCountUploadForm(request.POST or None, request.FILES or None)
    preview = token = None
    table: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        preview = usercounts_import.parse_user_counts(
            form.cleaned_data["file"].read(), year=form.cleaned_data["year"]
        )
        if preview.ok:
            token = usercounts_import.sign_counts(preview)
            table = [
                {
                    "label": selectors.dimension_label(dim, _language()),
                    "rows": [
                        (selectors.category_label(dim, key, _language()), n) for key, n in counts.items()
                    ],
                }
                for dim, counts in preview.counts.items()
            ]
    context = {"unit": unit, "form": form, "preview": preview, "token": token, "table": table}
    return render(request, "population/user_counts_import.html", context)


@staff_view
def user_counts_template(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A fill-in CSV with every dimension and category and an empty count column."""
    access_unit_by_id(request.user, unit_id, Perm.USER_COUNTS_EDIT)
    return csv_response(usercounts_import.template_rows(), filename="user-counts-template.csv")
