"""The one registry of languages surveys can be offered in: names, writing direction, and whether
Medvirk ships the respondent page texts (buttons, messages, e-mails) in the language.

Every page, form, export and check reads languages from here: the survey form's choices, the
respondent's language switch, staff pages ("arabisk", never "ar"), XLSForm column headers, the
``dir`` of respondent pages, e-mails and the translation page. Pure Python (``medvirk.common``).

Codes are the BCP 47 tags survey definitions use (``nb``, ``ar``, ``ckb``, ``ku-Arab``); a code
not listed here is still a valid survey language: it is named by its code, written left to right
unless its script subtag says otherwise, and gets the English page texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    """One language: how it names itself, its names in Medvirk's own languages, its direction."""

    code: str
    endonym: str  # the name in the language itself, as a language switch shows it
    nb: str  # the name in bokmål, as running text writes it ("arabisk")
    nn: str  # … in nynorsk
    en: str  # … in English
    rtl: bool = False  # written right to left
    national: bool = False  # Norway's own (Norwegian and Sami): XLSForm headers use the endonym
    respondent_texts: bool = False  # Medvirk ships the respondent page texts in it
    listed: bool = True  # offered when a survey is created (others arrive by import or JSON)

    @property
    def direction(self) -> str:
        """Return the HTML ``dir`` value: ``"rtl"`` or ``"ltr"``."""
        return "rtl" if self.rtl else "ltr"

    def name(self, ui_language: str) -> str:
        """Return the language's name in a page language (``nb``, ``nn``; English otherwise)."""
        return {"nb": self.nb, "nn": self.nn}.get(ui_language, self.en)

    def label(self, ui_language: str) -> str:
        """Return how a list of languages shows it: the endonym, and the name in the page
        language when that says something more (``العربية (arabisk)``, ``Norsk bokmål``)."""
        name = self.name(ui_language)
        return self.endonym if name.casefold() in self.endonym.casefold() else f"{self.endonym} ({name})"


def _lang(
    code: str,
    endonym: str,
    nb: str,
    en: str,
    *,
    nn: str | None = None,
    rtl: bool = False,
    national: bool = False,
    texts: bool = False,
    listed: bool = True,
) -> Language:
    return Language(code, endonym, nb, nn or nb, en, rtl, national, texts, listed)


# Ordered as the survey form lists them: Medvirk's own languages, Sami, then by how many people in
# Norway speak them (roughly). Bokmål and nynorsk names of languages are the same words here.
LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        _lang("nb", "Norsk bokmål", "bokmål", "Norwegian Bokmål", national=True, texts=True),
        _lang("nn", "Norsk nynorsk", "nynorsk", "Norwegian Nynorsk", national=True, texts=True),
        _lang("en", "English", "engelsk", "English", texts=True),
        _lang("no", "Norsk", "norsk", "Norwegian", national=True, listed=False),  # files name it
        _lang("se", "Davvisámegiella", "nordsamisk", "Northern Sami", national=True),
        _lang("sma", "Åarjelsaemien", "sørsamisk", "Southern Sami", national=True),
        _lang("smj", "Julevsámegiella", "lulesamisk", "Lule Sami", national=True),
        _lang("ar", "العربية", "arabisk", "Arabic", rtl=True, texts=True),
        _lang("pl", "Polski", "polsk", "Polish", texts=True),
        _lang("uk", "Українська", "ukrainsk", "Ukrainian", texts=True),
        _lang("so", "Soomaali", "somali", "Somali"),
        _lang("ur", "اردو", "urdu", "Urdu", rtl=True, texts=True),
        _lang("fa", "فارسی", "persisk", "Persian", rtl=True, texts=True),
        _lang("prs", "دری", "dari", "Dari", rtl=True),
        _lang("ps", "پښتو", "pashto", "Pashto", rtl=True),
        _lang("ckb", "کوردی", "sorani", "Central Kurdish", rtl=True),
        _lang("ku", "Kurdî", "kurdisk", "Kurdish"),
        _lang("ti", "ትግርኛ", "tigrinja", "Tigrinya"),
        _lang("am", "አማርኛ", "amharisk", "Amharic"),
        _lang("lt", "Lietuvių", "litauisk", "Lithuanian", texts=True),
        _lang("ru", "Русский", "russisk", "Russian", texts=True),
        _lang("es", "Español", "spansk", "Spanish", texts=True),
        _lang("de", "Deutsch", "tysk", "German", texts=True),
        _lang("fr", "Français", "fransk", "French", texts=True),
        _lang("sv", "Svenska", "svensk", "Swedish"),
        _lang("da", "Dansk", "dansk", "Danish"),
        _lang("fi", "Suomi", "finsk", "Finnish"),
        _lang("tr", "Türkçe", "tyrkisk", "Turkish"),
        _lang("ro", "Română", "rumensk", "Romanian"),
        _lang("sq", "Shqip", "albansk", "Albanian"),
        _lang("bs", "Bosanski", "bosnisk", "Bosnian"),
        _lang("vi", "Tiếng Việt", "vietnamesisk", "Vietnamese"),
        _lang("th", "ไทย", "thai", "Thai"),
        _lang("ta", "தமிழ்", "tamil", "Tamil"),
        _lang("tl", "Tagalog", "tagalog", "Tagalog"),
        _lang("sw", "Kiswahili", "swahili", "Swahili"),
        _lang("he", "עברית", "hebraisk", "Hebrew", rtl=True, listed=False),
    )
}

#: Right-to-left scripts (ISO 15924). A script subtag decides the direction whatever the
#: language (``ku-Arab`` right to left, ``ckb-Latn`` left to right).
_RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr"})


def get(code: str) -> Language | None:
    """Return the registry entry of a code or of its primary language (``ar-SA`` → Arabic)."""
    return LANGUAGES.get(code) or LANGUAGES.get(code.split("-")[0].lower())


def is_rtl(code: str) -> bool:
    """Return whether text in the language ``code`` runs right to left.

    A script subtag decides (``ku-Arab`` right to left, ``ckb-Latn`` left to right); otherwise
    the primary language's entry; an unknown language is left to right.
    """
    for subtag in code.lower().split("-")[1:]:
        if len(subtag) == 4 and subtag.isalpha():  # a script subtag (regions have 2 or 3)
            return subtag in _RTL_SCRIPTS
    found = get(code)
    return bool(found and found.rtl)


def direction(code: str) -> str:
    """Return the HTML ``dir`` value of a language: ``"rtl"`` or ``"ltr"``."""
    return "rtl" if is_rtl(code) else "ltr"


def endonym(code: str) -> str:
    """Return the language's name in itself (its code if unknown)."""
    found = LANGUAGES.get(code)
    return found.endonym if found else code


def name(code: str, ui_language: str) -> str:
    """Return the language's name in a page language: ``name("ar", "nb")`` is ``"arabisk"``."""
    found = LANGUAGES.get(code)
    return found.name(ui_language) if found else code


def label(code: str, ui_language: str) -> str:
    """Return how a list of languages shows a code (see :meth:`Language.label`)."""
    found = LANGUAGES.get(code)
    return found.label(ui_language) if found else code


def listed() -> list[Language]:
    """Return the languages offered when a survey is created, in the registry's order."""
    return [language for language in LANGUAGES.values() if language.listed]


def has_respondent_texts(code: str) -> bool:
    """Return whether Medvirk ships the respondent page texts in the language (else English)."""
    found = LANGUAGES.get(code)
    return bool(found and found.respondent_texts)


def code_for_name(text: str) -> str | None:
    """Return the code a language name means (any of its names, any case), or None."""
    return _BY_NAME.get(text.strip().casefold())


#: What people also write; "Norwegian" in a file almost always means bokmål.
ALSO_WRITTEN = {"norwegian": "nb", "bokmal": "nb", "north sami": "se", "farsi": "fa"}
_BY_NAME: dict[str, str] = {
    spelling.casefold(): language.code
    for language in LANGUAGES.values()
    for spelling in (language.endonym, language.nb, language.nn, language.en)
} | ALSO_WRITTEN


# Embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI). An unclosed
# override in a name reverses what follows it on the page ("Kari\u202e..." shown to a case
# handler), so text from outsiders is stored without them; the marks (LRM, RLM, ALM) stay.
BIDI_CONTROLS = "".join(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_BIDI_CONTROLS = re.compile(f"[{BIDI_CONTROLS}]")


def without_bidi_controls(text: str) -> str:
    """Return ``text`` without the bidirectional embedding, override and isolate characters."""
    return _BIDI_CONTROLS.sub("", text)
