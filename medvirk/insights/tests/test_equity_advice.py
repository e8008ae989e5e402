"""Equity advice fits the group the finding names, and a merged row says who is in it and why."""

from __future__ import annotations

from django.utils import translation

from medvirk.insights.equity import merged_label
from medvirk.insights.equity_outcomes import reach_advice


def test_majority_is_not_sent_to_minority_organisations() -> None:
    with translation.override("nb"):
        advice = reach_advice(
            "immigrant_background", "rest", "Øvrig befolkning", "Innvandringsbakgrunn", "Bydel Nord"
        )
    assert advice.startswith("Øvrig befolkning (innvandringsbakgrunn) er underrepresentert i Bydel Nord.")
    assert "minoritetsorganisasjoner og andre språk vil ikke nå dem" in advice
    assert "tolk" not in advice


def test_minorities_are_reached_through_their_organisations_and_languages() -> None:
    with translation.override("nb"):
        advice = reach_advice(
            "immigrant_background", "immigrant", "Innvandrer", "Innvandringsbakgrunn", "Bydel Nord"
        )
    assert "innvandrer- og minoritetsorganisasjoner som er aktive i Bydel Nord" in advice
    assert "språkene de leser" in advice


def test_every_group_gets_advice_of_its_own_kind() -> None:
    with translation.override("nb"):
        men = reach_advice("gender", "male", "Mann", "Kjønn", "Bydel Nord")
        elderly = reach_advice("age_band", "80+", "80+ år", "Aldersgruppe", "Bydel Nord")
        young = reach_advice("age_band", "16-24", "16–24 år", "Aldersgruppe", "Bydel Nord")
    assert "personlig" in men and "språk" not in men
    assert "papirskjema" in elderly
    assert "SMS" in young and "Bydel Nord" in young


def test_merged_row_names_its_groups_and_says_why() -> None:
    with translation.override("nb"):
        assert (
            merged_label("gender", ["male"], not_stated=True, language="nb")
            == "Mann og ikke oppgitt, slått sammen for å verne få personer"
        )
        assert (
            merged_label("age_band", ["67-79", "80+"], not_stated=False, language="nb")
            == "67–79 år og 80+ år, slått sammen for å verne få personer"
        )
    with translation.override("nn"):
        assert (
            merged_label("gender", ["male"], not_stated=True, language="nn")
            == "Mann og ikkje oppgitt, slått saman for å verne få personar"
        )
