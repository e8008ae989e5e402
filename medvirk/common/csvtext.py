"""Reading uploaded CSV files the way Norwegian offices save them: the one decoder and delimiter guess.

Spreadsheets here save UTF-8 (with or without a byte-order mark) or, from older Excel, Windows-1252;
the delimiter is a semicolon (Excel with a Norwegian locale), a comma or a tab. Used by every CSV
import (population tables and user counts, organisations, volunteers).
"""

from __future__ import annotations

import re

UTF8 = "UTF-8"
WINDOWS_1252 = "Windows-1252"
DELIMITERS = (";", "\t", ",")

_QUOTED = re.compile(r'"[^"]*"')


def decode(data: bytes) -> tuple[str, str]:
    """Return the text and the name of its encoding: UTF-8 (a byte-order mark dropped) or Windows-1252.

    Windows-1252 leaves five bytes undefined; they become U+FFFD so the row stays visible in an
    error report rather than failing the whole file.
    """
    try:
        return data.decode("utf-8-sig"), UTF8
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), WINDOWS_1252


def sniff_delimiter(text: str) -> str:
    """Return the delimiter of a file's first line: the most frequent of ``;``, tab and ``,`` outside
    quotes (a semicolon on a tie, and when the line has none: Excel's choice with a Norwegian locale).
    """
    first = text.split("\n", 1)[0]
    unquoted = _QUOTED.sub("", first)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"
