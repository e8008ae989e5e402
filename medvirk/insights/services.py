"""Writes of the insights module: only the audit trail of response-level exports."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from medvirk.core.audit import audit_record
from medvirk.orgs.models import OrgUnit
from medvirk.surveys.models import Survey


def raw_export_record(*, actor: Any, survey: Survey, unit: OrgUnit, fmt: str) -> None:
    """Record that ``actor`` exported response-level data of ``unit`` in ``survey``."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            municipality=survey.municipality,
            action="results.raw_exported",
            obj=survey,
            data={"unit": unit.pk, "format": fmt},
        )
