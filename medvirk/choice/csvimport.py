"""Import a service's current clients, per provider, from a CSV file (when choice starts, or from
another system).

Two steps like every import in Medvirk: :func:`parse_csv` reads the file (``core.uploads``:
UTF-8/16 or Windows-1252; comma, semicolon or tab) into a preview with a verdict per line; the
rows travel signed (``django.core.signing``) to the confirm step, where ``services.clients_import``
checks them again and stores all of them in one transaction, or none. Unlike the organisations
import, a file with any bad line is rejected whole, and the preview lists every bad line: a
client list half imported would leave providers with half their clients.

Columns (a header line names them; Norwegian or English): alias (``alias``, ``saksnummer``),
provider (``leverandør`` by name or organisation number), first day (``fra``, ``startdato``),
decision date (``vedtaksdato``, optional: the first day when missing), and optionally the
background the case handler's record has (``bydel``, ``aldersgruppe``, ``innvandringsbakgrunn``,
``språk``). Dates as 31.12.2026 or 2026-12-31.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

from medvirk.common import csvpreview, languages
from medvirk.common.norway import validate_org_number
from medvirk.core.csv_import import cell_reader, preview_csv
from medvirk.core.errors import ServiceError
from medvirk.core.uploads import preview_rows_load

from .models import Approval, ChoiceService, Client
from .services import Background, clean_alias, clean_background

SIGNING_SALT = "medvirk.choice.import"
SIGNATURE_MAX_AGE = 3600

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "alias": ("alias", "saksnummer", "saksnr", "referanse", "case reference", "client"),
    "provider": ("leverandør", "leverandor", "provider", "leverandørens organisasjonsnummer", "orgnr"),
    "starts_on": ("fra", "startdato", "fra dato", "første dag", "start", "starts on", "first day"),
    "decision_on": ("vedtaksdato", "vedtak", "decision date", "decision"),
    "district": ("bydel", "district", "område", "area"),
    "age_band": ("aldersgruppe", "alder", "age group", "age band"),
    "immigrant_background": ("innvandringsbakgrunn", "immigrant background"),
    "language": ("språk", "sprak", "language", "foretrukket språk"),
}
REQUIRED = ("alias", "provider", "starts_on")
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y")


@dataclass
class ImportRow:
    """One data line and what importing it would do."""

    line: int
    alias: str
    provider: str  # the provider's name as found, or the text given
    starts_on: str
    messages: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # what the confirm step stores

    @property
    def ok(self) -> bool:
        return not self.messages

    @property
    def status(self) -> str:
        """The row's verdict as the shared preview page names it."""
        return "new" if self.ok else "error"


class ImportPreview(csvpreview.ImportPreview[ImportRow]):
    """What the file contains; importable only when every line is (nothing is stored otherwise)."""

    all_or_nothing = True


def parse_date(text: str) -> date | None:
    """Return a date written as 31.12.2026, 2026-12-31, 31.12.26 or 31/12/2026; None otherwise."""
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class _Providers:
    """The service's approved providers, found by organisation number or name (any case)."""

    def __init__(self, service: ChoiceService) -> None:
        self.approvals = {
            a.provider_id: a
            for a in Approval.objects.filter(service=service).select_related("provider__unit")
        }
        self.by_number = {a.provider.org_number: a for a in self.approvals.values()}
        self.by_name = {a.provider.name.casefold(): a for a in self.approvals.values()}

    def find(self, text: str) -> Approval | None:
        number = validate_org_number(text)
        if number.number is not None:
            return self.by_number.get(number.number)
        return self.by_name.get(text.strip().casefold())


def parse_csv(data: bytes, *, service: ChoiceService) -> ImportPreview:
    """Read a CSV file of current clients into a preview with every problem per line."""

    def reader(columns: dict[str, int]) -> Callable[[int, list[str]], ImportRow]:
        providers = _Providers(service)
        existing = {
            a.casefold() for a in Client.objects.filter(service=service).values_list("alias", flat=True)
        }
        seen: dict[str, int] = {}
        return lambda line, cells: _row(line, cells, columns, service, providers, existing, seen)

    preview = preview_csv(
        ImportPreview,
        data,
        aliases=COLUMN_ALIASES,
        required=REQUIRED,
        missing=_("The first line must name the columns, with at least “alias”, “leverandør” and “fra”."),
        reader=reader,
    )
    if not preview.rows and not preview.errors:
        preview.errors = [_("The file has no clients.")]
    return preview


def _row(
    line: int,
    cells: list[str],
    columns: dict[str, int],
    service: ChoiceService,
    providers: _Providers,
    existing: set[str],
    seen: dict[str, int],
) -> ImportRow:
    cell = cell_reader(cells, columns)
    row = ImportRow(line, cell("alias")[:60], cell("provider"), cell("starts_on"))
    try:
        row.alias = clean_alias(row.alias)
    except ServiceError as error:
        row.messages.append(str(error.message))
    if row.alias and row.alias.casefold() in existing:
        row.messages.append(_("This service already has a client with this alias."))
    elif row.alias and row.alias.casefold() in seen:
        row.messages.append(_("Same alias as line %(line)d.") % {"line": seen[row.alias.casefold()]})
    elif row.alias:
        seen[row.alias.casefold()] = line
    starts_on = parse_date(row.starts_on)
    if starts_on is None:
        row.messages.append(_("Write the first day as a date, e.g. 01.02.2026."))
    decision_text = cell("decision_on")
    decision_on = parse_date(decision_text) if decision_text else starts_on
    if decision_text and decision_on is None:
        row.messages.append(_("Write the decision date as a date, e.g. 01.02.2026."))
    elif starts_on and decision_on and decision_on > starts_on:
        row.messages.append(_("The decision date is after the first day."))
    approval = providers.find(row.provider) if row.provider else None
    if approval is None:
        row.messages.append(
            _("No provider approved for this service has this name or organisation number.")
            if row.provider
            else _("The provider is missing.")
        )
    else:
        row.provider = approval.provider.name
    language = cell("language")
    code = (
        language if languages.get(language) else (languages.code_for_name(language) or "") if language else ""
    )
    if language and not code:
        row.messages.append(_("Unknown language: %(language)s.") % {"language": language})
    background = Background(
        district=cell("district"),
        age_band=cell("age_band"),
        immigrant_background=cell("immigrant_background"),
        language=code,
    )
    try:
        clean_background(background, service.municipality_id)
    except ServiceError as error:
        row.messages.append(str(error.message))
    if approval is not None and starts_on is not None and not approval.serves(background.district):
        row.messages.append(_("The provider does not serve the client's city district."))
    if row.ok:
        assert starts_on is not None and decision_on is not None and approval is not None
        row.data = {
            "alias": row.alias,
            "provider": approval.provider_id,
            "starts_on": starts_on.isoformat(),
            "decision_on": decision_on.isoformat(),
            "district": background.district,
            "age_band": background.age_band,
            "immigrant_background": background.immigrant_background,
            "language": background.language,
        }
    return row


def _salt(service: ChoiceService) -> str:
    """Bind the signed rows to one service: another service's confirm step cannot read them."""
    return f"{SIGNING_SALT}.{service.pk}"


def sign_rows(preview: ImportPreview, service: ChoiceService) -> str:
    """Return the rows to store, signed and bound to the service, for the confirm form."""
    if not preview.importable:
        raise ValueError("only a file without bad lines can be imported")
    return signing.dumps([r.data for r in preview.rows], salt=_salt(service), compress=True)


def unsign_rows(token: str, service: ChoiceService) -> list[dict[str, Any]]:
    """Return the signed rows; raise ServiceError when tampered with, too old or for another service."""
    return preview_rows_load(token, salt=_salt(service), max_age=SIGNATURE_MAX_AGE)
