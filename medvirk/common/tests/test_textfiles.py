"""Uploaded text: every Unicode form people's tools write is read, anything else is named plainly,
and JSON nested deeper than the limit is refused before anything recurses over it."""

from __future__ import annotations

import codecs
import io
import json
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medvirk.common.textfiles import (
    MAX_JSON_DEPTH,
    DecodedText,
    TextFileError,
    TextProblem,
    decode_text,
    json_depth_exceeds,
    load_json,
)

CSV = "navn;e-post\nÅse Ødegård;ase@example.no\nJørn;j@example.no\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CSV.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + CSV.encode("utf-8"), "UTF-8"),
        (CSV.encode("cp1252"), "Windows-1252"),
        (CSV.encode("utf-16"), "UTF-16"),  # Excel's "Unicode text": little-endian with a BOM
        (codecs.BOM_UTF16_BE + CSV.encode("utf-16-be"), "UTF-16"),
        (CSV.encode("utf-16-le"), "UTF-16"),  # no BOM: recognised by its NUL bytes
        (CSV.encode("utf-16-be"), "UTF-16"),
        (CSV.encode("utf-32"), "UTF-32"),
        (codecs.BOM_UTF32_BE + CSV.encode("utf-32-be"), "UTF-32"),
        (CSV.encode("utf-32-le"), "UTF-32"),
        (CSV.encode("utf-32-be"), "UTF-32"),
    ],
)
def test_every_unicode_form_and_windows_1252_decode(data: bytes, encoding: str) -> None:
    decoded = decode_text(data)
    assert (decoded.text, decoded.encoding) == (CSV, encoding)


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (_xlsx_bytes(), TextProblem.SPREADSHEET),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), TextProblem.OLD_OFFICE),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", TextProblem.PDF),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", TextProblem.BINARY),
        (b"navn\nA\x00B\n", TextProblem.BINARY),  # a stray NUL: PostgreSQL could not store it
        (codecs.BOM_UTF16_LE + "abc".encode("utf-16-le") + b"\x00", TextProblem.BAD_UNICODE),
        (codecs.BOM_UTF16_LE + "\ud800".encode("utf-16-le", "surrogatepass"), TextProblem.BAD_UNICODE),
    ],
)
def test_what_is_not_text_is_named(data: bytes, problem: TextProblem) -> None:
    with pytest.raises(TextFileError) as error:
        decode_text(data)
    assert error.value.code == problem


def test_bytes_undefined_in_windows_1252_stay_visible() -> None:
    assert decode_text(b"a\x81b") == DecodedText("a\ufffdb", "Windows-1252")  # the row shows in the report


def test_json_is_not_read_as_windows_1252() -> None:
    with pytest.raises(TextFileError) as error:
        load_json('{"a": "Ø"}'.encode("cp1252"))
    assert error.value.code == TextProblem.NOT_UTF8


TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=80)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_text_comes_back_unchanged(text: str, codec: str) -> None:
    assert decode_text(text.encode(codec)).text == text


def _nested(depth: int) -> str:
    return '{"a": ' * (depth - 1) + "[]" + "}" * (depth - 1)


def test_json_at_the_depth_limit_loads() -> None:
    assert load_json(_nested(MAX_JSON_DEPTH)) == json.loads(_nested(MAX_JSON_DEPTH))


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 900, 100_000])
def test_json_deeper_than_the_limit_is_refused(depth: int) -> None:
    for document in (_nested(depth), "[" * depth + "]" * depth):
        with pytest.raises(TextFileError) as error:
            load_json(document.encode())
        assert error.value.code == TextProblem.JSON_DEPTH


def test_json_syntax_errors_keep_their_line() -> None:
    with pytest.raises(TextFileError) as error:
        load_json('{\n"a": 1,\n}')
    assert (error.value.code, error.value.lineno) == (TextProblem.JSON_SYNTAX, 3)
    with pytest.raises(TextFileError) as error:
        load_json("[" + "9" * 5000 + "]")  # past Python's limit on digits in an integer
    assert error.value.code == TextProblem.JSON_SYNTAX


def test_json_options_reach_the_parser_and_bytes_may_be_utf16() -> None:
    pairs = load_json('{"a": 1, "a": 2}'.encode("utf-16"), object_pairs_hook=list)
    assert pairs == [("a", 1), ("a", 2)]


def test_depth_of_parsed_values_is_measured_without_recursion() -> None:
    deep: list[object] = []
    for _ in range(50_000):
        deep = [deep]
    assert json_depth_exceeds(deep, 64)
    assert not json_depth_exceeds({"a": [1, {"b": []}]}, 4)  # object, list, object, list
    assert json_depth_exceeds({"a": [1, {"b": []}]}, 3)
    assert not json_depth_exceeds("text", 0)
