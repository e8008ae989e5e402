"""Who may compare which municipalities' participation figures, and sharing them with a partner.

The rule (see docs/architecture.md, "Comparing municipalities"):
- A staff user belongs to one municipality and holds roles only there, so no user has rights in
  several municipalities. A municipality therefore *shares* its aggregated yearly figures with a
  partner municipality (``ComparisonGrant``), one way, e.g. while two municipalities prepare to merge.
- Sharing and stopping it needs ``PARTICIPATION_MANAGE`` on the municipality's root unit.
- Comparing needs ``RESULTS_VIEW`` on the viewer's own root unit (they may read the whole
  municipality's participation report). They may then pick any two or more of: their own
  municipality and every municipality that shares with theirs. Anything else answers 404.
- Only the aggregated figures of ``compare.build_comparison`` leave a municipality.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import can
from medvirk.accounts.permissions import Perm
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import Municipality, OrgUnit

from .enums import ParticipationErrorCode
from .models import ComparisonGrant
from .selectors import public_municipality


def _root(municipality_id: Any) -> OrgUnit | None:
    if not municipality_id:
        return None
    return OrgUnit.objects.filter(municipality_id=municipality_id, parent__isnull=True).first()


def _can_root(user: Any, perm: Perm) -> bool:
    root = _root(getattr(user, "municipality_id", None))
    return root is not None and can(user, perm, root)


def can_compare(user: Any) -> bool:
    """Return whether the user may read their whole municipality's participation figures."""
    return _can_root(user, Perm.RESULTS_VIEW)


def can_share(user: Any) -> bool:
    """Return whether the user may share their municipality's figures with another municipality."""
    return _can_root(user, Perm.PARTICIPATION_MANAGE)


def comparable_municipalities(user: Any) -> list[Municipality]:
    """Return the user's own municipality and every municipality sharing its figures with it."""
    if not can_compare(user):
        return []
    sharing = ComparisonGrant.objects.filter(partner_id=user.municipality_id).values("municipality_id")
    return list(Municipality.objects.filter(Q(pk__in=sharing) | Q(pk=user.municipality_id)))


def access_municipalities(user: Any, slugs: Iterable[str]) -> list[Municipality]:
    """Return the chosen municipalities (in the order given) if the user may compare them; else 404."""
    allowed = {m.slug: m for m in comparable_municipalities(user)}
    if not allowed:
        raise Http404
    chosen: list[Municipality] = []
    for slug in slugs:
        if slug not in allowed:
            raise Http404
        if allowed[slug] not in chosen:
            chosen.append(allowed[slug])
    if len(chosen) < 2:
        raise ServiceError(
            ParticipationErrorCode.TOO_FEW, _("Choose at least two municipalities."), field="municipalities"
        )
    return chosen


def grants_for(user: Any) -> dict[str, list[Any]]:
    """Return the municipalities this one shares with, and those sharing with it."""
    if not can_compare(user):
        raise Http404
    mine = user.municipality_id
    return {
        "shared_with": list(ComparisonGrant.objects.filter(municipality_id=mine).select_related("partner")),
        "sharing_with_us": list(
            ComparisonGrant.objects.filter(partner_id=mine).select_related("municipality")
        ),
    }


def access_partner_for_sharing(user: Any, slug: str) -> Municipality:
    """Return the municipality to share figures with, if ``user`` may share them; otherwise 404."""
    if not can_share(user):
        raise Http404
    return public_municipality(slug)


def access_grant_by_partner(user: Any, slug: str) -> ComparisonGrant:
    """Return the user's municipality's sharing with ``slug``, if the user may stop it; otherwise 404."""
    partner = access_partner_for_sharing(user, slug)
    grant = ComparisonGrant.objects.filter(municipality_id=user.municipality_id, partner=partner).first()
    if grant is None:
        raise Http404
    return grant
