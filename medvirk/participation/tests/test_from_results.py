"""The results page's "Make a measure" opens participation's own finding form, filled in."""

from __future__ import annotations

from typing import Any

from medvirk.accounts.demo import DemoData
from medvirk.surveys import services
from tests.sample_survey import sample_definition


def test_a_measure_from_a_question_starts_with_the_question_and_the_unit(
    client_as: Any, demo: DemoData
) -> None:
    unit = demo.units["Solsikken barnehage"].pk
    survey = services.survey_create(
        actor=demo.users["admin"],
        owner_unit=demo.units[""],
        document=sample_definition(),
        units=[demo.units["Solsikken barnehage"]],
        round_label="2026",
    )
    page = client_as("leder.solsikken").get(
        f"/participation/findings/new/?unit={unit}&survey={survey.pk}&question=q_overall"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Om «Hvor fornøyd er du alt i alt?»: </textarea>" in html
    assert f'<option value="{survey.pk}" selected>' in html and f'<option value="{unit}" selected>' in html
    assert "Et tiltak begynner med det dere har lært" in html
    # Another municipality's survey, or a question it does not have, fills in nothing.
    other = client_as("leder.solsikken").get(f"/participation/findings/new/?survey={survey.pk}&question=nope")
    assert "Om «" not in other.content.decode()
