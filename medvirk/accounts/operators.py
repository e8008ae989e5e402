"""Platform operators: who runs an installation serving several municipalities, and what they see.

An operator is a superuser (``manage.py createsuperuser``), normally without a municipality. They
start municipalities and see each one's size and signs of life, nothing about its people beyond
counts and dates (data minimisation: GDPR art. 5(1)(c)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from medvirk.core.errors import CoreErrorCode, ServiceError
from medvirk.core.models import AuditEvent
from medvirk.core.ordering import Norwegian
from medvirk.orgs.models import Municipality, OrgUnit


def is_operator(user: Any) -> bool:
    """Return whether ``user`` runs the installation (an active superuser)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def require_operator(user: Any) -> None:
    """Answer 404, as for any page a user may not see, unless ``user`` is an operator."""
    if not is_operator(user):
        raise Http404


def ensure_operator(actor: object) -> None:
    """Refuse (a coded 403) anyone but an operator: the check inside the operators' services."""
    if not is_operator(actor):
        raise ServiceError(
            CoreErrorCode.FORBIDDEN, _("Only the installation's operators may do this."), status=403
        )


@dataclass(frozen=True)
class MunicipalityRow:
    """One municipality on the operators' page: counts and dates only."""

    municipality: Municipality
    staff: int  # active staff users
    waiting: int  # staff invited who have not chosen a password yet
    units: int
    last_login: datetime | None
    last_change: datetime | None  # the newest event of its audit log


def municipality_overview() -> list[MunicipalityRow]:
    """Return every municipality with its staff, units and last activity (one query)."""
    units = (
        OrgUnit.objects.filter(municipality=OuterRef("pk"))
        .order_by()
        .values("municipality")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_event = (
        AuditEvent.objects.filter(municipality=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    rows = Municipality.objects.annotate(
        staff_count=Count("staff", filter=Q(staff__is_active=True), distinct=True),
        waiting_count=Count(
            "staff",
            filter=Q(
                staff__is_active=True,
                staff__last_login__isnull=True,
                staff__password__startswith=UNUSABLE_PASSWORD_PREFIX,
            ),
            distinct=True,
        ),
        unit_count=Subquery(units, output_field=IntegerField()),
        last_login=Max("staff__last_login"),
        last_change=Subquery(last_event),
    ).order_by(Norwegian("name"))
    return [
        MunicipalityRow(m, m.staff_count, m.waiting_count, m.unit_count or 0, m.last_login, m.last_change)
        for m in rows
    ]
