"""The public pages with a municipality's colour, logo and statements: axe, reflow, nb and nn."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import assert_accessible, assert_designsystemet_font, assert_fits_width

pytestmark = pytest.mark.browser

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000030101005d2b23c40000000049454e44ae426082"
)


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_branded_public_pages_are_accessible(page: Any, lang: str) -> None:
    from medvirk.accounts.demo import load_demo
    from medvirk.accounts.services import municipality_branding_update

    demo = load_demo()
    municipality_branding_update(
        actor=demo.users["admin"],
        municipality=demo.municipality,
        brand_colour="#7a1e48",
        accessibility_statement_url="https://uustatus.no/nb/erklaringer/publisert/1234",
        privacy_contact="personvern@eksempel.kommune.no",
        privacy_statement="",
        logo=PNG_1PX,
    )
    page.goto(page.base_url + "/p/eksempel/")
    if lang != "nb":  # switch with the page's own language form, as a citizen would
        page.select_option("#mv-language", lang)
        page.click("form.mv-lang button")
        page.wait_for_load_state()
    paths = ["/p/eksempel/", "/v/eksempel/", "/o/eksempel/", "/o/eksempel/propose/", "/m/eksempel/privacy/"]
    for path in paths:
        page.goto(page.base_url + path)
        assert page.locator("html").get_attribute("lang") == lang, path
        # the municipality's colour reached Designsystemet's buttons
        colour = page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--ds-color-accent-base-default')"
        )
        assert colour.strip() == "#7a1e48", (path, colour)
        assert page.locator("footer a[href^='https://uustatus.no/']").count() == 1
        assert page.locator("header >> text=Logg inn").count() == 0
        assert_accessible(page)
        assert_designsystemet_font(page)
        assert_fits_width(page)
