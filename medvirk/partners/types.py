"""Fixed vocabularies of the organisations register: kinds, competence fields, languages, groups.

Stable keys are stored; labels are translated when shown. Countries use Statistics Norway's
three-digit country codes, so an organisation's countries line up with the country-background
groups in population data (``medvirk.population``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    VOLUNTARY = "voluntary", _("Voluntary organisation")
    USER_ORGANISATION = "user_organisation", _("User organisation")
    IMMIGRANT = "immigrant", _("Immigrant organisation")
    SOCIAL_ENTREPRENEUR = "social_entrepreneur", _("Social entrepreneur")
    FAITH = "faith", _("Faith or life-stance community")
    OTHER = "other", _("Other")


class Competence(models.TextChoices):
    ANTI_DISCRIMINATION = "anti_discrimination", _("Anti-discrimination")
    LANGUAGE_GROUP = "language_group", _("A language group")
    DISABILITY = "disability", _("Disability")
    ADDICTION_MENTAL_HEALTH = "addiction_mental_health", _("Addiction and mental health")
    CHILDREN = "children", _("Children")
    YOUTH = "youth", _("Youth")
    ELDERLY = "elderly", _("Elderly")
    FAMILIES = "families", _("Families")
    WOMEN = "women", _("Women")
    LGBTQ = "lgbtq", _("LGBTQ+")
    HEALTH = "health", _("Health")
    EDUCATION_WORK = "education_work", _("Education and work")
    INTEGRATION = "integration", _("Integration and settling in")
    OTHER = "other", _("Other")


class Group(models.TextChoices):
    """Groups an organisation can speak for, besides country backgrounds."""

    IMMIGRANTS = "immigrants", _("Immigrants")
    REFUGEES = "refugees", _("Refugees")
    NATIONAL_MINORITIES = "national_minorities", _("National minorities")
    SAMI = "sami", _("Sami")
    YOUTH = "youth", _("Young people")
    ELDERLY = "elderly", _("Elderly")
    FAMILIES = "families", _("Families with children")
    DISABILITY = "disability", _("People with disabilities")
    MENTAL_HEALTH = "mental_health", _("People with mental health or addiction problems")
    LGBTQ = "lgbtq", _("LGBTQ+ people")
    LOW_INCOME = "low_income", _("People with low income")


# ISO 639 codes of languages widely spoken in Norway; the label is the language's English name.
LANGUAGE_CHOICES: list[tuple[str, object]] = [
    ("nb", _("Norwegian")),
    ("se", _("Northern Sami")),
    ("en", _("English")),
    ("pl", _("Polish")),
    ("lt", _("Lithuanian")),
    ("ar", _("Arabic")),
    ("so", _("Somali")),
    ("sv", _("Swedish")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("ti", _("Tigrinya")),
    ("ku", _("Kurdish")),
    ("de", _("German")),
    ("ur", _("Urdu")),
    ("fa", _("Persian")),
    ("prs", _("Dari")),
    ("ps", _("Pashto")),
    ("tr", _("Turkish")),
    ("vi", _("Vietnamese")),
    ("ta", _("Tamil")),
    ("tl", _("Tagalog")),
    ("th", _("Thai")),
    ("es", _("Spanish")),
    ("am", _("Amharic")),
    ("sq", _("Albanian")),
    ("bs", _("Bosnian, Croatian, Serbian")),
    ("sign", _("Norwegian Sign Language")),
]
LANGUAGE_KEYS = {k for k, _label in LANGUAGE_CHOICES}

# Statistics Norway country codes of common country backgrounds, with their main languages so a
# country-background group can be matched to organisations by language too.
COUNTRY_CHOICES: list[tuple[str, object]] = [
    ("131", _("Poland")),
    ("136", _("Lithuania")),
    ("564", _("Syria")),
    ("346", _("Somalia")),
    ("106", _("Sweden")),
    ("148", _("Ukraine")),
    ("241", _("Eritrea")),
    ("452", _("Iraq")),
    ("144", _("Germany")),
    ("534", _("Pakistan")),
]
COUNTRY_KEYS = {k for k, _label in COUNTRY_CHOICES}
COUNTRY_LANGUAGES: dict[str, tuple[str, ...]] = {
    "131": ("pl",),
    "136": ("lt",),
    "564": ("ar", "ku"),
    "346": ("so",),
    "106": ("sv",),
    "148": ("uk", "ru"),
    "241": ("ti",),
    "452": ("ar", "ku"),
    "144": ("de",),
    "534": ("ur",),
}


def labels(choices: list[tuple[str, object]] | type[models.TextChoices], keys: list[str]) -> list[str]:
    """Return the translated labels of ``keys`` (unknown keys as themselves), in the given order."""
    pairs = choices.choices if isinstance(choices, type) else choices
    by_key = dict(pairs)
    return [str(by_key.get(k, k)) for k in keys]


@dataclass
class OrganisationData:
    """The editable fields of an organisation, as forms, the API, import and proposals give them."""

    name: str
    org_number: str = ""
    kind: str = OrganisationKind.VOLUNTARY
    description: str = ""
    district_ids: list[int] = field(default_factory=list)
    competences: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    website: str = ""
    listed_publicly: bool = True
    is_competence_partner: bool = False
    partner_from: date | None = None
    partner_until: date | None = None
    partner_support: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OrganisationData:
        """Build from a dict with the same keys (unknown keys ignored; dates as ISO strings)."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("partner_from", "partner_until"):
            if isinstance(known.get(key), str):
                known[key] = date.fromisoformat(known[key]) if known[key] else None
        return cls(**known)

    def as_json(self) -> dict[str, Any]:
        """Return a JSON-safe dict (dates as ISO strings)."""
        out = dict(self.__dict__)
        for key in ("partner_from", "partner_until"):
            out[key] = out[key].isoformat() if out[key] else None
        return out
