"""The operators' pages: every municipality on the installation, and starting a new one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.core.forms import DsForm
from medvirk.core.views import staff_view

from .forms import invite_act
from .operator_services import operator_municipality_start
from .operators import municipality_overview, require_operator
from .requests import StaffRequest
from .views import id_porten_page


class MunicipalityStartForm(DsForm):
    code = forms.CharField(
        label=gettext_lazy("Municipality number"),
        max_length=4,
        help_text=gettext_lazy("Four digits, for example 4601."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    admin_email = forms.EmailField(
        label=gettext_lazy("The first administrator's e-mail address"),
        help_text=gettext_lazy(
            "Also their username. They get a link to choose a password and then add the rest of the staff."
        ),
    )
    slug = forms.SlugField(
        label=gettext_lazy("Short name in public addresses (optional)"),
        required=False,
        help_text=gettext_lazy("Made from the name when left empty."),
    )


@staff_view
def municipalities(request: StaffRequest) -> HttpResponse:
    """List every municipality with counts and dates (operators only; 404 for everyone else)."""
    require_operator(request.user)
    return render(request, "accounts/operator_municipalities.html", {"rows": municipality_overview()})


@staff_view
def municipality_start(request: StaffRequest) -> HttpResponse:
    """Start a municipality: its top unit and first administrator, invited by e-mail."""
    require_operator(request.user)
    form = MunicipalityStartForm(request.POST or None)
    if done := invite_act(
        request,
        form,
        lambda: operator_municipality_start(
            actor=request.user, base_url=request.build_absolute_uri("/"), **form.cleaned_data
        ),
    ):
        municipality, admin = done.result
        messages.success(
            request,
            _("%(municipality)s was started. An invitation was sent to %(email)s.")
            % {"municipality": municipality.name, "email": admin.email},
        )
        return redirect("operator:municipalities")
    return render(request, "accounts/operator_municipality_form.html", {"form": form})


@staff_view
def id_porten(request: StaffRequest) -> HttpResponse:
    """The installation's ID-porten client, for every municipality without its own (operators only)."""
    require_operator(request.user)
    return id_porten_page(request, None, "operator:id_porten")
