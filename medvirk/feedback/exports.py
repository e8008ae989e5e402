"""The client's record on request (innsyn): everything Medvirk holds about one episode, and who read it."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from medvirk.accounts.access import Actor
from medvirk.core.audit import audit_record

from .enums import FeedbackAuditAction
from .models import Episode, GoalRating, Rating
from .selectors import reads_of


def episode_record(episode: Episode, *, actor: Actor) -> dict[str, Any]:
    """Return the client's record as plain data (the caller has checked access); audits the export."""
    ratings = Rating.objects.filter(session__episode=episode).select_related("session", "instrument", "rater")
    goal_values = GoalRating.objects.filter(goal__episode=episode).select_related("session")
    record = {
        "exported_at": timezone.now().isoformat(),
        "episode": {
            "alias": episode.alias,
            "birth_year": episode.birth_year,
            "service": episode.service.name,
            "unit": episode.unit.name,
            "opened_on": episode.opened_on,
            "closed_on": episode.closed_on,
            "end_reason": episode.get_end_reason_display() if episode.end_reason else "",
            "language": episode.language,
            "gender": episode.gender,
            "immigrant_background": episode.immigrant_background,
            "home_language": episode.home_language,
            "contact_email": episode.contact_email,
            "contact_phone": episode.contact_phone,
        },
        "sessions": [{"number": s.number, "date": s.held_on} for s in episode.sessions.order_by("number")],
        "ratings": [
            {
                "session": r.session.number,
                "instrument": str(r.instrument),
                "rater": r.rater.get_kind_display(),
                "answers": r.answers,
                "score": r.score,
                "how": r.get_mode_display(),
                "submitted_at": r.submitted_at,
            }
            for r in ratings
        ],
        "goals": [
            {
                "goal": g.text,
                "status": g.get_status_display(),
                "progress": {str(v.session.number): v.value for v in goal_values if v.goal_id == g.pk},
            }
            for g in episode.goals.order_by("position", "pk")
        ],
        "practitioners": [str(m.user) for m in episode.members.select_related("user")],
        "read_by": [
            {"who": str(e.actor) if e.actor else "", "when": e.created_at, "page": e.data.get("page", "")}
            for e in reads_of(episode)
        ],
    }
    audit_record(actor=actor, action=FeedbackAuditAction.EPISODE_EXPORTED, obj=episode)
    return record
