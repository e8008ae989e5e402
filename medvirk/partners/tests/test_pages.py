"""Staff pages: register, contact persons, moderation, contact log, invitations, yearly mapping."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from medvirk.core.hyphenation import without_soft_hyphens
from medvirk.core.models import AuditEvent
from medvirk.participation.services import activity_create
from medvirk.partners.demo import load_demo_organisations
from medvirk.partners.mapping import mapping_for
from medvirk.partners.models import ContactLogEntry, ContactPerson, Organisation, Proposal, YearlyMapping

from .factories import contact_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(demo: Any) -> list[Organisation]:
    return load_demo_organisations(municipality=demo.municipality)


def test_register_lists_and_searches(client_as: Any, orgs: Any) -> None:
    c = client_as("lesetilgang")
    html = c.get("/organisations/").content.decode()
    assert "Polsk forening i Eksempel" in html and "New organisation" not in html
    assert '<td role="cell" data-label="Languages">' in html  # a list table: stacks on a phone
    response = c.get("/organisations/", {"language": "ti"})
    assert [o.name for o, _i in response.context["results"]] == ["Eritreisk kvinneforum"]


def test_register_query_count_does_not_grow(
    client_as: Any, orgs: Any, django_assert_max_num_queries: Any
) -> None:
    c = client_as("admin")
    c.get("/organisations/")
    with django_assert_max_num_queries(15):
        c.get("/organisations/")


def test_create_and_edit(client_as: Any, demo: Any) -> None:
    c = client_as("koordinator")
    nord = demo.units["Bydel Nord"].pk
    response = c.post(
        "/organisations/new/",
        {
            "name": "Ny forening",
            "org_number": "991 000 100",
            "kind": "user_organisation",
            "districts": [nord],
        },
    )
    org = Organisation.objects.get(name="Ny forening")
    assert response.status_code == 302 and org.org_number == "991000100"
    response = c.post(
        f"/organisations/{org.pk}/edit/",
        {
            "name": "Ny forening",
            "org_number": "991000101",
            "kind": "voluntary",
            "is_competence_partner": "on",
        },
    )
    assert response.status_code == 200 and "org_number" in response.context["form"].errors
    response = c.post(
        f"/organisations/{org.pk}/edit/",
        {"name": "Nytt navn", "org_number": "", "kind": "voluntary", "is_competence_partner": "on"},
    )
    org.refresh_from_db()
    assert response.status_code == 302 and org.name == "Nytt navn" and org.is_competence_partner


def test_duplicate_number_shown_on_field(client_as: Any, orgs: Any) -> None:
    response = client_as("admin").post(
        "/organisations/new/", {"name": "Kopi", "org_number": orgs[0].org_number, "kind": "voluntary"}
    )
    assert "already registered" in response.context["form"].errors["org_number"][0]


def test_contact_person_consent_and_removal(client_as: Any, orgs: Any) -> None:
    c = client_as("admin")
    org = orgs[0]
    url = f"/organisations/{org.pk}/contacts/new/"
    data = {"name": "Fatima", "email": "f@example.org", "phone": "", "consent_purpose": "Brukermøter"}
    response = c.post(url, data)
    assert response.status_code == 200 and "consent" in response.context["form"].errors
    assert not ContactPerson.objects.exists()
    assert c.post(url, {**data, "consent": "on"}).status_code == 302
    person = ContactPerson.objects.get()
    assert "f@example.org" in c.get(f"/organisations/{org.pk}/").content.decode()
    assert "f@example.org" not in client_as("lesetilgang").get(f"/organisations/{org.pk}/").content.decode()
    assert c.get(f"/organisations/contacts/{person.pk}/remove/").status_code == 405
    assert c.post(f"/organisations/contacts/{person.pk}/remove/").status_code == 302
    assert not ContactPerson.objects.exists()


def test_moderation_flow_through_pages(client, client_as: Any, demo: Any) -> None:
    client.post(
        "/o/eksempel/propose/",
        {
            "name": "Forslagforeningen",
            "kind": "immigrant",
            "contact_name": "Ali",
            "contact_phone": "91234567",
            "consent": "on",
        },
    )
    proposal = Proposal.objects.get()
    c = client_as("koordinator")
    assert "Forslagforeningen" in c.get("/organisations/proposals/").content.decode()
    page = c.get(f"/organisations/proposals/{proposal.pk}/").content.decode()
    assert "Ali" in page
    response = c.post(f"/organisations/proposals/{proposal.pk}/", {"decision": "accept", "note": ""})
    assert response.status_code == 302
    org = Organisation.objects.get(name="Forslagforeningen")
    assert org.contacts.get().phone == "+4791234567"
    assert "Forslagforeningen" in without_soft_hyphens(client.get("/o/eksempel/").content.decode())
    response = c.post(f"/organisations/proposals/{proposal.pk}/", {"decision": "reject"})
    assert response.status_code == 200  # already decided: shown as an error, nothing changes
    assert "Forslagforeningen" not in c.get("/organisations/proposals/").content.decode()


def test_contact_log_and_invite(
    client_as: Any, demo: Any, orgs: Any, django_capture_on_commit_callbacks: Any
) -> None:
    unit = demo.units["Solsikken barnehage"]
    c = client_as("leder.solsikken")
    response = c.post(
        f"/organisations/units/{unit.pk}/contacts/",
        {
            "organisation": orgs[0].pk,
            "date": "2026-03-01",
            "kind": "consulted",
            "contribution": "Råd om foreldremøter",
        },
    )
    assert response.status_code == 302
    assert "Råd om foreldremøter" in c.get(f"/organisations/units/{unit.pk}/contacts/").content.decode()
    contact_person(orgs[0], "K", "k@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            f"/organisations/{orgs[0].pk}/invite/",
            {"unit": unit.pk, "subject": "Brukermøte 12. mai", "message": "Velkommen!", "nominate": ""},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["k@example.org"]
    assert ContactLogEntry.objects.filter(unit=unit, kind="invited").count() == 1
    # A unit leader cannot log for a unit outside their scope.
    other = demo.units["Nordlys barnehage"].pk
    response = c.post(f"/organisations/{orgs[0].pk}/invite/", {"unit": other, "subject": "x", "message": "y"})
    assert response.status_code == 200 and "unit" in response.context["form"].errors


def test_mapping_default_groups_gap_and_suggestions(client_as: Any, demo: Any, orgs: Any) -> None:
    unit = demo.units["Solsikken barnehage"]
    _saved, groups, _source = mapping_for(unit=unit, year=2026)
    keys = [g.key for g in groups]
    assert "immigrants" in keys and all(g.is_gap for g in groups)
    immigrants = next(g for g in groups if g.key == "immigrants")
    assert "Somalisk foreldrenettverk Nord" in [o.name for o in immigrants.suggestions]
    c = client_as("leder.solsikken")
    page = c.get(f"/organisations/units/{unit.pk}/mapping/?year=2026").content.decode()
    assert "gap: no contact" in page
    i = keys.index("immigrants")
    response = c.post(
        f"/organisations/units/{unit.pk}/mapping/?year=2026",
        {f"orgs_{i}": [orgs[0].pk], "completed": "on", "notes": "OK"},
    )
    assert response.status_code == 302
    mapping = YearlyMapping.objects.get(unit=unit, year=2026)
    assert mapping.completed and mapping.groups.get(key="immigrants").organisations.get() == orgs[0]
    assert AuditEvent.objects.filter(action="mapping.saved").exists()
    overview = client_as("admin").get("/organisations/mapping/?year=2026").content.decode()
    assert "Solsikken barnehage" in overview and "1 of" in overview
    assert '<td role="cell" data-label="Groups without contact">' in overview  # stacks on a phone
    # The year's mapping as a spreadsheet, for a report: every group with its organisations or
    # its gap, and the units not started (walk3: the coordinator could find gaps, not take them away).
    assert "/organisations/mapping.csv?year=2026" in overview
    download = client_as("admin").get("/organisations/mapping.csv?year=2026")
    assert download["Content-Disposition"] == 'attachment; filename="mapping-2026.csv"'
    lines = [line.split(";") for line in download.content.decode("utf-8-sig").splitlines()]
    assert lines[0] == ["Unit", "Status", "Group", "People", "Organisations", "Note"]
    solsikken = [line for line in lines if line[0] == "Solsikken barnehage"]
    assert len(solsikken) == len(groups) and {line[1] for line in solsikken} == {"Completed"}
    assert [orgs[0].name] == [line[4] for line in solsikken if line[2] == immigrants.label]
    assert all(line[4] == "gap: no contact" for line in solsikken if line[2] != immigrants.label)
    assert ["Nordlys barnehage", "Not started", "", "", "", ""] in lines
    own = client_as("leder.solsikken").get("/organisations/mapping.csv?year=2026").content.decode("utf-8-sig")
    assert {line.split(";")[0] for line in own.splitlines()[1:]} == {"Solsikken barnehage"}  # her unit only


def test_mapping_uses_population_data_when_present(demo: Any, orgs: Any) -> None:
    call_command("load_population_sample")  # the fictional tables bin/demo loads
    unit = demo.units["Sentrum barnehage"]
    _saved, groups, source = mapping_for(unit=unit, year=2026)
    keys = [g.key for g in groups]
    assert "youth" in keys and "elderly" in keys and "Bydel Sentrum" in source
    # Each source named once with its tables (walk3: "…, from Kilde: Statistisk sentralbyrå,
    # 09817 (2026); Kilde: Statistisk sentralbyrå, 10826 (2026)").
    assert source.count("Kilde:") == 1 and "from Kilde" not in source, source
    countries = [g for g in groups if g.key.startswith("country:")]
    assert countries and all(g.size for g in countries)
    assert countries == sorted(countries, key=lambda g: -g.size)
    somalia = next(g for g in countries if g.key == "country:346")
    assert somalia.label == "Background from Somalia"
    assert [o.name for o in somalia.suggestions] == ["Somalisk foreldrenettverk Nord"]


def test_contact_is_linked_to_a_documented_activity(client_as: Any, demo: Any, orgs: Any) -> None:
    def activity_in(unit: str, user: str, title: str) -> Any:
        return activity_create(
            actor=demo.users[user],
            owner_unit=demo.units[unit],
            title=title,
            kind="user_meeting",
            ladder="dialogue",
            level="group",
            invited="open",
            starts_on=datetime.date(2026, 3, 1),
        )

    activity = activity_in("Solsikken barnehage", "leder.solsikken", "Dialogmøte om språk")
    other = activity_in("Nordlys barnehage", "admin", "Ikke min")
    unit = demo.units["Solsikken barnehage"]
    c = client_as("leder.solsikken")
    page = c.get(f"/organisations/units/{unit.pk}/contacts/").content.decode()
    assert "Dialogmøte om språk" in page and "Ikke min" not in page  # only the unit's own activities
    body = {"organisation": orgs[0].pk, "date": "2026-03-02", "kind": "co_organised", "activity": activity.pk}
    assert c.post(f"/organisations/units/{unit.pk}/contacts/", body).status_code == 302
    assert ContactLogEntry.objects.get(unit=unit, kind="co_organised").activity == activity
    refused = c.post(f"/organisations/units/{unit.pk}/contacts/", {**body, "activity": other.pk})
    assert refused.status_code == 200  # not a choice for this unit: the form says so
    assert ContactLogEntry.objects.filter(unit=unit, kind="co_organised").count() == 1
