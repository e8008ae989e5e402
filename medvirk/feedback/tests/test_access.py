"""Who sees a client's record: practitioner, team member, other practitioner, unit leader, other
unit, other municipality, administrator — and every read is audited."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import translation

from medvirk.accounts.models import RoleAssignment
from medvirk.core.models import AuditEvent
from medvirk.feedback import selectors, services

from .conftest import Feedback

# Hand-written expectation: only practitioners on the episode read it.
READERS = {
    "behandler": True,  # opened it: responsible practitioner
    "kollega": False,  # same unit, not on the episode
    "annen": False,  # practitioner of another unit
    "leder.helse": False,  # the unit's leader sees aggregates only
    "admin": False,
    "analytiker": False,
    "provestad.admin": False,  # another municipality
}


def user(fb: Feedback, name: str):
    return fb.users.get(name) or fb.demo.users[name]


def reads(episode_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="episode.read", object_id=str(episode_id)).order_by("id"))


@pytest.mark.parametrize(("name", "allowed"), READERS.items())
def test_who_reads_an_episode(fb: Feedback, name: str, allowed: bool) -> None:
    episode = services.episode_open(actor=fb.users["behandler"], service=fb.service, alias="Per")
    reader = user(fb, name)
    if allowed:
        assert selectors.access_episode_by_id(reader, episode.pk, purpose="graph") == episode
        [event] = reads(episode.pk)
        assert event.actor == reader and event.data == {"page": "graph"}
    else:
        with pytest.raises(Http404):
            selectors.access_episode_by_id(reader, episode.pk, purpose="graph")
        assert reads(episode.pk) == []  # nothing was read


def test_team_member_reads_once_added_and_the_addition_is_audited(fb: Feedback) -> None:
    episode = services.episode_open(actor=fb.users["behandler"], service=fb.service, alias="Per")
    with pytest.raises(Http404):
        selectors.access_episode_by_id(fb.users["kollega"], episode.pk, purpose="graph")
    services.episode_member_add(actor=fb.users["behandler"], episode=episode, user=fb.users["kollega"])
    assert selectors.access_episode_by_id(fb.users["kollega"], episode.pk, purpose="graph") == episode
    assert AuditEvent.objects.filter(action="episode.member_added", object_id=str(episode.pk)).count() == 1
    services.episode_member_remove(actor=fb.users["behandler"], episode=episode, user=fb.users["kollega"])
    with pytest.raises(Http404):
        selectors.access_episode_by_id(fb.users["kollega"], episode.pk, purpose="graph")


def test_a_practitioner_who_leaves_the_unit_loses_access(fb: Feedback) -> None:
    episode = services.episode_open(actor=fb.users["behandler"], service=fb.service, alias="Per")
    RoleAssignment.objects.filter(user=fb.users["behandler"]).delete()
    fresh = type(fb.users["behandler"]).objects.get(pk=fb.users["behandler"].pk)
    with pytest.raises(Http404):
        selectors.access_episode_by_id(fresh, episode.pk, purpose="graph")


def test_caseload_lists_own_episodes_and_audits_each(fb: Feedback) -> None:
    mine = {
        alias: services.episode_open(actor=fb.users["behandler"], service=fb.service, alias=alias)
        for alias in ("Åse", "Zara", "Øystein", "andersen", "Ærlig")
    }
    other = services.episode_open(actor=fb.users["kollega"], service=fb.service, alias="Ikke min")
    with translation.override("en"):  # Norwegian alphabetical order in every language of the pages
        rows = selectors.caseload(fb.users["behandler"])
    in_order = ["andersen", "Zara", "Ærlig", "Øystein", "Åse"]
    assert [r.episode for r in rows] == [mine[alias] for alias in in_order]
    for episode in mine.values():
        assert [e.actor for e in reads(episode.pk)] == [fb.users["behandler"]]
    assert reads(other.pk) == []
    assert selectors.caseload(fb.users["leder.helse"]) == []


def test_reads_of_lists_who_read(fb: Feedback) -> None:
    episode = services.episode_open(actor=fb.users["behandler"], service=fb.service, alias="Per")
    services.episode_member_add(actor=fb.users["behandler"], episode=episode, user=fb.users["kollega"])
    selectors.access_episode_by_id(fb.users["behandler"], episode.pk, purpose="graph")
    selectors.access_episode_by_id(fb.users["kollega"], episode.pk, purpose="export")
    assert [(e.actor, e.data["page"]) for e in selectors.reads_of(episode)] == [
        (fb.users["behandler"], "graph"),
        (fb.users["kollega"], "export"),
    ]
