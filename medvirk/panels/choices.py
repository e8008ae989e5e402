"""Quota features of volunteers and their categories (stable keys shared with population data)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medvirk.common.dimensions import AGE_BAND, GENDER, IMMIGRANT_BACKGROUND, PREFER_NOT_TO_SAY, Dimension
from medvirk.orgs.models import Municipality
from medvirk.orgs.selectors import district_names


class PanelStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SELECTED = "selected", _("Selected")
    CLOSED = "closed", _("Closed")


class PanelMethod(models.TextChoices):
    # Plain words on every page; the methods' names (LEXIMIN, greedy) only under "About the method".
    LEXIMIN = "leximin", _("Fair draw: everyone gets as equal a chance as possible")
    LEGACY = "legacy", _("Simple draw, only to compare with")


EDUCATION: list[tuple[str, Any]] = [
    ("primary", _("Primary and lower secondary school")),
    ("upper_secondary", _("Upper secondary school")),
    ("higher", _("University or university college")),
]
PREFER_NOT: tuple[str, Any] = (PREFER_NOT_TO_SAY, _("Prefer not to say"))

#: Quota features in display order: key → label.
FEATURES: dict[str, Any] = {
    "age_band": _("Age group"),
    "gender": _("Gender"),
    "district": _("City district"),
    "immigrant_background": _("Immigrant background"),
    "social_background": _("Education"),
}


def _dimension_choices(dim: Dimension) -> list[tuple[str, str]]:
    lang = (get_language() or "nb")[:2]
    return [(c.key, c.label(lang)) for c in dim.categories]


def feature_choices(municipality: Municipality) -> dict[str, list[tuple[str, Any]]]:
    """Return every feature's categories (without 'prefer not to say')."""
    return {
        "age_band": [(k, lbl) for k, lbl in _dimension_choices(AGE_BAND) if k != "0-15"],
        "gender": _dimension_choices(GENDER),
        "district": list(district_names(municipality_id=municipality.pk).items()),
        "immigrant_background": _dimension_choices(IMMIGRANT_BACKGROUND),
        "social_background": EDUCATION,
    }


def value_label(choices: dict[str, list[tuple[str, Any]]], feature: str, value: str) -> str:
    """Return the readable label of a feature value."""
    if value == PREFER_NOT_TO_SAY:
        return str(PREFER_NOT[1])
    return str(dict(choices.get(feature, [])).get(value, value))
