"""The answering pages carry the municipality's public face: its name, logo and colour, its privacy page and
accessibility statement."""

from __future__ import annotations

from typing import Any

from medvirk.accounts.tests.test_branding import STATEMENT, update
from medvirk.surveys.models import SurveyUnit
from tests.images import PNG


def test_survey_answering_pages_link_privacy_and_the_accessibility_statement(
    client_as: Any, demo: Any
) -> None:
    update(demo, accessibility_statement_url=STATEMENT)
    unit = SurveyUnit.objects.filter(survey__municipality=demo.municipality, survey__status="open").first()
    html = client_as(None).get(f"/a/{unit.link_key}/?lang=nb").content.decode()
    footer = html[html.index("<footer") : html.index("</footer>")]
    assert f'href="{STATEMENT}"' in footer and "Tilgjengelighetserklæring" in footer
    assert 'href="/m/eksempel/privacy/#surveys"' in footer and "Personvern" in footer


def test_survey_answering_pages_say_whose_they_are(client_as: Any, demo: Any) -> None:
    """A parent who opens the poster's link sees the municipality's name, logo and colour on every page."""
    update(demo, brand_colour="#7a1e48", logo=PNG)
    unit = SurveyUnit.objects.filter(survey__municipality=demo.municipality, survey__status="open").first()
    client = client_as(None)
    landing = client.get(f"/a/{unit.link_key}/?lang=nb").content.decode()
    started = client.post(f"/a/{unit.link_key}/start/", {"idempotency_key": "whose-page", "lang": "nb"})
    section = client.get(started["Location"]).content.decode()
    for html in (landing, section):
        header = html[html.index("<header") : html.index("</header>")]
        assert '<img class="mv-logo" src="/m/eksempel/logo"' in header
        assert '<span lang="nb" dir="ltr">Eksempel kommune</span>' in header
        assert 'href="/m/eksempel/theme.css"' in html  # the municipality's colour on buttons and bar
        title = html[html.index("<title>") : html.index("</title>")]
        assert title.endswith(" – Eksempel kommune")
