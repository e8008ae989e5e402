"""Background jobs of the panels module: drawing a panel (found by ``medvirk.core.jobs``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.core.errors import CoreErrorCode, ServiceError
from medvirk.core.jobs import JobResult, Progress, job_handler
from medvirk.core.models import Job

from . import selection, services
from .models import Panel

STEPS = 100  # progress is reported in per cent of the work


def _phase_text(phase: str) -> str:
    """Return what the draw is doing, in words (the algorithm's phase names are internal)."""
    return {
        "check": _("Checking that the quotas can be met"),
        "setup": _("Preparing the lottery"),
        "initial": _("Finding panels that meet every quota"),
        "relaxation": _("Computing the fairest chances"),
        "decomposition": _("Building the lottery from valid panels"),
        "leximin": _("Raising the lowest chances step by step"),
        "retry": _("The quick way got stuck: working out the chances the thorough way"),
        "done": _("The lottery is ready"),
        "draw": _("Drawing the panel with the seed"),
        "save": _("Saving the panel"),
    }.get(phase, _("Working"))


@job_handler(selection.SELECT_JOB, label=gettext_lazy("Drawing a panel"))
def draw_panel(job: Job, progress: Progress) -> JobResult:
    """Draw the panel ``params["panel_id"]`` with ``params["seed"]``; the result is its report."""
    panel = Panel.objects.get(pk=job.params["panel_id"], municipality_id=job.municipality_id)

    def phases(phase: str, fraction: float) -> None:
        progress(round(STEPS * fraction), STEPS, _phase_text(phase))

    progress(0, STEPS, _("Reading the pool"))
    if job.created_by is None:  # whoever started the draw is no longer a user
        raise ServiceError(
            CoreErrorCode.FORBIDDEN, _("You may no longer draw panels, so no panel was drawn.")
        )
    # The draw runs as the person who started it: their right to draw is checked again now.
    run = services.panel_select(actor=job.created_by, panel=panel, seed=job.params["seed"], progress=phases)
    return JobResult(
        url=reverse("panels:panel_report", args=[panel.pk]),
        data={"panel_id": panel.pk, "run_id": run.pk, "seed": run.seed, "drawn": len(run.drawn)},
        message=_("The panel was drawn. The report shows everyone's chance."),
    )
