"""What a user reads on a page, and the rules it must follow (docs/page-text.md).

``visible_text`` takes a page's HTML and returns the text people see or hear: the text of the
body and the title, ``alt``, ``title``, ``placeholder`` and ``aria-label`` attributes, and the
labels of buttons. It leaves out scripts, styles, ``hidden`` elements, the values of form fields
(what a user typed is data, not interface) and every element marked ``data-advanced`` (views for
analysts where keys and method names belong, listed in docs/page-text.md).

``page_text_findings`` applies the rules: no snake_case tokens, no dotted keys, no language codes
shown as names, no words of the kept English list, no jargon outside the advanced views. The word
lists and the allowed exceptions are read from docs/page-text.md, so that page is the one place
to change them.

The HTML is parsed with selectolax (Lexbor, a full HTML5 parser), not by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from medvirk.core.hyphenation import without_soft_hyphens

DOC = Path(__file__).resolve().parents[1] / "docs" / "page-text.md"

# Elements whose text nobody sees: scripts, styles, templates, hidden elements, the advanced views.
# Form fields' values (<textarea>, <input value>) are what the user typed, never interface text.
# <kbd> and <samp> hold what the user types or copies exactly (a language code after an e-mail
# address, a token's first characters), which may be a code on purpose.
_SKIP = "script, style, template, textarea, kbd, samp, [hidden], [data-advanced]"
_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "aria-description")
_BUTTON_VALUES = "input[type=submit][value], input[type=button][value], input[type=reset][value]"

# Text that may carry dots and underscores without being a key: web and e-mail addresses, file names.
_ADDRESS = re.compile(
    r"\b(?:https?://|www\.)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|/[\w./-]*"  # paths shown as text (an address on the same site)
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:no|com|org|net|example|io|eu|gov)\b"
    r"|\b[\w\-. ]+\.(?:pdf|csv|xlsx|json|sav|xml|txt|docx|odt|png|jpe?g|svg)\b",
    re.IGNORECASE,
)
_SNAKE = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w-])")
# Dotted keys ("role.read_only", "surveys.create"): parts of two letters or more, so that
# abbreviations such as "f.eks.", "bl.a." and "t.o.m." are not keys.
_DOTTED = re.compile(r"(?<![\w.])[a-z][a-z0-9_]+(?:\.[a-z][a-z0-9_]+)+(?![\w])")
JARGON = "jargon outside the advanced view (data-advanced)"
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


@dataclass(frozen=True)
class Finding:
    """One token a page should not show, with the rule it breaks and the words around it."""

    rule: str
    token: str
    context: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.token!r} in “…{self.context}…”"


@dataclass(frozen=True)
class Rules:
    """The word lists of docs/page-text.md."""

    english: frozenset[str]  # lower-case single words
    english_phrases: tuple[str, ...]  # phrases of more than one word
    jargon: tuple[str, ...]  # exact words and phrases, allowed only in advanced views
    language_codes: frozenset[str]  # codes that are never a word of the page's language
    allowed: frozenset[str]  # tokens allowed anywhere (names of products and formats)


def _block(text: str, name: str) -> list[str]:
    match = re.search(rf"```{re.escape(name)}\n(.*?)```", text, re.DOTALL)
    if match is None:
        raise AssertionError(f"docs/page-text.md has no ```{name} block")
    return [
        line.split("#", 1)[0].strip() for line in match.group(1).splitlines() if line.split("#", 1)[0].strip()
    ]


@cache
def rules() -> Rules:
    """Read the word lists from docs/page-text.md (one entry a line; ``#`` starts a comment)."""
    from medvirk.common.languages import LANGUAGES

    text = DOC.read_text(encoding="utf-8")
    words = _block(text, "language-code-words")
    english = [w.casefold() for w in _block(text, "english")]
    return Rules(
        english=frozenset(w for w in english if " " not in w),
        english_phrases=tuple(w for w in english if " " in w),
        jargon=tuple(_block(text, "jargon")),
        language_codes=frozenset(code for code in LANGUAGES if "-" not in code) - frozenset(words),
        allowed=frozenset(_block(text, "allowed")),
    )


@cache
def _phrases(phrases: tuple[str, ...], ignore_case: bool) -> re.Pattern[str] | None:
    if not phrases:
        return None
    alternatives = "|".join(
        r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True)
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE if ignore_case else 0)


def visible_text(html: str) -> str:
    """Return the text of an HTML page that people see or hear, one element's text a line."""
    tree = LexborHTMLParser(html)
    parts: list[str] = []
    title = tree.css_first("head > title")
    if title is not None:
        parts.append(title.text())
    for node in tree.css(_SKIP):
        node.decompose()
    body = tree.body
    if body is None:
        return "\n".join(parts)
    for node in body.css(", ".join(f"[{a}]" for a in _ATTRIBUTES)):
        parts.extend(node.attributes.get(a) or "" for a in _ATTRIBUTES if a in node.attributes)
    for node in body.css(_BUTTON_VALUES):
        parts.append(node.attributes.get("value") or "")
    parts.append(body.text(separator="\n"))
    text = without_soft_hyphens("\n".join(parts))  # not heard, so not read: "Bru\xadker…" is one word
    return "\n".join(" ".join(p.split()) for p in text.splitlines() if p.strip())


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 40) : end + 40].split())


def text_findings(text: str, *, usernames: Iterable[str] = ()) -> list[Finding]:
    """Return what in ``text`` (one page's visible text) breaks the rules of docs/page-text.md."""
    rule_set = rules()
    allowed = rule_set.allowed | set(usernames)
    found: list[Finding] = []

    def add(rule: str, token: str, start: int, end: int) -> None:
        if token not in allowed:
            found.append(Finding(rule, token, _context(text, start, end)))

    # Addresses and file names keep their dots and underscores; blank them out, keeping offsets.
    plain = _ADDRESS.sub(lambda m: " " * len(m.group()), text)
    for name in allowed:  # a login name such as "leder.solsikken" is the user's own word
        if "." in name or "_" in name:
            plain = re.sub(rf"(?<![\w.]){re.escape(name)}(?![\w])", lambda m: " " * len(m.group()), plain)
    for m in _SNAKE.finditer(plain):
        add("internal key (snake_case)", m.group(), m.start(), m.end())
    for m in _DOTTED.finditer(plain):
        add("internal key (dotted)", m.group(), m.start(), m.end())
    for m in _WORD.finditer(plain):
        word = m.group()
        if word in rule_set.language_codes:  # lower case only: "NB" is nota bene
            add("language code instead of its name", word, m.start(), m.end())
        elif word.casefold() in rule_set.english:
            add("English word", word, m.start(), m.end())
    for pattern, rule in (
        (_phrases(rule_set.english_phrases, True), "English words"),
        (_phrases(rule_set.jargon, False), JARGON),
    ):
        if pattern is not None:
            for m in pattern.finditer(plain):
                add(rule, m.group(), m.start(), m.end())
    return found


def page_findings(html: str, *, usernames: Iterable[str] = ()) -> list[Finding]:
    """Return what an HTML page shows that breaks the rules of docs/page-text.md."""
    return text_findings(visible_text(html), usernames=usernames) + outline_findings(html)


LEVELS = {f"h{level}": level for level in range(1, 7)}
HEADINGS = ", ".join(LEVELS)
NAME_TWICE = "a name written again instead of pointing to it (aria-labelledby)"
SKIPPED_LEVEL = "a heading skips a level"


def _words(node: LexborNode) -> str:
    return " ".join(without_soft_hyphens(node.text(separator=" ")).split()).casefold()


def outline_findings(html: str) -> list[Finding]:
    """Return where a page's outline reads badly to a screen reader (docs/page-text.md, "Outline").

    A region named with ``aria-label`` by the same words as the heading just before it or as its
    own table's caption is announced two or three times over ("Instrumenter i kommunen, region,
    Instrumenter i kommunen, tabell, Instrumenter i kommunen"): ``aria-labelledby`` points to the
    heading once. A heading more than one level below the heading before it (an h2 then an h4)
    leaves a screen reader's list of headings with a gap.
    """
    tree = LexborHTMLParser(html)
    body = tree.body
    if body is None:
        return []
    for node in body.css("[hidden], template"):
        node.decompose()
    found: list[Finding] = []
    last_heading: tuple[int, LexborNode] | None = None
    for node in body.css(f"{HEADINGS}, [role=region][aria-label]"):
        level = LEVELS.get(node.tag or "")
        if level is not None:
            if last_heading is not None and level > last_heading[0] + 1:
                token = f"h{last_heading[0]} → h{level}"
                found.append(Finding(SKIPPED_LEVEL, token, f"{_words(last_heading[1])} → {_words(node)}"))
            last_heading = (level, node)
            continue
        label = " ".join((node.attributes.get("aria-label") or "").split()).casefold()
        caption = node.css_first("caption")
        if caption is not None and _words(caption) == label:
            found.append(Finding(NAME_TWICE, label, "aria-label = the table's caption"))
        elif last_heading is not None and _words(last_heading[1]) == label:
            found.append(Finding(NAME_TWICE, label, "aria-label = the heading before it"))
    return found
