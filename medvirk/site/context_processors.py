"""Navigation shown in the header, built from what the user may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import can_anywhere, has_any_role
from medvirk.accounts.permissions import Perm

# (url name, label, permission needed anywhere or None for any staff role)
NAV: list[tuple[str, Any, Perm | None]] = [
    ("site:dashboard", _("Overview"), None),
    ("orgs:tree", _("Organisation"), Perm.ORG_VIEW),
    ("surveys:list", _("Surveys"), Perm.SURVEY_DISTRIBUTE),
    ("insights:survey_list", _("Results"), Perm.RESULTS_VIEW),
    ("population:equity_index", _("Equity"), Perm.RESULTS_VIEW),
    ("partners:register", _("Organisations"), Perm.ORG_VIEW),
    ("participation:activity_list", _("Participation"), Perm.RESULTS_VIEW),
    ("panels:panel_list", _("Panels"), Perm.PANELS_MANAGE),
    ("accounts:roles", _("Access"), Perm.ROLES_MANAGE),
    ("accounts:audit", _("Audit log"), Perm.AUDIT_VIEW),
    ("accounts:tokens", _("API tokens"), None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Return the header menu items for the logged-in staff user."""
    user = request.user
    if not user.is_authenticated or not has_any_role(user):
        return {"nav_items": []}
    items = []
    for name, label, perm in NAV:
        if perm is not None and not can_anywhere(user, perm):
            continue
        url = reverse(name)
        current = request.path == url or (
            url != "/" and request.path.startswith(url) and name != "site:dashboard"
        )
        items.append({"url": url, "label": label, "current": current})
    return {"nav_items": items}
