"""Case handlers' pages: register clients, their choice or the default, switches, ending, online
requests and importing current clients. Each view: fetch with access check, act, respond.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirk.accounts.access import can_anywhere
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.errors import ServiceError
from medvirk.core.forms import form_act, form_submitted, form_submitted_to
from medvirk.core.views import service_done, staff_view
from medvirk.orgs.selectors import district_names

from . import csvimport, selectors, services
from .forms import ChoiceForm, ClientForm, CloseForm, EndForm, ImportForm, MatchForm, SwitchForm
from .models import Assignment, Client, Provider, Switch
from .rules import day_text
from .selectors import (
    access_client_by_id,
    access_request_by_id,
    access_service_by_id,
    access_switch_by_id,
    choosable_providers,
)
from .services import Background
from .types import RequestStatus


@staff_view
def client_create(request: StaffRequest, service_id: int) -> HttpResponse:
    """Register a client with a decision; the time to choose starts on the decision date."""
    service = access_service_by_id(request.user, service_id, Perm.CHOICE_CASES)
    form = ClientForm(
        request.POST or None,
        districts=district_names(municipality_id=service.municipality_id),
        initial={"decision_on": timezone.localdate()},
    )

    def act() -> Client:
        c = form.cleaned_data
        return services.client_register(
            actor=request.user,
            service=service,
            alias=c["alias"],
            decision_on=c["decision_on"],
            background=Background(c["district"], c["age_band"], c["immigrant_background"], c["language"]),
        )

    if done := form_act(request, form, act):
        client = done.result
        messages.success(
            request,
            _("The client was registered. The last day to choose is %(date)s.")
            % {"date": day_text(client.choice_deadline)},
        )
        return redirect("choice:client_detail", client.pk)
    title = _("New client: %(service)s") % {"service": service.name}
    return render(request, "choice/client_form.html", {"form": form, "title": title, "service": service})


def _client_page(request: StaffRequest, client: Client, **forms: Any) -> HttpResponse:
    today = timezone.localdate()
    history = selectors.client_history(client=client)
    current = next((a for a in history if a.period.covers(today)), None)
    latest = history[-1] if history else None
    options = choosable_providers(service=client.service, day=today, district=client.district)
    planned = selectors.planned_switch(client=client)
    can_switch = latest is not None and latest.ends_on is None and client.ended_on is None
    context = {
        "client": client,
        "service": client.service,
        "history": history,
        "current": current,
        "switches": selectors.client_switches(client=client),
        "planned": planned if planned and planned.effective_on > today else None,
        "today": today,
        "awaiting": not history and client.ended_on is None and today <= client.choice_deadline,
        "default_due": not history and client.ended_on is None and today > client.choice_deadline,
        "choice_form": forms.get("choice_form")
        or ChoiceForm(providers=options, initial={"chosen_on": today, "channel": "case_handler"}),
        "switch_form": forms.get("switch_form")
        or (
            SwitchForm(
                providers=[p for p in options if latest is None or p.pk != latest.provider_id],
                initial={"requested_on": today, "channel": "case_handler"},
            )
            if can_switch
            else None
        ),
        "end_form": forms.get("end_form") or EndForm(initial={"last_day": today}),
        "notice_days": client.service.notice_days,
    }
    return render(request, "choice/client_detail.html", context, status=400 if forms else 200)


@staff_view
def client_detail(request: StaffRequest, client_id: int) -> HttpResponse:
    """A client: where they stand, their history, and what the case handler can do next."""
    return _client_page(request, access_client_by_id(request.user, client_id))


def _with_provider(client: Client, form: ChoiceForm | SwitchForm, field: str) -> dict[str, Any]:
    """The form's values (named as the service's arguments) with the chosen provider's row in ``field``."""
    values = dict(form.cleaned_data)
    values[field] = selectors.municipality_provider(
        municipality_id=client.municipality_id, provider_id=values[field]
    )
    return values


@staff_view
@require_POST
def client_choose(request: StaffRequest, client_id: int) -> HttpResponse:
    """Record the client's active choice."""
    client = access_client_by_id(request.user, client_id)
    options = choosable_providers(service=client.service, day=timezone.localdate(), district=client.district)
    form = ChoiceForm(request.POST, providers=options)

    def act() -> Assignment:
        values = _with_provider(client, form, "provider")
        return services.choice_record(actor=request.user, client=client, **values)

    if done := form_act(request, form, act):
        text = _("The choice was registered: %(provider)s from %(date)s. The provider has been told.")
        _say_from(request, text, done.result.provider, done.result.starts_on)
        return redirect("choice:client_detail", client.pk)
    return _client_page(request, client, choice_form=form)


@staff_view
@require_POST
def client_default(request: StaffRequest, client_id: int) -> HttpResponse:
    """Give the client the default provider (the time to choose is over)."""
    client = access_client_by_id(request.user, client_id)
    try:
        assignment = services.default_apply(actor=request.user, client=client, today=timezone.localdate())
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        text = _("%(provider)s is the client's provider from %(date)s.")
        _say_from(request, text, assignment.provider, assignment.starts_on)
    return redirect("choice:client_detail", client.pk)


def _say_from(request: StaffRequest, text: str, provider: Provider, day: date) -> None:
    """Show ``text`` (an assignment or switch done) with the provider's name and the day it starts."""
    messages.success(request, text % {"provider": provider.name, "date": day_text(day)})


@staff_view
@require_POST
def client_switch(request: StaffRequest, client_id: int) -> HttpResponse:
    """Register a switch; the notice rule gives the date."""
    client = access_client_by_id(request.user, client_id)
    # Any provider of the service: the approval is checked for the day the switch takes effect.
    form = SwitchForm(
        request.POST, providers=[a.provider for a in selectors.approvals_of(service=client.service)]
    )

    def act() -> Switch:
        values = _with_provider(client, form, "to_provider")
        return services.switch_register(actor=request.user, client=client, **values)

    if done := form_act(request, form, act):
        text = _("The switch was registered: %(provider)s from %(date)s. Both providers have been told.")
        _say_from(request, text, done.result.to_provider, done.result.effective_on)
        return redirect("choice:client_detail", client.pk)
    return _client_page(request, client, switch_form=form)


@staff_view
@require_POST
def client_end(request: StaffRequest, client_id: int) -> HttpResponse:
    """End the client's service."""
    client = access_client_by_id(request.user, client_id)
    form = EndForm(request.POST)
    if form_submitted_to(
        request, form, _("The client's service was ended."), services.client_end, client=client
    ):
        return redirect("choice:client_detail", client.pk)
    return _client_page(request, client, end_form=form)


@staff_view
@require_POST
def switch_cancel(request: StaffRequest, switch_id: int) -> HttpResponse:
    """Cancel a switch that has not taken effect."""
    switch = access_switch_by_id(request.user, switch_id)
    service_done(
        request,
        _("The switch was cancelled. The current provider continues."),
        lambda: services.switch_cancel(actor=request.user, switch=switch, today=timezone.localdate()),
    )
    return redirect("choice:client_detail", switch.client_id)


@staff_view
def request_list(request: StaffRequest) -> HttpResponse:
    """Requests from the public page waiting to be matched, and those handled."""
    status = request.GET.get("status", RequestStatus.NEW)
    if status not in RequestStatus.values:
        status = RequestStatus.NEW
    if not can_anywhere(request.user, Perm.CHOICE_CASES):
        raise Http404
    rows = list(selectors.requests_for(user=request.user, status=status)[:200])
    return render(
        request,
        "choice/request_list.html",
        {"rows": rows, "status": status, "statuses": RequestStatus.choices},
    )


@staff_view
def request_detail(request: StaffRequest, request_id: int) -> HttpResponse:
    """Match a request to its client (recording the choice or switch), or close it with a note."""
    online = access_request_by_id(request.user, request_id)
    query = request.GET.get("q", "")
    candidates = selectors.match_candidates(request=online, query=query)
    match_form = MatchForm(clients=candidates)
    close_form = CloseForm()
    if request.method == "POST" and online.status == RequestStatus.NEW:
        if "close" in request.POST:
            close_form = CloseForm(request.POST)
            if form_submitted(
                request,
                close_form,
                _("The request was closed."),
                lambda: services.online_request_close(
                    actor=request.user, request=online, note=close_form.cleaned_data["note"]
                ),
            ):
                return redirect("choice:request_list")
        else:
            candidates = selectors.match_candidates(request=online)
            match_form = MatchForm(request.POST, clients=candidates)

            def match() -> Client:
                client = match_form.chosen("client", candidates)
                services.online_request_match(actor=request.user, request=online, client=client)
                return client

            if done := form_act(request, match_form, match):
                messages.success(
                    request,
                    _("The request was matched and registered for %(alias)s.") % {"alias": done.result.alias},
                )
                return redirect("choice:client_detail", done.result.pk)
    context = {
        "online": online,
        "match_form": match_form,
        "close_form": close_form,
        "query": query,
        "candidates": candidates,
    }
    return render(
        request, "choice/request_detail.html", context, status=400 if request.method == "POST" else 200
    )


@staff_view
def import_clients(request: StaffRequest, service_id: int) -> HttpResponse:
    """Upload → preview with every line's verdict → confirm (all or nothing)."""
    service = access_service_by_id(request.user, service_id, Perm.CHOICE_CASES)
    if request.method == "POST" and "confirm" in request.POST:
        try:
            rows = csvimport.unsign_rows(request.POST.get("rows", ""), service)
            count = services.clients_import(actor=request.user, service=service, rows=rows)
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect("choice:import", service.pk)
        messages.success(
            request, _("%(n)d clients were imported with their current provider.") % {"n": count}
        )
        return redirect("choice:service_detail", service.pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = token = None
    if request.method == "POST" and form.is_valid():
        preview = csvimport.parse_csv(form.cleaned_data["file"].read(), service=service)
        if preview.importable:
            token = csvimport.sign_rows(preview, service)
    return render(
        request, "choice/import.html", {"form": form, "preview": preview, "token": token, "service": service}
    )
