"""Each municipality's retention periods: setting them, and the one daily purge over every kind.

The kinds and their purge functions are registered by the apps (``core.retention``); this module
adds what needs municipalities and people: the administrator's setting (checked and audited)
and the purge over every municipality (``manage.py purge_personal_data``).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.core.models import RetentionPeriod
from medvirk.core.retention import PurgeOutcome, purge_municipality, retention_amounts, retention_kinds
from medvirk.orgs.models import Municipality
from medvirk.orgs.selectors import municipality_root

from .access import Actor, ensure_can
from .enums import AccountsAuditAction, AccountsErrorCode
from .permissions import Perm


def retention_periods_set(*, actor: Actor, municipality: Municipality, amounts: Mapping[str, int]) -> None:
    """Set the municipality's retention period of each kind in ``amounts`` (administrators only)."""
    ensure_can(
        actor,
        Perm.ORG_MANAGE,
        municipality_root(municipality=municipality),
        _("Only administrators of the whole municipality set how long personal data is kept."),
    )
    kinds = {kind.key: kind for kind in retention_kinds()}
    before = retention_amounts(municipality.pk)
    for key, amount in amounts.items():
        kind = kinds.get(key)
        if kind is None:
            raise ServiceError(AccountsErrorCode.RETENTION_INVALID, _("Unknown kind of data."), field=key)
        if not kind.minimum <= amount <= kind.maximum:
            raise ServiceError(
                AccountsErrorCode.RETENTION_INVALID,
                _("Choose between %(min)d and %(max)d.") % {"min": kind.minimum, "max": kind.maximum},
                field=key,
            )
    changed = {key: amount for key, amount in amounts.items() if before.get(key) != amount}
    if not changed:
        return
    with transaction.atomic():
        for key, amount in changed.items():
            RetentionPeriod.objects.update_or_create(
                municipality=municipality, kind=key, defaults={"amount": amount}
            )
        audit_record(
            actor=actor,
            municipality=municipality,
            action=AccountsAuditAction.RETENTION_CHANGED,
            obj=municipality,
            data={key: [before.get(key), amount] for key, amount in changed.items()},
        )


def personal_data_purge(
    *,
    actor: SystemActor,
    dry_run: bool = False,
    kinds: list[str] | None = None,
    municipality: str | None = None,
) -> list[tuple[Municipality, PurgeOutcome]]:
    """Run every kind's purge for every municipality (or one, by number or slug); audit what went.

    Returns each municipality's outcome per kind. A dry run changes and audits nothing.
    """
    ensure_system(actor, "Purging personal data after its retention period")
    municipalities = Municipality.objects.all()
    if municipality:
        municipalities = municipalities.filter(Q(code=municipality) | Q(slug=municipality))
    results: list[tuple[Municipality, PurgeOutcome]] = []
    for each in municipalities:
        with transaction.atomic():
            outcomes = purge_municipality(actor=actor, municipality_id=each.pk, dry_run=dry_run, kinds=kinds)
            removed = {outcome.kind.key: outcome.count for outcome in outcomes if outcome.count}
            if removed and not dry_run:
                audit_record(
                    actor=actor,
                    municipality=each,
                    action=AccountsAuditAction.PERSONAL_DATA_PURGED,
                    obj=each,
                    data=removed,
                )
        results.extend((each, outcome) for outcome in outcomes)
    return results
