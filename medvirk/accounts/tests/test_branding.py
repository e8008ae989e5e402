"""A municipality's public face: colour (refused below WCAG AA contrast), logo, statements; the public
pages carry them, with a privacy page linked from every form that collects personal data."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medvirk.accounts.branding import (
    BrandingErrorCode,
    check_colour,
    contrast,
    theme_css,
)
from medvirk.accounts.services import municipality_branding_update
from medvirk.core.errors import ServiceError
from medvirk.core.hyphenation import without_soft_hyphens
from medvirk.core.models import AuditEvent
from tests.images import PNG, image

STATEMENT = "https://uustatus.no/nb/erklaringer/publisert/1234"


def update(demo: Any, actor: str = "admin", **values: Any) -> Any:
    fields = {
        "brand_colour": "",
        "accessibility_statement_url": "",
        "privacy_contact": "",
        "privacy_statement": "",
    }
    return municipality_branding_update(
        actor=demo.users[actor], municipality=demo.municipality, **{**fields, **values}
    )


def test_contrast_follows_wcag() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss
    assert check_colour(" #0062BA ") == "#0062ba"


@pytest.mark.parametrize(
    ("colour", "code"),
    [
        ("#ffcc00", "colour_contrast"),
        ("#767676", "colour_contrast"),
        ("blue", "colour_invalid"),
        ("#12345", "colour_invalid"),
    ],
)
def test_colours_that_cannot_be_read_are_refused_with_a_clear_message(colour: str, code: str) -> None:
    with pytest.raises(ServiceError) as refused:
        check_colour(colour)
    assert refused.value.code == code and refused.value.field == "brand_colour"
    if code == "colour_contrast":
        assert colour in str(refused.value.message) and "4,5:1" in str(refused.value.message)


def test_only_administrators_of_the_whole_municipality_may_change_it(demo: Any) -> None:
    for actor in ("leder.solsikken", "analytiker", "provestad.admin"):
        with pytest.raises(ServiceError) as refused:
            update(demo, actor, brand_colour="#0062ba")
        assert refused.value.code == BrandingErrorCode.FORBIDDEN
    municipality = update(demo, brand_colour="#0062BA", accessibility_statement_url=STATEMENT, logo=PNG)
    assert municipality.brand_colour == "#0062ba" and municipality.logo_type == "image/png"
    event = AuditEvent.objects.filter(action="municipality.branding_updated").latest("pk")
    assert event.data == {"changed": ["accessibility_statement_url", "brand_colour", "logo"]}


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"logo": b"<svg onload='alert(1)'/>"}, "logo_type"),
        ({"logo": PNG + b"\0" * 200_000}, "logo_size"),
        # A pixel bomb: 5 KB declaring 100 million pixels, decoded by every visitor's browser.
        ({"logo": image("PNG", 10_000, 10_000, mode="1")}, "image_too_many_pixels"),
        ({"logo": PNG[:20]}, "image_damaged"),
        ({"accessibility_statement_url": "https://example.org/a11y"}, "statement_url"),
        ({"accessibility_statement_url": "http://uustatus.no/nb/erklaringer/1"}, "statement_url"),
    ],
)
def test_logo_and_statement_address_are_checked(demo: Any, values: dict[str, Any], code: str) -> None:
    with pytest.raises(ServiceError) as refused:
        update(demo, **values)
    assert refused.value.code == code


def test_theme_css_sets_designsystemet_accent_tokens(demo: Any) -> None:
    assert theme_css(demo.municipality) == ""
    css = theme_css(update(demo, brand_colour="#7a1e48"))
    assert (
        "--ds-color-accent-base-default: #7a1e48;" in css and "--ds-color-accent-text-subtle: #7a1e48;" in css
    )


def test_settings_page_refuses_a_light_colour_and_saves_a_dark_one(client_as: Any, demo: Any) -> None:
    client = client_as("admin")
    assert client.get("/settings/public-pages/").status_code == 200
    page = client.post("/settings/public-pages/", {"brand_colour": "#ffcc00"}).content.decode()
    assert "#ffcc00" in page and "4,5:1" in page and "for lys" in page  # shown next to the field
    demo.municipality.refresh_from_db()
    assert demo.municipality.brand_colour == ""
    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    response = client.post(
        "/settings/public-pages/",
        {"brand_colour": "#7a1e48", "accessibility_statement_url": STATEMENT, "logo": logo},
    )
    assert response.status_code == 302
    demo.municipality.refresh_from_db()
    assert demo.municipality.brand_colour == "#7a1e48" and bytes(demo.municipality.logo.data) == PNG


PUBLIC_PAGES = [
    "/p/eksempel/",
    "/v/eksempel/",
    "/o/eksempel/",
    "/o/eksempel/propose/",
    "/m/eksempel/privacy/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_the_municipality_and_link_its_statements(
    client_as: Any, demo: Any, path: str
) -> None:
    update(demo, brand_colour="#7a1e48", accessibility_statement_url=STATEMENT, logo=PNG)
    html = client_as(None).get(path, HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    footer = html[html.index("<footer") : html.index("</footer>")]
    assert "Eksempel kommune" in header and 'src="/m/eksempel/logo"' in header
    assert 'href="/m/eksempel/theme.css"' in html
    assert "Logg inn" not in header and "/api/" not in html  # staff links: one small footer link only
    assert f'href="{STATEMENT}"' in footer and 'href="/m/eksempel/privacy/"' in footer
    assert 'href="/accounts/login/"' in footer
    title = html[html.index("<title>") + 7 : html.index("</title>")]
    assert title.endswith(" – Eksempel kommune") and title.count("Eksempel kommune") == 1, title  # once


@pytest.mark.parametrize(
    ("path", "anchor"), [("/v/eksempel/", "volunteers"), ("/o/eksempel/propose/", "organisations")]
)
def test_forms_that_collect_personal_data_link_the_privacy_page(
    client_as: Any, path: str, anchor: str
) -> None:
    html = client_as(None).get(path).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert f'href="/m/eksempel/privacy/#{anchor}"' in main


def test_privacy_page_says_what_is_kept_why_and_for_how_long(client_as: Any, demo: Any) -> None:
    update(demo, privacy_contact="personvern@eksempel.kommune.no", privacy_statement="Les mer hos oss.")
    html = client_as(None).get("/m/eksempel/privacy/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    for text in [
        "innvandringsbakgrunn",
        "36 måneder",
        "Datatilsynet",
        "personvern@eksempel.kommune.no",
        "Les mer hos oss.",
    ]:
        assert text in html
    assert client_as(None).get("/m/finnes-ikke/privacy/").status_code == 404


def test_privacy_page_says_what_client_feedback_keeps_who_sees_it_and_for_how_long(
    client_as: Any, demo: Any
) -> None:
    from medvirk.accounts.services import retention_periods_set

    retention_periods_set(
        actor=demo.users["admin"], municipality=demo.municipality, amounts={"feedback.episodes": 18}
    )
    html = client_as(None).get("/m/eksempel/privacy/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    section = without_soft_hyphens(html[html.index('id="client-feedback"') : html.index('id="rights"')])
    assert "Klienttilbakemelding og «Hva er viktig for deg?»" in section
    for text in [
        "aldri hele navnet ditt eller fødselsnummeret ditt",  # what is stored: an alias, a birth year
        "kryptert",  # contact details
        "Bare behandlerne som hjelper deg i dette forløpet",  # who sees it
        "blir det logget",  # every read is audited
        "aldri fra færre enn 5 personer",  # the dashboard's threshold
        "24 timer",  # the client's link
        "etter 18 måneder",  # the municipality's period for closed episodes, as set
        "minst 8 personer",  # the goal themes' threshold
    ]:
        assert text in section, text
    nynorsk = client_as(None).get("/m/eksempel/privacy/", HTTP_ACCEPT_LANGUAGE="nn").content.decode()
    assert "Berre behandlarane som hjelper deg" in nynorsk


def test_logo_can_be_removed(demo: Any) -> None:
    from medvirk.orgs.models import MunicipalityLogo

    update(demo, logo=PNG)
    municipality = update(demo, remove_logo=True)
    assert (
        municipality.logo_type == ""
        and not MunicipalityLogo.objects.filter(municipality=municipality).exists()
    )


def test_logo_and_theme_are_served_with_their_types(client_as: Any, demo: Any) -> None:
    client = client_as(None)
    assert client.get("/m/eksempel/logo").status_code == 404
    update(demo, brand_colour="#7a1e48", logo=PNG)
    logo = client.get("/m/eksempel/logo")
    assert logo["Content-Type"] == "image/png" and logo.content == PNG
    theme = client.get("/m/eksempel/theme.css")
    assert theme["Content-Type"].startswith("text/css") and b"#7a1e48" in theme.content
    assert io.BytesIO(theme.content).read().count(b"{") == 1
