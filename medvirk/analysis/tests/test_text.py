"""Tests for free-text PII masking, theme clustering and search."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medvirk.analysis.text import (
    DEFAULT_REPLACEMENTS,
    PiiKind,
    ThemeResult,
    cluster_themes,
    mask_pii,
    matches,
    search_answers,
    stems,
    without_placeholders,
)
from medvirk.common.norway import FNR_K1_WEIGHTS, FNR_K2_WEIGHTS, mod11_control_digit

from .text_samples import ANSWERS, many_answers

EMAIL = DEFAULT_REPLACEMENTS[PiiKind.EMAIL]
PHONE = DEFAULT_REPLACEMENTS[PiiKind.PHONE]
FNR = DEFAULT_REPLACEMENTS[PiiKind.NATIONAL_ID]


def valid_fnr(date6: str = "010190") -> str:
    """Return a checksum-valid number for the date part (first usable individual number)."""
    for individual in range(100, 500):
        first9 = f"{date6}{individual:03d}"
        k1 = mod11_control_digit(first9, FNR_K1_WEIGHTS)
        if k1 is None:
            continue
        k2 = mod11_control_digit(f"{first9}{k1}", FNR_K2_WEIGHTS)
        if k2 is not None:
            return f"{first9}{k1}{k2}"
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------------
# PII masking
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "91234567",
        "912 34 567",
        "91 23 45 67",
        "9123 4567",
        "22 22 22 22",
        "+47 912 34 567",
        "+4791234567",
        "0047 91234567",
        "+47 22 22 22 22",
        "+46 70 123 45 67",
        "+44 20 7946 0958",
        "+1 (415) 555-2671",
    ],
)
def test_phone_numbers_are_masked(phone: str) -> None:
    result = mask_pii(f"Ring meg gjerne på {phone} etter klokka fire.")
    assert result.text == f"Ring meg gjerne på {PHONE} etter klokka fire."
    assert result.kinds == {PiiKind.PHONE}


@pytest.mark.parametrize(
    "email",
    ["kari.nordmann@kommune.no", "ola+test@example.com", "bjørn@hjelp.no", "per (at) post.no"],
)
def test_email_addresses_are_masked(email: str) -> None:
    result = mask_pii(f"Send svar til {email}, takk!")
    assert result.text == f"Send svar til {EMAIL}, takk!"
    assert result.kinds == {PiiKind.EMAIL}


def test_valid_national_id_is_masked_with_or_without_space() -> None:
    fnr = valid_fnr()
    for written in (fnr, f"{fnr[:6]} {fnr[6:]}"):
        result = mask_pii(f"Fødselsnummeret mitt er {written}.")
        assert result.text == f"Fødselsnummeret mitt er {FNR}."
        assert result.kinds == {PiiKind.NATIONAL_ID}


def test_invalid_eleven_digits_stay() -> None:
    result = mask_pii("Saksnummer 12345678901 gjelder klagen.")
    assert result.text == "Saksnummer 12345678901 gjelder klagen."
    assert not result.changed


@pytest.mark.parametrize(
    "text",
    [
        "Skoleåret 2024-2025 var bedre enn før.",
        "Det kostet 12 000 000 kroner.",
        "Møtet var 24.12.2023 kl. 10.",
        "Org.nr. 974 760 673 står på brevet.",
        "Vi var 25 personer på 3 avdelinger.",
        "Postnummer 0150 Oslo.",
    ],
)
def test_ordinary_numbers_stay(text: str) -> None:
    assert mask_pii(text).text == text


def test_several_kinds_and_custom_tokens() -> None:
    fnr = valid_fnr("241270")
    text = f"Jeg heter Kari, tlf 98765432, e-post kari@ex.no og fnr {fnr}."
    result = mask_pii(text, {PiiKind.PHONE: "[tlf]", PiiKind.EMAIL: "[epost]"})
    assert result.text == f"Jeg heter Kari, tlf [tlf], e-post [epost] og fnr {FNR}."
    assert result.kinds == {PiiKind.PHONE, PiiKind.EMAIL, PiiKind.NATIONAL_ID}
    assert result.replacements == 3


def test_digits_in_email_are_not_half_masked() -> None:
    assert mask_pii("ola91234567@gmail.com").text == EMAIL


@settings(max_examples=150, derandomize=True, deadline=None)
@given(
    st.dates(),
    st.integers(0, 999),
    st.booleans(),
    st.sampled_from(["", "Hei! ", "Mitt nummer: "]),
)
def test_every_valid_national_id_is_masked(born: date, individual: int, spaced: bool, prefix: str) -> None:
    first9 = f"{born.day:02d}{born.month:02d}{born.year % 100:02d}{individual:03d}"
    k1 = mod11_control_digit(first9, FNR_K1_WEIGHTS)
    if k1 is None:
        return
    k2 = mod11_control_digit(f"{first9}{k1}", FNR_K2_WEIGHTS)
    if k2 is None:
        return
    fnr = f"{first9}{k1}{k2}"
    written = f"{fnr[:6]} {fnr[6:]}" if spaced else fnr
    result = mask_pii(f"{prefix}{written} slutt")
    assert fnr[:6] not in result.text
    assert PiiKind.NATIONAL_ID in result.kinds or PiiKind.PHONE in result.kinds


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.text(alphabet="0123456789 abcæøå@.+-", max_size=40))
def test_masking_never_grows_digits(text: str) -> None:
    # Masking only removes: no digit appears in the output that was not in the input.
    masked = mask_pii(text).text
    for token in DEFAULT_REPLACEMENTS.values():
        masked = masked.replace(token, "")
    assert sum(c.isdigit() for c in masked) <= sum(c.isdigit() for c in text)


# ---------------------------------------------------------------------------------------------
# Themes
# ---------------------------------------------------------------------------------------------


def themes_as_sets(result: ThemeResult) -> list[set[int]]:
    return [set(t.members) for t in result.themes]


def test_themes_group_realistic_answers() -> None:
    result = cluster_themes(ANSWERS)
    groups = themes_as_sets(result)
    assert {0, 1, 2, 3} in groups
    assert {4, 5, 6, 7} in groups
    assert {8, 9, 10, 11} in groups
    assert {12, 13, 14} in groups
    assert {15, 16, 17} <= set(result.unclustered)
    labels = {frozenset(t.members): t for t in result.themes}
    assert "ventetid" in labels[frozenset({0, 1, 2, 3})].keywords
    assert "parkering" in labels[frozenset({8, 9, 10, 11})].keywords
    assert labels[frozenset({8, 9, 10, 11})].label.count(",") <= 2


def test_themes_are_deterministic_and_cover_each_answer_once() -> None:
    first = cluster_themes(ANSWERS)
    assert cluster_themes(list(ANSWERS)) == first
    seen = [i for t in first.themes for i in t.members] + list(first.unclustered)
    assert sorted(seen) == list(range(len(ANSWERS)))
    sizes = [t.size for t in first.themes]
    assert sizes == sorted(sizes, reverse=True)


def test_themes_respect_min_size_and_max_themes() -> None:
    result = cluster_themes(ANSWERS, min_size=4, max_themes=2)
    assert len(result.themes) == 2
    assert all(t.size >= 4 for t in result.themes)


def test_themes_handle_empty_and_stopword_only_input() -> None:
    assert cluster_themes([]).themes == ()
    result = cluster_themes(["og så", "det er", "!!!"])
    assert result.themes == ()
    assert result.unclustered == (0, 1, 2)


def test_ten_thousand_answers_each_land_in_one_theme_or_unclustered() -> None:
    # How long this takes is measured by bench/text/run.py, not here.
    answers = many_answers(10_000)
    result = cluster_themes(answers)
    placed = [i for t in result.themes for i in t.members] + list(result.unclustered)
    assert sorted(placed) == list(range(10_000))
    # Each answer is one of four topics' sentences plus two service words: every topic has a
    # theme, and no theme mixes topics.
    topic_of_sentence = {sentence: index // 4 for index, sentence in enumerate(ANSWERS[:15])}
    topic = [next(t for s, t in topic_of_sentence.items() if a.startswith(s)) for a in answers]
    theme_topics = [{topic[i] for i in theme.members} for theme in result.themes]
    assert all(len(topics) == 1 for topics in theme_topics)
    assert set().union(*theme_topics) == {0, 1, 2, 3}


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------


def test_stems_drop_stop_words_and_fold() -> None:
    assert stems("Jeg og barnehagen") == ["barnehag"]
    assert stems("FORSØKE") == stems("forsoke")


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Barnehagen var fin", "barnehage"),
        ("BARNEHAGANE er fine", "barnehage"),
        ("Ventetida var lang", "ventetid"),
        ("Opningstidene er dårlege", "åpningstid"),
        ("Kaféen var stengt", "kafe"),
        ("Vi forsøkte å ringe", "forsøkte"),
        ("Parkeringsplassen er full", "Parkeringsplass"),
    ],
)
def test_search_matches_across_case_accents_and_inflection(text: str, query: str) -> None:
    assert matches(text, query)


def test_search_all_and_any() -> None:
    answers = ["Lang ventetid hos legen", "Legen var hyggelig", "Bussen kom for sent"]
    assert search_answers(answers, "legen ventetid") == (0,)
    assert search_answers(answers, "legen ventetid", match_all=False) == (0, 1)
    assert search_answers(answers, "") == (0, 1, 2)
    assert search_answers(answers, "og") == (0, 1, 2)
    assert search_answers(answers, "sykehjem") == ()
    assert not matches("Bussen kom for sent", "buss tog")
    assert matches("Ring legekontoret", "lege")
    assert not matches("Ring legekontoret", "lege", prefix=False)
    assert not matches("Det gikk bra", "br")  # prefixes need three letters


def test_without_placeholders_blanks_what_masking_put_in() -> None:
    masked = mask_pii("Ring meg på 912 34 567 eller skriv til kari@example.org om maten").text
    assert PHONE in masked and EMAIL in masked
    plain = without_placeholders(masked)
    assert "fjernet" not in plain and "telefonnummer" not in plain
    assert plain.split() == ["Ring", "meg", "på", "eller", "skriv", "til", "om", "maten"]
