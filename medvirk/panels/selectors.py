"""Reads and access checks of the panels module.

The volunteers' pool and its panels belong to the whole municipality: every page and API call
needs ``PANELS_MANAGE`` on some unit of the caller's municipality. Missing and forbidden both 404.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from medvirk.accounts.access import access_shared_by_id, can_anywhere, row_or_404
from medvirk.accounts.permissions import Perm
from medvirk.orgs.models import Municipality
from medvirk.participation.models import Activity, ActivityKind
from medvirk.participation.selectors import activities_for

from .choices import FEATURES
from .models import Council, Panel, PanelMember, Volunteer
from .services import token_hash


def require_panels(user: Any) -> None:
    """Raise 404 unless the user may manage panels somewhere."""
    if not can_anywhere(user, Perm.PANELS_MANAGE):
        raise Http404


def access_panel_by_id(user: Any, panel_id: Any) -> Panel:
    """Return a panel of the user's municipality when the user may manage panels; else 404."""
    return access_shared_by_id(user, Panel.objects.all(), panel_id, Perm.PANELS_MANAGE)


def access_member_by_id(user: Any, panel: Panel, member_id: Any) -> PanelMember:
    """Return a member of ``panel`` (already access-checked); else 404."""
    return row_or_404(PanelMember.objects.select_related("volunteer"), member_id, panel=panel)


def pool_counts(municipality_id: int, *, confirmed_only: bool = True) -> dict[tuple[str, str], int]:
    """Return volunteers per (feature, value)."""
    qs = Volunteer.objects.filter(municipality_id=municipality_id)
    if confirmed_only:
        qs = qs.filter(email_confirmed=True)
    counts: Counter[tuple[str, str]] = Counter()
    for row in qs.values(*FEATURES):
        for feature, value in row.items():
            counts[(feature, value)] += 1
    return dict(counts)


def access_volunteer_by_id(user: Any, volunteer_id: Any) -> Volunteer:
    """Return a volunteer of the user's municipality when the user may manage panels; else 404."""
    return access_shared_by_id(user, Volunteer.objects.all(), volunteer_id, Perm.PANELS_MANAGE)


def panels_to_finish(municipality_id: int) -> list[tuple[Panel, int]]:
    """Return panels not yet drawn or with seats left empty, with the number of seats to fill."""
    from django.db.models import Count, Q

    from .choices import PanelStatus
    from .models import MemberStatus

    panels = (
        Panel.objects.filter(municipality_id=municipality_id)
        .exclude(status=PanelStatus.CLOSED)
        .annotate(seated=Count("members", filter=~Q(members__status=MemberStatus.DECLINED)))
        .order_by("id")
    )
    return [(panel, panel.size - panel.seated) for panel in panels if panel.seated < panel.size]


def access_council_by_id(user: Any, council_id: Any) -> Council:
    """Return a council of the user's municipality when the user may manage panels; else 404."""
    return access_shared_by_id(user, Council.objects.all(), council_id, Perm.PANELS_MANAGE)


def linkable_activities(user: Any) -> QuerySet[Activity]:
    """Return the council-meeting activities the user may manage (candidates for a link)."""
    return activities_for(user, Perm.PARTICIPATION_MANAGE).filter(kind=ActivityKind.COUNCIL_MEETING)


def volunteer_by_identity(*, municipality: Municipality, digest: str) -> Volunteer | None:
    """The volunteer who linked this ID-porten login (``accounts.idporten.subject_digest``), or None."""
    if not digest:
        return None
    return Volunteer.objects.filter(municipality=municipality, identity_digest=digest).first()


def volunteer_by_withdraw_token(*, municipality: Municipality, token: str) -> Volunteer | None:
    """Return the volunteer a withdraw link belongs to, or None."""
    if not token:
        return None
    return Volunteer.objects.filter(municipality=municipality, withdraw_token_hash=token_hash(token)).first()
