"""How long e-mail invitations keep their addresses (``core.retention``: the daily purge runs this)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.retention import MONTHS, PurgeContext, retention_kind

from .services import invitation_addresses_purge


@retention_kind(
    "surveys.invitations",
    label=_("E-mail addresses of survey invitations"),
    counted_from=_("after the survey round closed"),
    unit=MONTHS,
    default=3,
    minimum=1,
    maximum=24,
    order=30,
)
def purge_invitation_addresses(context: PurgeContext) -> int:
    """Blank the addresses of invitations to rounds closed longer ago than the period."""
    return invitation_addresses_purge(
        actor=context.actor,
        municipality_id=context.municipality_id,
        cutoff=context.cutoff,
        dry_run=context.dry_run,
    )
