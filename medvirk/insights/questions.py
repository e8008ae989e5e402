"""Which questions of a survey have results, and how their answers are read (pure, no queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medvirk.common.dimensions import DIMENSIONS_BY_KEY, PREFER_NOT_TO_SAY
from medvirk.surveys.types import DONT_KNOW, Definition, Figures, Question, Scale, Text, question_type

from .selectors import Registry


def localise(text: Text | None) -> str:
    """Return ``text`` in the active language, falling back to bokmål, English, then any."""
    if not text:
        return ""
    lang = (get_language() or "nb").split("-")[0]
    for code in (lang, "nb", "nn", "en"):
        if text.get(code):
            return text[code]
    return next(iter(text.values()), "")


@dataclass(frozen=True)
class OptionInfo:
    id: int
    key: str
    label: str
    value: int | None = None  # scale value; None for choices and "don't know"


@dataclass(frozen=True)
class QuestionInfo:
    """A question that has counted results (rating, NPS, single or multiple choice)."""

    id: int
    key: str
    qtype: str
    text: str
    theme: str | None
    scale: Scale | None
    options: tuple[OptionInfo, ...] = field(default=())
    reworded_on: date | None = None  # the wording changed after answers came in (marked on results)
    # A matrix statement's question and the statement itself ("Tenk på barnet ditt …?",
    # "Barnet mitt trives"); empty for a question of its own. ``text`` says both.
    stem: str = ""
    statement: str = ""

    @property
    def short_label(self) -> str:
        """Return the question as links and headings name it: its text, cut at a word after 60
        characters ("Barnet mitt trives i barnehagen."), never its key."""
        from django.utils.text import Truncator

        return Truncator(self.text).chars(60)

    @property
    def list_label(self) -> str:
        """Return the question as a list of questions names it: a matrix statement alone ("Barnet
        mitt trives i barnehagen"), else its short label, without a closing full stop."""
        return (self.statement or self.short_label).rstrip(".")

    @property
    def scaled(self) -> bool:
        """Return whether the answers are numbers on a scale (mean and top-box apply)."""
        return self.scale is not None

    @property
    def exclusive(self) -> bool:
        """Return whether each respondent picks exactly one option."""
        return question_type(self.qtype).exclusive

    @property
    def dont_know(self) -> OptionInfo | None:
        return next((o for o in self.options if o.key == DONT_KNOW), None)


@dataclass(frozen=True)
class TextQuestionInfo:
    id: int
    key: str
    text: str


def _counted(
    item: Question, text: str, theme: str | None, reg: Registry, stem: str = ""
) -> QuestionInfo | None:
    """Return a question whose answers are counted per option (COUNTS figures), else None."""
    qtype = question_type(item.type)
    row = reg.question_by_key.get(item.key)
    if row is None or item.hidden or qtype.figures != Figures.COUNTS:
        return None
    scale = qtype.result_scale(item)
    dont_know = str(_("Don't know"))
    options = tuple(
        OptionInfo(
            reg.option_id[(row.pk, key)],
            key,
            dont_know if key == DONT_KNOW else label if isinstance(label, str) else localise(label),
            int(key) if scale is not None and key != DONT_KNOW else None,
        )
        for key, label in qtype.result_options(item)
        if (row.pk, key) in reg.option_id
    )
    statement = localise(item.text) if stem else ""
    return QuestionInfo(
        row.pk, item.key, item.type, text, theme, scale, options, row.reworded_on, stem, statement
    )


def statement_label(stem: str, row: str) -> str:
    """Return a matrix statement (or an option) after its question: "Hva mener du om: de ansatte",
    but after a question that ends a sentence "… stemmer dette? Barnet mitt trives." (not
    "dette?: Barnet"). The results pages and the SPSS file's variable labels both say it so."""
    return f"{stem} {row}" if stem.rstrip().endswith(("?", ".", "!", ":")) else f"{stem}: {row}"


def survey_questions(definition: Definition, reg: Registry) -> list[QuestionInfo]:
    """Return the survey's visible questions with counted answers, in order (matrix rows flattened)."""
    out: list[QuestionInfo] = []
    for section in definition.sections:
        for question in section.questions:
            if question.hidden:
                continue
            items = (
                [(r, statement_label(localise(question.text), localise(r.text))) for r in question.rows]
                if question.rows
                else [(question, localise(question.text))]
            )
            stem = localise(question.text) if question.rows else ""
            for item, text in items:
                info = _counted(item, text, item.theme or question.theme, reg, stem)
                if info is not None:
                    out.append(info)
    return out


def _visible(definition: Definition, reg: Registry, figures: Figures) -> list[Question]:
    return [
        q
        for q in definition.questions()
        if question_type(q.type).figures == figures and not q.hidden and q.key in reg.question_by_key
    ]


def text_questions(definition: Definition, reg: Registry) -> list[TextQuestionInfo]:
    """Return the visible free-text questions."""
    return [
        TextQuestionInfo(reg.question_by_key[q.key].pk, q.key, localise(q.text))
        for q in _visible(definition, reg, Figures.TEXT)
    ]


def number_questions(definition: Definition, reg: Registry) -> list[QuestionInfo]:
    """Return the visible questions answered with a number: mean, median and quartiles, no options."""
    return [
        QuestionInfo(
            reg.question_by_key[q.key].pk,
            q.key,
            q.type,
            localise(q.text),
            q.theme,
            None,
            reworded_on=reg.question_by_key[q.key].reworded_on,
        )
        for q in _visible(definition, reg, Figures.NUMBERS)
    ]


def ranking_questions(definition: Definition, reg: Registry) -> list[QuestionInfo]:
    """Return the visible ranking questions, with their options (mean place, first place)."""
    out = []
    for q in _visible(definition, reg, Figures.RANKING):
        row = reg.question_by_key[q.key]
        options = tuple(
            OptionInfo(
                reg.option_id[(row.pk, key)], key, label if isinstance(label, str) else localise(label)
            )
            for key, label in question_type(q.type).result_options(q)
            if (row.pk, key) in reg.option_id
        )
        out.append(
            QuestionInfo(row.pk, q.key, q.type, localise(q.text), q.theme, None, options, row.reworded_on)
        )
    return out


def dimension_choices(definition: Definition) -> list[tuple[str, str]]:
    """Return the background dimensions this survey asks about, as (key, label)."""
    lang = (get_language() or "nb").split("-")[0]
    out = []
    for q in definition.questions():
        if question_type(q.type).figures == Figures.BACKGROUND and q.dimension in DIMENSIONS_BY_KEY:
            dim = DIMENSIONS_BY_KEY[q.dimension]
            out.append((dim.key, dim.label_en if lang == "en" else dim.label_nb))
    return out


def category_labels(dimension: str, district_names: dict[str, str]) -> dict[str, str]:
    """Return display labels for a dimension's categories ("" is "not stated")."""
    lang = (get_language() or "nb").split("-")[0]
    dim = DIMENSIONS_BY_KEY[dimension]
    labels = {c.key: (c.label_en if lang == "en" else c.label_nb) for c in dim.categories}
    if dimension == "district":
        labels = dict(district_names)
    labels[""] = str(_("Not stated"))
    labels[PREFER_NOT_TO_SAY] = labels[""]
    return labels
