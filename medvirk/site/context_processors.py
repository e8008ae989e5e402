"""Navigation shown in the header, grouped by task and built from what the user may do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import can_anywhere, has_any_role
from medvirk.accounts.operators import is_operator
from medvirk.accounts.permissions import Perm

# (url name, label, permission needed anywhere or None for any staff role)
Entry = tuple[str, Any, Perm | None]

# Groups by task: asking users and reading what they said, involving people, running the place.
# A group the user can see only one link of is shown as that link.
NAV: list[tuple[Any, list[Entry]]] = [
    (None, [("site:dashboard", _("Overview"), None)]),
    (
        _("Surveys and results"),
        [
            ("surveys:list", _("Surveys"), Perm.SURVEY_DISTRIBUTE),
            ("insights:survey_list", _("Results"), Perm.RESULTS_VIEW),
            ("equity:index", _("Equity"), Perm.RESULTS_VIEW),
            ("feedback:outcomes", _("Client outcomes"), Perm.FEEDBACK_STATS),
        ],
    ),
    (
        _("Participation"),
        [
            ("participation:activity_list", _("Activities and measures"), Perm.RESULTS_VIEW),
            ("feedback:caseload", _("My clients"), Perm.FEEDBACK_PRACTICE),
            ("feedback:conversation_create", _("What matters to you?"), Perm.CONVERSATION_RECORD),
            ("feedback:themes", _("What matters to our users"), Perm.FEEDBACK_STATS),
            ("panels:panel_list", _("Panels"), Perm.PANELS_MANAGE),
            ("partners:register", _("Organisations"), Perm.ORG_VIEW),
        ],
    ),
    (
        _("Choice of provider"),
        [
            ("choice:home", _("Services and clients"), Perm.CHOICE_SETUP),
            ("choice:my_providers", _("Our clients"), Perm.CHOICE_CLIENTS),
            ("choice_stats:index", _("Statistics of choice"), Perm.CHOICE_STATS),
        ],
    ),
    (
        _("Administration"),
        [
            ("orgs:tree", _("Organisation"), Perm.ORG_VIEW),
            ("accounts:roles", _("Access"), Perm.ROLES_MANAGE),
            ("accounts:audit", _("Audit log"), Perm.AUDIT_VIEW),
            ("feedback:setup", _("Client feedback"), Perm.FEEDBACK_MANAGE),
            ("accounts:branding", _("Public pages"), Perm.ORG_MANAGE),
            ("accounts:data_protection", _("Data protection"), Perm.ORG_MANAGE),
            ("accounts:single_sign_on", _("Single sign-on"), Perm.SSO_MANAGE),
            ("accounts:id_porten", _("ID-porten"), Perm.SSO_MANAGE),
            ("accounts:tokens", _("API tokens"), None),
        ],
    ),
]


@dataclass
class NavItem:
    url: str
    label: Any
    current: bool


@dataclass
class NavGroup:
    label: Any
    items: list[NavItem] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(item.current for item in self.items)

    @property
    def single(self) -> NavItem | None:
        """The one link of a group that has only one: shown as a plain link."""
        return self.items[0] if len(self.items) == 1 else None


def _is_current(request: HttpRequest, url: str, name: str) -> bool:
    if request.path == url:
        return True
    return url != "/" and name != "site:dashboard" and request.path.startswith(url)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Return the header menu, grouped by task, for the logged-in staff user."""
    user = request.user
    groups = []
    if is_operator(user):  # an installation's operator: the municipalities it serves
        url = reverse("operator:municipalities")
        groups.append(NavGroup(None, [NavItem(url, _("Municipalities"), _is_current(request, url, ""))]))
    if not user.is_authenticated or not has_any_role(user):
        return {"nav_groups": groups}
    for label, entries in NAV:
        group = NavGroup(label)
        for name, item_label, perm in entries:
            if perm is not None and not can_anywhere(user, perm):
                continue
            url = reverse(name)
            group.items.append(NavItem(url, item_label, _is_current(request, url, name)))
        if group.items:
            groups.append(group)
    return {"nav_groups": groups}
