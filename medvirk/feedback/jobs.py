"""The outcome dashboard's figures, worked out in the worker (as ``insights.decide`` does for results).

A page that finds no board of its municipality-half-year's current data version starts
``feedback.decide`` (``decide_start``) and shows the latest earlier board meanwhile, or the
job's progress when there is none; pages never decide (issue 16, issue 19). "What matters to our
users" likewise (``feedback.themes``: ``themes.prepare``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.core.errors import ServiceError
from medvirk.core.jobs import JobResult, Progress, job_handler, start_or_join
from medvirk.core.models import Job
from medvirk.orgs.models import Municipality

from .dashboard import Period, prepare
from .enums import FeedbackErrorCode

DECIDE_JOB = "feedback.decide"
THEMES_JOB = "feedback.themes"


def decide_start(*, user: Any, municipality: Any, period: Period, next_url: str = "") -> Job:
    """Queue the making of a half-year's dashboard for its current data; return the job.

    While the same user's job for the half-year still waits or runs, that job is returned. The
    job finds what another process (``warm_feedback``, another user's job) has made.
    """
    params = {"period": period.key, "next": next_url}
    return start_or_join(
        kind=DECIDE_JOB, municipality=municipality, user=user, params=params, match=["period"]
    )


@job_handler(DECIDE_JOB, label=gettext_lazy("Preparing the client outcomes"))
def decide_period(job: Job, progress: Progress) -> JobResult:
    """Work out the half-year's anonymity decision and every figure of its dashboard."""
    municipality = Municipality.objects.filter(pk=job.municipality_id).first()
    period = Period.parse(str(job.params.get("period", "")))
    if municipality is None or period is None:
        raise ServiceError(
            FeedbackErrorCode.DATE_INVALID, _("There is nothing to prepare for this half-year.")
        )
    progress(0, 0, _("Working out which figures can be shown without revealing anyone"))
    prepare(municipality, period)
    return JobResult(url=job.params.get("next", ""), message=_("The client outcomes are ready."))


def themes_start(*, user: Any, municipality: Any, period: Period, next_url: str = "") -> Job:
    """Queue the grouping and decision of a half-year's goals (joined while one waits or runs)."""
    return start_or_join(
        kind=THEMES_JOB,
        municipality=municipality,
        user=user,
        params={"period": period.key, "next": next_url},
        match=["period"],
    )


@job_handler(THEMES_JOB, label=gettext_lazy("Preparing what matters to our users"))
def prepare_themes(job: Job, progress: Progress) -> JobResult:
    """Group a half-year's goals into themes and decide what every unit may show."""
    from .themes import prepare as prepare_figures

    period = Period.parse(str(job.params.get("period", "")))
    if period is None:
        raise ServiceError(
            FeedbackErrorCode.DATE_INVALID, _("There is nothing to prepare for this half-year.")
        )
    progress(0, 0, _("Working out which figures can be shown without revealing anyone"))
    prepare_figures(job.municipality_id, period)
    return JobResult(url=job.params.get("next", ""), message=_("The themes are ready."))
