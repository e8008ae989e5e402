"""Staff pages that set choice up: the overview, services with their rules, providers, approvals,
continuity, and a provider's own client list. Each view: fetch with access check, act, respond.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirk.accounts.access import can, can_anywhere, units_for_new_work
from medvirk.accounts.models import User
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.errors import ServiceError
from medvirk.core.forms import DsForm, dataclass_values, form_submitted, form_submitted_to
from medvirk.core.ordering import name_key
from medvirk.core.views import staff_view
from medvirk.orgs.models import UnitKind
from medvirk.orgs.selectors import district_names

from . import selectors, services
from .forms import (
    ApprovalForm,
    ContinuityForm,
    ProviderForm,
    ServiceForm,
    service_initial,
)
from .models import Approval, ChoiceService, Provider
from .selectors import (
    access_provider_by_id,
    access_service_by_id,
    approvals_of,
    providers_for,
    services_for,
)
from .types import ApprovalStatus


def _require(user: Any, *perms: Perm) -> None:
    if not any(can_anywhere(user, p) for p in perms):
        raise Http404


def _staff(request: StaffRequest) -> User:
    """Return the logged-in staff user (``staff_view`` has turned anyone else away)."""
    return request.user


def _form_page(request: StaffRequest, form: DsForm, title: str, cancel: str, *args: object) -> HttpResponse:
    """A setup form's page (``choice/form.html``): its title, and Cancel back to the page ``cancel`` names."""
    context = {"form": form, "title": title, "cancel": reverse(cancel, args=args)}
    return render(request, "choice/form.html", context)


@staff_view
def home(request: StaffRequest) -> HttpResponse:
    """Overview: the services a case handler or adviser works with, what waits, and the providers."""
    user = _staff(request)
    _require(user, Perm.CHOICE_SETUP, Perm.CHOICE_CASES)
    today = timezone.localdate()
    service_list = list(
        services_for(user=user, perm=Perm.CHOICE_SETUP) | services_for(user=user, perm=Perm.CHOICE_CASES)
    )
    service_list = sorted({s.pk: s for s in service_list}.values(), key=lambda s: name_key(s.name))
    counts = selectors.service_counts(services=service_list, today=today)
    context = {
        "rows": [(s, counts[s.pk], can(user, Perm.CHOICE_CASES, s.owner_unit)) for s in service_list],
        "can_setup": can_anywhere(user, Perm.CHOICE_SETUP),
        "can_cases": can_anywhere(user, Perm.CHOICE_CASES),
        "can_stats": can_anywhere(user, Perm.CHOICE_STATS),
        "requests": selectors.requests_for(user=user).count() if can_anywhere(user, Perm.CHOICE_CASES) else 0,
        "slug": user.municipality.slug if user.municipality else "",
    }
    return render(request, "choice/home.html", context)


@staff_view
def service_create(request: StaffRequest) -> HttpResponse:
    """Create a service with choice and its rules."""
    _require(request.user, Perm.CHOICE_SETUP)
    units = list(units_for_new_work(request.user, Perm.CHOICE_SETUP).exclude(kind=UnitKind.UNIT))
    form = ServiceForm(
        request.POST or None,
        units=units,
        districts=district_names(municipality_id=_staff(request).municipality_id or 0),
    )

    def create() -> ChoiceService:
        owner = form.chosen("owner_unit", units)
        return services.service_create(actor=request.user, owner_unit=owner, **form.rules())

    if done := form_submitted(
        request, form, _("The service was created. Approve providers for it next."), create
    ):
        return redirect("choice:service_detail", done.result.pk)
    return _form_page(request, form, _("New service with choice"), "choice:home")


@staff_view
def service_detail(request: StaffRequest, service_id: int) -> HttpResponse:
    """A service: its rules, approved providers and (for case handlers) its clients."""
    service = access_service_by_id(request.user, service_id, selectors.SERVICE_READERS)
    today = timezone.localdate()
    can_cases = can(request.user, Perm.CHOICE_CASES, service.owner_unit)
    query, status = request.GET.get("q", ""), request.GET.get("status", "")
    approvals = approvals_of(service=service)
    context = {
        "service": service,
        "approvals": [(a, a.status_on(today)) for a in approvals],
        "approved": ApprovalStatus.APPROVED,
        "can_setup": can(request.user, Perm.CHOICE_SETUP, service.owner_unit),
        "can_cases": can_cases,
        "can_stats": can(request.user, Perm.CHOICE_STATS, service.owner_unit),
        "rows": selectors.client_rows(service=service, today=today, query=query, status=status)[:500]
        if can_cases
        else [],
        "counts": selectors.service_counts(services=[service], today=today)[service.pk],
        "query": query,
        "status": status,
        "today": today,
    }
    return render(request, "choice/service_detail.html", context)


@staff_view
def service_edit(request: StaffRequest, service_id: int) -> HttpResponse:
    """Change a service's rules and its default provider."""
    service = access_service_by_id(request.user, service_id, Perm.CHOICE_SETUP)
    form = ServiceForm(
        request.POST or None,
        units=[],
        districts=district_names(municipality_id=service.municipality_id),
        approvals=approvals_of(service=service),
        editing=True,
        initial=service_initial(service),
    )

    def update() -> object:
        changes = form.rules()
        default = changes.pop("default_provider")
        changes["default_provider"] = next(
            (a.provider for a in approvals_of(service=service) if a.provider_id == default), None
        )
        return services.service_update(actor=request.user, service=service, **changes)

    if form_submitted(request, form, _("The service was saved."), update):
        return redirect("choice:service_detail", service.pk)
    title = _("Edit %(name)s") % {"name": service.name}
    return _form_page(request, form, title, "choice:service_detail", service.pk)


@staff_view
def provider_list(request: StaffRequest) -> HttpResponse:
    """The providers the user keeps, with their approvals."""
    _require(request.user, Perm.CHOICE_SETUP)
    today = timezone.localdate()
    providers = list(providers_for(user=request.user, perm=Perm.CHOICE_SETUP))
    rows = [(p, [(a, a.status_on(today)) for a in p.approvals.all()]) for p in providers]
    return render(request, "choice/provider_list.html", {"rows": rows, "approved": ApprovalStatus.APPROVED})


@staff_view
def provider_create(request: StaffRequest) -> HttpResponse:
    """Register a provider (a new unit in the organisation tree)."""
    _require(request.user, Perm.CHOICE_SETUP)
    parents = list(units_for_new_work(request.user, Perm.CHOICE_SETUP).exclude(kind=UnitKind.UNIT))
    form = ProviderForm(request.POST or None, parents=parents, initial={"kind": "private"})

    def register() -> Provider:
        parent = form.chosen("parent", parents)
        return services.provider_register(actor=request.user, data=form.data_for_service(), parent=parent)

    if done := form_submitted(
        request, form, _("The provider was registered. Approve it for a service next."), register
    ):
        return redirect("choice:provider_detail", done.result.pk)
    return _form_page(request, form, _("New provider"), "choice:provider_list")


@staff_view
def provider_detail(request: StaffRequest, provider_id: int) -> HttpResponse:
    """A provider: details, approvals, continuity reports."""
    provider = access_provider_by_id(request.user, provider_id, selectors.PROVIDER_READERS)
    today = timezone.localdate()
    can_setup = can(request.user, Perm.CHOICE_SETUP, provider.unit)
    approvals = list(
        Approval.objects.filter(provider=provider).select_related("service", "service__owner_unit")
    )
    context = {
        "provider": provider,
        "approvals": [(a, a.status_on(today)) for a in approvals],
        "approved": ApprovalStatus.APPROVED,
        "can_setup": can_setup,
        "can_clients": can(request.user, Perm.CHOICE_CLIENTS, provider.unit),
        "services": [
            s
            for s in services_for(user=request.user, perm=Perm.CHOICE_SETUP)
            if s.pk not in {a.service_id for a in approvals}
        ],
        "reports": selectors.continuity_reports(provider=provider),
    }
    return render(request, "choice/provider_detail.html", context)


@staff_view
def provider_edit(request: StaffRequest, provider_id: int) -> HttpResponse:
    """Change a provider's details."""
    provider = access_provider_by_id(request.user, provider_id, Perm.CHOICE_SETUP)
    initial = dataclass_values(services.ProviderData, provider)
    form = ProviderForm(request.POST or None, editing=True, initial=initial)
    if form_submitted(
        request,
        form,
        _("The provider was saved."),
        lambda: services.provider_update(actor=request.user, provider=provider, data=form.data_for_service()),
    ):
        return redirect("choice:provider_detail", provider.pk)
    title = _("Edit %(name)s") % {"name": provider.name}
    return _form_page(request, form, title, "choice:provider_detail", provider.pk)


@staff_view
def approval_edit(request: StaffRequest, provider_id: int, service_id: int) -> HttpResponse:
    """Approve a provider for a service, or change the approval."""
    provider = access_provider_by_id(request.user, provider_id, Perm.CHOICE_SETUP)
    service = access_service_by_id(request.user, service_id, Perm.CHOICE_SETUP)
    approval = Approval.objects.filter(provider=provider, service=service).first()
    initial: dict[str, Any] = {"approved_from": timezone.localdate()}
    if approval is not None:
        initial = {
            "approved_from": approval.approved_from,
            "approved_until": approval.approved_until,
            "suspended": approval.suspended,
            "contract": approval.contract,
            "capacity": approval.capacity,
            "areas": approval.areas,
        }
    districts = selectors.service_districts(service=service)
    form = ApprovalForm(request.POST or None, districts=districts, initial=initial)
    if form_submitted_to(
        request,
        form,
        _("The approval was saved."),
        services.approval_save,
        provider=provider,
        service=service,
    ):
        return redirect("choice:provider_detail", provider.pk)
    title = _("Approval of %(provider)s for %(service)s") % {
        "provider": provider.name,
        "service": service.name,
    }
    return _form_page(request, form, title, "choice:provider_detail", provider.pk)


@staff_view
def continuity(request: StaffRequest, provider_id: int) -> HttpResponse:
    """Report continuity for four weeks (provider staff, or whoever keeps the providers)."""
    provider = access_provider_by_id(request.user, provider_id, selectors.PROVIDER_READERS)
    form = ContinuityForm(request.POST or None)
    if form_submitted_to(
        request,
        form,
        _("Thank you. The comparison page shows the latest report."),
        services.continuity_report,
        provider=provider,
    ):
        return redirect("choice:provider_detail", provider.pk)
    title = _("Report continuity for %(provider)s") % {"provider": provider.name}
    return render(
        request,
        "choice/continuity.html",
        {
            "form": form,
            "title": title,
            "provider": provider,
            "reports": selectors.continuity_reports(provider=provider),
        },
    )


@staff_view
def provider_clients(request: StaffRequest, provider_id: int) -> HttpResponse:
    """A provider's own clients today: each from the first day with the provider, no earlier."""
    provider = access_provider_by_id(request.user, provider_id, Perm.CHOICE_CLIENTS)
    today = timezone.localdate()
    context = {
        "provider": provider,
        "clients": selectors.provider_clients(provider=provider, today=today),
        "today": today,
    }
    return render(request, "choice/provider_clients.html", context)


@staff_view
def my_providers(request: StaffRequest) -> HttpResponse:
    """Provider staff's start page: their provider(s), with links to the client lists."""
    _require(request.user, Perm.CHOICE_CLIENTS)
    providers = list(providers_for(user=request.user, perm=Perm.CHOICE_CLIENTS))
    if len(providers) == 1:
        return redirect("choice:provider_clients", providers[0].pk)
    return render(request, "choice/my_providers.html", {"providers": providers})


@staff_view
@require_POST
def defaults_apply(request: StaffRequest, service_id: int) -> HttpResponse:
    """Give the default provider now to every client whose time to choose is over."""
    service = access_service_by_id(request.user, service_id, Perm.CHOICE_CASES)
    try:
        done = services.defaults_apply_due(actor=request.user, service=service, today=timezone.localdate())
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(n)d clients got the default provider.") % {"n": done})
    return redirect("choice:service_detail", service.pk)
