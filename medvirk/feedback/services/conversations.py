""" "Hva er viktig for deg?" conversations without an episode, and turning goals into findings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import acting_user
from medvirk.accounts.permissions import Perm
from medvirk.common.dimensions import AGE_BANDS
from medvirk.core import plaintext
from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import OrgUnit

from ..enums import FeedbackAuditAction as Action
from ..enums import FeedbackErrorCode as Code
from ..models import (
    Conversation,
    Goal,
)
from ._common import (
    MAX_GOALS,
    Actor,
    _audit,
    _check_background,
    check_text,
    ensure_can,
    ensure_running_half_year,
)

# --- "Hva er viktig for deg?" -----------------------------------------------------------------


def conversation_record(
    *,
    actor: Actor,
    unit: OrgUnit,
    goals: Sequence[str],
    held_on: date | None = None,
    age_band: str = "",
    gender: str = "",
    immigrant_background: str = "",
    home_language: str = "",
) -> Conversation:
    """Record a one-off "What matters to you?" conversation: the person's goals, no identity."""
    ensure_can(actor, Perm.CONVERSATION_RECORD, unit)
    wanted = [" ".join(check_text(t, "goals").split())[:300] for t in goals if t and t.strip()]
    if not wanted:
        raise ServiceError(
            Code.GOAL_REQUIRED, _("Write down at least one thing that matters."), field="goals"
        )
    if len(wanted) > MAX_GOALS:
        raise ServiceError(Code.GOAL_TOO_MANY, _("Choose at most five goals."), field="goals")
    background = _check_background(
        {"gender": gender, "immigrant_background": immigrant_background, "home_language": home_language}
    )
    if age_band and age_band not in {b.key for b in AGE_BANDS}:
        raise ServiceError(Code.CATEGORY_INVALID, _("Choose one of the categories."), field="age_band")
    held_on = held_on or timezone.localdate()
    ensure_running_half_year(held_on, "held_on")
    with transaction.atomic():
        conversation = Conversation.objects.create(
            municipality_id=unit.municipality_id,
            unit=unit,
            held_on=held_on,
            recorded_by=acting_user(actor),
            age_band=age_band,
            **background,
        )
        rows = [
            Goal(
                municipality_id=unit.municipality_id,
                conversation=conversation,
                text=text,
                position=n,
                created_on=held_on,
            )
            for n, text in enumerate(wanted)
        ]
        plaintext.clean_all(rows)  # bulk_create sends no pre_save
        Goal.objects.bulk_create(rows)
        _audit(actor, conversation, Action.CONVERSATION_RECORDED, {"goals": len(wanted)})
    return conversation


def conversations_purge_expired(
    *, actor: SystemActor, municipality_id: int, cutoff: datetime, dry_run: bool = False
) -> int:
    """Delete the municipality's conversations held before ``cutoff`` (their goals go with them);
    return how many. Each deletion moves the themes' data version (``signals``), so the themes
    are made again without them."""
    ensure_system(actor, "Deleting “What matters to you?” conversations after the retention period")
    due = Conversation.objects.filter(municipality_id=municipality_id, held_on__lt=cutoff.date())
    if dry_run:
        return due.count()
    _total, by_model = due.delete()  # sends post_delete for each row, as the signal needs
    return by_model.get(Conversation._meta.label, 0)


def goals_finding_create(*, actor: Actor, unit: OrgUnit, statement: str) -> Any:
    """Turn what matters to a unit's users into a participation finding (participation checks its rights)."""
    from medvirk.participation import services as participation

    ensure_can(actor, Perm.FEEDBACK_STATS, unit)
    if not statement.strip():
        raise ServiceError(
            Code.STATEMENT_REQUIRED, _("Write the finding in one or two sentences."), field="statement"
        )
    finding = participation.finding_create(actor=actor, unit=unit, statement=statement)
    _audit(actor, finding, Action.FEEDBACK_FINDING_CREATED, {"unit": unit.pk})
    return finding
