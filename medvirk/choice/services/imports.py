"""Store the clients of a confirmed CSV import (``choice.csvimport`` reads the file and previews it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from medvirk.accounts.access import Actor, acting_user
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError

from ..enums import ChoiceAuditAction, ChoiceErrorCode
from ..models import Approval, Assignment, ChoiceService, Client
from ..types import HowAssigned
from .cases import Background, client_new, ensure_cases


@transaction.atomic
def clients_import(*, actor: Actor, service: ChoiceService, rows: list[dict[str, Any]]) -> int:
    """Store every row as a client with its current provider, or nothing (one transaction).

    Rows are checked again (the service may have changed since the preview): a clash now fails
    the whole import with the line's alias named. Imported clients count as neither an active
    choice nor the default in the statistics (how they came to their provider is not known).
    """
    ensure_cases(actor, service)
    providers = {
        a.provider_id: a for a in Approval.objects.filter(service=service).select_related("provider")
    }
    existing = {a.casefold() for a in Client.objects.filter(service=service).values_list("alias", flat=True)}
    user = acting_user(actor)
    for row in rows:
        alias = row["alias"]
        approval = providers.get(row["provider"])
        if alias.casefold() in existing or approval is None:
            raise ServiceError(
                ChoiceErrorCode.IMPORT_INVALID,
                _("The file no longer fits the service (client %(alias)s). Upload it again.")
                % {"alias": alias},
            )
        existing.add(alias.casefold())
        background = Background(
            row["district"], row["age_band"], row["immigrant_background"], row["language"]
        )
        client = client_new(service, alias, date.fromisoformat(row["decision_on"]), background, user)
        Assignment.objects.create(
            municipality_id=service.municipality_id,
            client=client,
            provider=approval.provider,
            starts_on=date.fromisoformat(row["starts_on"]),
            how=HowAssigned.IMPORTED,
            created_by=user,
        )
    audit_record(
        actor=actor, action=ChoiceAuditAction.CLIENTS_IMPORTED, obj=service, data={"clients": len(rows)}
    )
    return len(rows)
