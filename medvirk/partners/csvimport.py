"""Import organisations from a CSV list (e.g. the Register of Non-Profit Organisations).

Two steps: :func:`parse_csv` reads the file (UTF-8, UTF-16 or UTF-32 with or without BOM, or
Windows-1252, decoded by ``medvirk.core.uploads.read_text``; comma, semicolon or tab) into a
preview with a verdict per row; the rows to create travel to the confirm step signed with
``django.core.signing``, and :func:`organisations_import` creates them. Nothing is stored before
the confirm step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

from medvirk.common import csvpreview
from medvirk.common.norway import validate_org_number
from medvirk.core.csv_import import cell_reader, preview_csv
from medvirk.core.uploads import preview_rows_load
from medvirk.orgs.models import Municipality, org_number_problem

from .models import Organisation
from .types import OrganisationKind

SIGNING_SALT = "medvirk.partners.import"
SIGNATURE_MAX_AGE = 3600

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "org_number": (
        "organisasjonsnummer",
        "orgnr",
        "org.nr",
        "org nr",
        "organisasjonsnr",
        "org_number",
        "organisation number",
        "organization number",
    ),
    "name": ("navn", "name", "organisasjonsnavn", "organisation name", "organization name"),
    "category": ("kategori", "category", "organisasjonsform", "type", "kind", "art"),
}
# Keywords in a category text → kind; anything else from a register of non-profits is voluntary.
KIND_KEYWORDS: list[tuple[str, str]] = [
    ("innvandr", OrganisationKind.IMMIGRANT),
    ("immigrant", OrganisationKind.IMMIGRANT),
    ("flerkultur", OrganisationKind.IMMIGRANT),
    ("bruker", OrganisationKind.USER_ORGANISATION),
    ("pasient", OrganisationKind.USER_ORGANISATION),
    ("user", OrganisationKind.USER_ORGANISATION),
    ("tros", OrganisationKind.FAITH),
    ("livssyn", OrganisationKind.FAITH),
    ("religi", OrganisationKind.FAITH),
    ("menighet", OrganisationKind.FAITH),
    ("faith", OrganisationKind.FAITH),
    ("sosial entrepren", OrganisationKind.SOCIAL_ENTREPRENEUR),
    ("social entrepren", OrganisationKind.SOCIAL_ENTREPRENEUR),
]


@dataclass
class ImportRow:
    """One data row of the file and what importing it would do."""

    line: int
    name: str
    org_number: str
    category: str
    kind: str
    status: str  # "new", "duplicate" (already registered), "error"
    messages: list[str] = field(default_factory=list)


ImportPreview = csvpreview.ImportPreview[ImportRow]


def kind_for(category: str) -> str:
    """Map a register category text to an organisation kind."""
    low = category.lower()
    for keyword, kind in KIND_KEYWORDS:
        if keyword in low:
            return kind
    return OrganisationKind.VOLUNTARY


def parse_csv(data: bytes, *, municipality: Municipality) -> ImportPreview:
    """Read a CSV file into a preview; every row gets a status and readable messages."""

    def reader(columns: dict[str, int]) -> Callable[[int, list[str]], ImportRow]:
        existing = set(
            Organisation.objects.filter(municipality=municipality)
            .exclude(org_number="")
            .values_list("org_number", flat=True)
        )
        seen: dict[str, int] = {}
        return lambda line, cells: _row(line, cells, columns, existing, seen)

    return preview_csv(
        ImportPreview,
        data,
        aliases=COLUMN_ALIASES,
        required=("name", "org_number"),
        missing=_("The first line must name the columns, with at least “organisasjonsnummer” and “navn”."),
        reader=reader,
    )


def _row(
    line: int, cells: list[str], columns: dict[str, int], existing: set[str], seen: dict[str, int]
) -> ImportRow:
    cell = cell_reader(cells, columns)
    name, raw_number, category = cell("name"), cell("org_number"), cell("category")
    row = ImportRow(line, name[:200], raw_number, category, kind_for(category), "new")
    if not name:
        row.messages.append(_("The name is missing."))
    result = validate_org_number(raw_number)
    if result.number is None:
        row.messages.append(
            _("The organisation number is missing.") if not raw_number else org_number_problem(result.error)
        )
    else:
        row.org_number = result.number
    if row.messages:
        row.status = "error"
        return row
    if row.org_number in existing:
        row.status = "duplicate"
        row.messages.append(_("Already in the register."))
    elif row.org_number in seen:
        row.status = "duplicate"
        row.messages.append(_("Same organisation number as line %(line)d.") % {"line": seen[row.org_number]})
    else:
        seen[row.org_number] = line
    return row


def sign_rows(rows: list[ImportRow]) -> str:
    """Return the rows to create, signed, for the hidden field of the confirm form."""
    payload = [{"name": r.name, "org_number": r.org_number, "kind": r.kind} for r in rows]
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def unsign_rows(token: str) -> list[dict[str, Any]]:
    """Return the signed rows; raise ServiceError when tampered with or too old."""
    return preview_rows_load(token, salt=SIGNING_SALT, max_age=SIGNATURE_MAX_AGE)
