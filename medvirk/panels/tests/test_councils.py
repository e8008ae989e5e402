"""User councils: members with terms, decisions log, renewal reminders."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from medvirk.core.actors import SystemActor
from medvirk.panels import services
from medvirk.panels.models import Council, CouncilDecision, CouncilMember
from tests.service_support import refused

pytestmark = pytest.mark.django_db


def test_council_pages_members_decisions(client_as: Any, demo: Any) -> None:
    client = client_as("koordinator")
    created = client.post("/panels/councils/", {"name": "Eldrerådet", "contact_email": "rad@example.org"})
    assert created.status_code == 302
    council = Council.objects.get(municipality=demo.municipality, name="Eldrerådet")
    assert client.post("/panels/councils/", {"name": "Eldrerådet"}).status_code == 200  # duplicate name
    url = f"/panels/councils/{council.pk}/"
    member = {
        "add_member": "1",
        "m-name": "Berit Bruker",
        "m-kind": "user",
        "m-role": "chair",
        "m-term_start": "2025-01-01",
        "m-term_end": "2024-12-31",
    }
    assert client.post(url, member).status_code == 200  # ends before it starts
    assert client.post(url, {**member, "m-term_end": "2027-12-31"}).status_code == 302
    decision = {"add_decision": "1", "d-date": "2026-03-01", "d-text": "Råd om ny dagsenterplan"}
    assert client.post(url, decision).status_code == 302
    page = client.get(url).content.decode()
    assert "Berit Bruker" in page and "Råd om ny dagsenterplan" in page
    assert CouncilMember.objects.get(council=council).role == "chair"
    assert CouncilDecision.objects.filter(council=council).count() == 1
    api = client.get(f"/api/v1/panels/councils/{council.pk}").json()
    assert api["members"][0]["name"] == "Berit Bruker" and api["decisions"][0]["text"].startswith("Råd")
    assert client_as("analytiker").get(url).status_code == 404
    assert client_as("provestad.admin").get(url).status_code == 404


def _member(
    council: Council, name: str, start: datetime.date, end: datetime.date, **extra: Any
) -> CouncilMember:
    return CouncilMember.objects.create(
        municipality_id=council.municipality_id,
        council=council,
        name=name,
        kind="user",
        term_start=start,
        term_end=end,
        **extra,
    )


def test_term_reminders_are_sent_once(demo: Any) -> None:
    council = Council.objects.create(
        municipality=demo.municipality, name="Råd", contact_email="rad@example.org"
    )
    today = datetime.date(2026, 11, 25)
    for name, end in (("Snart", today + datetime.timedelta(days=30)), ("Senere", today.replace(year=2028))):
        _member(council, name, datetime.date(2024, 1, 1), end)
    assert services.council_terms_remind(actor=SystemActor("test"), today=today) == 1
    assert len(mail.outbox) == 1 and "Snart" in mail.outbox[0].body and "Senere" not in mail.outbox[0].body
    assert services.council_terms_remind(actor=SystemActor("test"), today=today) == 0
    call_command("send_council_reminders")
    # The e-mail says the date in words and links to the page where the term is renewed (walk3:
    # it said "2026-12-25" and "Renew them", which the council's page had no way to do).
    body = mail.outbox[0].body
    assert "25 December 2026" in body and "2026-12-25" not in body  # these tests run in English
    assert f"/panels/councils/{council.pk}/" in body


def test_a_secretary_renews_a_term_and_removes_a_member(client_as: Any, demo: Any) -> None:
    council = Council.objects.create(municipality=demo.municipality, name="Eldrerådet")
    ended, ending = (
        _member(council, name, datetime.date(2023, 1, 1), end, reminded_on=datetime.date(2026, 10, 1))
        for name, end in (
            ("Per Pensjonist", datetime.date(2026, 11, 30)),
            ("Olga Hansen", datetime.date(2027, 1, 15)),
        )
    )
    client = client_as("koordinator")
    url = f"/panels/councils/{council.pk}/"
    page = client.get(url).content.decode()
    assert (
        f'name="renew_member" value="{ending.pk}"' in page
        and f'name="remove_member" value="{ended.pk}"' in page
    )
    too_early = client.post(url, {"renew_member": str(ending.pk), "t-term_end": "2022-12-31"})
    assert too_early.status_code == 200 and "The term must end after it starts." in too_early.content.decode()
    renewed = client.post(url, {"renew_member": str(ending.pk), "t-term_end": "2031-01-15"}, follow=True)
    assert "The term was renewed." in renewed.content.decode() and "15.01.2031" in renewed.content.decode()
    ending.refresh_from_db()
    assert (
        ending.term_end == datetime.date(2031, 1, 15) and ending.reminded_on is None
    )  # reminded again later
    removed = client.post(url, {"remove_member": str(ended.pk)}, follow=True)
    assert "Per Pensjonist was removed from the council." in removed.content.decode()
    assert list(council.members.values_list("name", flat=True)) == ["Olga Hansen"]
    # A member of another council is not found through this one.
    other = Council.objects.create(municipality=demo.municipality, name="Ungdomsrådet")
    assert client.post(f"/panels/councils/{other.pk}/", {"remove_member": str(ending.pk)}).status_code == 404
    assert client_as("analytiker").post(url, {"remove_member": str(ending.pk)}).status_code == 404
    for actor in (demo.users["analytiker"], demo.users["provestad.admin"]):  # the services check too
        refused(lambda actor=actor: services.council_member_remove(actor=actor, member=ending))
        refused(
            lambda actor=actor: services.council_member_renew(
                actor=actor, member=ending, term_end=datetime.date(2040, 1, 1)
            )
        )
    ending.refresh_from_db()
    assert ending.term_end == datetime.date(2031, 1, 15)
