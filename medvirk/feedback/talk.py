"""What each alert means and what to talk about, in words for practitioners (translated)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from medvirk.analysis.outcomes import AlertKind, OutcomeAlert


@dataclass(frozen=True)
class AlertText:
    kind: str
    title: str
    talk: str
    severity: str  # Designsystemet colour: "danger" or "warning"


TITLES = {
    AlertKind.NOT_ON_TRACK: _("Not on track"),
    AlertKind.NO_CHANGE: _("No change yet"),
    AlertKind.DETERIORATED: _("Worse than at the start"),
    AlertKind.ALLIANCE_DROPPED: _("Session feedback has dropped"),
    AlertKind.CRITICAL_ITEM: _("Ask about safety"),
}
TALK = {
    AlertKind.NOT_ON_TRACK: _(
        "The client is below the expected path for people who started where they started. Talk about "
        "what is not helping, whether the goals still fit, and whether to change the approach or involve "
        "someone else."
    ),
    AlertKind.NO_CHANGE: _(
        "No reliable change after %(sessions)s sessions. Ask the client what would make a difference, and "
        "consider another approach, a different frequency or a referral."
    ),
    AlertKind.DETERIORATED: _(
        "The client is reliably worse than at the start. Ask how things are, what has happened, and make "
        "sure they are safe."
    ),
    AlertKind.ALLIANCE_DROPPED: _(
        "The client rated the session lower than before or below the usual level. Thank them for saying so, "
        "and ask what you could do differently next time."
    ),
    AlertKind.CRITICAL_ITEM: _(
        "The client answered the question about thoughts of death or self-harm above the lowest answer. Ask "
        "about it today and follow your service's safety routine."
    ),
}
SEVERITY = {AlertKind.CRITICAL_ITEM: "danger", AlertKind.DETERIORATED: "danger"}


def alert_text(alert: OutcomeAlert) -> AlertText:
    """Return the title and the talking points of an alert."""
    params: Mapping[str, object] = {"sessions": alert.detail.get("sessions", "")}
    return AlertText(
        alert.kind.value,
        str(TITLES[alert.kind]),
        str(TALK[alert.kind]) % params if alert.kind is AlertKind.NO_CHANGE else str(TALK[alert.kind]),
        alert_severity(alert.kind),
    )


def alert_title(kind: AlertKind) -> str:
    return str(TITLES[kind])


def alert_severity(kind: AlertKind) -> str:
    """Return the alert's Designsystemet colour: "danger" for safety and deterioration, else "warning"."""
    return SEVERITY.get(kind, "warning")
