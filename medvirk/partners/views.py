"""Staff pages of the organisations register: fetch with access check, act, respond."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import TextChoices
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirk.accounts.access import can_anywhere, municipality_id_of, municipality_of, scope_q, units_for
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.forms import form_act, form_submitted_to
from medvirk.core.views import staff_view
from medvirk.orgs.selectors import city_districts

from . import services
from .forms import (
    ContactPersonForm,
    DecisionForm,
    InviteForm,
    OrganisationForm,
    SearchForm,
    organisation_initial,
)
from .models import ContactLogEntry, Organisation, Proposal
from .selectors import (
    access_contact_person_by_id,
    access_organisation_by_id,
    access_proposal_by_id,
    organisation_search,
    pending_proposals,
    require_anywhere,
)
from .types import COUNTRY_CHOICES, LANGUAGE_CHOICES, Competence, Group, OrganisationKind, labels
from .views_public import describe


@staff_view
def register(request: StaffRequest) -> HttpResponse:
    """List and search the municipality's organisations."""
    require_anywhere(request.user, Perm.ORG_VIEW)
    municipality = municipality_of(request.user)
    form = SearchForm(request.GET or None, districts=city_districts(municipality_id=municipality.pk))
    results = organisation_search(municipality_id=municipality.pk, query=form.query())
    can_manage = can_anywhere(request.user, Perm.PARTNERS_MANAGE)
    context = {
        "form": form,
        "results": [(org, describe(org)) for org in results],
        "can_manage": can_manage,
        "pending": pending_proposals(municipality_id=municipality.pk).count() if can_manage else 0,
        "can_log": can_anywhere(request.user, Perm.CONTACT_LOG),
        "searched": bool(request.GET),
    }
    return render(request, "partners/register.html", context)


@staff_view
def detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Show an organisation, its contact persons (to managers) and the contacts units had with it."""
    org = access_organisation_by_id(request.user, organisation_id)
    can_manage = can_anywhere(request.user, Perm.PARTNERS_MANAGE)
    log = ContactLogEntry.objects.filter(organisation=org).filter(
        scope_q(request.user, Perm.CONTACT_LOG, path_field="unit__path")
    )
    context = {
        "org": org,
        "info": describe(org),
        "can_manage": can_manage,
        "can_log": can_anywhere(request.user, Perm.CONTACT_LOG),
        "contacts": org.contacts.all() if can_manage else None,
        "log": log.select_related("unit")[:50],
    }
    return render(request, "partners/detail.html", context)


def _save_form(
    request: StaffRequest, form: OrganisationForm, org: Organisation | None
) -> HttpResponse | None:

    def save() -> Organisation:
        data = form.organisation_data()
        if org is None:
            return services.organisation_create(
                actor=request.user, municipality=municipality_of(request.user), data=data
            )
        services.organisation_update(actor=request.user, organisation=org, data=data)
        return org

    if done := form_act(request, form, save):
        messages.success(request, _("The organisation was saved."))
        return redirect("partners:detail", done.result.pk)
    return None


@staff_view
def create(request: StaffRequest) -> HttpResponse:
    """Register a new organisation."""
    require_anywhere(request.user, Perm.PARTNERS_MANAGE)
    form = OrganisationForm(
        request.POST or None, districts=city_districts(municipality_id=municipality_id_of(request.user))
    )
    done = _save_form(request, form, None)
    return done or render(request, "partners/form.html", {"form": form, "title": _("New organisation")})


@staff_view
def edit(request: StaffRequest, organisation_id: int) -> HttpResponse:
    """Edit an organisation's details."""
    org = access_organisation_by_id(request.user, organisation_id, Perm.PARTNERS_MANAGE)
    form = OrganisationForm(
        request.POST or None,
        districts=city_districts(municipality_id=org.municipality_id),
        initial=organisation_initial(org),
    )
    done = _save_form(request, form, org)
    title = _("Edit %(name)s") % {"name": org.name}
    return done or render(request, "partners/form.html", {"form": form, "title": title, "org": org})


@staff_view
def contact_add(request: StaffRequest, organisation_id: int) -> HttpResponse:
    """Add a contact person, stored only with their consent."""
    org = access_organisation_by_id(request.user, organisation_id, Perm.PARTNERS_MANAGE)
    form = ContactPersonForm(request.POST or None)
    if form_submitted_to(
        request, form, _("The contact person was added."), services.contact_person_add, organisation=org
    ):
        return redirect("partners:detail", org.pk)
    title = _("New contact person for %(name)s") % {"name": org.name}
    return render(request, "partners/form.html", {"form": form, "title": title, "org": org})


@staff_view
@require_POST
def contact_remove(request: StaffRequest, contact_id: int) -> HttpResponse:
    """Delete a contact person for good."""
    contact = access_contact_person_by_id(request.user, contact_id)
    org_id = contact.organisation_id
    services.contact_person_remove(actor=request.user, contact=contact)
    messages.success(request, _("The contact person was deleted."))
    return redirect("partners:detail", org_id)


@staff_view
def invite(request: StaffRequest, organisation_id: int) -> HttpResponse:
    """Invite an organisation to an activity, or ask it to nominate members; logs the contact."""
    org = access_organisation_by_id(request.user, organisation_id)
    units = list(units_for(request.user, Perm.CONTACT_LOG))
    if not units:
        raise Http404
    form = InviteForm(request.POST or None, units=units)
    recipients = org.contacts.exclude(email="").count()

    def send() -> tuple[object, int]:
        return services.organisation_invite(
            actor=request.user,
            unit=form.chosen("unit", units),
            organisation=org,
            subject=form.cleaned_data["subject"],
            message=form.cleaned_data["message"],
            nominate=form.cleaned_data["nominate"],
            activity_reference=form.cleaned_data["activity_reference"],
        )

    if done := form_act(request, form, send):
        sent = done.result[1]
        messages.success(
            request, _("The invitation was logged and sent to %(n)d contact person(s).") % {"n": sent}
        )
        return redirect("partners:detail", org.pk)
    title = _("Invite %(name)s") % {"name": org.name}
    context = {"form": form, "title": title, "org": org, "recipients": recipients}
    return render(request, "partners/invite.html", context)


@staff_view
def moderation(request: StaffRequest) -> HttpResponse:
    """List proposals from the public that wait for moderation."""
    require_anywhere(request.user, Perm.PARTNERS_MANAGE)
    items = pending_proposals(municipality_id=municipality_id_of(request.user))
    return render(request, "partners/moderation.html", {"proposals": items})


@staff_view
def proposal(request: StaffRequest, proposal_id: int) -> HttpResponse:
    """Show a proposal next to the current entry and accept or reject it."""
    item = access_proposal_by_id(request.user, proposal_id)
    form = DecisionForm(request.POST or None)

    def decide() -> str:
        note = form.cleaned_data["note"]
        if request.POST.get("decision") == "accept":
            org = services.proposal_accept(actor=request.user, proposal=item, note=note)
            return _("The proposal was accepted and %(name)s updated.") % {"name": org.name}
        services.proposal_reject(actor=request.user, proposal=item, note=note)
        return _("The proposal was rejected.")

    if done := form_act(request, form, decide):
        messages.success(request, done.result)
        return redirect("partners:moderation")
    rows = proposal_rows(item)
    return render(request, "partners/proposal.html", {"item": item, "form": form, "rows": rows})


def _items(value: object) -> list[str]:
    """Return a proposal field's list of keys (an empty list for none)."""
    return [str(item) for item in value] if isinstance(value, list | tuple) else []


def proposal_rows(item: Proposal) -> list[tuple[str, str, str, bool]]:
    """Return (label, current, proposed, changed) for each field of a proposal."""
    data = item.data
    org = item.organisation
    districts = {d.pk: d.name for d in city_districts(municipality_id=item.municipality_id)}

    def fmt(key: str, value: object) -> str:
        if key == "kind":
            return str(dict(OrganisationKind.choices).get(str(value), value))
        if key == "district_ids":
            return ", ".join(districts.get(int(d), str(d)) for d in _items(value))
        table: dict[str, list[tuple[str, object]] | type[TextChoices]] = {
            "competences": Competence,
            "languages": LANGUAGE_CHOICES,
            "groups": Group,
            "countries": COUNTRY_CHOICES,
        }
        if key in table:
            return ", ".join(labels(table[key], _items(value)))
        return str(value or "")

    fields = [
        ("name", _("Name")),
        ("org_number", _("Organisation number")),
        ("kind", _("Kind")),
        ("description", _("Description")),
        ("district_ids", _("Districts")),
        ("competences", _("Competence")),
        ("languages", _("Languages")),
        ("groups", _("Groups")),
        ("countries", _("Country backgrounds")),
        ("website", _("Website")),
    ]
    rows = []
    for key, label in fields:
        if org is None:
            current = ""
        elif key == "district_ids":
            current = fmt(key, [d.pk for d in org.districts.all()])
        else:
            current = fmt(key, getattr(org, key))
        proposed = fmt(key, data.get(key))
        rows.append((str(label), current, proposed, org is not None and current != proposed))
    return rows
