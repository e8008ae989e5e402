"""Every page with a client's record × practitioner, team member, other practitioner, unit leader,
other unit, administrator and other municipality (hand-written expectation: practitioners on the
episode only). Reads that succeed are audited; refused ones are not."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.core.models import AuditEvent
from medvirk.feedback import services

from .conftest import Feedback, login

ACTORS = {
    "behandler": True,  # responsible practitioner
    "kollega": True,  # team member: added to the episode below
    "ny.kollega": False,  # other practitioner of the same unit, not on the episode
    "annen": False,  # practitioner of another unit
    "leder.helse": False,  # unit leader
    "admin": False,
    "provestad.admin": False,  # other municipality
}
PAGES = [
    ("get", ""),
    ("get", "edit/"),
    ("get", "goals/"),
    ("get", "members/"),
    ("get", "raters/new/"),
    ("get", "close/"),
    ("get", "export/"),
    ("get", "sessions/1/"),
    ("post", "sessions/1/link/"),
    ("post", "sessions/new/"),
    ("api-get", ""),
    ("api-get", "/responses"),
    ("api-get", "/record"),
]


@pytest.fixture
def episode(fb: Feedback) -> Any:
    from .conftest import make_user

    episode = services.episode_open(actor=fb.users["behandler"], service=fb.service, alias="Ola")
    services.session_record(actor=fb.users["behandler"], episode=episode)
    services.episode_member_add(actor=fb.users["behandler"], episode=episode, user=fb.users["kollega"])
    fb.users["ny.kollega"] = make_user(fb.demo, "ny.kollega", "practitioner", fb.service.unit)
    return episode


@pytest.mark.parametrize(("method", "suffix"), PAGES)
@pytest.mark.parametrize(("name", "allowed"), ACTORS.items())
def test_episode_pages(
    fb: Feedback, episode: Any, name: str, allowed: bool, method: str, suffix: str
) -> None:
    before = AuditEvent.objects.filter(action="episode.read", object_id=str(episode.pk)).count()
    if method.startswith("api-"):
        response = login(fb, name).get(f"/api/v1/feedback/episodes/{episode.pk}{suffix}")
    else:
        response = getattr(login(fb, name), method)(f"/feedback/episodes/{episode.pk}/{suffix}")
    after = AuditEvent.objects.filter(action="episode.read", object_id=str(episode.pk)).count()
    if allowed:
        assert response.status_code in (200, 302), response.content[:300]
        assert after == before + 1
    else:
        assert response.status_code == 404
        assert after == before


@pytest.mark.parametrize(("name", "allowed"), ACTORS.items())
def test_caseload(fb: Feedback, episode: Any, name: str, allowed: bool) -> None:
    response = login(fb, name).get("/feedback/")
    if name in ("behandler", "kollega", "ny.kollega", "annen"):
        assert response.status_code == 200
        assert ("Ola" in response.content.decode()) is allowed
    else:
        assert response.status_code == 404
