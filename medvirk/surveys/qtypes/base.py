"""What a question type is: the one class every type module subclasses (see ``qtypes/__init__.py``).

A type owns everything that differs between question types: which definition fields it uses and
how they are checked, how form values become answers, the respondent's form field, the answer
rows it stores, its XLSForm row, its response-level export column and SPSS variable, and which
figures the results pages show for it. Code elsewhere asks the registry (``qtypes.get(key)``)
instead of testing the type; what is the same for every type stays in the callers.

Pure Python: no Django import (the XLSForm reader runs in an upload sandbox without it), so the
definition parser, the answer engine and property tests use it anywhere. The labels shown to
staff are translated when shown (``_`` below).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from ..design.definition import Option, Question, Scale, Text

if TYPE_CHECKING:
    from medvirk.common.dimensions import Category, Dimension

    from .fields import Choice, Field

DONT_KNOW = "dont_know"  # the answer (and option key) "don't know / not relevant" on rating scales
FIELD_PREFIX = "q-"

Answers = dict[str, Any]
FormData = Mapping[str, Sequence[str]]
Fail = Callable[[str, str], None]  # (where, what): record a definition problem
StorageRow = tuple[str | None, float | None, str]  # (option key, number, text) of one answer row


class StaffText:
    """A text for staff pages, translated with Django's gettext when it is shown (``str()``).

    Why not ``gettext_lazy``: importing Django here would pull it into the XLSForm reader's
    sandbox. ``makemessages`` finds these through the ``_`` name like any other string.
    """

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        from django.utils.translation import gettext

        return gettext(self.message)

    def __repr__(self) -> str:
        return f"StaffText({self.message!r})"


def _(message: str) -> StaffText:
    """Mark a staff-facing text for translation (see ``StaffText``)."""
    return StaffText(message)


def field_name(key: str) -> str:
    """Return the form field name for a question key."""
    return FIELD_PREFIX + key


@dataclass(frozen=True, slots=True)
class FieldError:
    """A problem with one answer: a code the view turns into a sentence in the survey language."""

    question: str
    code: str  # required, invalid_choice, out_of_range, not_a_number, invalid_date, too_long, too_many,
    # rank_all (a ranking leaves out or repeats an option), invalid_text (NUL or a lone surrogate),
    # unknown_question
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AnswerContext:
    """What parsing an answer may need beyond the question: the municipality's district codes."""

    districts: Sequence[str] = ()


class Edit(StrEnum):
    """Definition fields a type uses beyond key, text, help, required, condition and theme.

    A survey builder shows exactly these editors for the type; the parser refuses options, rows
    and dimensions on types that do not use them.
    """

    OPTIONS = "options"  # choice options with labels
    SCALE = "scale"  # scale from–to, end labels, "don't know", top box
    SCALE_ENDS = "scale_ends"  # only the labels of a fixed scale's two ends
    ROWS = "rows"  # statements answered on the question's scale
    RANGE = "range"  # lowest and highest accepted number
    MAX_LENGTH = "max_length"  # longest accepted text
    DIMENSION = "dimension"  # a standard background dimension (its categories are fixed)


class Figures(StrEnum):
    """What the results pages show for a type's answers (each figure through the disclosure decision)."""

    COUNTS = "counts"  # distribution over the options or scale values; mean and top box when scaled
    NUMBERS = "numbers"  # mean with 95 % CI, median and quartiles
    RANKING = "ranking"  # per option: mean place and how many put it first
    TEXT = "text"  # searchable free text, masked
    BACKGROUND = "background"  # a background dimension: groups for crosstabs and the anonymity decision
    NONE = "none"  # nothing of its own (a matrix: its rows; date, consent)


class ExportColumn(StrEnum):
    """How a response-level export (CSV, XLSX, SPSS) writes a type's answer."""

    VALUE = "value"  # one column: the option key, the number, or the text
    JOINED = "joined"  # one column: the chosen option keys joined with ";"
    # One column: the year of a date only, and only where at least k rows share it with their
    # unit, language and background (a birth date or a start date is a quasi-identifier).
    YEAR = "year"
    # One column: the range of at least k counted answers the number falls in (a number known of
    # one person, such as a child's hours a week, is a quasi-identifier as a date is).
    RANGE = "range"
    NONE = "none"  # no column of its own (a matrix has its rows; background has the background columns)


class SpssKind(StrEnum):
    """How the SPSS file declares a type's column (``insights/spss.py`` builds each kind)."""

    SCALE_LABELLED = "scale_labelled"  # ordinal, the scale's values with end labels, "don't know" missing
    CODES = "codes"  # nominal codes 1, 2, … labelled with the options
    DUMMIES = "dummies"  # one selected / not selected variable per option
    NUMBER = "number"  # numeric, measure "scale"
    STRING = "string"  # text


class Renderer(Protocol):
    """What a type's ``field`` gets from ``answering.render.SectionRenderer``."""

    lang: str
    district_labels: Mapping[str, str]

    def t(self, text: Text | None) -> str: ...

    def ui(self, key: str, **params: object) -> str: ...

    def category(self, dimension: Dimension, category: Category) -> str: ...

    def base(self, question: Question, errors: Mapping[str, str]) -> dict[str, Any]: ...

    def choices(self, question: Question, values: list[tuple[str, str]], data: FormData) -> list[Choice]: ...

    def field(self, question: Question, data: FormData, errors: Mapping[str, str]) -> Field: ...


@dataclass(frozen=True, slots=True)
class XlsRow:
    """One XLSForm ``survey`` row as the reader sees it when choosing a question type."""

    base: str  # the type word: "integer", "text", "range", … ("select_one" for selects)
    select: str | None  # None, "one" or "multiple"
    list_name: str | None  # the choice list of a select
    native: str  # the ``medvirk::type`` cell (files Medvirk wrote), else ""
    appearance: str
    cells: Mapping[str, Any]  # the whole row


class QuestionType:
    """One question type. Subclasses set the class attributes and override what differs.

    Registered by ``qtypes/__init__.py`` when their module is imported (one module per type).
    """

    key: ClassVar[str]
    label: ClassVar[StaffText]  # for a type picker, e.g. "Single choice" (``str()`` translates it)
    description: ClassVar[StaffText]  # one line for a type picker
    order: ClassVar[int]  # position in a type picker; also the XLSForm reader's tie-break
    edits: ClassVar[frozenset[Edit]] = frozenset()
    other_option: ClassVar[bool] = False  # may have an "other, please specify" option (single, multiple)
    text_required: ClassVar[bool] = True  # background questions may use the dimension's name
    exclusive: ClassVar[bool] = True  # at most one answer row per respondent (multiple choice: False)
    figures: ClassVar[Figures] = Figures.NONE
    # The equity report publishes its own top-box share of answers of this type (rating items,
    # a matrix's statements included): the option decision protects that sum too.
    equity_top_box: ClassVar[bool] = False
    export: ClassVar[ExportColumn] = ExportColumn.VALUE
    spss: ClassVar[SpssKind] = SpssKind.STRING
    xlsform_words: ClassVar[frozenset[str]] = frozenset()  # XLSForm types read as this type
    xlsform_multi_select: ClassVar[bool] = False  # conditions on it are written ``selected(…)``
    xlsform_columns: ClassVar[frozenset[str]] = frozenset()  # columns it reads itself ("parameters")
    xlsform_group: ClassVar[bool] = False  # written as a group of rows (a matrix: a table-list group)
    # A designer adds it from scratch in the survey builder (matrix and background questions come
    # from the question bank, so that equity figures compare).
    addable: ClassVar[bool] = True
    # Other questions' logic may read its answers (the builder offers it as a condition's source).
    logic_source: ClassVar[bool] = True

    # --- definition -------------------------------------------------------------------------

    def default_scale(self) -> Scale | None:
        """Return the scale a question of this type has when the definition gives none."""
        return None

    def check_dimension(self, dimension: Any, fail: Fail, where: str) -> None:
        """Refuse a dimension on types that have none (background overrides)."""
        if dimension is not None:
            fail(f"{where}.dimension", "only background questions have a dimension")

    def check_options(self, options: Sequence[Option], fail: Fail, where: str) -> None:
        """Refuse options on types without them (choice types override)."""
        if options:
            fail(f"{where}.options", f"{self.key} questions have no options")

    def parse_rows(
        self, raw: Mapping[str, Any], parse: Callable[[Any, str], Question | None], fail: Fail, where: str
    ) -> tuple[Question, ...]:
        """Return the statements of a matrix; other types refuse rows."""
        if raw.get("rows"):
            fail(f"{where}.rows", "only matrix questions have rows")
        return ()

    def check_scale(self, scale: Scale | None, fail: Fail, where: str) -> None:
        """Check a parsed scale against what the type allows (most types accept any)."""

    # --- answers ----------------------------------------------------------------------------

    def parse(
        self, question: Question, data: FormData, context: AnswerContext
    ) -> tuple[Answers, list[FieldError]]:
        """Turn the raw form values of one question into answers, or errors."""
        values = data.get(field_name(question.key)) or []
        raw = values[0].strip() if values else ""
        if not raw:
            return {}, [FieldError(question.key, "required")] if question.required else []
        value = self.parse_value(question, raw, context)
        if isinstance(value, FieldError):
            return {}, [value]
        return {question.key: value}, []

    def parse_value(self, question: Question, raw: str, context: AnswerContext) -> Any:
        """Return the answer for one non-empty form value, or a ``FieldError``."""
        raise NotImplementedError

    def answer_keys(self, question: Question) -> Iterator[tuple[str, bool]]:
        """Yield (answer key, required) for every answer the question holds (a matrix: its rows)."""
        yield question.key, question.required

    # --- respondent form --------------------------------------------------------------------

    def field(self, question: Question, data: FormData, errors: Mapping[str, str], r: Renderer) -> Field:
        """Return the respondent's form field (a view-model the templates render)."""
        raise NotImplementedError

    # --- storage (``Answer`` rows; see answering/answer_store.py) ------------------------------

    def option_keys(self, question: Question, districts: Sequence[str]) -> list[str]:
        """Return the option keys the question's answers point at (registry rows, in order)."""
        return []

    def storage_rows(self, value: Any) -> list[StorageRow]:
        """Return the answer rows that store ``value``: (option key, number, text) each."""
        return [(None, None, str(value))]

    def stored_value(self, previous: Any, option_key: str | None, number: float | None, text: str) -> Any:
        """Return the answer read back from one stored row (``previous``: from earlier rows, or None)."""
        return text

    # --- XLSForm (interchange/xlsform) -------------------------------------------------------

    def xlsform_write(self, question: Question, row: dict[str, str], writer: Any) -> set[str]:
        """Fill the type's cells of ``row`` (and its choices); return the fields written there."""
        raise NotImplementedError

    def xlsform_rows(self, question: Question, writer: Any) -> None:
        """Append the question's ``survey`` rows (one row; a matrix writes a group)."""
        row: dict[str, str] = {"medvirk::type": self.key}
        represented = self.xlsform_write(question, row, writer)
        writer.survey.append(writer.common(question, row, represented))

    def xlsform_score(self, row: XlsRow, reader: Any) -> int:
        """Return how well an XLSForm row fits this type: 0 not at all, higher wins.

        The reader takes the type named in ``medvirk::type`` when it scores above 0, else the
        highest score (ties: lowest ``order``).
        """
        return 2 if row.select is None and row.base in self.xlsform_words else 0

    def xlsform_read(self, question: dict[str, Any], row: XlsRow, reader: Any, rownum: int) -> None:
        """Fill the type's fields of an imported question (options, scale, limits)."""
        constraint = str(row.cells.get("constraint") or "").strip()
        if constraint and not self.xlsform_constraint(question, constraint):
            reader.problem("constraint", f"The constraint {constraint!r} is not supported; ignored.", rownum)

    def xlsform_constraint(self, question: dict[str, Any], constraint: str) -> bool:
        """Read a ``constraint`` expression into the question; False when it means nothing here."""
        return False

    def condition_value(self, value: Any) -> Any:
        """Return a value an imported condition compares with this type's answer, typed as the answer."""
        return value

    # --- results (insights) -----------------------------------------------------------------

    def result_scale(self, question: Question) -> Scale | None:
        """Return the scale means and top box are computed on (COUNTS figures), or None."""
        return None

    def result_options(self, question: Question) -> list[tuple[str, Text | str]]:
        """Return (option key, label) of the counted options (COUNTS figures), in order."""
        return []

    def scale_items(self, question: Question) -> tuple[tuple[Question, Scale], ...]:
        """Return (item, scale) for each answer on a rating scale: the question itself or its rows.

        What the equity report compares (mean and top box per group) and the demo rates.
        """
        return ()

    # --- logic in the survey builder ------------------------------------------------------------
    # These read the unparsed question (a mapping): the builder edits the stored document and
    # checks its logic before the parser sees it.

    def logic_answers(self, raw: Mapping[str, Any], lang: str) -> list[tuple[str, str]] | None:
        """Return the answers a condition on the question can name, as (form value, label in
        ``lang``), or None when they are not a fixed list (numbers compared by a range, free text)."""
        return None

    def logic_value(self, form_value: str) -> Any:
        """Return an answer chosen in the builder's logic drop-down typed as the type's answers.

        Raise ``ValueError`` when the form value is no such answer.
        """
        return form_value

    def logic_range(self, raw: Mapping[str, Any]) -> tuple[float, float] | None:
        """Return the lowest and highest answer when the answers are numbers (a range condition)."""
        return None

    # --- examples ---------------------------------------------------------------------------

    def examples(self, question: Question) -> list[Any]:
        """Return a few valid answers (demo data, property tests)."""
        return []


# --- helpers shared by several types ----------------------------------------------------------


def format_number(value: Any) -> str:
    """Write a number so it reads back as the same value and the same type (int or float)."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(float(value))), "f")
    return text if "." in text else text + ".0"


def read_number(text: str) -> int | float:
    """Read a number written by ``format_number``."""
    return float(text) if "." in text else int(text)


def parse_decimal(raw: str) -> float | None:
    """Read a number typed by a person ("3,5", "1 000"); None when it is not a finite number."""
    try:
        number = float(raw.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def number_between(key: str, raw: str, lo: float | None, hi: float | None) -> float | FieldError:
    """Return the typed number, or the error when it is not one or lies outside ``lo``–``hi``."""
    number = parse_decimal(raw)
    if number is None:
        return FieldError(key, "not_a_number")
    if not (-math.inf if lo is None else lo) <= number <= (math.inf if hi is None else hi):
        return FieldError(key, "out_of_range", {"min": lo, "max": hi})
    return number


def text_in(text: Mapping[str, str] | None, lang: str, default: str = "") -> str:
    """Return an unparsed text in ``lang``, else in its first language, else ``default``."""
    text = text or {}
    return text.get(lang) or next(iter(text.values()), "") or default


def sent_value(question: Question, data: FormData) -> str:
    """Return the first value the form sent for the question, as typed ("" when none)."""
    return (data.get(field_name(question.key)) or [""])[0]
