"""Staff journeys in a real browser: log in, browse the tree, edit, switch language; axe on every page."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.orgs.models import OrgUnit

from .conftest import (
    assert_accessible,
    assert_designsystemet_font,
    assert_fits_width,
    assert_form_measure,
    assert_list_tables_stack,
    assert_page_basics,
    login,
)

pytestmark = pytest.mark.browser


def test_login_browse_tree_and_every_staff_page_is_accessible(page: Any) -> None:
    page.goto(page.base_url + "/")
    assert_accessible(page)
    page.goto(page.base_url + "/a/half-a-poster-link/")  # the page not found, in the site's look
    assert page.locator("h1").inner_text() == "Fant ikke siden"
    assert_accessible(page)
    page.goto(page.base_url + "/accounts/login/")
    assert_accessible(page)
    page.click('text="Glemt passordet?"')
    assert page.locator("h1").inner_text() == "Glemt passordet?"
    assert_accessible(page)
    login(page, "admin")
    assert_accessible(page)

    page.click('.mv-nav__bar summary >> text="Administrasjon"')
    page.click('.mv-nav__bar >> text="Organisasjon"')
    assert page.locator("h1").inner_text() == "Organisasjon"
    assert page.locator(".mv-tree >> text=Bydel Nord").count() == 1
    assert page.locator("text=Prøvestad").count() == 0
    assert_accessible(page)
    assert_fits_width(page)

    page.click(".mv-tree >> text=Solsikken barnehage")
    assert page.locator("h1").inner_text() == "Solsikken barnehage"
    assert_accessible(page)
    unit_id = OrgUnit.objects.get(name="Solsikken barnehage").pk
    for path in [
        f"/org/units/{unit_id}/edit/",
        f"/org/units/{unit_id}/move/",
        "/org/units/new/",
        "/access/",
        "/access/grant/",
        "/access/users/new/",
        "/audit/",
        "/settings/public-pages/",
        "/settings/data-protection/",
        "/settings/data-protection/record/",
        "/settings/single-sign-on/",  # a field's help with a long address wraps at 320 px
        "/settings/id-porten/",
        "/accounts/tokens/",
        "/accounts/password/change/",
        "/overview/",
        "/org/import/",
        "/surveys/import/",
        "/population/import/",
        "/organisations/import/",
        "/panels/volunteers/import/",
    ]:
        page.goto(page.base_url + path)
        assert_page_basics(page)
        assert_form_measure(page)
    # On a phone a list table stands one block per row, each cell after its column's name, instead
    # of hiding the role and unit columns off to the side.
    page.goto(page.base_url + "/access/")
    shown = assert_list_tables_stack(page)
    assert "Rolle: " in shown["Rolle"] and "Enhet: " in shown["Enhet"]


def test_form_errors_are_accessible_and_keep_input(page: Any) -> None:
    login(page, "admin")
    page.goto(page.base_url + "/org/units/new/")
    page.fill("#id_name", "")
    page.click("form.mv-form button[type=submit]")
    message = page.locator("#id_name_error")
    assert message.is_visible()
    assert "id_name_error" in (page.get_attribute("#id_name", "aria-describedby") or "")
    assert page.get_attribute("#id_name", "aria-invalid") == "true"
    assert_accessible(page)
    page.fill("#id_name", "Solsikken barnehage")
    page.select_option("#id_parent", value=str(OrgUnit.objects.get(name="Bydel Nord").pk))
    page.click("form.mv-form button[type=submit]")
    assert "finnes allerede" in page.locator("#id_name_error").inner_text()
    assert page.input_value("#id_name") == "Solsikken barnehage"
    assert_accessible(page)


def test_unit_leader_edits_own_unit_with_keyboard_only(page: Any) -> None:
    login(page, "leder.solsikken")
    page.goto(page.base_url + "/org/")
    assert page.locator(".mv-tree a").all_inner_texts() == ["Solsikken barnehage"]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "ds-skiplink"
    page.keyboard.press("Enter")
    page.click(".mv-tree >> text=Solsikken barnehage")
    page.click("a[href$='/edit/']")
    page.focus("#id_name")
    page.keyboard.press("End")
    page.keyboard.type(" og småbarn")
    page.keyboard.press("Enter")
    page.wait_for_url("**/org/units/*/")
    assert page.locator("h1").inner_text() == "Solsikken barnehage og småbarn"


def test_switch_language_to_nynorsk_and_english(page: Any) -> None:
    page.goto(page.base_url + "/accounts/login/")
    assert page.get_attribute("html", "lang") == "nb"
    assert page.locator("h1").inner_text() == "Logg inn"
    page.select_option("#mv-language", "nn")
    page.click(".mv-lang button")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "nn"
    assert_accessible(page)
    page.select_option("#mv-language", "en")
    page.click(".mv-lang button")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "Log in"
    assert_accessible(page)


def test_pages_are_set_in_the_designsystemet_font(page: Any) -> None:
    """Public, staff and answering pages draw their text with the self-hosted Inter (issue 18)."""
    from .test_respond import open_survey

    survey_unit = open_survey()
    page.goto(page.base_url + "/")
    assert_designsystemet_font(page)
    page.goto(page.base_url + "/v/eksempel/")
    assert_designsystemet_font(page)
    login(page, "admin")
    assert_designsystemet_font(page)
    page.goto(page.base_url + f"/a/{survey_unit.link_key}/")
    assert_designsystemet_font(page)


@pytest.mark.parametrize("username", ["admin", "analytiker", "leder.solsikken", "koordinator", "lesetilgang"])
def test_menu_fits_one_row_and_opens_without_javascript(
    browser: Any, live_server: Any, username: str
) -> None:
    """Wide: the task groups sit on one row; narrow: a Menu button opens them. No JavaScript needed."""
    from medvirk.accounts.demo import build_demo
    from medvirk.orgs.models import Municipality

    if not Municipality.objects.filter(slug="eksempel").exists():
        build_demo()
    context = browser.new_context(
        java_script_enabled=False, locale="nb-NO", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.base_url = live_server.url
    try:
        login(page, username)
        tops = page.eval_on_selector_all(
            ".mv-nav__bar > li", "els => els.map(e => e.getBoundingClientRect().top)"
        )
        assert len(tops) >= 2 and max(tops) - min(tops) < 8, tops  # one row: the menu does not wrap
        assert not page.is_visible(".mv-nav__menu")
        group = page.locator(".mv-nav__bar details").last
        group.locator("summary").click()
        assert group.locator("a").first.is_visible()
        page.set_viewport_size({"width": 320, "height": 800})
        assert not page.is_visible(".mv-nav__bar") and page.is_visible(".mv-nav__menu > summary")
        page.click(".mv-nav__menu > summary")
        links = page.locator(".mv-nav__panel a")
        assert all(links.nth(i).is_visible() for i in range(links.count()))
        hrefs = "els => els.map(e => e.getAttribute('href'))"
        assert page.eval_on_selector_all(".mv-nav__panel a", hrefs) == page.eval_on_selector_all(
            ".mv-nav__bar a", hrefs
        )
        assert_fits_width(page)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_home_pages_are_accessible_for_every_role(page: Any, lang: str) -> None:
    """Each role's home page (to-do list, open rounds, first-run checklist) passes axe and reflows."""
    usernames = ["admin", "leder.solsikken", "koordinator", "lesetilgang", "provestad.admin"]
    fullest = fullest_menu_user()
    assert fullest in usernames
    for username in usernames:
        page.context.clear_cookies()
        login(page, username)
        if lang != "nb":
            page.select_option("#mv-language", lang)
            page.click("form.mv-lang button")
            page.wait_for_url("**/overview/")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("#todo-heading").count() == 1
        if username == fullest:
            assert_menu_on_one_row(page)
        assert_accessible(page)
        assert_fits_width(page)


def fullest_menu_user() -> str:
    """The demo user whose header menu has the most links (the widest bar)."""
    from django.test import RequestFactory

    from medvirk.accounts.models import User
    from medvirk.site.context_processors import navigation

    def links(user: User) -> int:
        request = RequestFactory().get("/overview/")
        request.user = user
        return sum(len(group.items) for group in navigation(request)["nav_groups"])

    return max(User.objects.filter(roles__isnull=False).distinct().order_by("username"), key=links).username


def assert_menu_on_one_row(page: Any) -> None:
    """At 1280 px the header's bar of task groups is one row, no label broken over two lines."""
    assert page.viewport_size["width"] == 1280
    bar = page.evaluate(
        """() => {
          const bar = document.querySelector('.mv-nav__bar');
          const items = [...bar.querySelectorAll(':scope > li > a, :scope > li > details > summary')];
          return {
            tops: items.map(e => Math.round(e.getBoundingClientRect().top)),
            lines: items.map(e => {  // text lines in each label: content height over line height
              const s = getComputedStyle(e);
              const box = e.getBoundingClientRect().height
                - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)
                - parseFloat(s.borderTopWidth) - parseFloat(s.borderBottomWidth);
              return box / parseFloat(s.lineHeight);
            }),
            overflow: bar.scrollWidth - bar.clientWidth,
            right: Math.max(...items.map(e => e.getBoundingClientRect().right)),
            room: document.querySelector('.mv-header__inner').getBoundingClientRect().right,
          };
        }"""
    )
    assert len(bar["tops"]) >= 5 and max(bar["tops"]) - min(bar["tops"]) <= 2, (page.url, bar)
    assert max(bar["lines"]) < 2 and bar["overflow"] <= 0 and bar["right"] <= bar["room"], (page.url, bar)
