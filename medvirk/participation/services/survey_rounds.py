"""Survey rounds recorded as participation activities, automatically.

Once a survey round has opened in a unit, the unit's participation record holds an activity of
kind "survey round" linked to the survey (users as informants, individual participation). When
the survey is closed, its participant count is the number of complete responses from that unit.

The survey module knows nothing of participation (dependencies point one way and modules do not
talk through signals), so the sync runs from this side: lazily before participation lists and
reports are read, and from the daily ``send_participation_reminders`` command. It is idempotent:
one activity per survey and unit, and a count once set is left alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone, translation

from medvirk.core.actors import SystemActor, ensure_system
from medvirk.core.audit import audit_record
from medvirk.core.tenancy import co_located
from medvirk.surveys.models import Response, SurveyStatus, SurveyUnit

from ..enums import ParticipationAuditAction
from ..evaluation import SERIES as EVALUATION_SERIES
from ..models import Activity, ActivityKind, Invited, Ladder, Level

#: Survey rounds are recorded by Medvirk itself, whoever's page or command triggers the sync.
ROUNDS_ACTOR = SystemActor("survey rounds recorded as participation activities")


def _title(survey: Any) -> str:
    """Name the activity in the site's language (bokmål), not in the language of the page whose
    view happened to run the sync: the title is stored once and read by everyone."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{survey} ({survey.round_label})"[:200]


def _create(actor: SystemActor, survey_unit: SurveyUnit, today: datetime.date) -> Activity:
    survey, unit = survey_unit.survey, survey_unit.unit
    starts_on = survey.opens_on or today
    ends_on = survey.closes_on if survey.closes_on and survey.closes_on >= starts_on else None
    activity = Activity.objects.create(
        municipality_id=unit.municipality_id,
        owner_unit=unit,
        title=_title(survey),
        kind=ActivityKind.SURVEY_ROUND,
        service_area=unit.service_area,
        starts_on=starts_on,
        ends_on=ends_on,
        ladder=Ladder.INFORMANTS,
        level=Level.INDIVIDUAL,
        invited=Invited.OPEN,
        survey=survey,
    )
    activity.units.set([unit], through_defaults={"municipality_id": activity.municipality_id})
    audit_record(
        actor=actor,
        action=ParticipationAuditAction.ACTIVITY_SURVEY_LINKED,
        obj=activity,
        data={"survey": survey.pk},
    )
    return activity


def survey_rounds_sync(
    *, actor: SystemActor, municipality_id: int | None = None, today: datetime.date | None = None
) -> int:
    """Create the missing survey-round activities and count closed rounds' responses.

    Return how many activities were created. Participants' evaluations of an activity are
    surveys too, but not survey rounds, and are left out. ``actor`` is Medvirk itself
    (``ROUNDS_ACTOR``): the sync writes in units the person whose page triggered it may not manage.
    """
    ensure_system(actor, "Recording survey rounds")
    today = today or timezone.localdate()
    # co_located: the joined surveys and units are named by the municipality too (docs/scaling.md).
    rounds = SurveyUnit.objects.filter(
        co_located("survey", "unit"), survey__status__in=[SurveyStatus.OPEN, SurveyStatus.CLOSED]
    ).exclude(survey__series=EVALUATION_SERIES)
    activities = Activity.objects.filter(
        co_located("survey"), kind=ActivityKind.SURVEY_ROUND, survey__isnull=False
    )
    if municipality_id is not None:
        rounds = rounds.filter(municipality_id=municipality_id)
        activities = activities.filter(municipality_id=municipality_id)
    missing_q = rounds.exclude(
        Exists(activities.filter(survey_id=OuterRef("survey_id"), owner_unit_id=OuterRef("unit_id")))
    )
    missing = list(missing_q.values_list("pk", flat=True))
    # Closed rounds not yet counted (an activity someone linked by hand to another unit is left alone).
    uncounted_q = activities.filter(survey__status=SurveyStatus.CLOSED, participants__isnull=True).filter(
        Exists(
            SurveyUnit.objects.filter(
                municipality_id=OuterRef("municipality_id"),
                survey_id=OuterRef("survey_id"),
                unit_id=OuterRef("owner_unit_id"),
            )
        )
    )
    if not missing and not uncounted_q.exists():
        return 0
    with transaction.atomic():
        # Two requests syncing at once: the second waits for the first's locks, then finds nothing.
        list(SurveyUnit.objects.select_for_update().filter(pk__in=missing).values_list("pk", flat=True))
        still_missing = list(
            missing_q.filter(pk__in=missing).select_related("survey", "unit", "unit__municipality")
        )
        for survey_unit in still_missing:
            _create(actor, survey_unit, today)
        uncounted = list(uncounted_q.select_related("owner_unit__municipality"))
        counts = {
            (row["survey_id"], row["unit_id"]): row["n"]
            for row in Response.objects.filter(
                municipality_id__in={a.municipality_id for a in uncounted},
                survey_id__in={a.survey_id for a in uncounted},
                complete=True,
            )
            .values("survey_id", "unit_id")
            .annotate(n=Count("id"))
        }
        for activity in uncounted:
            activity.participants = counts.get((activity.survey_id or 0, activity.owner_unit_id), 0)
            activity.save(update_fields=["participants"])
            audit_record(
                actor=actor,
                action=ParticipationAuditAction.ACTIVITY_DOCUMENTED,
                obj=activity,
                data={"participants": activity.participants, "survey": activity.survey_id},
            )
    return len(still_missing)
