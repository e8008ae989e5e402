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


def test_term_reminders_are_sent_once(demo: Any) -> None:
    council = Council.objects.create(
        municipality=demo.municipality, name="Råd", contact_email="rad@example.org"
    )
    today = datetime.date(2026, 11, 25)
    for name, end in (("Snart", today + datetime.timedelta(days=30)), ("Senere", today.replace(year=2028))):
        CouncilMember.objects.create(
            municipality=demo.municipality,
            council=council,
            name=name,
            kind="staff",
            term_start=datetime.date(2024, 1, 1),
            term_end=end,
        )
    assert services.council_terms_remind(actor=SystemActor("test"), today=today) == 1
    assert len(mail.outbox) == 1 and "Snart" in mail.outbox[0].body and "Senere" not in mail.outbox[0].body
    assert services.council_terms_remind(actor=SystemActor("test"), today=today) == 0
    call_command("send_council_reminders")
