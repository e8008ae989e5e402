"""How long e-mail invitations keep their addresses (``core.retention``: the daily purge runs this)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from medvirk.core.retention import MONTHS, Period, cutoff_purge, retention_kind

from .services import invitation_addresses_purge

#: Blank the addresses of invitations to rounds closed longer ago than the period.
purge_invitation_addresses = retention_kind(
    "surveys.invitations",
    label=_("E-mail addresses of survey invitations"),
    counted_from=_("after the survey round closed"),
    period=Period(MONTHS, default=3, minimum=1, maximum=24),
    order=30,
)(cutoff_purge(invitation_addresses_purge))
