"""Staff pages comparing municipalities' participation, and sharing figures with a partner."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirk.accounts.access import municipality_id_of, municipality_of
from medvirk.accounts.requests import StaffRequest
from medvirk.core.csv_export import csv_response
from medvirk.core.errors import ServiceError
from medvirk.core.forms import form_act
from medvirk.core.views import staff_view
from medvirk.orgs.models import Municipality

from . import services, sharing
from .compare import build_comparison, comparison_rows
from .forms import CompareForm, ShareForm


@staff_view
def compare(request: HttpRequest) -> HttpResponse:
    """Two or more municipalities side by side for a year (``?m=<slug>&m=<slug>&year=``)."""
    municipalities = sharing.comparable_municipalities(request.user)
    if not municipalities:
        raise Http404
    this_year = datetime.date.today().year
    years = list(range(this_year + 1, this_year - 5, -1))
    data = request.GET if "m" in request.GET else None
    allowed = {m.slug for m in municipalities}
    if any(slug not in allowed for slug in request.GET.getlist("m")):
        raise Http404  # not shared with this municipality, or no such municipality
    form = CompareForm(data, municipalities=municipalities, years=years, initial={"m": [], "year": this_year})
    comparison = None
    if form.is_bound and form.is_valid():
        try:
            chosen = sharing.access_municipalities(request.user, form.cleaned_data["m"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            comparison = build_comparison(municipalities=chosen, year=form.cleaned_data["year"])
    if comparison is not None and request.GET.get("format") == "csv":
        name = "-".join(m.slug for m in comparison.municipalities)
        return csv_response(
            comparison_rows(comparison), filename=f"participation-{name}-{comparison.year}.csv"
        )
    context = {
        "form": form,
        "comparison": comparison,
        "alone": len(municipalities) < 2,
        "can_share": sharing.can_share(request.user),
        "csv_query": request.GET.urlencode() + "&format=csv",
    }
    return render(request, "participation/compare.html", context)


def _share(request: StaffRequest, slug: str) -> Municipality:
    partner = sharing.access_partner_for_sharing(request.user, slug)
    services.sharing_grant(actor=request.user, municipality=municipality_of(request.user), partner=partner)
    return partner


@staff_view
def sharing_page(request: StaffRequest) -> HttpResponse:
    """Which municipalities see our figures, which share theirs with us; share with one more."""
    grants = sharing.grants_for(request.user)
    can_share = sharing.can_share(request.user)
    taken = {g.partner_id for g in grants["shared_with"]} | {municipality_id_of(request.user)}
    partners = Municipality.objects.exclude(pk__in=taken)
    form = ShareForm(request.POST or None, partners=partners) if can_share else None
    if form is None:
        if request.method == "POST":
            raise Http404
    elif done := form_act(request, form, lambda: _share(request, form.cleaned_data["partner"])):
        messages.success(request, _("Your figures are now shared with %(m)s.") % {"m": done.result.name})
        return redirect("participation:sharing")
    return render(request, "participation/sharing.html", {"form": form, "can_share": can_share, **grants})


@staff_view
@require_POST
def sharing_revoke(request: StaffRequest, slug: str) -> HttpResponse:
    grant = sharing.access_grant_by_partner(request.user, slug)
    services.sharing_revoke(actor=request.user, grant=grant)
    messages.success(request, _("Your figures are no longer shared with %(m)s.") % {"m": grant.partner.name})
    return redirect("participation:sharing")
