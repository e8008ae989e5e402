"""The one CSV delimiter guess every import uses (decoding: ``test_textfiles.py``)."""

from __future__ import annotations

import pytest

from medvirk.common.csvtext import sniff_delimiter


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
