"""Keep ``Survey.responses_revision`` right when complete responses are deleted.

The results caches identify a round's data by its highest complete response id and this
revision (``insights.disclosure.state_for``). Deleting a complete response does not always move
the highest id, so every deletion path — a queryset ``delete()``, a cascade, the admin — must bump
the revision; a ``post_delete`` receiver is the one place all of them pass through.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Response, Survey


@receiver(post_delete, sender=Response, dispatch_uid="surveys.response_deleted")
def response_deleted(sender: type[Response], instance: Response, **kwargs: Any) -> None:
    if instance.complete:
        Survey.objects.filter(pk=instance.survey_id).update(responses_revision=F("responses_revision") + 1)
