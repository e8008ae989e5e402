"""Front page and the staff overview."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from medvirk.accounts.models import RoleAssignment
from medvirk.accounts.operators import is_operator
from medvirk.accounts.requests import StaffRequest
from medvirk.core.views import staff_view

from .home import home_for


def home(request: HttpRequest) -> HttpResponse:
    """Show the public front page, or send logged-in staff to their overview."""
    if request.user.is_authenticated:
        return redirect("site:dashboard")
    return render(request, "site/home.html")


@staff_view
def dashboard(request: StaffRequest) -> HttpResponse:
    """The home page: what needs doing now for the user's roles, then the roles themselves."""
    if request.user.municipality_id is None and is_operator(request.user):
        return redirect("operator:municipalities")  # an operator belongs to no municipality
    roles = RoleAssignment.objects.filter(user=request.user).select_related("unit").order_by("unit__path")
    today = timezone.localdate()
    home = home_for(request.user, today=today) if roles else None
    return render(request, "site/dashboard.html", {"roles": roles, "home": home, "today": today})
