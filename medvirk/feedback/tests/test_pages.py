"""The practitioner's pages through HTTP: open an episode, start a session, hand out a link,
goals, colleagues, close, the client's record on request; setting up instruments and services."""

from __future__ import annotations

import json

from django.test import Client
from django.utils import timezone

from medvirk.core.models import AuditEvent
from medvirk.feedback.models import ClientLink, Episode, Instrument, RetentionPolicy, Service

from .conftest import Feedback, login


def open_episode(client: Client, fb: Feedback, **extra: str) -> Episode:
    data = {"service": fb.service.pk, "alias": "Kari", "birth_year": "1990", "language": "ar", **extra}
    response = client.post("/feedback/new/", data)
    assert response.status_code == 302, response.content[:500]
    return Episode.objects.get(alias="Kari")


def test_open_a_client_start_a_session_and_hand_out_a_link(fb: Feedback) -> None:
    client = login(fb, "behandler")
    episode = open_episode(client, fb, contact_email="kari@example.no")
    page = client.get(f"/feedback/episodes/{episode.pk}/")
    assert "No scores yet" in page.content.decode()
    response = client.post(
        f"/feedback/episodes/{episode.pk}/sessions/new/", {"held_on": episode.opened_on.isoformat()}
    )
    assert response["Location"] == f"/feedback/episodes/{episode.pk}/sessions/1/"
    response = client.post(f"/feedback/episodes/{episode.pk}/sessions/1/link/", {"mode": "own_phone"})
    html = response.content.decode()
    assert "<svg" in html and "/k/" in html  # the QR code and the link, shown once
    link = ClientLink.objects.get()
    assert link.language == "ar" and link.token_hash not in html


def test_refuses_a_national_id_as_alias_next_to_the_field(fb: Feedback) -> None:
    client = login(fb, "behandler")
    response = client.post(
        "/feedback/new/", {"service": fb.service.pk, "alias": "01019012345", "language": "nb"}
    )
    assert response.status_code == 200
    assert "looks like a national identity number" in response.content.decode()
    assert not Episode.objects.exists()


def test_goals_members_close_and_export(fb: Feedback) -> None:
    client = login(fb, "behandler")
    episode = open_episode(client, fb)
    client.post(f"/feedback/episodes/{episode.pk}/goals/", {"goals": "Sove bedre\nGå på jobb"})
    assert list(episode.goals.values_list("text", flat=True)) == ["Sove bedre", "Gå på jobb"]
    members = client.get(f"/feedback/episodes/{episode.pk}/members/").content.decode()
    assert "Kollega" in members and "Annen" not in members  # only practitioners of the unit
    client.post(f"/feedback/episodes/{episode.pk}/members/", {"user": fb.users["kollega"].pk})
    assert AuditEvent.objects.filter(action="episode.member_added", object_id=str(episode.pk)).exists()
    assert login(fb, "kollega").get(f"/feedback/episodes/{episode.pk}/").status_code == 200
    response = client.post(
        f"/feedback/episodes/{episode.pk}/close/",
        {"end_reason": "dropout", "closed_on": episode.opened_on.isoformat()},
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == "closed" and episode.end_reason == "dropout"
    record = json.loads(client.get(f"/feedback/episodes/{episode.pk}/export/").content)
    assert record["episode"]["alias"] == "Kari"
    assert [g["goal"] for g in record["goals"]] == ["Sove bedre", "Gå på jobb"]
    readers = {r["who"] for r in record["read_by"]}
    assert str(fb.users["kollega"]) in readers and str(fb.users["behandler"]) in readers
    assert AuditEvent.objects.filter(action="episode.exported", object_id=str(episode.pk)).count() == 1


def test_a_licence_holder_pastes_texts_and_the_instrument_becomes_usable(fb: Feedback) -> None:
    client = login(fb, "admin")
    health = fb.demo.units["Helsestasjonen"]
    assert client.post("/feedback/setup/", {"unit": health.pk, "months": "18"}).status_code == 302
    assert RetentionPolicy.objects.get(unit=health).months == 18  # the unit the form offered and got
    client.post("/feedback/setup/", {"load": "ors"})
    ors = Instrument.objects.get(key="ors", municipality=fb.demo.municipality)
    page = client.get("/feedback/setup/").content.decode()
    assert "a licence holder must paste the texts" in page
    # What an instrument measures, not "Tiltak" (a measure taken: the participation module's word).
    in_bokmal = Client(HTTP_ACCEPT_LANGUAGE="nb")
    in_bokmal.force_login(fb.demo.users["admin"])
    bokmal = in_bokmal.get("/feedback/setup/").content.decode()
    assert '<th scope="col">Hva det måler</th>' in bokmal and '<th scope="col">Tiltak</th>' not in bokmal
    for version in ("adult", "youth", "child"):
        url = f"/feedback/setup/instruments/{ors.pk}/texts/?version={version}&language=nb"
        data = {f"ors_{n}": f"Ledd {n} ({version})" for n in range(1, 5)}
        data |= {"_instructions": "Se tilbake på den siste uken.", "_min_label": "Lavt", "_max_label": "Høyt"}
        assert client.post(url, data).status_code == 302
    ors.refresh_from_db()
    assert ors.parsed.ready()
    response = client.post(
        "/feedback/setup/services/new/",
        {
            "unit": fb.demo.units["Helsestasjonen"].pk,
            "name": "Ungdomstjenesten",
            "outcome": ors.pk,
            "alliance": fb.alliance.pk,
            "goals": "on",
            "link_hours": "24",
            "no_change_after": "4",
        },
    )
    assert response.status_code == 302, response.content[:800]
    assert Service.objects.get(name="Ungdomstjenesten").outcome == ors


def test_unit_leader_records_what_matters_without_identity(fb: Feedback) -> None:
    client = login(fb, "leder.solsikken")
    unit = fb.demo.units["Solsikken barnehage"]
    response = client.post(
        "/feedback/what-matters/new/",
        {
            "unit": unit.pk,
            "held_on": timezone.localdate().isoformat(),  # a date in the running half-year
            "goals": "At barnet trives\nMer tid ute",
            "age_band": "35-44",
        },
    )
    assert response.status_code == 302
    page = client.get("/feedback/what-matters/new/").content.decode()
    assert "Saved, without the person" in page


def test_the_graph_draws_at_its_numbers_in_norwegian(fb: Feedback) -> None:
    """SVG coordinates stay plain numbers on a bokmål page (a decimal comma in y="272,4" is read
    as two coordinates: the cut-off line went to the top and the dots vanished)."""
    import re

    from medvirk.feedback import services

    user = fb.users["behandler"]
    episode = services.episode_open(actor=user, service=fb.service, alias="Kari")
    for total in (17, 12):  # PHQ-9: scale 0–27, cut-off 10
        services.rating_submit(
            actor=user,
            session=services.session_record(actor=user, episode=episode),
            rater=services.client_rater(episode),
            instrument=fb.service.outcome,
            answers={f"phq9_{n}": min(3, max(0, total - 3 * (n - 1))) for n in range(1, 10)},
            mode="tablet",
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="nb")
    client.force_login(user)
    html = client.get(f"/feedback/episodes/{episode.pk}/").content.decode()
    assert 'lang="nb"' in html
    svg = html[html.index('<svg class="mv-graph"') : html.index("</svg>")]
    assert not re.search(r'="-?\d+,\d', svg)
    top, bottom = 16, 300 - 36  # charts.TOP and the plot's bottom edge: 27 at the top, 0 at the bottom
    cutoff = float(re.search(r'class="mv-graph__cutoff"[^>]*y1="([^"]+)"', svg).group(1))
    assert cutoff == round(top + (27 - 10) * (bottom - top) / 27, 1)
    dots = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert dots == [round(top + (27 - s) * (bottom - top) / 27, 1) for s in (17, 12)]
    # The score axis is labelled at round numbers, the cut-off among them (walk2: it was labelled at
    # the scale's quarters, "6.8", "13.5", "20.2", with a decimal point on a bokmål page).
    ticks = re.findall(r'<text x="[\d.]+" y="([\d.]+)" text-anchor="end"[^>]*>([^<]+)</text>', svg)
    assert [label for _y, label in ticks] == ["0", "5", "10", "15", "20", "25"]
    assert float(ticks[2][0]) == cutoff + 4  # "10" beside the cut-off line
