"""The one CSV decoder and delimiter guess every import uses."""

from __future__ import annotations

import pytest

from medvirk.common.csvtext import decode, sniff_delimiter


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Sør".encode("utf-8-sig"), ("Sør", "UTF-8")),
        ("Sør".encode(), ("Sør", "UTF-8")),
        ("Sør".encode("cp1252"), ("Sør", "Windows-1252")),
        (b"a\x81b", ("a\ufffdb", "Windows-1252")),  # undefined in Windows-1252: kept visible
    ],
)
def test_decode_utf8_with_or_without_bom_else_windows_1252(data: bytes, expected: tuple[str, str]) -> None:
    assert decode(data) == expected


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ('"a";"b";"c"', ";"),
        ("a,b,c", ","),
        ('"x; y",b,c', ","),  # a semicolon inside quotes does not count
        ("a\tb", "\t"),
        ("name;org,nr\nx,y,z,w", ";"),  # only the first line counts; a tie goes to the semicolon
        ("single column\n1", ";"),
        ("", ";"),
    ],
)
def test_sniff_delimiter_reads_the_first_line(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter
