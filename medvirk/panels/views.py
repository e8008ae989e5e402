"""Staff pages for panels: set up, quotas with feasibility check, select by lot, report, replace."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirk.accounts.access import municipality_id_of, municipality_of
from medvirk.accounts.requests import StaffRequest
from medvirk.core.csv_export import csv_response
from medvirk.core.errors import ServiceError
from medvirk.core.forms import form_submitted, form_submitted_to
from medvirk.core.job_views import job_fragment
from medvirk.core.models import JobStatus
from medvirk.core.views import staff_view

from . import selection, services
from .choices import FEATURES, PanelStatus, feature_choices, value_label
from .forms import PanelForm, QuotaForm, quota_initial
from .models import MemberStatus, Panel, PanelMember, SelectionRun
from .report import build_report, fairness_words
from .selectors import access_member_by_id, access_panel_by_id, pool_counts, require_panels


def _margins(panel: Panel) -> dict[str, dict[str, int]]:
    """Population counts of the municipality per dimension (empty when none were imported)."""
    from medvirk.population.selectors import population_margins

    municipality = panel.municipality
    margins = population_margins(municipality=municipality, region=municipality.code)
    return {key: dict(m.counts) for key, m in margins.items()}


def _labelled_quotas(panel: Panel) -> list[tuple[str, str, int, int]]:
    choices = feature_choices(panel.municipality)
    return [
        (str(FEATURES.get(q.feature, q.feature)), value_label(choices, q.feature, q.value), q.min, q.max)
        for q in panel.quotas.all()
    ]


@staff_view
def panel_list(request: StaffRequest) -> HttpResponse:
    """List the municipality's panels and the size of the pool."""
    require_panels(request.user)
    municipality_id = municipality_id_of(request.user)
    panels = Panel.objects.filter(municipality_id=municipality_id)
    pool = len(selection.pool_for(municipality_id))
    return render(request, "panels/panel_list.html", {"panels": panels, "pool_size": pool})


@staff_view
def panel_create(request: StaffRequest) -> HttpResponse:
    """Create a panel (then set its quotas)."""
    require_panels(request.user)
    form = PanelForm(request.POST or None)
    if done := form_submitted_to(
        request,
        form,
        _("The panel was created. Now set its quotas."),
        services.panel_create,
        municipality=municipality_of(request.user),
    ):
        return redirect("panels:panel_quotas", done.result.pk)
    return render(request, "panels/form.html", {"form": form, "title": _("New panel")})


@staff_view
def panel_detail(request: HttpRequest, panel_id: int) -> HttpResponse:
    """Show a panel: quotas, the feasibility check in words, the draw and its members."""
    panel = access_panel_by_id(request.user, panel_id)
    report = explanations = None
    pool_size = len(selection.pool_for(panel.municipality_id))
    if panel.status == PanelStatus.DRAFT:
        report = selection.feasibility(panel)
        explanations = selection.explain(report, panel.municipality)
    run = panel.runs.first()
    members = list(panel.members.select_related("volunteer"))
    context = {
        "panel": panel,
        "quotas": _labelled_quotas(panel),
        "feasibility": report,
        "explanations": explanations,
        "pool_size": pool_size,
        "too_large": pool_size > selection.MAX_POOL,
        "max_pool": selection.MAX_POOL,
        "job": selection.select_job(panel),
        "run": run,
        "members": members,
        "declined": MemberStatus.DECLINED,
        "mailto": _mailto(members),
        "fairness": _fairness(run),
    }
    return render(request, "panels/panel_detail.html", context)


def _fairness(run: SelectionRun | None) -> str:
    """The draw's chances in one sentence for the panel's page (the report says them in full)."""
    if run is None:
        return ""
    chances = list((run.person_probabilities or {}).values())
    return fairness_words(run.minimum, max(chances, default=None), run.panel.size / max(run.pool_size, 1))


#: Longer ``mailto:`` links are cut off or refused by common e-mail programs (Outlook: about 2,000).
MAILTO_MAX = 2000


def _mailto(members: Iterable[PanelMember]) -> str | None:
    """A ``mailto:`` link to everyone drawn who has not declined, in blind copy (they do not see
    each other's addresses); "" when it would be too long to work, None when there is nobody."""
    addresses = [m.volunteer.email for m in members if m.status != MemberStatus.DECLINED]
    if not addresses:
        return None
    link = "mailto:?bcc=" + ",".join(quote(a, safe="@") for a in addresses)
    return link if len(link) <= MAILTO_MAX else ""


@staff_view
def panel_members_csv(request: StaffRequest, panel_id: int) -> HttpResponse:
    """Download the drawn members and replacements (name, e-mail, needs, status) to contact them."""
    panel = access_panel_by_id(request.user, panel_id)
    if not panel.runs.exists():
        raise Http404
    services.panel_members_export_record(actor=request.user, panel=panel)
    header = [_("Name"), _("E-mail"), _("Accessibility needs"), _("Status")]
    rows = [
        [m.volunteer.name, m.volunteer.email, m.volunteer.accessibility_needs, m.get_status_display()]
        for m in panel.members.select_related("volunteer")
    ]
    # Semicolons, as Excel set up for Norwegian expects (with commas it puts each line in one cell).
    return csv_response([header, *rows], filename=f"{slugify(panel.name) or 'panel'}.csv", delimiter=";")


@staff_view
def panel_quotas(request: StaffRequest, panel_id: int) -> HttpResponse:
    """Set min/max per category; ``?suggest=1`` fills in proportional suggestions."""
    panel = access_panel_by_id(request.user, panel_id)
    if panel.status != PanelStatus.DRAFT:
        raise Http404
    counts = pool_counts(panel.municipality_id)
    source = None
    if request.GET.get("suggest"):
        margins = _margins(panel)
        initial = quota_initial(selection.suggest_quotas(panel, margins))
        source = "population" if margins else "pool"
    else:
        initial = quota_initial({(q.feature, q.value): (q.min, q.max) for q in panel.quotas.all()})
    form = QuotaForm(
        request.POST or None, municipality=panel.municipality, size=panel.size, pool=counts, initial=initial
    )
    if form_submitted(
        request,
        form,
        _("The quotas were saved."),
        lambda: services.quotas_set(actor=request.user, panel=panel, quotas=form.quotas()),
    ):
        return redirect("panels:panel_detail", panel.pk)
    return render(request, "panels/quotas.html", {"form": form, "panel": panel, "source": source})


@staff_view
@require_POST
def panel_select(request: StaffRequest, panel_id: int) -> HttpResponse:
    """Start drawing the panel by lot (LEXIMIN or legacy) with a published seed, in the background."""
    panel = access_panel_by_id(request.user, panel_id)
    raw = request.POST.get("seed", "").strip()
    seed = None
    if raw:
        if not raw.isdigit() or int(raw) >= 2**63:
            messages.error(request, _("The seed must be a whole number."))
            return redirect("panels:panel_detail", panel.pk)
        seed = int(raw)
    try:
        job = services.panel_select_start(actor=request.user, panel=panel, seed=seed)
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect("panels:panel_detail", panel.pk)
    if job.status == JobStatus.DONE:  # already finished (small pool, or jobs run at once)
        messages.success(request, _("The panel was drawn. The report shows everyone's chance."))
        return redirect("panels:panel_report", panel.pk)
    if job.status == JobStatus.FAILED:
        messages.error(request, job.error)
        return redirect("panels:panel_detail", panel.pk)
    return redirect(job)


@staff_view
def panel_draw_status(request: HttpRequest, panel_id: int) -> HttpResponse:
    """The status of the panel's draw, for the panel page's htmx poll (anyone who sees the panel)."""
    panel = access_panel_by_id(request.user, panel_id)
    job = selection.select_job(panel)
    if job is None:
        raise Http404
    return job_fragment(request, job)


@staff_view
def panel_report(request: HttpRequest, panel_id: int) -> HttpResponse:
    """The transparency report of the panel's draw."""
    panel = access_panel_by_id(request.user, panel_id)
    run = panel.runs.first()
    if run is None:
        raise Http404
    context = {
        "report": build_report(run),
        "panel": panel,
        "reproduced": selection.reproduce(run) == list(run.drawn),
    }
    return render(request, "panels/report.html", context)


@staff_view
@require_POST
def member_decline(request: StaffRequest, panel_id: int, member_id: int) -> HttpResponse:
    """Record that a member declined and draw a replacement in the same quota cells."""
    panel = access_panel_by_id(request.user, panel_id)
    member = access_member_by_id(request.user, panel, member_id)
    try:
        new = services.member_decline(actor=request.user, panel=panel, member=member)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        names = ", ".join(m.volunteer.name for m in new)
        messages.success(request, _("Replacement drawn: %(names)s.") % {"names": names})
    return redirect("panels:panel_detail", panel.pk)
