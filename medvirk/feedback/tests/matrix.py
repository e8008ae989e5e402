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
from tests.matrix_support import EKS, Case, any_, api_call, get, in_, uid

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
CONVERSATION_ON = {"admin": EKS, "leder.solsikken": {"own"}, "provestad.admin": {"foreign"}}
STATS_ANY = {
    n: {"-"}
    for n in ("admin", "analytiker", "analytiker.nord", "leder.solsikken", "koordinator", "provestad.admin")
}
STATS_ON = {
    "admin": EKS,
    "analytiker": EKS,
    "koordinator": EKS,
    "analytiker.nord": {"own", "sibling"},
    "leder.solsikken": {"own"},
    "provestad.admin": {"foreign"},
}
DEFINITION = {
    "format": "medvirk-instrument/1",
    "key": "matrisemal",
    "name": {"en": "Matrix"},
    "purpose": "outcome",
    "direction": "higher_better",
    "response": {"type": "vas"},
    "items": [{"key": "a", "text": {"en": "A"}}],
    "versions": [{"key": "all", "rci": 1}],
}
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


def _episode_api(method: str, suffix: str, body: Any = None) -> Any:
    return api_call(method, lambda d, t: f"/api/v1/feedback/episodes/{eid(d, t)}{suffix}", body)


def _api(operation: str) -> str:
    method, path = operation.split(" ", 1)
    return f"api:{method} /api/v1/feedback{path}"


CASES += [
    Case("feedback:themes", get("/feedback/what-matters/"), any_(STATS_ANY), per_target=False),
    Case("feedback:outcomes", get("/feedback/outcomes/"), any_(STATS_ANY), per_target=False),
    Case(
        _api("GET /instruments"),
        api_call("GET", lambda d, t: "/api/v1/feedback/instruments"),
        any_(MANAGE_ANY),
        per_target=False,
        api=True,
    ),
    Case(
        _api("GET /instruments/{instrument_id}/questionnaire"),
        api_call("GET", lambda d, t: f"/api/v1/feedback/instruments/{instrument_for(d, t).pk}/questionnaire"),
        in_(MANAGE_ROOT),
        targets=TARGETS,
        api=True,
    ),
    Case(
        _api("PUT /instruments/{instrument_id}/texts"),
        api_call(
            "PUT",
            lambda d, t: f"/api/v1/feedback/instruments/{instrument_for(d, t).pk}/texts",
            lambda d, t: {"version": "adult", "language": "nb", "texts": {"ors_1": "x"}},
        ),
        in_(MANAGE_ROOT),
        targets=TARGETS,
        api=True,
    ),
    Case(
        _api("POST /instruments/import"),
        api_call(
            "POST",
            lambda d, t: "/api/v1/feedback/instruments/import",
            lambda d, t: {"definition": DEFINITION},
        ),
        lambda a, t: a in {"admin", "analytiker", "provestad.admin"},
        per_target=False,
        api=True,
    ),
    Case(
        _api("GET /episodes"),
        api_call("GET", lambda d, t: "/api/v1/feedback/episodes"),
        any_(NOBODY),
        per_target=False,
        api=True,
    ),
    Case(
        _api("POST /episodes"),
        api_call(
            "POST",
            lambda d, t: "/api/v1/feedback/episodes",
            lambda d, t: {"service_id": service_for(d, t).pk, "alias": "X"},
        ),
        in_(NOBODY),
        targets=TARGETS,
        api=True,
    ),
    Case(_api("GET /episodes/{episode_id}"), _episode_api("GET", ""), in_(NOBODY), targets=TARGETS, api=True),
    Case(
        _api("POST /episodes/{episode_id}/sessions"),
        _episode_api("POST", "/sessions", lambda d, t: {}),
        in_(NOBODY),
        targets=TARGETS,
        api=True,
    ),
    Case(
        _api("POST /episodes/{episode_id}/sessions/{number}/ratings"),
        _episode_api("POST", "/sessions/1/ratings", lambda d, t: {"instrument_id": 1, "answers": {}}),
        in_(NOBODY),
        targets=TARGETS,
        api=True,
    ),
    Case(
        _api("POST /episodes/{episode_id}/sessions/{number}/links"),
        _episode_api("POST", "/sessions/1/links"),
        in_(NOBODY),
        targets=TARGETS,
        api=True,
    ),
    Case(
        _api("PUT /episodes/{episode_id}/goals"),
        _episode_api("PUT", "/goals", lambda d, t: {"goals": ["x"]}),
        in_(NOBODY),
        targets=TARGETS,
        api=True,
    ),
    Case(
        _api("POST /episodes/{episode_id}/close"),
        _episode_api("POST", "/close", lambda d, t: {"end_reason": "planned"}),
        in_(NOBODY),
        targets=TARGETS,
        api=True,
    ),
    Case(
        _api("GET /episodes/{episode_id}/responses"),
        _episode_api("GET", "/responses"),
        in_(NOBODY),
        targets=TARGETS,
        api=True,
    ),
    Case(
        _api("GET /episodes/{episode_id}/record"),
        _episode_api("GET", "/record"),
        in_(NOBODY),
        targets=TARGETS,
        api=True,
    ),
    Case(
        _api("GET /outcomes"),
        api_call("GET", lambda d, t: "/api/v1/feedback/outcomes"),
        any_(STATS_ANY),
        per_target=False,
        api=True,
    ),
    Case(
        _api("POST /conversations"),
        api_call(
            "POST",
            lambda d, t: "/api/v1/feedback/conversations",
            lambda d, t: {"unit_id": uid(d, t), "goals": ["Gå tur"]},
        ),
        in_(CONVERSATION_ON),
        api=True,
    ),
    Case(
        _api("GET /what-matters"),
        api_call("GET", lambda d, t: f"/api/v1/feedback/what-matters?unit_id={uid(d, t)}"),
        in_(STATS_ON),
        api=True,
    ),
]
