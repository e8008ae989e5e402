"""Browser fixtures: Playwright driving Debian's Chromium, and an axe-core WCAG 2.1 A/AA check."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from medvirk.core.hyphenation import without_soft_hyphens

# Playwright's sync API keeps an event loop in this thread; the ORM calls made by fixtures are
# still plain synchronous code, so Django's async-safety guard would be a false alarm here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("MEDVIRK_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; bin/test installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    from medvirk.accounts.demo import build_demo
    from medvirk.orgs.models import Municipality

    if not Municipality.objects.filter(slug="eksempel").exists():  # flushed by an earlier live test
        build_demo()
    # bypass_csp lets the test inject axe-core; the product's own pages never need inline script.
    context = browser.new_context(bypass_csp=True, locale="nb-NO", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def assert_accessible(page: Any) -> None:
    """Fail with a readable list if axe-core finds any WCAG 2.1 A/AA violation on the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = result["violations"]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(
            n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5]
        )
        for v in violations
    )
    assert not violations, f"axe found WCAG violations on {page.url}:\n{report}"


def assert_fits_width(page: Any, width: int = 320) -> None:
    """Fail if the page scrolls sideways at ``width`` CSS pixels (WCAG 1.4.10 reflow), with every
    ``<details>`` in the page opened (comparisons and "About the method" tables hide in them).

    A table too wide for that may scroll inside its region (two-way data tables, which 1.4.10
    allows): the region must be labelled, take keyboard focus, and keep the table's first column
    (what each row is) in view when scrolled to its far end.
    """
    page.set_viewport_size({"width": width, "height": 800})
    page.evaluate(
        """() => document.querySelectorAll('main details:not([open])').forEach(d => {
            d.open = true; d.dataset.mvFitsOpened = ''; })"""
    )
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    offenders = page.evaluate(
        """(w) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w + 0.5 && !e.closest('.mv-table-wrap'))
            .slice(0, 5)
            .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""",
        width,
    )
    regions = page.evaluate(
        """() => [...document.querySelectorAll('main .mv-table-wrap')]
            .filter(r => r.scrollWidth > r.clientWidth + 1 && r.getBoundingClientRect().width > 0)
            .map(r => {
                const by = r.getAttribute('aria-labelledby');
                const name = r.getAttribute('aria-label')
                    || (by && document.getElementById(by)?.textContent.trim());
                const problems = [];
                if (r.getAttribute('role') !== 'region') problems.push('not a region');
                if (r.getAttribute('tabindex') !== '0') problems.push('takes no keyboard focus');
                if (!name) problems.push('has no name');
                const table = r.querySelector('table');
                if (table) {
                    const before = r.scrollLeft, rtl = getComputedStyle(r).direction === 'rtl';
                    r.scrollLeft = rtl ? -r.scrollWidth : r.scrollWidth;
                    const box = r.getBoundingClientRect();
                    const lost = [...table.querySelectorAll(':scope > tbody > tr > :first-child')]
                        .filter(c => c.getBoundingClientRect().left < box.left - 1
                            || c.getBoundingClientRect().right > box.right + 1);
                    r.scrollLeft = before;
                    if (lost.length) problems.push('its first column scrolls out of view');
                }
                return problems.length ? `${name || r.outerHTML.slice(0, 80)}: ${problems.join(', ')}` : null;
            })
            .filter(Boolean)"""
    )
    page.evaluate(
        """() => document.querySelectorAll('details[data-mv-fits-opened]').forEach(d => {
            d.open = false; delete d.dataset.mvFitsOpened; })"""
    )
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide at {width}px: {offenders}"
    assert not regions, f"{page.url}: tables scrolling inside their region at {width}px: {regions}"
    page.set_viewport_size({"width": 1280, "height": 900})


def assert_list_tables_stack(page: Any, width: int = 320) -> dict[str, str]:
    """Fail unless every list table (``{% listtable %}``) on the page fits ``width`` CSS pixels
    without scrolling sideways, its cells after their column's name, with no axe-core violation.

    Return the names shown before the cells of the first table's first row (column header → what
    the page draws before the cell).
    """
    page.set_viewport_size({"width": width, "height": 800})
    tables = page.evaluate(
        """() => [...document.querySelectorAll('.mv-table-wrap:has(> table.mv-stack)')].map(w => ({
            overflow: w.scrollWidth - w.clientWidth,
            shown: Object.fromEntries([...w.querySelectorAll('tbody > tr:first-child > [data-label]')]
                .map(c => [c.dataset.label, getComputedStyle(c, '::before').content])),
        }))"""
    )
    assert tables, f"{page.url} has no list table"
    wide = [t for t in tables if t["overflow"] > 1]
    assert not wide, f"{page.url}: list tables scroll sideways at {width}px: {wide}"
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    return dict(tables[0]["shown"])


def read(locator: Any) -> str:
    """Return a locator's text as a person reads it: without the soft hyphens that let long words
    of headings break (medvirk.core.hyphenation), which ``inner_text`` keeps."""
    return without_soft_hyphens(locator.inner_text())


def assert_words_whole(page: Any, width: int = 320, selector: str = "h1, h2, h3") -> None:
    """Fail if a word of a shown heading is broken across two lines at ``width`` CSS pixels,
    other than at a soft hyphen (where the browser draws a hyphen).

    Headings scale down on narrow screens so that long Norwegian words fit whole (app.css), and
    longer ones carry soft hyphens (medvirk.core.hyphenation); a word split over two lines
    without a hyphen ("Brukerundersøk/else") reads badly.
    """
    page.set_viewport_size({"width": width, "height": 800})
    broken = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter(h => h.getBoundingClientRect().width > 0)
            .flatMap(h => {
                const out = [], walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    // Each part between spaces and soft hyphens must stay on one line: the line of
                    // each of its letters (a range's last box; one just after a soft hyphen that
                    // ends a line also has the drawn hyphen's box on the line before).
                    for (const m of node.data.matchAll(/[^\\s\\u00ad]+/g)) {
                        const lines = new Set([...m[0]].map((_, i) => {
                            const range = document.createRange();
                            range.setStart(node, m.index + i);
                            range.setEnd(node, m.index + i + 1);
                            const boxes = range.getClientRects();
                            return Math.round(boxes[boxes.length - 1].top);
                        }));
                        const size = getComputedStyle(h).fontSize;
                        if (lines.size > 1) out.push(`${h.tagName} ${m[0]} (${size})`);
                    }
                }
                return out;
            })""",
        selector,
    )
    assert not broken, f"{page.url} at {width}px breaks words of headings across lines: {broken}"
    page.set_viewport_size({"width": 1280, "height": 900})


def assert_charts_readable(
    page: Any, min_px: float = 12, widths: tuple[int, ...] = (320, 540, 1280), max_px: float = 24
) -> None:
    """Fail if a shown chart's text is drawn smaller than ``min_px`` or larger than ``max_px`` CSS
    pixels at any of ``widths``.

    An SVG scales its text with its width, so text that is fine on a PC can shrink to a few
    pixels on a phone (the charts' narrow layouts exist for that; see ``insights/charts.py``),
    and a chart stretched over a wide page draws its labels twice the page's text size.
    """
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800})
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('svg[role=img]')]
                .filter(svg => svg.getBoundingClientRect().width > 0)
                .flatMap(svg => [...svg.querySelectorAll('text')].map(t => [
                    t.textContent, svg.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize)]))"""
        )
        assert sizes, f"{page.url} shows no chart at {width}px"
        small = [(text, round(px, 1)) for text, px in sizes if px < min_px]
        assert not small, f"{page.url} at {width}px draws chart text below {min_px}px: {small[:5]}"
        large = [(text, round(px, 1)) for text, px in sizes if px > max_px]
        assert not large, f"{page.url} at {width}px draws chart text above {max_px}px: {large[:5]}"
    page.set_viewport_size({"width": 1280, "height": 900})


def assert_form_measure(page: Any) -> None:
    """Fail if a form of fields runs wider than a readable measure at 1280 px.

    Forms of fields keep 36rem (``.mv-form``) or 60rem (``.mv-form--wide``, a text editor); a form
    holding a table (an import preview) may take the page's width.
    """
    page.set_viewport_size({"width": 1280, "height": 900})
    widths = page.evaluate(
        """() => [...document.querySelectorAll('main form')]
            .filter(f => f.querySelector('input:not([type=hidden]), select, textarea'))
            .filter(f => !f.querySelector('table'))
            .map(f => [f.className, f.getBoundingClientRect().width])"""
    )
    wide = [
        (name, round(w))
        for name, w in widths
        if w > (60 if "mv-form--wide" in name.split() else 36) * 16 + 0.5
    ]
    assert not wide, f"{page.url}: forms wider than a readable measure at 1280px: {wide}"


def assert_page_basics(page: Any) -> None:
    """Fail unless the page has one main heading, no axe-core violation and fits a 320 px screen."""
    assert page.locator("h1").count() == 1, page.url
    assert_accessible(page)
    assert_fits_width(page)


def login(page: Any, username: str) -> None:
    """Log in through the real form."""
    from medvirk.accounts.demo import DEMO_PASSWORD

    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit] >> nth=-1")
    # Administrators log in with a second factor (medvirk.accounts.two_factor): set it up, or give a code.
    page.wait_for_url(re.compile(r".*/(overview|accounts/two-factor|accounts/login/code)/$"))
    if page.url.endswith("/accounts/two-factor/"):
        secret = page.inner_text("ol kbd").replace(" ", "")
        page.fill("#id_code", totp_code(secret))
        page.click("button[type=submit] >> nth=-1")
        page.get_by_role("link", name=re.compile("oversikten|overview")).click()
    elif page.url.endswith("/accounts/login/code/"):
        page.fill("#id_code", totp_code(stored_totp_secret(username)))
        page.click("button[type=submit] >> nth=-1")
    page.wait_for_url("**/overview/")


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for ``secret`` (allauth's own RFC 6238 functions)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))


def stored_totp_secret(username: str) -> str:
    """The user's TOTP secret; forgets used codes so a second login in the same 30 s is accepted."""
    from allauth.mfa.models import Authenticator
    from django.core.cache import cache

    from medvirk.core.crypto import decrypt

    cache.clear()
    found = Authenticator.objects.get(user__username=username, type=Authenticator.Type.TOTP)
    return decrypt(found.data["secret"])  # stored encrypted (medvirk.accounts.two_factor.MFAAdapter)


def rendered_fonts(page: Any, selector: str) -> set[str]:
    """The font families Chromium actually drew the element's text with (not just the CSS name)."""
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        session.detach()
    # a downloaded web font is "custom"; a font installed on the machine is not
    return {font["familyName"] + ("" if font["isCustomFont"] else " (installed)") for font in fonts}


def assert_designsystemet_font(page: Any) -> None:
    """Fail unless the page's text is set in Designsystemet's font, loaded from our own server."""
    page.evaluate("async () => { await document.fonts.ready; }")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.strip("\"'").startswith("Inter"), family
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/[\"']/g, ''))"
    )
    assert "Inter" in loaded, loaded
    for selector in ("h1", "main p, main li, main label"):
        drawn = rendered_fonts(page, selector)  # e.g. {"Inter Medium"}
        assert drawn, (page.url, selector)
        assert all(re.fullmatch(r"Inter( \w+)?", name) for name in drawn), (page.url, selector, drawn)
