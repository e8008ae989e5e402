"""Staff pages through HTTP: plan, document, find, measure, report, per role."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from medvirk.participation import services
from medvirk.participation.models import Activity, Finding, Measure
from medvirk.participation.reflection import PROMPTS, draw
from medvirk.participation.tests.factories import make_activity

pytestmark = pytest.mark.django_db


def _activity_form(unit_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "owner_unit": unit_id,
        "title": "Brukerråd vår",
        "kind": "council_meeting",
        "service_area": "kindergarten",
        "starts_on": "2026-04-10",
        "place": "Solsikken, storstua",
        "purpose": "Høre foreldrene",
        "question": "Hva bør vi gjøre annerledes?",
        "ladder": "dialogue",
        "level": "representative",
        "invited": "organisations",
        "accommodations": ["offers_interpreter", "offers_child_care"],
        "published": "on",
        **extra,
    }


def test_unit_leader_plans_documents_and_turns_a_finding_into_a_measure(demo: Any, client_as: Any) -> None:
    client = client_as("leder.solsikken")
    unit = demo.units["Solsikken barnehage"]
    assert client.get(f"/participation/activities/new/?unit={unit.pk}").status_code == 200
    response = client.post("/participation/activities/new/", _activity_form(unit.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get(title="Brukerråd vår")
    assert activity.offers_interpreter and activity.offers_child_care and not activity.offers_travel_costs

    form = {
        "participants": "9",
        "gender__female": "6",
        "gender__male": "3",
        "minutes": "Referat",
        "staff_evaluation": "Bra",
    }
    assert client.post(f"/participation/activities/{activity.pk}/document/", form).status_code == 302
    activity.refresh_from_db()
    assert activity.participants == 9 and activity.composition == {"gender": {"female": 6, "male": 3}}
    html = client.get(f"/participation/activities/{activity.pk}/").content.decode()
    assert "Referat" in html and ">3<" not in html  # the 3 men are below the threshold

    too_many = dict(form, gender__female="9")
    page = client.post(f"/participation/activities/{activity.pk}/document/", too_many)
    assert page.status_code == 200
    assert "Referat" in page.content.decode()  # input kept

    response = client.post(
        f"/participation/findings/new/?activity={activity.pk}",
        {"unit": unit.pk, "statement": "Foreldre savner tolk", "activity": activity.pk, "survey": ""},
    )
    assert response.status_code == 302
    finding = Finding.objects.get(statement="Foreldre savner tolk")
    assert finding.activity == activity
    measure_form = {
        "title": "Tolk på alle foreldremøter",
        "owner": demo.users["leder.solsikken"].pk,
        "service_area": "kindergarten",
        "decision_level": "unit_leader",
        "within_budget": "yes",
        "published": "on",
    }
    assert client.post(f"/participation/findings/{finding.pk}/measure/", measure_form).status_code == 302
    measure = Measure.objects.get(title="Tolk på alle foreldremøter")
    assert measure.finding == finding and measure.within_budget and measure.published

    rejected = client.post(
        f"/participation/measures/{measure.pk}/status/", {"status": "rejected", "progress": "0"}
    )
    assert rejected.status_code == 400
    measure.refresh_from_db()
    assert measure.status == "proposed"
    ok = client.post(
        f"/participation/measures/{measure.pk}/status/",
        {"status": "in_progress", "progress": "50", "note": "Avtale med tolketjenesten"},
    )
    assert ok.status_code == 302
    html = client.get(f"/participation/measures/{measure.pk}/").content.decode()
    assert "Avtale med tolketjenesten" in html


def test_read_only_sees_but_cannot_change(demo: Any, client_as: Any) -> None:
    activity = make_activity(
        demo, user="admin", title="Dialogmøte", kind="dialogue_meeting", starts_on=datetime.date(2026, 5, 5)
    )
    client = client_as("lesetilgang")
    html = client.get(f"/participation/activities/{activity.pk}/").content.decode()
    assert "Dialogmøte" in html and "/document/" not in html
    assert "<dt>Tilrettelegging som tilbys</dt><dd>Ingen</dd>" in html  # said, not left blank (walk3)
    assert client.get(f"/participation/activities/{activity.pk}/document/").status_code == 404
    assert client.get("/participation/").status_code == 200
    assert "/activities/new/" not in client.get("/participation/").content.decode()


@pytest.mark.parametrize(
    "actor", ["admin", "koordinator", "leder.solsikken", "lesetilgang", "analytiker.nord"]
)
def test_lists_report_bank_and_cycle_render(demo: Any, client_as: Any, actor: str) -> None:
    make_activity(
        demo,
        user="admin",
        title="Refleksjonsgruppe",
        kind="reflection_group",
        ladder="user_control",
        invited="panel",
        starts_on=datetime.date(2026, 2, 2),
    )
    client = client_as(actor)
    for url in [
        "/participation/",
        "/participation/findings/",
        "/participation/measures/",
        "/participation/report/?year=2026",
        "/participation/bank/?q=mat&area=kindergarten",
        "/participation/cycle/?year=2026",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    report = client.get(f"/participation/report/?unit={demo.units['Solsikken barnehage'].pk}&year=2026")
    html = report.content.decode()
    assert "<svg" in html and "<table" in html


def test_measure_bank_shares_across_municipalities_only_when_shareable(demo: Any, client_as: Any) -> None:
    other = demo.other_units["Torget barnehage"]
    for title, shareable in [("Delt tiltak om uteleik", True), ("Privat tiltak om uteleik", False)]:
        services.measure_create(
            actor=demo.users["provestad.admin"],
            unit=other,
            title=title,
            decision_level="employee",
            shareable=shareable,
            outcome="Flere barn ute",
        )
    html = client_as("leder.solsikken").get("/participation/bank/?q=uteleik").content.decode()
    assert "Delt tiltak om uteleik" in html and "Flere barn ute" in html
    assert "Privat tiltak" not in html


def test_activity_list_query_count(demo: Any, client_as: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(5):
        make_activity(
            demo,
            user="admin",
            title=f"Møte {i}",
            ladder="informants",
            starts_on=datetime.date(2026, 1, 1 + i),
        )
    client = client_as("admin")
    client.get("/participation/")  # records the demo's open surveys as survey rounds once
    with django_assert_max_num_queries(14):  # 12, and 2 to find survey rounds not yet recorded
        assert client.get("/participation/").status_code == 200


def test_the_nynorsk_prompts_say_brukar_not_bokmals_bruker() -> None:
    """Walk3, the staff pages in nynorsk: "Kva er viktigast for deg når du bruker tenesta?"."""
    assert [p.key for p in PROMPTS if re.search(r"\bbruker\b", p.nn)] == []


def test_reflection_kit_adds_notes_to_minutes(demo: Any, client_as: Any) -> None:
    activity = make_activity(
        demo,
        user="admin",
        title="Refleksjon",
        kind="reflection_group",
        invited="panel",
        starts_on=datetime.date(2026, 2, 2),
    )
    client = client_as("koordinator")
    first = client.get(f"/participation/activities/{activity.pk}/reflection/?seed=7").content.decode()
    assert draw("7").nb in first
    response = client.post(
        f"/participation/activities/{activity.pk}/reflection/",
        {"prompt": "one_change", "notes": "Mer uteleik"},
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert "Mer uteleik" in activity.minutes


def test_edit_activity_and_tick_the_cycle(demo: Any, client_as: Any) -> None:
    unit = demo.units["Solsikken barnehage"]
    client = client_as("leder.solsikken")
    client.post("/participation/activities/new/", _activity_form(unit.pk))
    activity = Activity.objects.get(title="Brukerråd vår")
    page = client.get(f"/participation/activities/{activity.pk}/edit/")
    assert page.status_code == 200 and "Brukerråd vår" in page.content.decode()
    response = client.post(
        f"/participation/activities/{activity.pk}/edit/",
        _activity_form(unit.pk, title="Brukerråd høst", ends_on=""),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Brukerråd høst" and activity.owner_unit == unit
    bad = client.post(
        f"/participation/activities/{activity.pk}/edit/", _activity_form(unit.pk, ends_on="2026-01-01")
    )
    assert bad.status_code == 200 and "Brukerråd vår" in bad.content.decode()  # error shown, input kept

    assert (
        client.post(f"/participation/cycle/{unit.pk}/?year=2026", {"minorities_mapped": "on"}).status_code
        == 302
    )
    html = client_as("admin").get("/participation/cycle/?year=2026").content.decode()
    assert "Solsikken barnehage" in html
    # A list table: on a phone each cell stands after its column's name, the due date included.
    assert 'class="ds-table mv-stack"' in html
    assert re.search(r'<td role="cell" data-label="Minoritetenes stemmer kartlagt \(innen [^)]+\)">', html)


def test_a_survey_round_activity_is_called_a_survey_not_the_round_picker() -> None:
    """The kind says "Brukerundersøkelse"; "Survey round" alone labels the survey-and-round picker."""
    from django.utils import translation

    from medvirk.participation.models import ActivityKind

    with translation.override("nb"):
        assert str(ActivityKind.SURVEY_ROUND.label) == "Brukerundersøkelse"
        assert translation.gettext("Survey round") == "Brukerundersøkelse og runde"
    with translation.override("nn"):
        assert str(ActivityKind.SURVEY_ROUND.label) == "Brukarundersøking"
