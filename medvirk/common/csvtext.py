"""Reading uploaded CSV files the way Norwegian offices save them: the one delimiter guess.

The delimiter is a semicolon (Excel with a Norwegian locale), a comma or a tab. Used by every CSV
import (population tables and user counts, organisations, volunteers); the bytes are decoded by
``medvirk.common.textfiles.decode_text`` (UTF-8/16/32 or Windows-1252, or a plain refusal).
"""

from __future__ import annotations

import re

DELIMITERS = (";", "\t", ",")

_QUOTED = re.compile(r'"[^"]*"')


def sniff_delimiter(text: str) -> str:
    """Return the delimiter of a file's first line: the most frequent of ``;``, tab and ``,`` outside
    quotes (a semicolon on a tie, and when the line has none: Excel's choice with a Norwegian locale).
    """
    first = text.split("\n", 1)[0]
    unquoted = _QUOTED.sub("", first)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"
