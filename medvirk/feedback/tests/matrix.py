"""Permission-matrix cases for client feedback (collected by tests/test_permission_matrix.py).

Individual records (caseload, episode pages) are seen by no role as such: only by practitioners
*on the episode*. None of the matrix's actors is a practitioner, so every such cell is 404 — the
cells where practitioners are allowed are in ``medvirk/feedback/tests/test_pages_matrix.py``
(practitioner, team member, other practitioner, unit leader, other unit, other municipality).
Setup pages need FEEDBACK_MANAGE (instruments on the municipality root), conversations
CONVERSATION_RECORD. The client's own link pages (``feedback_client``) are public.
"""

from __future__ import annotations

from typing import Any

from medvirk.accounts.demo import DemoData
from medvirk.accounts.models import Role, RoleAssignment, User
from medvirk.core.actors import SystemActor
from medvirk.feedback import services
from medvirk.feedback.models import Episode, Instrument, Service
from tests.matrix_support import Case, any_, get, in_

SYSTEM = SystemActor("permission matrix")
# FEEDBACK_MANAGE anywhere (admin, analyst, unit leader).
MANAGE_ANY = {
    "admin": {"-"},
    "analytiker": {"-"},
    "analytiker.nord": {"-"},
    "leder.solsikken": {"-"},
    "provestad.admin": {"-"},
}
# FEEDBACK_MANAGE on the municipality root: instruments.
MANAGE_ROOT = {"admin": {"own"}, "analytiker": {"own"}, "provestad.admin": {"foreign"}}
# CONVERSATION_RECORD anywhere (admin, unit leader; practitioners are not matrix actors).
CONVERSATION = {"admin": {"-"}, "leder.solsikken": {"-"}, "provestad.admin": {"-"}}
NOBODY: dict[str, set[str]] = {}
TARGETS = ("own", "foreign")


def _municipality(d: DemoData, t: str) -> Any:
    return d.other if t == "foreign" else d.municipality


def instrument_for(d: DemoData, t: str) -> Instrument:
    municipality = _municipality(d, t)
    found = Instrument.objects.filter(municipality=municipality, key="ors").first()
    return found or services.instrument_load(actor=SYSTEM, municipality=municipality, key="ors")


def service_for(d: DemoData, t: str) -> Service:
    municipality = _municipality(d, t)
    found = Service.objects.filter(municipality=municipality, name="Matrisetjenesten").first()
    if found:
        return found
    outcome = Instrument.objects.filter(
        municipality=municipality, key="phq9"
    ).first() or services.instrument_load(actor=SYSTEM, municipality=municipality, key="phq9")
    unit = d.other_units["Torget barnehage"] if t == "foreign" else d.units["Helsestasjonen"]
    return services.service_create(actor=SYSTEM, unit=unit, name="Matrisetjenesten", outcome=outcome)


def episode_for(d: DemoData, t: str) -> Episode:
    """An episode whose only practitioner is a user none of the matrix's actors is."""
    service = service_for(d, t)
    found = Episode.objects.filter(service=service, alias="Matriseklient").first()
    if found:
        return found
    user = User.objects.create(username=f"matrise.behandler.{t}", municipality=service.unit.municipality)
    RoleAssignment.objects.create(
        municipality_id=service.municipality_id, user=user, unit=service.unit, role=Role.PRACTITIONER
    )
    episode = services.episode_open(actor=user, service=service, alias="Matriseklient")
    session = services.session_record(actor=user, episode=episode)
    services.link_create(actor=user, session=session)
    return episode


def eid(d: DemoData, t: str) -> int:
    return episode_for(d, t).pk


def _episode_page(suffix: str, method: str = "get") -> Any:
    def call(c: Any, d: DemoData, t: str) -> Any:
        episode = episode_for(d, t)
        url = f"/feedback/episodes/{episode.pk}/{suffix}"
        if "{rater}" in url:
            url = url.replace("{rater}", str(episode.raters.first().pk))
        if "{link}" in url:
            url = url.replace("{link}", str(episode.sessions.first().links.first().pk))
        return getattr(c, method)(url)

    return call


CASES = [
    Case("feedback:caseload", get("/feedback/"), any_(NOBODY), per_target=False),
    Case("feedback:episode_create", get("/feedback/new/"), any_(NOBODY), per_target=False),
    Case("feedback:episode", _episode_page(""), in_(NOBODY), targets=TARGETS),
    Case("feedback:episode_edit", _episode_page("edit/"), in_(NOBODY), targets=TARGETS),
    Case("feedback:goals", _episode_page("goals/"), in_(NOBODY), targets=TARGETS),
    Case("feedback:members", _episode_page("members/"), in_(NOBODY), targets=TARGETS),
    Case("feedback:rater_create", _episode_page("raters/new/"), in_(NOBODY), targets=TARGETS),
    Case("feedback:episode_close", _episode_page("close/"), in_(NOBODY), targets=TARGETS),
    Case("feedback:episode_export", _episode_page("export/"), in_(NOBODY), targets=TARGETS),
    Case("feedback:session_create", _episode_page("sessions/new/", "post"), in_(NOBODY), targets=TARGETS),
    Case("feedback:session", _episode_page("sessions/1/"), in_(NOBODY), targets=TARGETS),
    Case("feedback:link_create", _episode_page("sessions/1/link/", "post"), in_(NOBODY), targets=TARGETS),
    Case("feedback:paper", _episode_page("sessions/1/paper/{rater}/"), in_(NOBODY), targets=TARGETS),
    Case("feedback:link_revoke", _episode_page("links/{link}/revoke/", "post"), in_(NOBODY), targets=TARGETS),
    Case("feedback:setup", get("/feedback/setup/"), any_(MANAGE_ANY), per_target=False),
    Case(
        "feedback:instrument_texts",
        lambda c, d, t: c.get(f"/feedback/setup/instruments/{instrument_for(d, t).pk}/texts/"),
        in_(MANAGE_ROOT),
        targets=TARGETS,
    ),
    Case("feedback:service_create", get("/feedback/setup/services/new/"), any_(MANAGE_ANY), per_target=False),
    Case(
        "feedback:conversation_create",
        get("/feedback/what-matters/new/"),
        any_(CONVERSATION),
        per_target=False,
    ),
]
