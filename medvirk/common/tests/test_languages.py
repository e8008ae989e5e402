"""The language registry (medvirk.common.languages): names, direction, lookups."""

from __future__ import annotations

import re

import pytest

from medvirk.common import languages
from medvirk.common.languages import LANGUAGES


def test_codes_are_tags_and_every_name_is_filled_in() -> None:
    for code, language in LANGUAGES.items():
        assert language.code == code
        assert re.fullmatch(r"[a-z]{2,3}", code), code
        for text in (language.endonym, language.nb, language.nn, language.en):
            assert text.strip() == text, code
            assert text, code


def test_norwegian_names_are_written_as_in_running_text() -> None:
    # "Skjemaet finnes på arabisk": Norwegian writes language names in lower case.
    for language in LANGUAGES.values():
        assert language.nb == language.nb.lower(), language.code
        assert language.nn == language.nn.lower(), language.code


def test_every_name_leads_back_to_its_language() -> None:
    for language in LANGUAGES.values():
        for spelling in {language.endonym, language.nb, language.nn, language.en}:
            if spelling.casefold() in languages.ALSO_WRITTEN:
                continue  # "Norwegian" means bokmål (below), not the macrolanguage "no"
            assert languages.code_for_name(spelling) == language.code, spelling
            assert languages.code_for_name(f" {spelling.upper()} ") == language.code, spelling


def test_what_people_also_write_and_unknown_names() -> None:
    assert languages.code_for_name("Norwegian") == "nb"
    assert languages.code_for_name("bokmal") == "nb"
    assert languages.code_for_name("Farsi") == "fa"
    assert languages.code_for_name("North Sami") == "se"
    assert languages.code_for_name("Klingon") is None


@pytest.mark.parametrize(
    "code", ["ar", "ur", "fa", "prs", "ps", "ckb", "he", "ar-SA", "ps-AF", "ku-Arab", "pa-Arab"]
)
def test_right_to_left(code: str) -> None:
    assert languages.is_rtl(code)
    assert languages.direction(code) == "rtl"


@pytest.mark.parametrize(
    "code", ["nb", "nn", "en", "pl", "so", "ti", "ku", "ckb-Latn", "az-Latn", "tlh", "en-GB"]
)
def test_left_to_right(code: str) -> None:
    assert not languages.is_rtl(code)
    assert languages.direction(code) == "ltr"


def test_names_in_the_page_language() -> None:
    assert languages.name("ar", "nb") == "arabisk"
    assert languages.name("ps", "nn") == "pashto"
    assert languages.name("ar", "en") == "Arabic"
    assert languages.name("ar", "de") == "Arabic"  # other page languages: English
    assert languages.name("tlh", "nb") == "tlh"  # unknown: its code
    assert languages.endonym("uk") == "Українська"
    assert languages.endonym("tlh") == "tlh"


def test_lookup_falls_back_to_the_primary_language() -> None:
    found = languages.get("ar-SA")
    assert found is not None
    assert found.code == "ar"
    assert languages.get("tlh") is None


def test_respondent_texts_and_national_languages() -> None:
    shipped = {code for code, language in LANGUAGES.items() if language.respondent_texts}
    assert {"nb", "nn", "en", "ar", "pl", "uk"} <= shipped
    assert languages.has_respondent_texts("ar")
    assert not languages.has_respondent_texts("so")
    assert not languages.has_respondent_texts("tlh")
    national = {code for code, language in LANGUAGES.items() if language.national}
    assert national == {"nb", "nn", "no", "se", "sma", "smj"}


def test_a_list_shows_the_endonym_and_the_page_language_name_when_it_adds_something() -> None:
    assert languages.label("ar", "nb") == "العربية (arabisk)"
    assert languages.label("ar", "en") == "العربية (Arabic)"
    assert languages.label("nb", "nb") == "Norsk bokmål"
    assert languages.label("nb", "en") == "Norsk bokmål (Norwegian Bokmål)"
    assert languages.label("en", "en") == "English"
    assert languages.label("en", "nn") == "English (engelsk)"
    assert languages.label("tlh", "nb") == "tlh"


def test_the_survey_form_lists_all_but_the_macrolanguage_and_hebrew() -> None:
    codes = [language.code for language in languages.listed()]
    assert codes[:3] == ["nb", "nn", "en"]
    assert "ps" in codes
    assert "no" not in codes
    assert "he" not in codes
