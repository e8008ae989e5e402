"""Public "you said — we did" pages, the Atom feed and the public JSON: published items only."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from medvirk.participation import services
from medvirk.participation.tests.factories import make_activity

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def items(demo: Any) -> dict[str, Any]:
    actor = demo.users["admin"]
    unit = demo.units["Solsikken barnehage"]
    shown = services.finding_create(actor=actor, unit=unit, statement="Synlig funn om mat", published=True)
    hidden = services.finding_create(actor=actor, unit=unit, statement="Hemmelig funn")
    # finding, title, decision level, published, status and progress (None: only proposed)
    for finding, title, level, published, status in [
        (shown, "Synlig tiltak: ny meny", "unit_leader", True, ("in_progress", 30)),
        (shown, "Bare foreslått tiltak", "unit_leader", True, None),  # a plan is not something "we did"
        (shown, "Utkast til tiltak", "employee", False, None),
        (hidden, "Tiltak uten publisert funn", "employee", True, ("done", 100)),
    ]:
        measure = services.measure_create(
            actor=actor, unit=unit, finding=finding, title=title, decision_level=level, published=published
        )
        if status:
            services.measure_set_status(actor=actor, measure=measure, status=status[0], progress=status[1])
    future = datetime.date.today() + datetime.timedelta(days=10)
    for title, published, invited in [
        ("Åpent brukermøte", True, "open"),
        ("Upublisert møte", False, "open"),
        ("Panelmøte", True, "panel"),
    ]:
        make_activity(demo, unit, actor, title=title, invited=invited, starts_on=future, published=published)
    foreign = demo.other_units["Torget barnehage"]
    services.finding_create(
        actor=demo.users["provestad.admin"], unit=foreign, statement="Prøvestad-funn", published=True
    )
    return {"unit": unit}


def test_public_page_shows_only_published_items(items: dict[str, Any]) -> None:
    for url in ["/p/eksempel/", f"/p/eksempel/units/{items['unit'].pk}/"]:
        html = Client().get(url).content.decode()
        assert "Synlig funn om mat" in html and "Synlig tiltak: ny meny" in html
        assert "Tiltak uten publisert funn" in html
        assert "Åpent brukermøte" in html
        assert "Pågår, 30\u00a0%" in html and "Gjennomført" in html  # status, with its date; "%" never alone
        assert "oppdatert" in html
        for secret in [
            "Hemmelig funn",
            "Utkast til tiltak",
            "Bare foreslått tiltak",
            "Upublisert møte",
            "Panelmøte",
            "Prøvestad-funn",
        ]:
            assert secret not in html, (url, secret)


def test_public_pages_404_for_unknown_or_foreign(items: dict[str, Any], demo: Any) -> None:
    assert Client().get("/p/finnes-ikke/").status_code == 404
    foreign = demo.other_units["Torget barnehage"].pk
    assert Client().get(f"/p/eksempel/units/{foreign}/").status_code == 404


def test_atom_feed_is_valid_and_published_only(items: dict[str, Any]) -> None:
    response = Client().get("/p/eksempel/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output in a test
    assert root.tag == f"{ATOM}feed"
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert any("Synlig funn om mat" in t for t in titles)
    assert any("Synlig tiltak" in t for t in titles)
    assert not any("Hemmelig" in t or "Utkast" in t or "Prøvestad" in t or "foreslått" in t for t in titles)
    for entry in root.iter(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated")


def test_public_json_feed(items: dict[str, Any]) -> None:
    data = Client().get("/api/v1/public/participation/eksempel").json()
    assert [f["statement"] for f in data["findings"]] == ["Synlig funn om mat"]
    assert [m["title"] for m in data["findings"][0]["measures"]] == ["Synlig tiltak: ny meny"]
    assert [a["title"] for a in data["upcoming"]] == ["Åpent brukermøte"]
    assert Client().get("/api/v1/public/participation/nope").status_code == 404


def test_a_measure_reaches_the_public_page_only_once_it_is_under_way(demo: Any) -> None:
    actor = demo.users["leder.solsikken"]
    unit = demo.units["Solsikken barnehage"]
    finding = services.finding_create(actor=actor, unit=unit, statement="Mer utetid", published=True)
    measure = services.measure_create(
        actor=actor,
        unit=unit,
        finding=finding,
        title="Uteleik hver dag",
        decision_level="unit_leader",
        published=True,
    )
    assert "Uteleik hver dag" not in Client().get("/p/eksempel/").content.decode()  # proposed, 0 %
    services.measure_set_status(actor=actor, measure=measure, status="decided")
    assert "Uteleik hver dag" not in Client().get("/p/eksempel/").content.decode()
    services.measure_set_status(actor=actor, measure=measure, status="in_progress", progress=10)
    started = Client().get("/p/eksempel/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    # Under way, not done: the heading does not say "we did" (walk3, the citizen's page).
    assert "Uteleik hver dag" in started and "Tiltak vi har satt i gang:" in started
    assert "Vi gjorde" not in started
    services.measure_set_status(actor=actor, measure=measure, status="rejected", reason="Ikke plass.")
    html = Client().get("/p/eksempel/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    said = html[html.index("Mer utetid") : html.index("</article>", html.index("Mer utetid"))]
    # not under "we did", but said plainly, with the reason, instead of "we are considering"
    assert "Tiltak vi har satt i gang" not in said and "Uteleik hver dag" in said and "Ikke plass." in said
    assert "Vi vurderer" not in said
