"""Import a unit's service-user counts from a CSV file exported from a case system.

The file is long-format, one count per row, with the columns ``dimension``, ``category`` and
``count`` (Norwegian or English headers; comma, semicolon or tab; UTF-8, UTF-16 or Windows-1252).
Dimensions and categories may be given as Medvirk's keys or as their labels in bokmål, nynorsk
or English, so a file typed by hand works as well as a machine export. Everything is checked
before anything is stored: a file with any error is reported line by line and nothing is saved;
a clean file replaces, for each dimension it contains, that year's counts (as the form does).
The parsed counts travel from the preview to the confirm step signed with
``django.core.signing``, so the file does not have to be uploaded twice.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core import signing
from django.utils.translation import gettext as _

from medvirk.common.csvtext import sniff_delimiter
from medvirk.common.dimensions import DIMENSIONS_BY_KEY, PREFER_NOT_TO_SAY
from medvirk.core.errors import ServiceError
from medvirk.core.uploads import UploadRefused, read_text

from . import services
from .csvimport import parse_norwegian_number
from .enums import PopulationErrorCode

MAX_BYTES = 1_000_000
MAX_ROWS = 2000
SIGNING_SALT = "medvirk.population.user_counts_import"
SIGNATURE_MAX_AGE = 3600

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "dimension": ("dimension", "dimensjon", "bakgrunn", "background", "variabel", "variable"),
    "category": ("category", "kategori", "gruppe", "group", "verdi", "value"),
    "count": ("count", "antall", "tal", "number", "brukere", "brukarar", "users", "n"),
}


@dataclass
class CountsPreview:
    """What importing the file would store, or why it cannot be imported."""

    year: int
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.counts)


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


def _dimension_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for key in services.USER_COUNT_DIMENSIONS:
        dim = DIMENSIONS_BY_KEY[key]
        for name in (key, dim.label_nb, dim.label_nn, dim.label_en):
            if name:
                lookup[_norm(name)] = key
    return lookup


def _category_lookup(dimension: str) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for c in DIMENSIONS_BY_KEY[dimension].categories:
        if c.key == PREFER_NOT_TO_SAY:
            continue
        for name in (c.key, c.label_nb, c.label_nn, c.label_en):
            if name:
                lookup[_norm(name)] = c.key
    return lookup


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = _norm(raw)
        for column, aliases in HEADER_ALIASES.items():
            if name in aliases and column not in found:
                found[column] = index
    missing = [c for c in HEADER_ALIASES if c not in found]
    return found, missing


def parse_user_counts(data: bytes, *, year: int) -> CountsPreview:
    """Read a user-count CSV into counts per dimension and category, collecting every error."""
    preview = CountsPreview(year=year)
    if len(data) > MAX_BYTES:
        preview.errors.append((0, _("The file is larger than 1 MB.")))
        return preview
    try:
        text = read_text(data).text
    except UploadRefused as refused:
        preview.errors.append((0, str(refused.message)))
        return preview
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        preview.errors.append((1, _("The file is empty.")))
        return preview
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(lines[0]))
    header = next(reader, [])
    columns, missing = _columns(header)
    if missing:
        preview.errors.append(
            (
                1,
                _("The first line must name the columns dimension, category and count; missing: %(cols)s.")
                % {"cols": ", ".join(missing)},
            )
        )
        return preview
    dimensions = _dimension_lookup()
    categories = {d: _category_lookup(d) for d in services.USER_COUNT_DIMENSIONS}
    seen: dict[tuple[str, str], int] = {}
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        preview.rows += 1
        if preview.rows > MAX_ROWS:
            preview.errors.append((line_no, _("The file has more than %(n)s rows.") % {"n": MAX_ROWS}))
            break

        def cell(column: str, row: list[str] = row) -> str:
            index = columns[column]
            return row[index].strip() if index < len(row) else ""

        dim_text, cat_text, count_text = cell("dimension"), cell("category"), cell("count")
        dimension = dimensions.get(_norm(dim_text))
        if dimension is None:
            preview.errors.append(
                (line_no, _("Unknown background dimension “%(value)s”.") % {"value": dim_text})
            )
            continue
        category = categories[dimension].get(_norm(cat_text))
        if category is None:
            preview.errors.append((line_no, _("Unknown category “%(value)s”.") % {"value": cat_text}))
            continue
        try:
            number = parse_norwegian_number(count_text).value
        except ValueError:
            number = -1
        if number is None:
            continue  # empty or ".." means not known, as an empty field in the form
        if not isinstance(number, int) or number < 0:
            preview.errors.append(
                (line_no, _("“%(value)s” is not a whole number, 0 or more.") % {"value": count_text})
            )
            continue
        if (dimension, category) in seen:
            preview.errors.append(
                (
                    line_no,
                    _("This category was already given on line %(line)s.")
                    % {"line": seen[(dimension, category)]},
                )
            )
            continue
        seen[(dimension, category)] = line_no
        preview.counts.setdefault(dimension, {})[category] = number
    if not preview.counts and not preview.errors:
        preview.errors.append((0, _("The file has no counts.")))
    return preview


def template_rows(language: str = "nb") -> Iterable[list[str]]:
    """Yield a fill-in template: a header and one row per dimension and category, count empty."""
    yield ["dimension", "category", "count"]
    for key in services.USER_COUNT_DIMENSIONS:
        for c in DIMENSIONS_BY_KEY[key].categories:
            if c.key != PREFER_NOT_TO_SAY:
                yield [key, c.key, ""]


def sign_counts(preview: CountsPreview) -> str:
    """Return a signed token carrying the previewed counts to the confirm step."""
    return signing.dumps({"year": preview.year, "counts": preview.counts}, salt=SIGNING_SALT)


def unsign_counts(token: str) -> tuple[int, dict[str, dict[str, int]]]:
    """Return the year and counts of a token; raise ServiceError if it is forged or expired."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=SIGNATURE_MAX_AGE)
    except signing.BadSignature as error:
        raise ServiceError(
            PopulationErrorCode.IMPORT_EXPIRED,
            _("The preview has expired or was changed. Upload the file again."),
        ) from error
    return int(data["year"]), {
        str(d): {str(k): int(v) for k, v in c.items()} for d, c in data["counts"].items()
    }
