"""Import volunteers from CSV: preview with a verdict per row, then confirm (signed rows).

Decodes the file with ``medvirk.core.uploads.read_text`` and guesses the delimiter like every
CSV import (``medvirk.common.csvtext``). Values may be given as keys (``female``, ``16-24``,
``999901``) or as labels (``Kvinne``, ``Bydel Nord``); an empty cell means "prefer not to say".
Imported volunteers count as confirmed: the coordinator states that consent was collected
outside Medvirk, and that statement is stored as their consent text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from medvirk.common import csvpreview
from medvirk.common.dimensions import PREFER_NOT_TO_SAY
from medvirk.core.csv_import import cell_reader, preview_csv
from medvirk.core.uploads import preview_rows_load
from medvirk.orgs.models import Municipality

from .choices import FEATURES, feature_choices
from .models import Volunteer

SIGNING_SALT = "medvirk.panels.import"
SIGNATURE_MAX_AGE = 3600

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("navn", "name"),
    "email": ("e-post", "epost", "email", "e-mail"),
    "age_band": ("aldersgruppe", "alder", "age_band", "age group", "age"),
    "gender": ("kjønn", "kjonn", "gender"),
    "district": ("bydel", "district"),
    "immigrant_background": ("innvandringsbakgrunn", "immigrant_background", "immigrant background"),
    "social_background": ("utdanning", "education", "social_background"),
    "household_key": ("husstand", "household", "adresse", "address"),
}


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    status: str  # "new", "duplicate", "error"
    messages: list[str] = field(default_factory=list)


ImportPreview = csvpreview.ImportPreview[ImportRow]


def _lookup(municipality: Municipality) -> dict[str, dict[str, str]]:
    """Map keys and labels to keys; labels in every UI language, whoever uploads the file."""
    from django.conf import settings
    from django.utils import translation

    out: dict[str, dict[str, str]] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for feature, options in feature_choices(municipality).items():
                table = out.setdefault(feature, {PREFER_NOT_TO_SAY: PREFER_NOT_TO_SAY, "": PREFER_NOT_TO_SAY})
                for key, label in options:
                    table[str(key).casefold()] = key
                    table.setdefault(str(label).casefold(), key)
    return out


def parse_csv(data: bytes, *, municipality: Municipality) -> ImportPreview:
    """Read the file into a preview; nothing is stored."""

    def reader(columns: dict[str, int]) -> Callable[[int, list[str]], ImportRow]:
        lookup = _lookup(municipality)
        existing = set(Volunteer.objects.filter(municipality=municipality).values_list("email", flat=True))
        seen: dict[str, int] = {}
        return lambda line, cells: _row(line, cells, columns, lookup, existing, seen)

    return preview_csv(
        ImportPreview,
        data,
        aliases=COLUMN_ALIASES,
        required=("name", "email"),
        missing=_("The first line must name the columns, with at least “navn” and “e-post”."),
        reader=reader,
    )


def _row(
    line: int,
    cells: list[str],
    columns: dict[str, int],
    lookup: Any,
    existing: set[str],
    seen: dict[str, int],
) -> ImportRow:
    cell = cell_reader(cells, columns)
    values = {
        "name": cell("name")[:150],
        "email": cell("email").lower(),
        "household_key": cell("household_key"),
    }
    row = ImportRow(line, values, "new")
    if not values["name"]:
        row.messages.append(_("The name is missing."))
    try:
        validate_email(values["email"])
    except ValidationError:
        row.messages.append(_("The e-mail address is missing or invalid."))
    for feature, label in FEATURES.items():
        raw = cell(feature)
        key = lookup[feature].get(raw.casefold())
        if key is None:
            row.messages.append(
                _("%(feature)s: unknown value “%(value)s”.") % {"feature": label, "value": raw}
            )
        values[feature] = key or ""
    if row.messages:
        row.status = "error"
    elif values["email"] in existing:
        row.status = "duplicate"
        row.messages.append(_("Already in the pool."))
    elif values["email"] in seen:
        row.status = "duplicate"
        row.messages.append(_("Same e-mail as line %(line)d.") % {"line": seen[values["email"]]})
    else:
        seen[values["email"]] = line
    return row


def sign_rows(rows: list[ImportRow]) -> str:
    return signing.dumps([r.values for r in rows], salt=SIGNING_SALT, compress=True)


def unsign_rows(token: str) -> list[dict[str, str]]:
    """Return the signed rows; raise ServiceError when tampered with or too old."""
    return preview_rows_load(token, salt=SIGNING_SALT, max_age=SIGNATURE_MAX_AGE)
