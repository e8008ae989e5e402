"""Practitioners' pages: the caseload, an episode with its graph, sessions, goals, links, closing.

Every page that shows a client's record fetches the episode with
``selectors.access_episode_by_id`` (404 unless the user is one of its practitioners), which also
audits the read. Writes go through ``services`` (fetch → act → respond).
"""

from __future__ import annotations

import json
from typing import Any

import segno
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirk.accounts.access import can_anywhere
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.errors import ServiceError
from medvirk.core.forms import form_submitted, form_submitted_to
from medvirk.core.views import service_done, staff_view

from . import charts, selectors, services
from .answer_form import AnswerForm
from .client_text import ClientTexts
from .exports import episode_record
from .forms import CloseForm, EpisodeEditForm, EpisodeForm, GoalsForm, MemberForm, RaterForm, SessionForm
from .models import ClientLink, Episode, EpisodeStatus, Mode
from .talk import alert_severity, alert_text, alert_title


def _practitioner(request: StaffRequest) -> None:
    if not can_anywhere(request.user, Perm.FEEDBACK_PRACTICE):
        raise Http404


@staff_view
def caseload(request: StaffRequest) -> HttpResponse:
    """List the practitioner's own clients with their latest score and alerts."""
    _practitioner(request)
    closed = request.GET.get("closed") == "1"
    rows = selectors.caseload(request.user, include_closed=closed)
    return render(
        request,
        "feedback/caseload.html",
        {
            "rows": [
                (row, [(alert_title(kind), alert_severity(kind)) for kind in row.alerts]) for row in rows
            ],
            "closed": closed,
            "can_open": selectors.services_for(request.user).exists(),
        },
    )


@staff_view
def episode_create(request: StaffRequest) -> HttpResponse:
    """Open an episode for a new client."""
    services_ = list(selectors.services_for(request.user))
    if not services_:
        raise Http404
    form = EpisodeForm(request.POST or None, services=services_)

    def act() -> Episode:
        service = selectors.access_service_by_id(
            request.user, form.cleaned_data["service"], Perm.FEEDBACK_PRACTICE
        )
        return services.episode_open(actor=request.user, service=service, **form.values())

    if done := form_submitted(
        request, form, _("The episode is open. Start the first session when you meet."), act
    ):
        return redirect("feedback:episode", done.result.pk)
    return render(request, "feedback/episode_form.html", {"form": form, "title": _("New client")})


def _episode_context(request: StaffRequest, episode: Any) -> dict[str, Any]:
    view = selectors.episode_view(episode)
    return {
        "episode": episode,
        "view": view,
        "graph": charts.graph(view),
        "table": charts.table(view),
        "alerts": [alert_text(a) for a in view.alerts],
        "members": selectors.episode_members(episode),
        "raters": list(episode.raters.filter(active=True)),
        "open": episode.status == EpisodeStatus.OPEN,
        "instrument": episode.service.outcome.parsed,
        "version": episode.service.outcome.parsed.get_version(episode.age_version),
        "session_form": SessionForm(),
    }


@staff_view
def episode_detail(request: StaffRequest, episode_id: int) -> HttpResponse:
    """Show the client's graph at once: scores, cut-off, expected band, alerts, goals, sessions."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="graph")
    return render(request, "feedback/episode.html", _episode_context(request, episode))


@staff_view
def episode_edit(request: StaffRequest, episode_id: int) -> HttpResponse:
    """Change the alias, language, background or contact details."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="edit")
    initial = {
        f: getattr(episode, f)
        for f in (
            "alias",
            "language",
            "gender",
            "immigrant_background",
            "home_language",
            "contact_email",
            "contact_phone",
        )
    }
    form = EpisodeEditForm(request.POST or None, initial=initial)
    if form_submitted_to(request, form, _("Saved."), services.episode_update, episode=episode):
        return redirect("feedback:episode", episode.pk)
    return render(
        request,
        "feedback/episode_form.html",
        {"form": form, "title": _("Change details"), "episode": episode},
    )


@staff_view
@require_POST
def session_create(request: StaffRequest, episode_id: int) -> HttpResponse:
    """Record the next session and go to it."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="session")
    form = SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date of the session."))
        return redirect("feedback:episode", episode.pk)
    try:
        session = services.session_record(
            actor=request.user, episode=episode, held_on=form.cleaned_data["held_on"]
        )
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect("feedback:episode", episode.pk)
    return redirect("feedback:session", episode.pk, session.number)


@staff_view
def session_detail(request: StaffRequest, episode_id: int, number: int) -> HttpResponse:
    """One session: hand the client a link or QR code, or key in a paper form."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="session")
    session = selectors.episode_session(episode, number)
    answered = {(r.rater_id, r.instrument_id) for r in session.ratings.all()}
    raters = list(episode.raters.filter(active=True))
    return render(
        request,
        "feedback/session.html",
        {
            "episode": episode,
            "session": session,
            "raters": [
                (r, [i for i in _instruments(episode) if (r.pk, i.pk) not in answered]) for r in raters
            ],
            "ratings": list(session.ratings.select_related("rater", "instrument")),
            "open": episode.status == EpisodeStatus.OPEN,
        },
    )


def _instruments(episode: Any) -> list[Any]:
    service = episode.service
    return [i for i in (service.outcome, service.alliance) if i is not None]


@staff_view
@require_POST
def link_create(request: StaffRequest, episode_id: int, number: int) -> HttpResponse:
    """Make a link for the client (or a collateral rater) and show it once, as a QR code and a link."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="session")
    session = selectors.episode_session(episode, number)
    rater = episode.raters.filter(pk=request.POST.get("rater") or 0, active=True).first()
    mode = request.POST.get("mode", Mode.OWN_PHONE)
    try:
        link, token = services.link_create(actor=request.user, session=session, rater=rater, mode=mode)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect("feedback:session", episode.pk, number)
    url = request.build_absolute_uri(reverse("feedback_client:answer", args=[token]))
    # segno writes the SVG itself from the URL (no user text in it), so it is safe to embed.
    qr = mark_safe(segno.make(url, error="m").svg_inline(scale=6, title=_("QR code for the client's link")))
    return render(
        request,
        "feedback/link.html",
        {
            "episode": episode,
            "session": session,
            "link": link,
            "url": url,
            "qr": qr,
            "tablet": mode == Mode.TABLET,
        },
    )


@staff_view
@require_POST
def link_revoke(request: StaffRequest, episode_id: int, link_id: int) -> HttpResponse:
    """Stop a link at once."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="session")
    link = ClientLink.objects.filter(pk=link_id, session__episode=episode).first()
    if link is None:
        raise Http404
    services.link_revoke(actor=request.user, link=link)
    messages.success(request, _("The link no longer works."))
    return redirect("feedback:episode", episode.pk)


@staff_view
def paper_entry(request: StaffRequest, episode_id: int, number: int, rater_id: int) -> HttpResponse:
    """Key in what a client wrote on paper, with the same questions the client's link shows."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="paper")
    session = selectors.episode_session(episode, number)
    rater = episode.raters.filter(pk=rater_id).first()
    if rater is None or episode.status != EpisodeStatus.OPEN:
        raise Http404
    form = AnswerForm(session=session, rater=rater, lang=request.LANGUAGE_CODE, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            form.save(actor=request.user, mode=Mode.PAPER)
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Saved. The graph is updated."))
            return redirect("feedback:episode", episode.pk)
    return render(
        request,
        "feedback/paper.html",
        {
            "episode": episode,
            "session": session,
            "rater": rater,
            "form": form,
            "texts": ClientTexts(form.lang),
        },
    )


@staff_view
def goals_edit(request: StaffRequest, episode_id: int) -> HttpResponse:
    """Write down what matters to the client, in their words."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="goals")
    current = "\n".join(g.text for g in episode.goals.filter(status="active").order_by("position"))
    form = GoalsForm(request.POST or None, initial={"goals": current})
    if form_submitted(
        request,
        form,
        _("Goals saved."),
        lambda: services.goal_set(actor=request.user, episode=episode, texts=form.texts()),
    ):
        return redirect("feedback:episode", episode.pk)
    return render(request, "feedback/goals.html", {"episode": episode, "form": form})


@staff_view
def members(request: StaffRequest, episode_id: int) -> HttpResponse:
    """Add a colleague to the episode (the only way a colleague sees it), or take one off."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="members")
    colleagues = selectors.practitioners_for(episode)
    form = MemberForm(request.POST or None, colleagues=colleagues)
    if request.method == "POST" and "remove" in request.POST:
        user = next(
            (m.user for m in selectors.episode_members(episode) if str(m.user_id) == request.POST["remove"]),
            None,
        )
        if user is None:
            raise Http404
        service_done(
            request,
            _("Removed from the episode."),
            lambda: services.episode_member_remove(actor=request.user, episode=episode, user=user),
        )
        return redirect("feedback:members", episode.pk)

    if form_submitted(
        request,
        form,
        _("Added. The colleague now sees this client's record."),
        lambda: services.episode_member_add(
            actor=request.user, episode=episode, user=form.chosen("user", colleagues)
        ),
    ):
        return redirect("feedback:members", episode.pk)
    return render(
        request,
        "feedback/members.html",
        {
            "episode": episode,
            "members": selectors.episode_members(episode),
            "form": form,
            "colleagues": colleagues,
        },
    )


@staff_view
def rater_create(request: StaffRequest, episode_id: int) -> HttpResponse:
    """Add a parent, teacher or someone else who rates the client with their own links."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="raters")
    form = RaterForm(request.POST or None, initial={"language": episode.language})
    if form_submitted_to(
        request, form, _("Added. Make a link for them at a session."), services.rater_add, episode=episode
    ):
        return redirect("feedback:episode", episode.pk)
    return render(request, "feedback/rater_form.html", {"episode": episode, "form": form})


@staff_view
def episode_close(request: StaffRequest, episode_id: int) -> HttpResponse:
    """Close the episode: planned end, dropout or another ending."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="close")
    form = CloseForm(request.POST or None)
    if form_submitted_to(
        request,
        form,
        _("The episode is closed and its links no longer work."),
        services.episode_close,
        episode=episode,
    ):
        return redirect("feedback:episode", episode.pk)
    return render(request, "feedback/close.html", {"episode": episode, "form": form})


@staff_view
def episode_export(request: StaffRequest, episode_id: int) -> HttpResponse:
    """Download the client's whole record (innsyn): details, scores, goals, and who has read it."""
    episode = selectors.access_episode_by_id(request.user, episode_id, purpose="export")
    record = episode_record(episode, actor=request.user)
    response = HttpResponse(
        json.dumps(record, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="innsyn-{episode.pk}.json"'
    return response
