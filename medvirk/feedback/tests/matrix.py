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
from tests.matrix_support import EKS, ONCE, WORK, actors, any_, api, in_, page, pk, post, uid

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


instrument_id = pk(instrument_for)


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


eid = pk(episode_for)


def rater_id(d: DemoData, t: str) -> int:
    return episode_for(d, t).raters.first().pk


def link_id(d: DemoData, t: str) -> int:
    return episode_for(d, t).sessions.first().links.first().pk


E = "/feedback/episodes/{e}/"  # an episode's pages
CASES = [
    page("feedback:caseload", "/feedback/", any_(NOBODY), ONCE),
    page("feedback:episode_create", "/feedback/new/", any_(NOBODY), ONCE),
    page("feedback:episode", E, in_(NOBODY), TARGETS, e=eid),
    page("feedback:episode_edit", E + "edit/", in_(NOBODY), TARGETS, e=eid),
    page("feedback:goals", E + "goals/", in_(NOBODY), TARGETS, e=eid),
    page("feedback:members", E + "members/", in_(NOBODY), TARGETS, e=eid),
    page("feedback:rater_create", E + "raters/new/", in_(NOBODY), TARGETS, e=eid),
    page("feedback:episode_close", E + "close/", in_(NOBODY), TARGETS, e=eid),
    page("feedback:episode_export", E + "export/", in_(NOBODY), TARGETS, e=eid),
    post("feedback:session_create", E + "sessions/new/", in_(NOBODY), TARGETS, e=eid),
    page("feedback:session", E + "sessions/1/", in_(NOBODY), TARGETS, e=eid),
    post("feedback:link_create", E + "sessions/1/link/", in_(NOBODY), TARGETS, e=eid),
    page("feedback:paper", E + "sessions/1/paper/{r}/", in_(NOBODY), TARGETS, e=eid, r=rater_id),
    post("feedback:link_revoke", E + "links/{k}/revoke/", in_(NOBODY), TARGETS, e=eid, k=link_id),
    page("feedback:setup", "/feedback/setup/", any_(MANAGE_ANY), ONCE),
    page(
        "feedback:instrument_texts",
        "/feedback/setup/instruments/{i}/texts/",
        in_(MANAGE_ROOT),
        TARGETS,
        i=instrument_id,
    ),
    page("feedback:service_create", "/feedback/setup/services/new/", any_(MANAGE_ANY), ONCE),
    page("feedback:conversation_create", "/feedback/what-matters/new/", any_(CONVERSATION), ONCE),
    page("feedback:themes", "/feedback/what-matters/", any_(STATS_ANY), ONCE),
    page("feedback:outcomes", "/feedback/outcomes/", any_(STATS_ANY), ONCE),
]

A = "/api/v1/feedback"
EP = A + "/episodes/{episode_id}"
CASES += [
    api(f"GET {A}/instruments", any_(MANAGE_ANY), ONCE),
    api(
        f"GET {A}/instruments/{{instrument_id}}/questionnaire",
        in_(MANAGE_ROOT),
        TARGETS,
        instrument_id=instrument_id,
    ),
    api(
        f"PUT {A}/instruments/{{instrument_id}}/texts",
        in_(MANAGE_ROOT),
        TARGETS,
        lambda d, t: {"version": "adult", "language": "nb", "texts": {"ors_1": "x"}},
        instrument_id=instrument_id,
    ),
    api(
        f"POST {A}/instruments/import",
        actors({"admin", "analytiker", "provestad.admin"}),
        ONCE,
        lambda d, t: {"definition": DEFINITION},
    ),
    api(f"GET {A}/episodes", any_(NOBODY), ONCE),
    api(
        f"POST {A}/episodes",
        in_(NOBODY),
        TARGETS,
        lambda d, t: {"service_id": service_for(d, t).pk, "alias": "X"},
    ),
    api(f"GET {EP}", in_(NOBODY), TARGETS, episode_id=eid),
    api(f"POST {EP}/sessions", in_(NOBODY), TARGETS, lambda d, t: {}, episode_id=eid),
    api(
        f"POST {EP}/sessions/{{number}}/ratings",
        in_(NOBODY),
        TARGETS,
        lambda d, t: {"instrument_id": 1, "answers": {}},
        episode_id=eid,
        number=1,
    ),
    api(f"POST {EP}/sessions/{{number}}/links", in_(NOBODY), TARGETS, episode_id=eid, number=1),
    api(f"PUT {EP}/goals", in_(NOBODY), TARGETS, lambda d, t: {"goals": ["x"]}, episode_id=eid),
    api(f"POST {EP}/close", in_(NOBODY), TARGETS, lambda d, t: {"end_reason": "planned"}, episode_id=eid),
    api(f"GET {EP}/responses", in_(NOBODY), TARGETS, episode_id=eid),
    api(f"GET {EP}/record", in_(NOBODY), TARGETS, episode_id=eid),
    api(f"GET {A}/outcomes", any_(STATS_ANY), ONCE),
    api(
        f"POST {A}/conversations",
        in_(CONVERSATION_ON),
        None,
        lambda d, t: {"unit_id": uid(d, t), "goals": ["Gå tur"]},
    ),
    api(f"GET {A}/what-matters", in_(WORK), query="unit_id={u}", u=uid),
]
