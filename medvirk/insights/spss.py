"""Response-level export as an SPSS system file (.sav) with variable and value labels.

The rows are exactly those of the CSV/XLSX response-level export (``exports.raw_rows``: same
scope, same units, same values withheld, no free text); this module only types and labels them. Variable names
come from the stable question keys, labels from the survey's first language:

- rating and NPS: the scale value, "don't know" coded ``99`` (or one above the scale) and
  declared user-missing, so SPSS leaves it out of means as the results pages do;
- single choice: 1, 2, … in the definition's option order, each labelled;
- multiple choice: one 0/1 variable per option (``<question>_<option>``), empty when the
  respondent chose nothing (unanswered and "none chosen" are stored alike);
- number, line from 0 to 10, consent and the year of a date: numbers.

Each question type names its kind (``QuestionType.spss``); ``BUILDERS`` makes each kind.

The file is written by ``savfile.SavWriter`` in batches of ``BATCH`` rows, so memory stays flat
like the streamed CSV (pyreadstat, used before, needed the whole table as a data frame: 606 MB
for 200,000 responses × 30 questions).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from medvirk.common.dimensions import DIMENSIONS_BY_KEY
from medvirk.surveys.types import DONT_KNOW, Definition, Question, Scale, SpssKind, Text, question_type

from .questions import statement_label
from .savfile import SavWriter, Variable
from .tables import SurveyResults

NAME_BYTES = 64
# Words SPSS reserves; they cannot be variable names.
RESERVED = frozenset({"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"})
NAN = float("nan")
BATCH = 2000  # rows converted and spooled at a time


def spss_name(raw: str, taken: set[str]) -> str:
    """Return a valid, unique SPSS variable name (≤ 64 bytes) for ``raw``; record it in ``taken``.

    Names compare case-insensitively in SPSS, so ``taken`` holds lower-case names.
    """
    name = re.sub(r"[^A-Za-z0-9_]", "_", raw)[:NAME_BYTES] or "v"
    if not name[0].isalpha():
        name = ("v" + name)[:NAME_BYTES]
    if name.lower() in RESERVED:
        name += "_"
    base, i = name, 2
    while name.lower() in taken:
        suffix = f"_{i}"
        name = base[: NAME_BYTES - len(suffix)] + suffix
        i += 1
    taken.add(name.lower())
    return name


@dataclass
class SavColumn:
    """One variable: where its value comes from in a raw row and how it is typed and labelled."""

    name: str
    label: str
    source: int  # index into the raw row
    convert: Callable[[Any], Any]
    numeric: bool = True
    value_labels: dict[float, str] = field(default_factory=dict)
    missing: list[float] = field(default_factory=list)
    measure: str = "nominal"


def _text(text: Text | None, language: str) -> str:
    if not text:
        return ""
    return text.get(language) or next(iter(text.values()), "")


def _number(value: Any) -> float:
    if value in ("", None):
        return NAN
    try:
        return float(value)
    except (TypeError, ValueError):
        return NAN


def _string(value: Any) -> str:
    return "" if value is None else str(value)


def _labelled_questions(definition: Definition) -> dict[str, tuple[Question, str]]:
    """Return key → (question, label text) for every question, matrix rows with their stem."""
    lang = definition.languages[0] if definition.languages else "nb"
    out: dict[str, tuple[Question, str]] = {}
    for section in definition.sections:
        for q in section.questions:
            out[q.key] = (q, _text(q.text, lang))
            for row in q.rows:
                out[row.key] = (row, statement_label(_text(q.text, lang), _text(row.text, lang)))
    return out


@dataclass
class _Context:
    """What every column builder needs: the results, the file's language, names already taken."""

    results: SurveyResults
    lang: str
    taken: set[str]
    dont_know: str
    chosen: str
    not_chosen: str


def _scale_labelled(c: _Context, key: str, q: Question, label: str, index: int) -> list[SavColumn]:
    scale = question_type(q.type).result_scale(q) or Scale()
    dk = 99.0 if scale.max < 99 else float(scale.max + 1)
    labels = {float(v): str(v) for v in scale.values()}
    if scale.min_label:
        labels[float(scale.min)] = f"{scale.min} {_text(scale.min_label, c.lang)}"
    if scale.max_label:
        labels[float(scale.max)] = f"{scale.max} {_text(scale.max_label, c.lang)}"
    missing: list[float] = []
    if scale.dont_know:
        labels[dk] = c.dont_know
        missing = [dk]

    def rating(value: Any, dk: float = dk) -> float:
        return dk if value == DONT_KNOW else _number(value)

    return [SavColumn(spss_name(key, c.taken), label, index, rating, True, labels, missing, "ordinal")]


def _codes(c: _Context, key: str, q: Question, label: str, index: int) -> list[SavColumn]:
    codes = _option_codes(c.results, q)
    labels = {code: _option_label(q, okey, c.lang) for okey, code in codes.items()}

    def single(value: Any, codes: dict[str, float] = codes) -> float:
        return codes.get(value, NAN)

    return [SavColumn(spss_name(key, c.taken), label, index, single, True, labels)]


def _dummies(c: _Context, key: str, q: Question, label: str, index: int) -> list[SavColumn]:
    columns = []
    for okey in _option_codes(c.results, q):

        def multiple(value: Any, okey: str = okey) -> float:
            if not value:
                return NAN
            return 1.0 if okey in value.split(";") else 0.0

        columns.append(
            SavColumn(
                spss_name(f"{key}_{okey}", c.taken),
                statement_label(label, _option_label(q, okey, c.lang)),
                index,
                multiple,
                True,
                {0.0: c.not_chosen, 1.0: c.chosen},
            )
        )
    return columns


def _numeric(c: _Context, key: str, q: Question, label: str, index: int) -> list[SavColumn]:
    return [SavColumn(spss_name(key, c.taken), label, index, _number, measure="scale")]


def _strings(c: _Context, key: str, q: Question, label: str, index: int) -> list[SavColumn]:
    return [SavColumn(spss_name(key, c.taken), label, index, _string, numeric=False)]


# How each kind of question type becomes variables (the type says its kind: ``QuestionType.spss``).
BUILDERS: dict[SpssKind, Callable[[_Context, str, Question, str, int], list[SavColumn]]] = {
    SpssKind.SCALE_LABELLED: _scale_labelled,
    SpssKind.CODES: _codes,
    SpssKind.DUMMIES: _dummies,
    SpssKind.NUMBER: _numeric,
    SpssKind.STRING: _strings,
}


def sav_columns(results: SurveyResults, header: Sequence[str]) -> list[SavColumn]:
    """Return the typed, labelled variables for a raw-export ``header`` (see ``exports.raw_rows``)."""
    definition = results.definition
    lang = definition.languages[0] if definition.languages else "nb"
    labelled = _labelled_questions(definition)
    taken: set[str] = set()
    columns: list[SavColumn] = []
    with translation.override(lang if lang in ("nb", "nn", "en") else "nb"):
        context = _Context(
            results,
            lang,
            taken,
            _("Don't know"),
            pgettext("multiple-choice option", "Selected"),
            pgettext("multiple-choice option", "Not selected"),
        )
        fixed = {
            "row": _("Response number"),
            "unit": _("Unit"),
            "language": _("Language"),
            "withheld": _("Withheld for anonymity"),
        }
    for index, key in enumerate(header):
        if key not in labelled:  # row, unit, language, the background columns, withheld
            if key == "row":
                columns.append(SavColumn(spss_name(key, taken), fixed[key], index, int, measure="scale"))
            else:
                dim = DIMENSIONS_BY_KEY.get(key)
                text = fixed.get(key) or (dim and (dim.label_en if lang == "en" else dim.label_nb)) or key
                columns.append(SavColumn(spss_name(key, taken), text, index, _string, numeric=False))
            continue
        q, label = labelled[key]
        columns.extend(BUILDERS[question_type(q.type).spss](context, key, q, label, index))
    return columns


def _option_codes(results: SurveyResults, q: Question) -> dict[str, float]:
    """Return option key → code 1, 2, … in definition order, then any key only the registry knows."""
    keys = [o.key for o in q.options]
    row = results.registry.question_by_key.get(q.key)
    if row is not None:
        extra = sorted(k for (qid, k) in results.registry.option_id if qid == row.pk and k not in keys)
        keys += extra
    return {k: float(i) for i, k in enumerate(keys, start=1)}


def _option_label(q: Question, key: str, lang: str) -> str:
    option = next((o for o in q.options if o.key == key), None)
    return _text(option.label, lang) if option else key


def write_sav(results: SurveyResults, rows: Iterable[Sequence[Any]]) -> IO[bytes]:
    """Write the raw rows (header first) to a .sav file; return it open for reading, unlinked."""
    iterator = iter(rows)
    columns = sav_columns(results, next(iterator))
    variables = [Variable(c.name, c.label, c.numeric, c.value_labels, c.missing, c.measure) for c in columns]
    survey = results.survey
    with SavWriter(variables, file_label=f"{survey} {survey.round_label}") as writer:
        while batch := list(islice(iterator, BATCH)):
            writer.add([[c.convert(row[c.source]) for row in batch] for c in columns])
        out = tempfile.TemporaryFile(suffix=".sav")  # noqa: SIM115 (the caller closes it)
        try:
            writer.write(out)
        except BaseException:
            out.close()
            raise
    out.seek(0)
    return out
