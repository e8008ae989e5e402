"""Move the outcome dashboard's data version when a closed episode changes, and the themes'
when a "What matters to you?" conversation or one of its goals does.

The dashboard's figures are kept per data version (``dashboard.data_version``); a closed
episode's save or deletion — by a service, the admin or a cascade — must move it, and the
``post_save``/``post_delete`` receivers are the one place all of them pass through (as
``surveys/signals.py`` does for results). Saving an open episode changes no figure: the
dashboard counts closed episodes only, with the scores stored when they closed.
Queryset ``update()`` sends no signal: the only one on episodes (anonymising) changes no figure
the dashboard counts.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Conversation, DashboardVersion, Episode, EpisodeStatus, Goal, ThemesVersion


def bump(municipality_id: int, model: type[DashboardVersion | ThemesVersion] = DashboardVersion) -> None:
    """Move a municipality's dashboard (or themes) data version (create it when missing).

    A new random token each time, not only a higher revision: a revision can come back (a
    rolled-back transaction, a restored backup) with other episodes behind it, a token cannot.
    """
    rows = model.objects.filter(municipality_id=municipality_id)
    if not rows.update(revision=F("revision") + 1, token=uuid.uuid4()):
        # Created, then moved like any other: two first changes at once both move it.
        row: Any = model(municipality_id=municipality_id)  # either model: the union confuses mypy
        model.objects.bulk_create([row], ignore_conflicts=True)
        rows.update(revision=F("revision") + 1, token=uuid.uuid4())


@receiver(post_save, sender=Episode, dispatch_uid="feedback.episode_saved")
@receiver(post_delete, sender=Episode, dispatch_uid="feedback.episode_deleted")
def episode_changed(sender: type[Episode], instance: Episode, **kwargs: Any) -> None:
    if instance.status == EpisodeStatus.CLOSED:
        bump(instance.municipality_id)


# The themes count conversations and their goals. A conversation's goals are bulk-created after
# it (no signal) in the same transaction, so its own save moves the version for them; cascades
# send post_delete for each goal. Episodes' goals are not themed.
@receiver(post_save, sender=Conversation, dispatch_uid="feedback.conversation_saved")
@receiver(post_delete, sender=Conversation, dispatch_uid="feedback.conversation_deleted")
def conversation_changed(sender: type[Conversation], instance: Conversation, **kwargs: Any) -> None:
    bump(instance.municipality_id, ThemesVersion)


@receiver(post_save, sender=Goal, dispatch_uid="feedback.goal_saved")
@receiver(post_delete, sender=Goal, dispatch_uid="feedback.goal_deleted")
def goal_changed(sender: type[Goal], instance: Goal, **kwargs: Any) -> None:
    if instance.conversation_id is not None:
        bump(instance.municipality_id, ThemesVersion)
