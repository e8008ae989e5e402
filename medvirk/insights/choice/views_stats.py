"""Statistics of choosing for advisers and analysts: who chooses, clients per provider, switches and
their reasons (``choice.statistics``: one suppression decision per service and year, with the
service's totals), and the providers' survey results over the rounds (``figures``). A switch
reason can become a finding in participation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from medvirk.accounts.access import can, can_anywhere
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.choice import selectors as choice_selectors
from medvirk.choice.selectors import DIMENSIONS, PARTS, switch_key
from medvirk.choice.types import SwitchReason
from medvirk.core.errors import ServiceError
from medvirk.core.views import staff_view, year_param
from medvirk.participation import services as participation_services

from ..templatetags.insights import between, pct
from . import figures
from .stats import statistics_for

FIRST_YEAR = 2000


@dataclass(frozen=True)
class StatCell:
    """A figure as the page shows it: text, a second line, or muted ("too few answers")."""

    text: str
    note: str = ""
    muted: bool = False


@dataclass(frozen=True)
class RoundTable:
    """One survey round's results per provider and for the whole round, ready to show."""

    comparison: figures.RoundComparison
    rows: list[tuple[str, list[StatCell]]]


def _hidden(protected: bool) -> StatCell:
    """A hidden figure, saying why: too few answers, or hidden so a smaller group stays hidden."""
    return StatCell(_("hidden to protect others") if protected else _("too few answers"), muted=True)


def _share(group: figures.GroupResults, key: str) -> StatCell:
    figure = group.figures.get(key)
    if figure is None or not figure.shown or figure.share is None:
        return _hidden(group.protected or (figure is not None and figure.protected))
    count = figure.n or 0  # a shown share has its number of answers
    note = ngettext(
        "likely between %(between)s, from %(count)s answer",
        "likely between %(between)s, from %(count)s answers",
        count,
    ) % {"between": between(figure.share, "share"), "count": count}
    return StatCell(pct(figure.share.estimate), note)


def _round_table(comparison: figures.RoundComparison, providers: list[Any]) -> RoundTable:
    groups = [comparison.providers.get(p.pk) for p in providers] + [comparison.total]
    outside = StatCell("–", muted=True)
    answers = [
        outside
        if g is None or not g.in_round
        else StatCell(str(g.respondents))
        if g.respondents is not None
        else _hidden(g.protected)
        for g in groups
    ]
    rows = [(_("Answers"), answers)]
    for m in comparison.measures:
        key = m.key or m.question.key
        rows.append(
            (
                m.question.text,
                [_share(g, key) if g is not None and g.in_round else outside for g in groups],
            )
        )
    return RoundTable(comparison, rows)


def _dimension_title(dim: str) -> str:
    return {
        "immigrant_background": _("Immigrant background"),
        "language": _("Preferred language"),
        "age_band": _("Age group"),
        "district": _("City district"),
    }[dim]


@staff_view
def index(request: StaffRequest) -> HttpResponse:
    """The services whose statistics the user may read."""
    if not can_anywhere(request.user, Perm.CHOICE_STATS):
        raise Http404
    services = list(choice_selectors.services_for(user=request.user, perm=Perm.CHOICE_STATS))
    if len(services) == 1:
        return redirect("choice_stats:service", services[0].pk)
    return render(request, "insights/choice/stats_index.html", {"services": services})


@staff_view
def service(request: StaffRequest, service_id: int) -> HttpResponse:
    """One service's statistics for a year."""
    svc = choice_selectors.access_service_by_id(request.user, service_id, Perm.CHOICE_STATS)
    today = timezone.localdate()
    year = year_param(request, default=today.year, years=range(FIRST_YEAR, today.year + 1))
    assert year is not None
    stats = statistics_for(svc, year)
    providers = [a.provider for a in choice_selectors.approvals_of(service=svc)]
    rounds = [
        _round_table(c, providers)
        for c in (
            figures.compare(providers=providers, survey=s)
            for s in reversed(figures.rounds_for(providers=providers))
        )
        if c is not None
    ]
    context = {
        "service": svc,
        "year": year,
        "current_year": year == today.year,  # the page says up to which day its figures go
        "years": list(range(today.year, max(FIRST_YEAR, today.year - 5) - 1, -1)),
        "stats": stats,
        "held": {part: stats.held(part) for part in PARTS},  # parts that go up to an earlier day
        "overall": stats.choice_row(label=_("All first choices")),
        "dimensions": [(d, _dimension_title(d), stats.choice_by(d)) for d in DIMENSIONS],
        "client_tables": [
            (d, _dimension_title(d), stats.category_labels(d), stats.clients(d)) for d in DIMENSIONS
        ],
        "clients": stats.clients(),
        "reasons": stats.reason_rows(),
        "provider_names": [stats.labels.providers.get(p, "") for p in stats.providers],
        "switches_from": stats.switches_by("from"),
        "switches_to": stats.switches_by("to"),
        "chosen": stats.chosen_providers(),
        "rounds": rounds,
        "providers": providers,
        "can_find": can(request.user, Perm.PARTICIPATION_MANAGE, svc.owner_unit),
    }
    return render(request, "insights/choice/stats.html", context)


@staff_view
@require_POST
def finding(request: StaffRequest, service_id: int) -> HttpResponse:
    """Make a switch reason a finding in participation (only from a count the page shows)."""
    svc = choice_selectors.access_service_by_id(request.user, service_id, Perm.CHOICE_STATS)
    year = year_param(
        request, default=timezone.localdate().year, years=range(FIRST_YEAR, timezone.localdate().year + 1)
    )
    assert year is not None
    reason = request.POST.get("reason", "")
    if reason not in SwitchReason.values:
        raise Http404
    stats = statistics_for(svc, year)
    count, total = stats.count(switch_key(reason=reason)), stats.switches_total()
    back = reverse("choice_stats:service", args=[svc.pk]) + f"?year={year}"
    if not count or total is None:
        messages.error(request, _("This reason cannot be used: too few switches name it to show the number."))
        return redirect(back)
    statement = _(
        "%(count)d of %(total)d switches of provider for %(service)s in %(year)d "
        "named “%(reason)s” as a reason."
    ) % {
        "count": count,
        "total": total,
        "service": svc.name,
        "year": year,
        "reason": SwitchReason(reason).label,
    }
    try:
        participation_services.finding_create(actor=request.user, unit=svc.owner_unit, statement=statement)
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect(back)
    messages.success(
        request, _("The finding was added to participation for %(unit)s.") % {"unit": svc.owner_unit.name}
    )
    return redirect(back)
