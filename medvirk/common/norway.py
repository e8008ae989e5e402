"""Validate and normalise Norwegian identifiers: organisation numbers, fødselsnummer and phones.

Pure Python (no Django) so forms, importers and the free-text PII masker share one rule set.
Every check returns a frozen result carrying either the normalised value or an
:class:`IdentifierError` code; callers translate codes into messages, so no user-facing
strings live here.

The organisation-number and fødselsnummer checks are hand-written on purpose: they are a
few lines of MOD11 arithmetic fixed by Brønnøysundregistrene and Skatteetaten, and we need
coded reasons (which control digit failed, impossible control digit, bad date) and explicit
D-/H-number handling that ``python-stdnum`` only reports as untyped exceptions. Phone numbers
follow a numbering plan that changes over time, so they are delegated to ``phonenumbers``
(Google's libphonenumber metadata).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import phonenumbers

__all__ = [
    "FnrKind",
    "FnrResult",
    "IdentifierError",
    "OrgNumberResult",
    "PhoneKind",
    "PhoneResult",
    "is_valid_fnr",
    "is_valid_org_number",
    "looks_like_national_id",
    "mod11_control_digit",
    "normalise_org_number",
    "normalise_phone",
    "validate_fnr",
    "validate_org_number",
]


class IdentifierError(StrEnum):
    """Why an identifier was rejected; stable codes for forms, logs and the API."""

    EMPTY = "empty"
    INVALID_CHARACTERS = "invalid_characters"
    WRONG_LENGTH = "wrong_length"
    # The weighted sum leaves remainder 1, so the control digit would be "10": no such number
    # is ever issued. Reported separately because it means a typo, not a wrong check digit.
    IMPOSSIBLE_CONTROL_DIGIT = "impossible_control_digit"
    WRONG_CONTROL_DIGIT = "wrong_control_digit"
    IMPOSSIBLE_CONTROL_DIGIT_1 = "impossible_control_digit_1"
    WRONG_CONTROL_DIGIT_1 = "wrong_control_digit_1"
    IMPOSSIBLE_CONTROL_DIGIT_2 = "impossible_control_digit_2"
    WRONG_CONTROL_DIGIT_2 = "wrong_control_digit_2"
    INVALID_DATE = "invalid_date"
    NOT_A_PHONE_NUMBER = "not_a_phone_number"
    INVALID_PHONE_NUMBER = "invalid_phone_number"
    NOT_NORWEGIAN = "not_norwegian"


ORG_WEIGHTS: tuple[int, ...] = (3, 2, 7, 6, 5, 4, 3, 2)
FNR_K1_WEIGHTS: tuple[int, ...] = (3, 7, 6, 1, 8, 9, 4, 5, 2)
FNR_K2_WEIGHTS: tuple[int, ...] = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

# Whitespace (including no-break and thin spaces pasted from documents) is formatting only.
_SPACES = re.compile(r"\s+")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def mod11_control_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    """Return the MOD11 control digit for ``digits``, or None when the remainder is 1.

    ``11 - (sum % 11)``, where a result of 11 becomes 0 and 10 is impossible (None).
    """
    if len(digits) != len(weights):
        raise ValueError("digits and weights must have the same length")
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def _clean(raw: str) -> tuple[str, IdentifierError | None]:
    """Strip whitespace and report empty or non-digit input."""
    cleaned = _SPACES.sub("", raw)
    if not cleaned:
        return cleaned, IdentifierError.EMPTY
    # ASCII only: str.isdigit() would accept Arabic-Indic or superscript digits.
    if not _ASCII_DIGITS.fullmatch(cleaned):
        return cleaned, IdentifierError.INVALID_CHARACTERS
    return cleaned, None


# ---------------------------------------------------------------------------------------------
# Organisation number (organisasjonsnummer)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrgNumberResult:
    """Outcome of checking an organisation number: the 9 digits, or an error code."""

    number: str | None
    error: IdentifierError | None

    @property
    def valid(self) -> bool:
        """Return whether the number passed every check."""
        return self.error is None


def validate_org_number(raw: str) -> OrgNumberResult:
    """Check a 9-digit organisation number (spaces allowed) with MOD11 weights 3,2,7,6,5,4,3,2.

    >>> validate_org_number("974 760 673").number
    '974760673'
    """
    digits, error = _clean(raw)
    if error is not None:
        return OrgNumberResult(None, error)
    if len(digits) != 9:
        return OrgNumberResult(None, IdentifierError.WRONG_LENGTH)
    expected = mod11_control_digit(digits[:8], ORG_WEIGHTS)
    if expected is None:
        return OrgNumberResult(None, IdentifierError.IMPOSSIBLE_CONTROL_DIGIT)
    if expected != int(digits[8]):
        return OrgNumberResult(None, IdentifierError.WRONG_CONTROL_DIGIT)
    return OrgNumberResult(digits, None)


def is_valid_org_number(raw: str) -> bool:
    """Return whether ``raw`` is a valid organisation number."""
    return validate_org_number(raw).valid


def normalise_org_number(raw: str, *, grouped: bool = False) -> str:
    """Return the canonical 9 digits (or ``"974 760 673"`` when grouped); raise on invalid.

    Raises ``ValueError`` whose single argument is the :class:`IdentifierError`.
    """
    result = validate_org_number(raw)
    if result.number is None:
        raise ValueError(result.error)
    n = result.number
    return f"{n[:3]} {n[3:6]} {n[6:]}" if grouped else n


# ---------------------------------------------------------------------------------------------
# National identity number (fødselsnummer, D-nummer, H-nummer)
# ---------------------------------------------------------------------------------------------


class FnrKind(StrEnum):
    """Which variant of the national identity number the date part encodes."""

    FODSELSNUMMER = "fodselsnummer"
    D_NUMBER = "d_number"  # 4 added to the first day digit (foreign nationals)
    H_NUMBER = "h_number"  # 4 added to the first month digit (health-sector aux numbers)


@dataclass(frozen=True, slots=True)
class FnrResult:
    """Outcome of checking a national identity number.

    ``birth_date`` is None when the individual number does not pin down the century.
    """

    number: str | None
    kind: FnrKind | None
    birth_date: date | None
    error: IdentifierError | None

    @property
    def valid(self) -> bool:
        """Return whether the number passed every check."""
        return self.error is None


def _centuries(yy: int, individual: int) -> tuple[int, ...]:
    """Return the possible centuries for a two-digit year and individual number (Skatteetaten)."""
    if individual <= 499:
        return (1900,)
    found: list[int] = []
    if individual <= 749 and yy >= 54:
        found.append(1800)
    if yy <= 39:
        found.append(2000)
    if individual >= 900 and yy >= 40:
        found.append(1900)
    # Ranges outside the published table are not issued today, but the 2032 reform changes
    # the individual-number rules; stay tolerant and let the date check use both centuries.
    return tuple(found) or (1900, 2000)


def _birth_date(day: int, month: int, yy: int, individual: int) -> tuple[bool, date | None]:
    """Return (date is valid in some candidate century, the date if the century is unique)."""
    dates: list[date] = []
    for century in _centuries(yy, individual):
        try:
            dates.append(date(century + yy, month, day))
        except ValueError:
            continue
    if not dates:
        return False, None
    return True, dates[0] if len(dates) == 1 else None


def validate_fnr(raw: str) -> FnrResult:
    """Check an 11-digit national identity number incl. D- and H-numbers (spaces allowed).

    Checks length, a real calendar date (after removing the D/H offset of 4 on the first
    day or month digit; both offsets at once is invalid), and both MOD11 control digits.
    """
    digits, error = _clean(raw)
    if error is not None:
        return FnrResult(None, None, None, error)
    if len(digits) != 11:
        return FnrResult(None, None, None, IdentifierError.WRONG_LENGTH)

    day, month, yy = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    kind = FnrKind.FODSELSNUMMER
    if day > 40:
        day -= 40
        kind = FnrKind.D_NUMBER
    if month > 40:
        if kind is FnrKind.D_NUMBER:
            return FnrResult(None, None, None, IdentifierError.INVALID_DATE)
        month -= 40
        kind = FnrKind.H_NUMBER
    date_ok, birth = _birth_date(day, month, yy, int(digits[6:9]))
    if not date_ok:
        return FnrResult(None, None, None, IdentifierError.INVALID_DATE)

    k1 = mod11_control_digit(digits[:9], FNR_K1_WEIGHTS)
    if k1 is None:
        return FnrResult(None, None, None, IdentifierError.IMPOSSIBLE_CONTROL_DIGIT_1)
    if k1 != int(digits[9]):
        return FnrResult(None, None, None, IdentifierError.WRONG_CONTROL_DIGIT_1)
    k2 = mod11_control_digit(digits[:10], FNR_K2_WEIGHTS)
    if k2 is None:
        return FnrResult(None, None, None, IdentifierError.IMPOSSIBLE_CONTROL_DIGIT_2)
    if k2 != int(digits[10]):
        return FnrResult(None, None, None, IdentifierError.WRONG_CONTROL_DIGIT_2)
    return FnrResult(digits, kind, birth, None)


def is_valid_fnr(raw: str) -> bool:
    """Return whether ``raw`` is a valid fødselsnummer, D-number or H-number."""
    return validate_fnr(raw).valid


# Digits split by spaces, dots or dashes are read as one number ("010190 12345", "010190-12345",
# "01.01.90 12345"). Not slashes: a case reference such as "2026/0001234" is no identity number.
_DIGIT_SEPARATORS = re.compile(r"(?<=\d)[\s.\u2013-]+(?=\d)")
_DIGIT_RUNS = re.compile(r"\d+")


def looks_like_national_id(text: str) -> bool:
    """Return whether ``text`` holds a national identity number, however it is written.

    For names that must never be one (a client's alias or case reference): any number of
    exactly 11 digits, valid or not (a mistyped identity number is still one), and any valid
    fødselsnummer, D- or H-number inside a longer run of digits ("rom 12 01019010046"). Digits
    split by spaces, dots or dashes are also read as one number. Free text is masked more
    narrowly (``analysis.text.mask_pii``: valid numbers only), so order numbers survive there.
    """
    runs = _DIGIT_RUNS.findall(text) + _DIGIT_RUNS.findall(_DIGIT_SEPARATORS.sub("", text))
    return any(
        len(run) == 11 or any(is_valid_fnr(run[i : i + 11]) for i in range(len(run) - 10)) for run in runs
    )


# ---------------------------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------------------------


class PhoneKind(StrEnum):
    """Coarse phone number type, enough to decide e.g. whether an SMS can be sent."""

    MOBILE = "mobile"
    FIXED_LINE = "fixed_line"
    FIXED_OR_MOBILE = "fixed_or_mobile"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class PhoneResult:
    """Outcome of checking a phone number: E.164 form (``+4791234567``) or an error code."""

    e164: str | None
    kind: PhoneKind | None
    error: IdentifierError | None

    @property
    def valid(self) -> bool:
        """Return whether the number is a valid, dialable number."""
        return self.error is None


_PHONE_KINDS = {
    phonenumbers.PhoneNumberType.MOBILE: PhoneKind.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE: PhoneKind.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: PhoneKind.FIXED_OR_MOBILE,
}


def normalise_phone(raw: str, *, norwegian_only: bool = True) -> PhoneResult:
    """Check a phone number written as 8 digits, ``+47``/``0047`` or another ``+NN`` prefix.

    Numbers without a country prefix are read as Norwegian. With ``norwegian_only`` (the
    default) foreign numbers give :attr:`IdentifierError.NOT_NORWEGIAN`.
    """
    if not raw.strip():
        return PhoneResult(None, None, IdentifierError.EMPTY)
    try:
        parsed = phonenumbers.parse(raw, "NO")
    except phonenumbers.NumberParseException:
        return PhoneResult(None, None, IdentifierError.NOT_A_PHONE_NUMBER)
    if not phonenumbers.is_valid_number(parsed):
        return PhoneResult(None, None, IdentifierError.INVALID_PHONE_NUMBER)
    if norwegian_only and phonenumbers.region_code_for_number(parsed) != "NO":
        return PhoneResult(None, None, IdentifierError.NOT_NORWEGIAN)
    kind = _PHONE_KINDS.get(phonenumbers.number_type(parsed), PhoneKind.OTHER)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return PhoneResult(e164, kind, None)
