"""Free choice of provider in a real browser, axe on every page: a relative compares the three
home-care providers in Arabic on a phone and prints the form; a case handler registers the
mother's choice; the chosen provider's client list shows her from her first day."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import assert_accessible, assert_fits_width, login

pytestmark = pytest.mark.browser


def _choice_demo() -> Any:
    """The demo's home-care service, its providers and a survey round (the live server starts empty)."""
    from medvirk.accounts.demo import load_demo
    from medvirk.choice.models import ChoiceService
    from tests.choice_support import home_care, round_with

    demo = load_demo()
    if not ChoiceService.objects.filter(municipality=demo.municipality).exists():
        from medvirk.choice.demo import build_choice_base

        build_choice_base(demo)
        demo = load_demo()
    round_with(demo, (30, 26, 3))
    return home_care(demo)


def test_a_relative_compares_in_arabic_and_a_case_handler_registers_the_choice(page: Any) -> None:
    from medvirk.insights.choice.public_text import TEXTS

    service, providers = _choice_demo()
    ar = TEXTS["ar"]
    url = f"{page.base_url}/valg/eksempel/{service.pk}/"

    # On a phone, in Arabic, right to left: one card per provider.
    page.set_viewport_size({"width": 320, "height": 740})
    page.goto(url + "?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.locator("h1").inner_text().startswith(ar["title"].split("{")[0].strip())
    cards = page.locator(".mv-choice__narrow").first.locator(".mv-choice__card h3")
    assert cards.all_inner_texts() == list(providers)
    assert page.locator(".mv-choice__wide").first.is_hidden()
    assert ar["too_few"] in page.locator("main").inner_text()
    assert_accessible(page)
    assert_fits_width(page)

    # The form to print, in Arabic, and as it prints.
    page.click(f"text={ar['form_link']}")
    page.wait_for_url("**/form/?lang=ar")
    assert page.get_by_role("button", name=ar["print_button"]).is_visible()  # print.js shows it
    assert_accessible(page)
    assert_fits_width(page)
    page.emulate_media(media="print")
    assert page.locator("footer").is_hidden()
    assert page.locator(".mv-lang").is_hidden()
    assert page.locator("button[data-mv-print]").is_hidden()
    assert page.locator(".mv-choice__paper .mv-choice__tick").count() >= len(providers) + 2
    assert page.pdf(format="A4")[:4] == b"%PDF"
    page.emulate_media(media="screen")

    # Bokmål and nynorsk on a wide screen: the providers side by side in a table.
    page.set_viewport_size({"width": 1280, "height": 900})
    for lang in ("nb", "nn"):
        page.goto(url + f"?lang={lang}")
        headers = page.locator(".mv-choice__wide table").first.locator("thead th")
        assert headers.all_inner_texts() == list(providers)
        assert_accessible(page)
        page.goto(url + f"request/?lang={lang}")
        assert_accessible(page)

    # The case handler registers the mother's choice, made today.
    login(page, "saksbehandler")
    page.goto(f"{page.base_url}/choice/services/{service.pk}/clients/new/")
    assert_accessible(page)
    page.fill("#id_alias", "EK-MOR-1")
    page.select_option("#id_district", value="999901")
    page.select_option("#id_language", value="ar")
    page.click("form.mv-form button[type=submit]")
    page.wait_for_url("**/choice/clients/*/")
    assert_accessible(page)
    chosen = providers["Omsorg Pluss AS"]
    page.check(f"input[name=provider][value='{chosen.pk}']")
    page.select_option("#id_channel", value="paper")
    page.click("form[action$='/choose/'] button[type=submit]")
    assert page.locator(".ds-alert[data-color=success]").count() == 1
    assert "EK-MOR-1" in page.locator("h1").inner_text()
    assert_accessible(page)
    assert_fits_width(page)

    # The provider's staff see her in their client list from today, her first day.
    page.context.clear_cookies()
    login(page, "leverandor.omsorgpluss")
    page.goto(f"{page.base_url}/choice/mine/")
    page.wait_for_url(f"**/choice/providers/{chosen.pk}/clients/")
    assert "EK-MOR-1" in page.locator("table").inner_text()
    assert_accessible(page)
    assert_fits_width(page)

    # Advisers' statistics on a phone: its two-way tables scroll inside their regions, each row's
    # group kept in view, and the page itself never scrolls sideways.
    page.context.clear_cookies()
    login(page, "lesetilgang")
    page.goto(f"{page.base_url}/choice/statistics/")
    assert page.locator(".mv-table-wrap > table").count() >= 4
    assert_accessible(page)
    assert_fits_width(page)
