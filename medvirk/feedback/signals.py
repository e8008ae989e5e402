"""Move the outcome dashboard's data version when a closed episode changes.

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

from .models import DashboardVersion, Episode, EpisodeStatus


def bump(municipality_id: int) -> None:
    """Move a municipality's dashboard data version (create it when missing).

    A new random token each time, not only a higher revision: a revision can come back (a
    rolled-back transaction, a restored backup) with other episodes behind it, a token cannot.
    """
    rows = DashboardVersion.objects.filter(municipality_id=municipality_id)
    if not rows.update(revision=F("revision") + 1, token=uuid.uuid4()):
        # Created, then moved like any other: two first changes at once both move it.
        DashboardVersion.objects.bulk_create(
            [DashboardVersion(municipality_id=municipality_id)], ignore_conflicts=True
        )
        rows.update(revision=F("revision") + 1, token=uuid.uuid4())


@receiver(post_save, sender=Episode, dispatch_uid="feedback.episode_saved")
def episode_saved(sender: type[Episode], instance: Episode, **kwargs: Any) -> None:
    if instance.status == EpisodeStatus.CLOSED:
        bump(instance.municipality_id)


@receiver(post_delete, sender=Episode, dispatch_uid="feedback.episode_deleted")
def episode_deleted(sender: type[Episode], instance: Episode, **kwargs: Any) -> None:
    if instance.status == EpisodeStatus.CLOSED:
        bump(instance.municipality_id)
