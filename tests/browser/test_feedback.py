"""Client feedback in a real browser, with axe on every page.

1. A practitioner opens an episode and a session and hands out a link; the client answers on a
   320 px phone in Arabic (right to left), sees their own graph; the practitioner's graph then
   shows the score and the alert (the safety question answered above zero).
2. A licence holder pastes the item texts of a scoring-only instrument (ORS).
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import assert_accessible, assert_charts_readable, assert_fits_width, login

pytestmark = pytest.mark.browser


def _service() -> Any:
    from medvirk.accounts.demo import load_demo
    from medvirk.core.actors import SystemActor
    from medvirk.feedback import services

    demo = load_demo()
    system = SystemActor("browser test")
    phq = services.instrument_load(actor=system, municipality=demo.municipality, key="phq9")
    session = services.instrument_load(actor=system, municipality=demo.municipality, key="medvirk_session")
    return services.service_create(
        actor=system,
        unit=demo.units["Helsestasjonen"],
        name="Samtaletjenesten",
        outcome=phq,
        alliance=session,
    )


def test_practitioner_and_client_in_arabic_on_a_phone(page: Any, browser: Any) -> None:
    from medvirk.feedback.models import Rating

    service = _service()
    login(page, "behandler")
    page.goto(page.base_url + "/feedback/new/")
    assert_accessible(page)
    page.select_option("#id_service", str(service.pk))
    page.fill("#id_alias", "Amira")
    page.select_option("#id_language", "ar")
    page.click("button[type=submit] >> nth=-1")
    page.wait_for_url("**/feedback/episodes/*/")
    assert_accessible(page)
    page.click("button:has-text('Start en samtale')")
    page.wait_for_url("**/sessions/1/")
    assert_accessible(page)
    page.click("button:has-text('Lenke eller QR-kode til egen telefon')")
    assert page.locator(".mv-poster__qr svg").count() == 1
    assert_accessible(page)
    url = page.locator(".mv-secret").inner_text().strip()
    episode_url = page.locator("a", has_text="Tilbake til grafen").get_attribute("href")

    phone = browser.new_context(bypass_csp=True, locale="ar", viewport={"width": 320, "height": 740})
    client = phone.new_page()
    client.goto(url)
    assert client.get_attribute("html", "dir") == "rtl"
    assert client.get_attribute("html", "lang") == "ar"
    assert_accessible(client)
    assert_fits_width(client, 320)
    # PHQ-9 (English original, marked lang="en"): "Nearly every day" everywhere, the safety item too.
    for n in range(1, 10):
        client.check(f"input[name$='__phq9_{n}'][value=v3]")
    for field in client.locator("input.mv-range__number").all():
        field.fill("6,5")
    client.click("button[type=submit]")
    client.wait_for_load_state()
    assert "شكرًا" in client.content()
    assert client.locator("svg.mv-graph").count() == 1
    client.set_viewport_size({"width": 320, "height": 740})  # assert_fits_width left it at 1280
    first = client.locator("svg.mv-graph circle").first.bounding_box()
    assert first is not None and 0 <= first["x"] <= 320, first  # the region opens at the first session
    assert_charts_readable(client, widths=(320,))  # the client's own graph is legible on the phone
    assert_accessible(client)
    assert_fits_width(client, 320)
    phone.close()

    assert Rating.objects.filter(instrument=service.outcome).get().score == 27
    page.goto(page.base_url + episode_url)
    assert "Spør om sikkerhet" in page.content()  # the safety alert, with what to talk about
    assert page.locator("svg.mv-graph circle").count() == 1
    assert_accessible(page)
    assert_fits_width(page, 320)
    assert_accessible(page)  # at 320 px the tables scroll: their regions take keyboard focus


def test_licence_holder_pastes_item_texts(page: Any) -> None:
    login(page, "admin")
    page.goto(page.base_url + "/feedback/setup/")
    assert_accessible(page)
    page.click("button[value=ors]")
    page.wait_for_load_state()
    assert "den som har lisens, må lime inn tekstene" in page.content()
    page.click("text=Lim inn tekster >> nth=0")
    page.wait_for_url("**/texts/")
    assert_accessible(page)
    for n in range(1, 5):
        page.fill(f"#id_ors_{n}", f"Ledd {n} slik lisensen har det")
    page.fill("#id__instructions", "Tenk på den siste uken.")
    page.click("button:has-text('Lagre tekstene')")
    page.wait_for_load_state()
    assert "Tekstene er lagret." in page.content()
    assert page.input_value("#id_ors_1") == "Ledd 1 slik lisensen har det"
    assert_accessible(page)
