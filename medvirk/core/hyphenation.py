"""Soft hyphens in the long words of headings and other narrow places, in the text's own language.

Norwegian joins words: "brukermedvirkning", "Tjenesteleverandører", "Likeverdighetsrapport". On a
320 px phone such a word in a heading, a legend or a table's header cell does not fit its line, and
CSS ``overflow-wrap`` then cuts it anywhere, without a hyphen ("Tjenesteleveran/dører").

Why soft hyphens written by the server, and not only CSS ``hyphens: auto`` (which app.css also
sets): a browser hyphenates only where it has the language's dictionary. Chromium on Linux has
none offline (Debian's package ships none, nb included), Chrome on a PC fetches them later, and a
browser never has one for a language it does not know. Pyphen (a dependency of WeasyPrint already,
which hyphenates our PDFs with it) ships LibreOffice's Hunspell patterns for bokmål and nynorsk
(``nb_NO``, ``nn_NO``: the spell-norwegian project, GPL; pyphen itself is GPL-2.0+/LGPL-2.1+/
MPL-1.1, so both fit Medvirk's AGPL-3.0-or-later) and for English, so every browser, every test
and every screenshot breaks the same word at the same, correct place ("Tjeneste-leverandører" as
"Tje-neste-le-ve-ran-dø-rer" allows), and the tests can check it.

What a soft hyphen (U+00AD) costs, measured in Chromium: nothing shows unless the line breaks
there; find in page and Playwright's text and role matching ignore it; screen readers do not speak
it. Chromium copies it with the text, so it is put only where words are long enough to need it
(``MIN_LETTERS``), only in headings and the like (``ELEMENTS``), never in addresses, numbers or
codes; text a person would copy (paragraphs, tables, form values) is left alone. Tests that
compare a page's text read it through ``without_soft_hyphens`` (tests/page_text.py does).

The language of each piece of text is the ``lang`` of the nearest element around it that has one
(the page's ``<html lang>``, a survey's text marked with its own language); a language pyphen has
no patterns for (Arabic, Somali, Tigrinya …) is left as it is.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

import pyphen

SOFT_HYPHEN = "\u00ad"
MIN_LETTERS = 16
"""A word shorter than this fits a heading's line at 320 px, in a card too (app.css scales headings
down; "Likeverdighetsrapport", 21 letters, fits a page's heading whole), so it is left whole."""
ELEMENTS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "legend", "summary"})
"""Where text is hyphenated: headings, and what heads a narrow part of a page at 320 px (a
question's legend, a details' summary). Table cells and definition lists keep CSS
``overflow-wrap`` (app.css, results.css): their text is what people copy into a report."""

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<!--.*?-->""", re.DOTALL)
_LANG = re.compile(r"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_ATTRIBUTES = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_ELEMENT = re.compile(
    rf"<({'|'.join(sorted(ELEMENTS))})(\s{_ATTRIBUTES})?>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL
)
_LANG_TAG = re.compile(
    rf"""<([a-zA-Z][a-zA-Z0-9-]*)\s{_ATTRIBUTES}?(?<=\s)lang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)){_ATTRIBUTES}>"""
)
_TOKEN = re.compile(r"\S+")
_LONG_WORD = re.compile(rf"[^\W\d_]{{{MIN_LETTERS},}}")
_NOT_A_WORD = re.compile(r"[@/:=_\d]|&#?\w+;|\.\w")  # an address, a number, a code or an entity
_ALIASES = {"no": "nb", "nob": "nb", "nno": "nn"}


@lru_cache(maxsize=32)
def _dictionary(lang: str) -> pyphen.Pyphen | None:
    code = lang.replace("_", "-").split("-")[0].lower()
    found = pyphen.language_fallback(_ALIASES.get(code, code))
    return pyphen.Pyphen(lang=found, left=3, right=3) if found else None


@lru_cache(maxsize=4096)
def hyphenate_word(word: str, lang: str) -> str:
    """Return ``word`` with soft hyphens where ``lang``'s patterns allow a break."""
    dictionary = _dictionary(lang)
    return dictionary.inserted(word, hyphen=SOFT_HYPHEN) if dictionary is not None else word


def hyphenate_text(text: str, lang: str) -> str:
    """Return plain (or escaped HTML) text with soft hyphens in its long words."""
    if _dictionary(lang) is None:
        return text

    def token(match: re.Match[str]) -> str:
        value = match.group()
        if SOFT_HYPHEN in value or _NOT_A_WORD.search(value):
            return value
        return _LONG_WORD.sub(lambda word: hyphenate_word(word.group(), lang), value)

    return _TOKEN.sub(token, text)


def without_soft_hyphens(text: str) -> str:
    """Return ``text`` as a person reads it aloud or searches it: without soft hyphens."""
    return text.replace(SOFT_HYPHEN, "")


def hyphenate_html(html: str, lang: str) -> str:
    """Return an HTML page (or an htmx fragment) with soft hyphens in the long words of the text
    inside ``ELEMENTS``, each in the language of the nearest ``lang`` around it (``lang`` for
    text with none).

    Regular expressions find the few elements that hold a long word, then the language around
    each (an element with a ``lang`` is followed to its end by counting the tags of its name), so
    a page without such a heading costs one search (15 ms for 500 KB on a loaded CI machine; 100 ms
    when all 1,600 headings of such a page hold one)."""
    found = [m for m in _ELEMENT.finditer(html) if _LONG_WORD.search(m.group(3))]
    if not found:
        return html
    regions = _lang_regions(html)  # in the order they start, each inside the ones it follows or not
    starts = [region[0] for region in regions]
    out: list[str] = []
    position = 0
    for match in found:
        start = match.start(3)
        text_lang = lang
        # The innermost element around the text with a lang (its own heading's included): the
        # latest to start before it that has not ended.
        for region in reversed(regions[: bisect.bisect_left(starts, start)]):
            if region[1] > start:
                text_lang = region[2]
                break
        out += [html[position:start], _walk(match.group(3), text_lang)]
        position = match.end(3)
    out.append(html[position:])
    return "".join(out)


def _lang_regions(html: str) -> list[tuple[int, int, str]]:
    """Return (start, end, language) of every element with a ``lang`` attribute."""
    regions = []
    for tag in _LANG_TAG.finditer(html):
        name = tag.group(1).lower()
        value = next((v for v in tag.group(2, 3, 4) if v is not None), "")
        end = tag.end()
        if name not in _VOID and not tag.group(0).endswith("/>"):
            depth = 1
            for other in re.compile(rf"<(/?){re.escape(name)}[\s/>]", re.IGNORECASE).finditer(html, end):
                depth += -1 if other.group(1) else 1
                if depth == 0:
                    end = other.start()
                    break
            else:
                end = len(html)
        regions.append((tag.start(), end, value))
    return regions


def _walk(html: str, lang: str) -> str:
    """Return a piece of HTML with soft hyphens in every long word of its text, in the language of
    the nearest ``lang`` inside it (``lang`` for text with none)."""
    out: list[str] = []
    langs: list[list[str | int]] = [["", 1, lang]]  # [tag name, open count, language]
    position = 0
    for match in _TAG.finditer(html):
        out += [hyphenate_text(html[position : match.start()], str(langs[-1][2])), match.group()]
        position = match.end()
        name = (match.group(2) or "").lower()
        if not name:
            continue  # a comment
        top = langs[-1]
        if match.group(1) == "/":
            if name == top[0]:
                top[1] = int(top[1]) - 1
                if top[1] == 0:
                    langs.pop()
        elif name not in _VOID and not match.group(3).rstrip().endswith("/"):
            found = _LANG.search(match.group(3))
            if found:
                langs.append([name, 1, next(v for v in found.groups() if v is not None)])
            elif name == top[0]:
                top[1] = int(top[1]) + 1
    out.append(hyphenate_text(html[position:], str(langs[-1][2])))
    return "".join(out)
