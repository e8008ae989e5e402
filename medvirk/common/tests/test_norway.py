"""Tests for Norwegian identifier validation."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medvirk.common.norway import (
    FNR_K1_WEIGHTS,
    FNR_K2_WEIGHTS,
    FnrKind,
    IdentifierError,
    PhoneKind,
    is_valid_fnr,
    is_valid_org_number,
    looks_like_national_id,
    mod11_control_digit,
    normalise_org_number,
    normalise_phone,
    validate_fnr,
    validate_org_number,
)


def make_fnr(first9: str) -> str | None:
    """Append both control digits, or return None when one would be impossible."""
    k1 = mod11_control_digit(first9, FNR_K1_WEIGHTS)
    if k1 is None:
        return None
    k2 = mod11_control_digit(first9 + str(k1), FNR_K2_WEIGHTS)
    return None if k2 is None else f"{first9}{k1}{k2}"


def first_fnr(date6: str, individuals: range) -> str:
    """Return the first valid number for a date part, trying individual numbers in order."""
    for individual in individuals:
        fnr = make_fnr(f"{date6}{individual:03d}")
        if fnr is not None:
            return fnr
    raise AssertionError("no valid individual number in range")


def test_org_number_valid_with_spaces() -> None:
    assert validate_org_number("974 760 673").number == "974760673"
    assert normalise_org_number(" 974760673 ") == "974760673"
    assert normalise_org_number("974760673", grouped=True) == "974 760 673"
    assert is_valid_org_number("9\u00a074760673")


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", IdentifierError.EMPTY),
        ("   ", IdentifierError.EMPTY),
        ("97476067", IdentifierError.WRONG_LENGTH),
        ("9747606731", IdentifierError.WRONG_LENGTH),
        ("974-760-673", IdentifierError.INVALID_CHARACTERS),
        ("97476067x", IdentifierError.INVALID_CHARACTERS),
        ("٩٧٤٧٦٠٦٧٣", IdentifierError.INVALID_CHARACTERS),
        ("974760672", IdentifierError.WRONG_CONTROL_DIGIT),
    ],
)
def test_org_number_errors(raw: str, error: IdentifierError) -> None:
    assert validate_org_number(raw).error is error
    with pytest.raises(ValueError):
        normalise_org_number(raw)


def test_org_number_remainder_one_is_impossible() -> None:
    # 3*1 + 2*0 + ... chosen so the weighted sum of the first 8 digits is 1 mod 11.
    first8 = next(
        f"{n:08d}"
        for n in range(10_000_000, 10_100_000)
        if mod11_control_digit(f"{n:08d}", (3, 2, 7, 6, 5, 4, 3, 2)) is None
    )
    for last in "0123456789":
        assert validate_org_number(first8 + last).error is IdentifierError.IMPOSSIBLE_CONTROL_DIGIT


def test_org_number_remainder_zero_gives_zero() -> None:
    assert mod11_control_digit("00000000", (3, 2, 7, 6, 5, 4, 3, 2)) == 0


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.integers(min_value=0, max_value=99_999_999), st.integers(min_value=0, max_value=9))
def test_org_number_exactly_one_control_digit_fits(first: int, last: int) -> None:
    first8 = f"{first:08d}"
    valid_lasts = [d for d in range(10) if is_valid_org_number(f"{first8}{d}")]
    assert len(valid_lasts) <= 1
    assert (last in valid_lasts) == is_valid_org_number(f"{first8}{last}")


def test_fnr_ordinary() -> None:
    fnr = first_fnr("010190", range(100, 500))  # 1 Jan 1990, individual < 500 -> 1900s
    result = validate_fnr(fnr)
    assert result.valid
    assert result.kind is FnrKind.FODSELSNUMMER
    assert result.birth_date == date(1990, 1, 1)
    assert is_valid_fnr(f"{fnr[:6]} {fnr[6:]}")


def test_fnr_d_and_h_numbers() -> None:
    d_number = make_fnr("410190123")
    h_number = make_fnr("014190123")
    assert d_number and h_number
    assert validate_fnr(d_number).kind is FnrKind.D_NUMBER
    assert validate_fnr(d_number).birth_date == date(1990, 1, 1)
    assert validate_fnr(h_number).kind is FnrKind.H_NUMBER
    both = make_fnr("414190123")
    assert both is not None
    assert validate_fnr(both).error is IdentifierError.INVALID_DATE


def test_fnr_century_from_individual_number() -> None:
    cases = [
        ("010105", range(500, 1000), 2005),
        ("010160", range(900, 1000), 1960),
        ("010160", range(750, 900), None),  # not in the issuing table: century unknown
        ("010160", range(0, 500), 1960),
        ("010160", range(500, 750), 1860),
    ]
    for date6, individuals, year in cases:
        fnr = first_fnr(date6, individuals)
        result = validate_fnr(fnr)
        assert result.valid
        assert result.birth_date == (date(year, 1, 1) if year else None)


@pytest.mark.parametrize("date6", ["320190", "011390", "290201", "310490", "007190", "000190"])
def test_fnr_invalid_dates(date6: str) -> None:
    fnr = first_fnr(date6, range(0, 500))
    assert validate_fnr(fnr).error is IdentifierError.INVALID_DATE


def test_fnr_leap_day() -> None:
    leap = make_fnr("290200500") or make_fnr("290200501")  # 2000 is a leap year
    assert leap is not None
    assert validate_fnr(leap).birth_date == date(2000, 2, 29)


def test_fnr_control_digit_errors() -> None:
    fnr = first_fnr("010190", range(100, 500))
    bad_k1 = fnr[:9] + str((int(fnr[9]) + 1) % 10) + fnr[10]
    bad_k2 = fnr[:10] + str((int(fnr[10]) + 1) % 10)
    assert validate_fnr(bad_k1).error in {
        IdentifierError.WRONG_CONTROL_DIGIT_1,
        IdentifierError.IMPOSSIBLE_CONTROL_DIGIT_1,
    }
    assert validate_fnr(bad_k2).error is IdentifierError.WRONG_CONTROL_DIGIT_2
    assert validate_fnr("12345678901").error is not None
    assert not is_valid_fnr("12345678901")
    assert validate_fnr("0101901234").error is IdentifierError.WRONG_LENGTH
    assert validate_fnr("0101901234a").error is IdentifierError.INVALID_CHARACTERS


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    st.integers(min_value=0, max_value=499),
    st.sampled_from(list(FnrKind)),
)
def test_fnr_generated_round_trip(born: date, individual: int, kind: FnrKind) -> None:
    day = born.day + (40 if kind is FnrKind.D_NUMBER else 0)
    month = born.month + (40 if kind is FnrKind.H_NUMBER else 0)
    fnr = make_fnr(f"{day:02d}{month:02d}{born.year % 100:02d}{individual:03d}")
    if fnr is None:
        return
    result = validate_fnr(fnr)
    assert result.valid
    assert result.kind is kind
    assert result.birth_date == born
    # Any single-digit change in a control digit must be caught.
    for pos in (9, 10):
        for digit in "0123456789":
            if digit != fnr[pos]:
                assert not is_valid_fnr(fnr[:pos] + digit + fnr[pos + 1 :])


@pytest.mark.parametrize(
    ("raw", "e164", "kind"),
    [
        ("912 34 567", "+4791234567", PhoneKind.MOBILE),
        ("+47 91234567", "+4791234567", PhoneKind.MOBILE),
        ("0047 22 22 22 22", "+4722222222", PhoneKind.FIXED_LINE),
        ("41 23 45 67", "+4741234567", PhoneKind.MOBILE),
    ],
)
def test_phone_valid(raw: str, e164: str, kind: PhoneKind) -> None:
    result = normalise_phone(raw)
    assert result.e164 == e164
    assert result.kind is kind


def test_phone_errors() -> None:
    assert normalise_phone("").error is IdentifierError.EMPTY
    assert normalise_phone("hei").error is IdentifierError.NOT_A_PHONE_NUMBER
    assert normalise_phone("12345678").error is IdentifierError.INVALID_PHONE_NUMBER
    assert normalise_phone("+46 70 123 45 67").error is IdentifierError.NOT_NORWEGIAN
    assert normalise_phone("+46 70 123 45 67", norwegian_only=False).e164 == "+46701234567"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("01019010046", True),  # valid
        ("01019012345", True),  # 11 digits, not valid: a mistyped number is still one
        ("010190 10046", True),
        ("010190-10046", True),
        ("01.01.90 10046", True),
        ("010190\u201310046", True),
        ("rom 12 01019010046", True),  # a valid number inside a longer run of digits
        ("rom 1201019010046", True),
        ("Kari 3", False),
        ("2026000123456", False),  # 13 digits, no valid number inside
        ("sak 2026/0001234", False),  # a case reference: slashes do not join digits
        ("tlf 912 34 567", False),
    ],
)
def test_an_identity_number_is_found_however_it_is_written(text: str, found: bool) -> None:
    assert looks_like_national_id(text) is found
