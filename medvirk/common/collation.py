"""Names in the order a Norwegian reader looks for them: a–z, then æ, ø, å, whatever the page's language.

A list of clients, units or organisations is read by someone who knows the Norwegian alphabet,
in bokmål, nynorsk and English alike: "Åse" comes after "Øystein", which comes after "Zara".
Neither Python's ``sorted`` nor a database's binary or English collation does that (both put
"Å" before "Æ" and "Ø", English puts them among the a's and o's, binary puts every capital
before every small letter).

This key follows Unicode's Norwegian collation (CLDR ``nb``, what PostgreSQL's ICU collation
``nb-NO-x-icu`` does, so a list sorted here and one sorted by the database agree): small and
capital letters sort together (small first where the names are otherwise equal); ``æ``/``ä``,
``ø``/``ö`` and ``å``/``aa`` are the last three letters; ``ü`` is a ``y``; other accents are
ignored ("é" is an "e"). ICU itself (PyICU) would need the ICU headers and a C++ build on every
machine: these few rules are the part of it that names need.
"""

from __future__ import annotations

import unicodedata

__all__ = ["compare", "name_key"]

# The last three letters of the Norwegian alphabet (and those CLDR sorts as one of them) as the
# three characters after "z" in code point order; "ü" as a "y".
_LETTERS = str.maketrans({"æ": "{", "ä": "{", "ø": "|", "ö": "|", "ő": "|", "å": "}", "ü": "y", "ű": "y"})


def name_key(text: str) -> tuple[str, str]:
    """Return the sort key of a name in Norwegian alphabetical order (use as ``sorted(key=...)``)."""
    folded = unicodedata.normalize("NFC", text).casefold().replace("aa", "å").translate(_LETTERS)
    base = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return base, text.swapcase()  # equal letters: small before capital, as ICU


def compare(a: str | None, b: str | None) -> int:
    """Compare two names as :func:`name_key` orders them (-1, 0, 1); a missing one comes first."""
    if a is None or b is None:
        return (a is not None) - (b is not None)
    ka, kb = name_key(a), name_key(b)
    return (ka > kb) - (ka < kb)
