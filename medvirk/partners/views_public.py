"""Citizen-facing pages: find organisations, and propose a new entry or an update (no login)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from medvirk.core.actors import SystemActor
from medvirk.core.forms import form_act
from medvirk.orgs.models import Municipality
from medvirk.orgs.selectors import city_districts

from . import services
from .forms import ProposalForm, SearchForm, organisation_initial
from .models import Organisation
from .selectors import organisation_search
from .types import COUNTRY_CHOICES, LANGUAGE_CHOICES, Competence, Group, labels

#: The public propose page: the proposer is no staff user, and a proposal changes nothing by itself.
PUBLIC_ACTOR = SystemActor("organisation proposal from the public")


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def describe(org: Organisation) -> dict[str, list[str]]:
    """Return an organisation's lists as translated labels for display."""
    return {
        "competences": labels(Competence, org.competences),
        "languages": labels(LANGUAGE_CHOICES, org.languages),
        "groups": labels(Group, org.groups) + labels(COUNTRY_CHOICES, org.countries),
        "districts": [d.name for d in org.districts.all()],
    }


def find(request: HttpRequest, slug: str) -> HttpResponse:
    """Search the public register by district, competence, language and group."""
    municipality = get_object_or_404(Municipality, slug=slug)
    form = SearchForm(request.GET or None, districts=city_districts(municipality_id=municipality.pk))
    searched = bool(request.GET)
    results = organisation_search(municipality_id=municipality.pk, query=form.query(), public=True)
    context = {
        "municipality": municipality,
        "form": form,
        "searched": searched,
        "results": [(org, describe(org)) for org in results],
    }
    return render(request, "partners/public/find.html", context)


def detail(request: HttpRequest, slug: str, organisation_id: int) -> HttpResponse:
    """Show one publicly listed organisation (never its contact persons)."""
    municipality = get_object_or_404(Municipality, slug=slug)
    org = Organisation.objects.filter(
        pk=organisation_id, municipality=municipality, listed_publicly=True
    ).first()
    if org is None:
        raise Http404
    return render(
        request,
        "partners/public/detail.html",
        {"municipality": municipality, "org": org, "info": describe(org)},
    )


def propose(request: HttpRequest, slug: str) -> HttpResponse:
    """Let an organisation propose a new entry (or an update of ``?organisation=<id>``)."""
    municipality = get_object_or_404(Municipality, slug=slug)
    organisation = None
    org_id = request.POST.get("organisation") or request.GET.get("organisation")
    if org_id:
        try:
            organisation = Organisation.objects.filter(
                pk=int(org_id), municipality=municipality, listed_publicly=True
            ).first()
        except ValueError:
            organisation = None
        if organisation is None:
            raise Http404
    initial = organisation_initial(organisation) if organisation else {}
    form = ProposalForm(
        request.POST or None, districts=city_districts(municipality_id=municipality.pk), initial=initial
    )
    if request.method == "POST" and form.is_valid() and form.is_spam():
        # Look like success so bots learn nothing; store nothing.
        return redirect("partners_public:thanks", slug)
    if form_act(
        request,
        form,
        lambda: services.proposal_submit(
            actor=PUBLIC_ACTOR,
            municipality=municipality,
            organisation=organisation,
            data=form.organisation_data(),
            contact=form.contact(),
            consent=form.cleaned_data["consent"],
            message=form.cleaned_data["message"],
            client=_client(request),
        ),
    ):
        return redirect("partners_public:thanks", slug)
    context = {"municipality": municipality, "form": form, "organisation": organisation}
    return render(request, "partners/public/propose.html", context)


def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """Confirm that a proposal was received and will be moderated."""
    municipality = get_object_or_404(Municipality, slug=slug)
    return render(
        request, "partners/public/thanks.html", {"municipality": municipality, "title": _("Thank you")}
    )
