"""Standard background dimensions shared by surveys, population data, panels and equity analysis.

One source of truth: a survey's background questions, Statistics Norway tables mapped on import,
service-user counts and volunteer attributes all use these keys, so groups line up everywhere.
This module is pure Python (no Django), so ``medvirk.analysis`` and parsers may import it.
Labels are marked for translation lazily by the callers that render them; here they are plain
bokmål/English pairs so pure code stays import-safe.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFER_NOT_TO_SAY = "prefer_not_to_say"


def _in_language(lang: str, nb: str, nn: str, en: str) -> str:
    """Return the text in bokmål, nynorsk (bokmål when there is none) or, for any other language, English."""
    if lang == "nn":
        return nn or nb
    return nb if lang == "nb" else en


@dataclass(frozen=True, slots=True)
class Category:
    """One category of a dimension: a stable key and its labels."""

    key: str
    label_nb: str
    label_en: str
    label_nn: str = ""

    def label(self, lang: str) -> str:
        """Return the label in bokmål, nynorsk (falling back to bokmål) or English."""
        return _in_language(lang, self.label_nb, self.label_nn, self.label_en)


@dataclass(frozen=True, slots=True)
class Dimension:
    """A background dimension with ordered categories (plus the implicit 'prefer not to say')."""

    key: str
    label_nb: str
    label_en: str
    categories: tuple[Category, ...]
    label_nn: str = ""

    def label(self, lang: str) -> str:
        """Return the dimension's name in bokmål, nynorsk or English."""
        return _in_language(lang, self.label_nb, self.label_nn, self.label_en)

    def keys(self) -> tuple[str, ...]:
        """Return the category keys in display order, without 'prefer not to say'."""
        return tuple(c.key for c in self.categories)


@dataclass(frozen=True, slots=True)
class AgeBand:
    """An age band [low, high] in whole years; ``high`` is None for an open upper band."""

    key: str
    low: int
    high: int | None

    def contains(self, age: int) -> bool:
        """Return whether a one-year age falls in this band."""
        return age >= self.low and (self.high is None or age <= self.high)


AGE_BANDS: tuple[AgeBand, ...] = (
    AgeBand("0-15", 0, 15),
    AgeBand("16-24", 16, 24),
    AgeBand("25-34", 25, 34),
    AgeBand("35-44", 35, 44),
    AgeBand("45-54", 45, 54),
    AgeBand("55-66", 55, 66),
    AgeBand("67-79", 67, 79),
    AgeBand("80+", 80, None),
)


def age_band_for(age: int) -> str:
    """Map a one-year age (as in SSB table 07459) to the standard age band key."""
    if age < 0:
        raise ValueError(f"age must be non-negative, got {age}")
    for band in AGE_BANDS:
        if band.contains(age):
            return band.key
    raise AssertionError("AGE_BANDS cover every non-negative age")  # pragma: no cover


AGE_BAND = Dimension(
    "age_band",
    "Aldersgruppe",
    "Age group",
    tuple(Category(b.key, b.key.replace("-", "–") + " år", b.key.replace("-", "–")) for b in AGE_BANDS),
)

GENDER = Dimension(
    "gender",
    "Kjønn",
    "Gender",
    (
        Category("female", "Kvinne", "Female"),
        Category("male", "Mann", "Male"),
        Category("other", "Annet", "Other", "Anna"),
    ),
)

# District categories are the municipality's own org areas (city districts); keys are region
# codes such as "999901". They are not fixed here: see medvirk.orgs for a municipality's list.
DISTRICT = Dimension("district", "Bydel du bor i", "City district of residence", ())

HOME_LANGUAGE = Dimension(
    "home_language",
    "Språk hjemme",
    "Language spoken at home",
    label_nn="Språk heime",
    categories=(
        Category("norwegian", "Norsk", "Norwegian"),
        Category(
            "norwegian_and_other",
            "Norsk og et annet språk",
            "Norwegian and another language",
            "Norsk og eit anna språk",
        ),
        Category("other", "Et annet språk", "Another language", "Eit anna språk"),
    ),
)

IMMIGRANT_BACKGROUND = Dimension(
    "immigrant_background",
    "Innvandringsbakgrunn",
    "Immigrant background",
    (
        Category("immigrant", "Innvandrer", "Immigrant", "Innvandrar"),
        Category(
            "norwegian_born_to_immigrants",
            "Norskfødt med innvandrerforeldre",
            "Norwegian-born to immigrant parents",
            "Norskfødd med innvandrarforeldre",
        ),
        Category("rest", "Øvrig befolkning", "Rest of the population", "Resten av befolkninga"),
    ),
)

FUNCTIONAL_IMPAIRMENT = Dimension(
    "functional_impairment",
    "Funksjonsnedsettelse",
    "Functional impairment",
    label_nn="Funksjonsnedsetjing",
    categories=(
        Category("yes", "Ja", "Yes"),
        Category("no", "Nei", "No"),
    ),
)

STANDARD_DIMENSIONS: tuple[Dimension, ...] = (
    AGE_BAND,
    GENDER,
    DISTRICT,
    HOME_LANGUAGE,
    IMMIGRANT_BACKGROUND,
    FUNCTIONAL_IMPAIRMENT,
)

DIMENSIONS_BY_KEY: dict[str, Dimension] = {d.key: d for d in STANDARD_DIMENSIONS}

# Demo municipalities (fictional; codes outside SSB's real range so they never collide).
DEMO_MUNICIPALITY_CODE = "9999"
DEMO_DISTRICTS: dict[str, str] = {
    "999901": "Bydel Nord",
    "999902": "Bydel Sør",
    "999903": "Bydel Øst",
    "999904": "Bydel Vest",
    "999905": "Bydel Sentrum",
}
SECOND_DEMO_MUNICIPALITY_CODE = "9998"
