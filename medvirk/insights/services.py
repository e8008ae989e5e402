"""Writes of the insights module: only the audit trail of response-level exports."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import Actor, ensure_can
from medvirk.accounts.permissions import Perm
from medvirk.core.audit import audit_record
from medvirk.orgs.models import OrgUnit
from medvirk.surveys.models import Survey

from .enums import InsightsAuditAction


def raw_export_record(*, actor: Actor, survey: Survey, unit: OrgUnit, fmt: str) -> None:
    """Record that ``actor`` exported response-level data of ``unit`` in ``survey``.

    The actor needs ``RESULTS_EXPORT_RAW`` on the unit (the export itself checks more: the
    anonymity mode and the unit's respondent count, ``exports.raw_export_allowed``).
    """
    ensure_can(actor, Perm.RESULTS_EXPORT_RAW, unit, _("You cannot export response-level data of this unit."))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=InsightsAuditAction.RESULTS_RAW_EXPORTED,
            obj=survey,
            data={"unit": unit.pk, "format": fmt},
        )
