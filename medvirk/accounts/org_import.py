"""Import a municipality's organisation tree from its HR system's export (CSV or XLSX).

Two steps like every import in Medvirk: :func:`read_tree_file` reads the file into lines and
:func:`tree_plan` says, per line, what importing it would do (create, update, nothing) or why it
cannot; the lines travel signed (``django.core.signing``) to the confirm step, where
:func:`org_import_services.org_tree_import` plans again against the tree as it is then (locked)
and stores every line in one transaction, or nothing when any line is bad: a tree half imported
would leave units under the wrong parent.

Columns (a header line names them, Norwegian or English, any order): unit (``enhet``), parent
(``overordnet``: the parent's unit code, organisation number or name, empty for a unit directly
under the municipality), service area (``tjenesteområde``), organisation number
(``organisasjonsnummer``), and optionally unit code (``enhetskode``) and kind (``nivå``).

A line updates, in this order: the unit with its unit code; else the one unit with its
organisation number (when no other line has that number); else the unit with its name under the
same parent. So a re-import updates the tree instead of duplicating it. An empty cell keeps what
the unit has. Units in Medvirk that the file no longer lists (neither as a line nor as a parent)
are listed in the plan as likely closed (``TreePlan.missing``); the administrator may mark any of
them closed when confirming (``OrgUnit.closed_on``), which deletes nothing. A closed unit that a
later file lists again is reopened.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.common.norway import validate_org_number
from medvirk.common.workbook import first_sheet_rows
from medvirk.core.csv_import import CsvUnreadable, open_csv
from medvirk.core.errors import ServiceError
from medvirk.core.uploads import UploadRefused, check_archive, parse_limited, preview_rows_load
from medvirk.orgs.models import Municipality, OrgUnit, ServiceArea, UnitKind, org_number_problem

from .enums import AccountsErrorCode

MAX_BYTES = 5_000_000
MAX_ROWS = 10_000
SIGNING_SALT = "medvirk.accounts.org_import"
SIGNATURE_MAX_AGE = 3600
WORKBOOK_MODULES = ("medvirk.common.workbook",)  # preloaded by the parsing child's fork server

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("enhet", "enhetsnavn", "navn", "eining", "einingsnamn", "namn", "unit", "unit name", "name"),
    "parent": (
        "overordnet",
        "overordnet enhet",
        "overordna",
        "overordna eining",
        "forelder",
        "parent",
        "parent unit",
    ),
    "service_area": ("tjenesteområde", "tenesteområde", "tjenesteomrade", "service area", "sektor"),
    "org_number": (
        "organisasjonsnummer",
        "orgnr",
        "org.nr",
        "org nr",
        "org.nr.",
        "organisation number",
        "organization number",
    ),
    "unit_code": ("enhetskode", "einingskode", "enhetsnummer", "kode", "ansvar", "unit code", "code"),
    "kind": ("nivå", "type", "enhetstype", "kind", "level"),
}
REQUIRED = ("name", "parent")

# Words HR systems use for service areas besides Medvirk's own labels (in nb, nn and en).
SERVICE_AREA_WORDS: dict[str, str] = {
    "barnehager": ServiceArea.KINDERGARTEN,
    "skoler": ServiceArea.SCHOOL,
    "grunnskole": ServiceArea.SCHOOL,
    "hjemmetjeneste": ServiceArea.HOME_CARE,
    "heimeteneste": ServiceArea.HOME_CARE,
    "hjemmesykepleie": ServiceArea.HOME_CARE,
    "hjemmebaserte tjenester": ServiceArea.HOME_CARE,
    "heimebaserte tenester": ServiceArea.HOME_CARE,
    "sykehjem": ServiceArea.NURSING_HOME,
    "sjukeheim": ServiceArea.NURSING_HOME,
    "helse": ServiceArea.HEALTH,
    "nav": ServiceArea.WELFARE,
    "velferd": ServiceArea.WELFARE,
    "stab": ServiceArea.ADMINISTRATION,
    "ungdomsklubb": ServiceArea.YOUTH_CLUB,
}
KIND_WORDS: dict[str, str] = {"bydel": UnitKind.DISTRICT, "etat": UnitKind.AGENCY, "enhet": UnitKind.UNIT}


class Action:
    """What a line does."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class TreeLine:
    """One data line of the file as text (what the confirm step receives, signed)."""

    line: int
    name: str
    parent: str = ""
    service_area: str = ""
    org_number: str = ""
    unit_code: str = ""
    kind: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class TreeFile:
    """The lines of an uploaded file, or what makes the whole file unreadable."""

    lines: list[TreeLine]
    errors: list[str] = field(default_factory=list)


@dataclass
class LinePlan:
    """What importing one line would do, in words."""

    line: int
    name: str
    source: TreeLine | None = None  # the line as read, signed for the confirm step
    parent_name: str = ""
    action: str = Action.CREATE
    changes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """The line's verdict as the shared preview page (``core/import_preview.html``) names it."""
        return "error" if self.problems else "new"

    @property
    def messages(self) -> list[str]:
        """What the preview says after the verdict: the problems, or what changes."""
        return self.problems or self.changes


@dataclass(frozen=True)
class MissingUnit:
    """A unit in Medvirk that the file does not list: likely closed in the HR system."""

    pk: int
    name: str
    parent_name: str


@dataclass
class TreePlan:
    """The verdict on every line; importable only when no line has a problem."""

    lines: list[LinePlan]
    errors: list[str] = field(default_factory=list)
    missing: list[MissingUnit] = field(default_factory=list)  # listed only when every line is good
    closed: list[MissingUnit] = field(default_factory=list)  # those marked closed by the import

    @property
    def bad_lines(self) -> list[LinePlan]:
        return [p for p in self.lines if p.problems]

    @property
    def bad_line_numbers(self) -> str:
        return ", ".join(str(p.line) for p in self.bad_lines)

    @property
    def rows(self) -> list[LinePlan]:
        """The lines, as the shared preview page names them."""
        return self.lines

    @property
    def new_rows(self) -> list[LinePlan]:
        """The lines to store: all of them, or none when any line is bad."""
        return self.lines if self.importable else []

    @property
    def importable(self) -> bool:
        return bool(self.lines) and not self.errors and not self.bad_lines

    def count(self, action: str) -> int:
        """Return how many good lines do ``action``."""
        return sum(1 for p in self.lines if not p.problems and p.action == action)

    @property
    def created(self) -> int:
        return self.count(Action.CREATE)

    @property
    def updated(self) -> int:
        return self.count(Action.UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(Action.UNCHANGED)


# --- Reading the file ---------------------------------------------------------------------------


def read_tree_file(data: bytes, filename: str) -> TreeFile:
    """Read an uploaded CSV or XLSX file into lines; refusals of the upload guard become file errors."""
    if len(data) > MAX_BYTES:
        return TreeFile(
            [], [_("The file is too large (at most %(mb)d MB).") % {"mb": MAX_BYTES // 1_000_000}]
        )
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        try:
            check_archive(data)
            rows = parse_limited(first_sheet_rows, data, MAX_ROWS, preload=WORKBOOK_MODULES)
        except UploadRefused as refused:
            return TreeFile([], [str(refused.message)])
        if rows is None:
            return TreeFile([], [_("The file could not be read as an Excel workbook (.xlsx).")])
        if not rows:
            return TreeFile([], [_("The file is empty.")])
        header, body = rows[0][1], rows[1:]
    else:
        try:
            csv_file = open_csv(data, max_bytes=MAX_BYTES)
            header, body = csv_file.header, list(csv_file.lines(max_rows=MAX_ROWS))
        except CsvUnreadable as problem:
            return TreeFile([], [problem.message])
    if len(body) > MAX_ROWS:
        return TreeFile([], [_("The file has more than %(n)d lines.") % {"n": MAX_ROWS}])
    columns = _columns(header)
    if any(key not in columns for key in REQUIRED):
        return TreeFile(
            [],
            [
                _(
                    "The first line must name the columns, with at least “enhet” (the unit) and "
                    "“overordnet” (its parent)."
                )
            ],
        )
    lines = [_line(number, cells, columns) for number, cells in body if any(c.strip() for c in cells)]
    if not lines:
        return TreeFile([], [_("The file has no units.")])
    return TreeFile(lines)


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, raw in enumerate(header):
        cell = " ".join(raw.strip().lower().lstrip("\ufeff").split())
        for key, names in COLUMN_ALIASES.items():
            if key not in found and cell in names:
                found[key] = i
    return found


def _line(number: int, cells: list[str], columns: dict[str, int]) -> TreeLine:
    def cell(key: str) -> str:
        i = columns.get(key)
        return " ".join(cells[i].split()) if i is not None and i < len(cells) else ""

    return TreeLine(
        line=number,
        name=cell("name"),
        parent=cell("parent"),
        service_area=cell("service_area"),
        org_number=cell("org_number"),
        unit_code=cell("unit_code"),
        kind=cell("kind"),
    )


def lines_from_dicts(rows: Iterable[Any]) -> list[TreeLine]:
    """Return the lines the preview signed; ServiceError when they are not lines."""
    try:
        return [TreeLine(**row) for row in rows]
    except TypeError:
        raise ServiceError(
            AccountsErrorCode.IMPORT_INVALID, gettext_lazy("The preview has expired. Upload the file again.")
        ) from None


def lines_load(token: str) -> list[TreeLine]:
    """Return the lines signed into the confirm form; ServiceError when tampered with or too old."""
    rows = preview_rows_load(
        token, salt=SIGNING_SALT, max_age=SIGNATURE_MAX_AGE, code=AccountsErrorCode.IMPORT_INVALID
    )
    return lines_from_dicts(rows)


def lines_sign(plans: list[LinePlan]) -> str:
    """Return the planned lines as read, signed for the confirm form."""
    rows = [plan.source.as_dict() for plan in plans if plan.source is not None]
    return signing.dumps(rows, salt=SIGNING_SALT, compress=True)


def preview_file(data: bytes, *, municipality: Municipality, filename: str = "") -> TreePlan:
    """Read an uploaded file and plan it: the preview, with the file's own problems as ``errors``."""
    tree_file = read_tree_file(data, filename)
    if not tree_file.lines:
        return TreePlan([], tree_file.errors)
    return tree_plan(municipality=municipality, lines=tree_file.lines)


# --- Words in the file ---------------------------------------------------------------------------


def _vocabulary(choices: Iterable[tuple[str, Any]], extra: dict[str, str]) -> dict[str, str]:
    """Map every way of writing a choice (key, its label in bokmål, nynorsk and English) to its key."""
    words = dict(extra)
    for key, label in choices:
        words[key.casefold()] = key
        for language in ("nb", "nn", "en"):
            with translation.override(language):
                words[str(label).casefold()] = key
    return words


@functools.cache
def _service_area_words() -> dict[str, str]:
    return _vocabulary(ServiceArea.choices, SERVICE_AREA_WORDS)


@functools.cache
def _kind_words() -> dict[str, str]:
    choices = [(k, label) for k, label in UnitKind.choices if k != UnitKind.MUNICIPALITY]
    return _vocabulary(choices, KIND_WORDS)


def service_area_key(text: str) -> str | None:
    """Return the service area a text names, or None."""
    return _service_area_words().get(text.casefold())


def kind_key(text: str) -> str | None:
    """Return the kind of unit a text names (never the municipality itself), or None."""
    return _kind_words().get(text.casefold())


# --- The plan --------------------------------------------------------------------------------


@dataclass
class PlanNode:
    """A unit of the tree after the import: an existing unit, or a line that creates one."""

    unit: OrgUnit | None
    line: TreeLine | None = None
    parent: PlanNode | None = None
    name: str = ""

    def label(self) -> str:
        return self.name or (self.unit.name if self.unit else "")


@dataclass
class _Clean:
    """A line's values once read: None where the file leaves the unit's value as it is."""

    service_area: str | None = None
    kind: str | None = None
    org_number: str | None = None
    unit_code: str | None = None


class TreePlanner:
    """Work out, for one municipality's tree as it is, what every line would do."""

    def __init__(self, municipality: Municipality, units: list[OrgUnit], lines: list[TreeLine]) -> None:
        self.municipality = municipality
        self.units = units
        self.lines = lines
        self.root = next(u for u in units if u.parent_id is None)
        self.plans = {ln.line: LinePlan(ln.line, ln.name, ln) for ln in lines}
        self.line_of = {ln.line: ln for ln in lines}
        self.clean: dict[int, _Clean] = {}
        self.nodes: dict[int, PlanNode] = {u.pk: PlanNode(u, name=u.name) for u in units}
        self.line_nodes: dict[int, PlanNode] = {}
        for node in self.nodes.values():
            unit = node.unit
            assert unit is not None
            node.parent = self.nodes.get(unit.parent_id) if unit.parent_id else None

    def problem(self, line: TreeLine, message: str) -> None:
        plan = self.plans[line.line]
        plan.action = Action.ERROR
        plan.problems.append(message)

    def run(self) -> TreePlan:
        for line in self.lines:
            self._check_values(line)
        self._duplicates()
        self._index()
        self._match_by_identifiers()
        parents = {line.line: self._parent_ref(line) for line in self.lines}
        order = self._order(parents)
        for line in order:
            self._place(line, parents[line.line])
        self._check_cycles()
        self._check_names()
        for line in self.lines:
            if not self.plans[line.line].problems:
                self._describe(line)
        plans = [self.plans[ln.line] for ln in self.lines]
        missing = [] if any(p.problems for p in plans) else self._missing(parents)
        return TreePlan(plans, missing=missing)

    def _missing(self, parents: dict[int, TreeLine | OrgUnit | None]) -> list[MissingUnit]:
        """The open units the file names neither as a line nor as a parent, in tree order."""
        named = {node.unit.pk for node in self.line_nodes.values() if node.unit is not None}
        named |= {ref.pk for ref in parents.values() if isinstance(ref, OrgUnit)}
        by_pk = {unit.pk: unit for unit in self.units}
        return [
            MissingUnit(unit.pk, unit.name, by_pk[unit.parent_id].name)
            for unit in self.units
            if unit.parent_id is not None and unit.pk not in named and unit.closed_on is None
        ]

    # Values of each line, on their own.
    def _check_values(self, line: TreeLine) -> None:
        clean = self.clean[line.line] = _Clean()
        if not line.name:
            self.problem(line, _("The unit's name is missing."))
        elif len(line.name) > 150:
            self.problem(line, _("The unit's name is longer than 150 characters."))
        if line.service_area:
            clean.service_area = service_area_key(line.service_area)
            if clean.service_area is None:
                self.problem(
                    line,
                    _("Unknown service area “%(text)s”. Use one of: %(choices)s.")
                    % {
                        "text": line.service_area,
                        "choices": ", ".join(str(c[1]) for c in ServiceArea.choices),
                    },
                )
        if line.kind:
            clean.kind = kind_key(line.kind)
            if clean.kind is None:
                self.problem(
                    line,
                    _("Unknown kind of unit “%(text)s”. Use bydel, etat or enhet.") % {"text": line.kind},
                )
        if line.org_number:
            result = validate_org_number(line.org_number)
            if result.number is None:
                self.problem(line, org_number_problem(result.error))
            clean.org_number = result.number
        if line.unit_code:
            if len(line.unit_code) > 40:
                self.problem(line, _("The unit code is longer than 40 characters."))
            clean.unit_code = line.unit_code

    def _duplicates(self) -> None:
        codes: dict[str, int] = {}
        for line in self.lines:
            code = self.clean[line.line].unit_code
            if code:
                if code.casefold() in codes:
                    self.problem(
                        line, _("Same unit code as line %(line)d.") % {"line": codes[code.casefold()]}
                    )
                else:
                    codes[code.casefold()] = line.line

    # Which existing unit a line is.
    def _claim(self, line: TreeLine, unit: OrgUnit) -> None:
        other_line = self.claimed.get(unit.pk)
        if other_line is not None:
            self.problem(line, _("Same unit as line %(line)d.") % {"line": other_line})
            return
        self.claimed[unit.pk] = line.line
        self.line_nodes[line.line] = self.nodes[unit.pk]

    def _match_by_identifiers(self) -> None:
        self.claimed: dict[int, int] = {}
        for line in self.lines:
            if self.plans[line.line].problems:
                continue
            clean = self.clean[line.line]
            found = self.units_by_code.get(clean.unit_code.casefold(), []) if clean.unit_code else []
            unit = found[0] if found else None
            if unit is None and clean.org_number and len(self.lines_by_number[clean.org_number]) == 1:
                same_number = self.units_by_number.get(clean.org_number, [])
                # A unit known by a different code is another unit sharing the number.
                if len(same_number) == 1 and (not clean.unit_code or not same_number[0].unit_code):
                    unit = same_number[0]
            if unit is None and not line.parent and _bare(line.name) == _bare(self.root.name):
                unit = self.root
            if unit is not None:
                self._claim(line, unit)

    # Where a line goes.
    def _parent_ref(self, line: TreeLine) -> TreeLine | OrgUnit | None:
        """Return the line or existing unit the parent cell names (None: the municipality itself)."""
        text = line.parent
        if not text:
            return None
        folded = text.casefold()
        number = validate_org_number(text).number
        searches: list[tuple[list[Any], str]] = [
            (self.lines_by_code.get(folded, []), ""),
            (self.units_by_code.get(folded, []), ""),
        ]
        if number:
            searches += [
                (self.lines_by_number_ref.get(number, []), "number"),
                (self.units_by_number.get(number, []), "number"),
            ]
        searches += [
            (self.lines_by_name.get(folded, []), "name"),
            (self.units_by_name.get(folded, []), "name"),
        ]
        for found, what in searches:
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                self.problem(
                    line,
                    _(
                        "Several units have the organisation number %(number)s: "
                        "name the parent by its unit code."
                    )
                    % {"number": text}
                    if what == "number"
                    else _(
                        "Several units are called “%(name)s”: name the parent by its unit code or "
                        "organisation number."
                    )
                    % {"name": text},
                )
                return None
        self.problem(
            line,
            _(
                "No unit in the file or in the organisation has the name, unit code or "
                "organisation number “%(parent)s”."
            )
            % {"parent": text},
        )
        return None

    def _index(self) -> None:
        def group(items: Iterable[tuple[str, Any]]) -> dict[str, list[Any]]:
            index: dict[str, list[Any]] = {}
            for key, item in items:
                if key:
                    index.setdefault(key, []).append(item)
            return index

        self.units_by_code = group((u.unit_code.casefold(), u) for u in self.units)
        self.units_by_number = group((u.org_number, u) for u in self.units)
        self.units_by_name = group((u.name.casefold(), u) for u in self.units)
        self.lines_by_code = group(
            ((self.clean[ln.line].unit_code or "").casefold(), ln) for ln in self.lines
        )
        self.lines_by_number_ref = group((self.clean[ln.line].org_number or "", ln) for ln in self.lines)
        self.lines_by_number = {k: [ln.line for ln in v] for k, v in self.lines_by_number_ref.items()}
        self.lines_by_name = group((ln.name.casefold(), ln) for ln in self.lines)
        # Existing units by (their parent's id, name): a line without code or number is the unit of
        # its name under its parent.
        self.children = {(u.parent_id, u.name.casefold()): u for u in self.units}

    def _order(self, parents: dict[int, TreeLine | OrgUnit | None]) -> list[TreeLine]:
        """Return the lines with every parent line before its children; report lines that form a circle."""
        by_number = {ln.line: ln for ln in self.lines}
        order: list[TreeLine] = []
        state: dict[int, str] = {}

        def visit(line: TreeLine, trail: list[int]) -> None:
            if state.get(line.line) == "done":
                return
            if state.get(line.line) == "visiting":
                circle = trail[trail.index(line.line) :]
                for number in circle:
                    if state.get(number) != "done":
                        self.problem(
                            by_number[number],
                            _("Lines %(lines)s name each other as parent.")
                            % {"lines": ", ".join(str(n) for n in circle)},
                        )
                return
            state[line.line] = "visiting"
            parent = parents[line.line]
            if isinstance(parent, TreeLine):
                visit(parent, [*trail, line.line])
            state[line.line] = "done"
            order.append(line)

        for line in self.lines:
            visit(line, [])
        return order

    def _place(self, line: TreeLine, ref: TreeLine | OrgUnit | None) -> None:
        if isinstance(ref, TreeLine):
            parent = self.line_nodes.get(ref.line)
            if parent is None:
                if not self.plans[line.line].problems:
                    self.problem(line, _("Its parent (line %(line)d) has a problem.") % {"line": ref.line})
                return
        elif isinstance(ref, OrgUnit):
            parent = self.nodes[ref.pk]
        else:
            parent = self.nodes[self.root.pk]
        node = self.line_nodes.get(line.line)
        if node is None and parent.unit is not None and not self.plans[line.line].problems:
            # Neither its code nor its number is known: the unit of that name under that parent.
            same = self.children.get((parent.unit.pk, line.name.casefold()))
            if same is not None:
                self._claim(line, same)
                node = self.line_nodes.get(line.line)
        if self.plans[line.line].problems:
            return
        if node is None:
            node = PlanNode(None, line=line, name=line.name)
            self.line_nodes[line.line] = node
        node.line = line
        if node.unit is self.root:
            if ref is not None:
                self.problem(line, _("The municipality itself cannot be placed under another unit."))
            return
        node.parent = parent
        node.name = line.name

    def _check_cycles(self) -> None:
        for number, node in self.line_nodes.items():
            if self.plans[number].problems:
                continue
            seen: set[int] = set()
            current: PlanNode | None = node.parent
            while current is not None:
                if current is node:
                    self.problem(
                        self.line_of[number],
                        _("This would place the unit below itself or one of its own units."),
                    )
                    break
                if id(current) in seen:
                    break
                seen.add(id(current))
                current = current.parent

    def _check_names(self) -> None:
        places: dict[tuple[int, str], PlanNode] = {}
        nodes = list(self.nodes.values()) + [n for n in self.line_nodes.values() if n.unit is None]
        # Units the file places first, so a clash is reported on a line of the file.
        for node in sorted(nodes, key=lambda n: n.line is not None):
            if node.parent is None:
                continue
            key = (id(node.parent), node.label().casefold())
            other = places.get(key)
            if other is None:
                places[key] = node
                continue
            if node.line is not None and not self.plans[node.line.line].problems:
                where = (
                    _("line %(line)d") % {"line": other.line.line}
                    if other.line is not None
                    else _("the unit already in the organisation")
                )
                self.problem(
                    node.line,
                    _("Another unit with this name would be at the same place (%(where)s).")
                    % {"where": where},
                )

    def _describe(self, line: TreeLine) -> None:
        plan = self.plans[line.line]
        node = self.line_nodes[line.line]
        clean = self.clean[line.line]
        plan.parent_name = node.parent.label() if node.parent else ""
        unit = node.unit
        if unit is None:
            plan.action = Action.CREATE
            return
        changes = plan.changes
        if unit.closed_on is not None:
            changes.append(_("reopened (was marked closed)"))
        if unit is not self.root and unit.name != line.name:
            changes.append(_("name was “%(name)s”") % {"name": unit.name})
        if unit is not self.root and node.parent is not None and node.parent.unit is not None:
            if node.parent.unit.pk != unit.parent_id:
                changes.append(_("moved here"))
        elif unit is not self.root:
            changes.append(_("moved here"))
        if clean.service_area and clean.service_area != unit.service_area:
            changes.append(_("service area was %(area)s") % {"area": unit.get_service_area_display()})
        if clean.kind and clean.kind != unit.kind and unit is not self.root:
            changes.append(_("kind was %(kind)s") % {"kind": unit.get_kind_display()})
        if clean.org_number and clean.org_number != unit.org_number:
            changes.append(
                _("organisation number was %(number)s") % {"number": unit.org_number}
                if unit.org_number
                else _("organisation number added")
            )
        if clean.unit_code and clean.unit_code != unit.unit_code:
            changes.append(
                _("unit code was %(code)s") % {"code": unit.unit_code}
                if unit.unit_code
                else _("unit code added")
            )
        plan.action = Action.UPDATE if changes else Action.UNCHANGED


def _bare(name: str) -> str:
    """Return a municipality's name without the word "kommune": "Eksempel kommune" is "Eksempel"."""
    return " ".join(word for word in name.casefold().split() if word not in {"kommune", "kommuna"})


def tree_plan(*, municipality: Municipality, lines: list[TreeLine]) -> TreePlan:
    """Say what importing ``lines`` into the municipality's tree would do, line by line."""
    units = list(OrgUnit.objects.filter(municipality=municipality).order_by("path"))
    return TreePlanner(municipality, units, lines).run()
