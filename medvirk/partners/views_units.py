"""Staff pages per unit: the contact log and the yearly mapping, and the municipality overview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.accounts.access import access_unit_by_id, municipality_id_of, units_for
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.csv_export import csv_response
from medvirk.core.forms import DsForm, form_submitted
from medvirk.core.ordering import Norwegian
from medvirk.core.views import staff_view, year_param
from medvirk.orgs.models import OrgUnit, UnitKind

from . import services
from .forms import ContactLogForm
from .mapping import CatchmentGroup, mapping_for
from .models import Organisation, YearlyMapping
from .selectors import contact_log_for_unit, district_of_unit, organisations_in_contact


@staff_view
def contact_log(request: StaffRequest, unit_id: int) -> HttpResponse:
    """Show a unit's contacts with organisations and log a new one."""
    unit = access_unit_by_id(request.user, unit_id, Perm.CONTACT_LOG)
    organisations = Organisation.objects.filter(municipality_id=unit.municipality_id).order_by(
        Norwegian("name")
    )
    initial: dict[str, object] = {"date": timezone.localdate()}
    if request.GET.get("organisation"):
        initial["organisation"] = request.GET["organisation"]
    from medvirk.participation.models import Activity

    activities = Activity.objects.filter(municipality_id=unit.municipality_id, units=unit).order_by("-pk")[
        :100
    ]
    form = ContactLogForm(
        request.POST or None, organisations=organisations, activities=activities, initial=initial
    )

    def log() -> object:
        org = organisations.filter(pk=form.cleaned_data["organisation"]).first()
        if org is None:
            raise Http404
        return services.contact_log_add(
            actor=request.user,
            unit=unit,
            organisation=org,
            on=form.cleaned_data["date"],
            kind=form.cleaned_data["kind"],
            contribution=form.cleaned_data["contribution"],
            activity_reference=form.cleaned_data["activity_reference"],
            activity=next((a for a in activities if a.pk == form.cleaned_data.get("activity")), None),
        )

    if form_submitted(request, form, _("The contact was logged."), log):
        return redirect("partners:contact_log", unit.pk)
    context = {"unit": unit, "form": form, "entries": contact_log_for_unit(unit=unit)[:200]}
    return render(request, "partners/contact_log.html", context)


def _mapping_form_class(groups: list[CatchmentGroup], candidates: list[Organisation]) -> type[DsForm]:
    choices = [(o.pk, o.name) for o in candidates]
    attrs: dict[str, Any] = {}
    for i in range(len(groups)):
        attrs[f"orgs_{i}"] = forms.TypedMultipleChoiceField(
            label=gettext_lazy("Organisations that can speak for this group"),
            choices=choices,
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        attrs[f"note_{i}"] = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)
    attrs["notes"] = forms.CharField(
        label=gettext_lazy("Notes on this year's mapping"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    attrs["completed"] = forms.BooleanField(
        label=gettext_lazy("The mapping for this year is complete"), required=False
    )
    return type("MappingForm", (DsForm,), attrs)


def _mapping_year(request: HttpRequest) -> int:
    """Return the mapping's ``?year=``: this year unless named; 404 outside the last ten years and
    next year (the overview links only to years whose mapping page opens)."""
    this_year = timezone.localdate().year
    return year_param(request, default=this_year, years=range(this_year - 10, this_year + 2)) or this_year


@staff_view
def mapping(request: StaffRequest, unit_id: int) -> HttpResponse:
    """Map, for one year, which organisations can speak for each group the unit serves."""
    unit = access_unit_by_id(request.user, unit_id, Perm.CONTACT_LOG)
    this_year = timezone.localdate().year
    year = _mapping_year(request)
    saved, groups, source = mapping_for(unit=unit, year=year)
    district = district_of_unit(unit)
    pool = Organisation.objects.filter(municipality_id=unit.municipality_id)
    if district is not None:
        pool = pool.filter(districts=district)
    candidate_ids = {o.pk for o in pool} | {o.pk for o in organisations_in_contact(unit=unit)}
    candidate_ids |= {pk for g in groups for pk in g.organisation_ids}
    candidate_ids |= {o.pk for g in groups for o in g.suggestions}
    candidates = list(Organisation.objects.filter(pk__in=candidate_ids).order_by(Norwegian("name")))
    initial: dict[str, Any] = {
        "notes": saved.notes if saved else "",
        "completed": saved.completed if saved else False,
    }
    for i, g in enumerate(groups):
        initial[f"orgs_{i}"] = g.organisation_ids
        initial[f"note_{i}"] = g.note
    form = _mapping_form_class(groups, candidates)(request.POST or None, initial=initial)

    def save() -> object:
        for i, g in enumerate(groups):
            g.organisation_ids = list(form.cleaned_data[f"orgs_{i}"])
            g.note = form.cleaned_data[f"note_{i}"]
        return services.mapping_save(
            actor=request.user,
            unit=unit,
            year=year,
            groups=groups,
            completed=form.cleaned_data["completed"],
            notes=form.cleaned_data["notes"],
        )

    if form_submitted(request, form, _("The mapping was saved."), save):
        return redirect(f"{request.path}?year={year}")
    rows = [(g, form[f"orgs_{i}"], form[f"note_{i}"]) for i, g in enumerate(groups)]
    context = {
        "unit": unit,
        "year": year,
        "saved": saved,
        "rows": rows,
        "form": form,
        "source": source,
        "gaps": sum(1 for g in groups if g.is_gap),
        "years": range(this_year, this_year - 4, -1),
    }
    return render(request, "partners/mapping.html", context)


def _overview(request: StaffRequest) -> tuple[int, list[tuple[OrgUnit, YearlyMapping | None, int]]]:
    """The year asked for and, per unit in the user's scope, its mapping (or None) and its gaps."""
    units = [u for u in units_for(request.user, Perm.CONTACT_LOG) if u.kind == UnitKind.UNIT]
    if not units and not units_for(request.user, Perm.CONTACT_LOG).exists():
        raise Http404
    year = _mapping_year(request)
    done = {
        m.unit_id: m
        for m in YearlyMapping.objects.filter(
            municipality_id=municipality_id_of(request.user), year=year, unit__in=units
        ).prefetch_related("groups__organisations")
    }
    rows: list[tuple[OrgUnit, YearlyMapping | None, int]] = []
    for u in units:
        m = done.get(u.pk)
        gaps = sum(1 for g in m.groups.all() if not g.organisations.all()) if m else 0
        rows.append((u, m, gaps))
    return year, rows


def _status(mapping: YearlyMapping | None) -> str:
    if mapping is None:
        return _("Not started")
    return _("Completed") if mapping.completed else _("Started")


@staff_view
def mapping_overview(request: StaffRequest) -> HttpResponse:
    """Show which units in the user's scope have mapped this year (or a chosen year)."""
    this_year = timezone.localdate().year
    year, rows = _overview(request)
    completed = sum(1 for _u, m, _g in rows if m and m.completed)
    context = {
        "rows": rows,
        "year": year,
        "completed": completed,
        "years": range(this_year, this_year - 4, -1),
    }
    return render(request, "partners/mapping_overview.html", context)


@staff_view
def mapping_csv(request: StaffRequest) -> HttpResponse:
    """Download the year's mapping as a spreadsheet: a line per unit and group, with the
    organisations that can speak for the group or "gap: no contact" (for a report or a meeting)."""
    year, rows = _overview(request)
    header = [_("Unit"), _("Status"), _("Group"), _("People"), _("Organisations"), _("Note")]
    lines: list[list[object]] = []
    for unit, m, _gaps in rows:
        groups = list(m.groups.all()) if m else []
        if not groups:
            lines.append([unit.name, _status(m), "", "", "", m.notes if m else ""])
        for g in groups:
            names = "; ".join(o.name for o in g.organisations.all()) or _("gap: no contact")
            lines.append(
                [unit.name, _status(m), g.label, g.size if g.size is not None else "", names, g.note]
            )
    # Semicolons, as Excel set up for Norwegian expects.
    return csv_response([header, *lines], filename=f"mapping-{year}.csv", delimiter=";")
