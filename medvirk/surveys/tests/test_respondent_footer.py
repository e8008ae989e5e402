"""The answering pages carry the municipality's public face: its privacy page and accessibility statement."""

from __future__ import annotations

from typing import Any

from medvirk.accounts.tests.test_branding import STATEMENT, update
from medvirk.surveys.models import SurveyUnit


def test_survey_answering_pages_link_privacy_and_the_accessibility_statement(
    client_as: Any, demo: Any
) -> None:
    update(demo, accessibility_statement_url=STATEMENT)
    unit = SurveyUnit.objects.filter(survey__municipality=demo.municipality, survey__status="open").first()
    html = client_as(None).get(f"/a/{unit.link_key}/?lang=nb").content.decode()
    footer = html[html.index("<footer") : html.index("</footer>")]
    assert f'href="{STATEMENT}"' in footer and "Tilgjengelighetserklæring" in footer
    assert 'href="/m/eksempel/privacy/#surveys"' in footer and "Personvern" in footer
