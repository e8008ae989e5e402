"""Writes for sharing a municipality's aggregated participation figures with a partner.

Sharing and stopping it need ``PARTICIPATION_MANAGE`` on the sharing municipality's root unit
(see ``participation/sharing.py`` for who may compare what).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import Actor, acting_user, ensure_can_municipality
from medvirk.accounts.permissions import Perm
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import Municipality

from ..enums import ParticipationAuditAction, ParticipationErrorCode
from ..models import ComparisonGrant


def _ensure_share(actor: Actor, municipality: Municipality) -> None:
    ensure_can_municipality(
        actor, Perm.PARTICIPATION_MANAGE, municipality, _("You cannot share your municipality's figures.")
    )


def sharing_grant(*, actor: Actor, municipality: Municipality, partner: Municipality) -> ComparisonGrant:
    """Share ``municipality``'s aggregated participation figures with ``partner``."""
    _ensure_share(actor, municipality)
    if partner.pk == municipality.pk:
        raise ServiceError(
            ParticipationErrorCode.PARTNER_SELF, _("Choose another municipality."), field="partner"
        )
    try:
        with transaction.atomic():
            grant = ComparisonGrant.objects.create(
                municipality=municipality, partner=partner, granted_by=acting_user(actor)
            )
            audit_record(
                actor=actor,
                action=ParticipationAuditAction.SHARING_GRANTED,
                obj=grant,
                data={"partner": partner.slug},
            )
    except IntegrityError:
        raise ServiceError(
            ParticipationErrorCode.ALREADY_SHARED,
            _("Your figures are already shared with %(m)s.") % {"m": partner},
            field="partner",
        ) from None
    return grant


def sharing_revoke(*, actor: Actor, grant: ComparisonGrant) -> None:
    """Stop sharing figures with the grant's partner (fetch it with ``access_grant_by_partner``)."""
    _ensure_share(actor, grant.municipality)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=ParticipationAuditAction.SHARING_REVOKED,
            obj=grant,
            data={"partner": grant.partner.slug},
        )
        grant.delete()
