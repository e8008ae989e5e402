"""Front page and the staff overview."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from medvirk.accounts.models import RoleAssignment
from medvirk.core.views import staff_view


def home(request: HttpRequest) -> HttpResponse:
    """Show the public front page, or send logged-in staff to their overview."""
    if request.user.is_authenticated:
        return redirect("site:dashboard")
    return render(request, "site/home.html")


@staff_view
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show the user's roles and where they can go from here."""
    roles = RoleAssignment.objects.filter(user=request.user).select_related("unit").order_by("unit__path")
    return render(request, "site/dashboard.html", {"roles": roles})
