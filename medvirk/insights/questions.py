"""Which questions of a survey have results, and how their answers are read (pure, no queries)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medvirk.common.dimensions import DIMENSIONS_BY_KEY, PREFER_NOT_TO_SAY
from medvirk.surveys.types import Definition, QType, Scale, Text

from .selectors import Registry

DONT_KNOW = "dont_know"  # the engine's key for "don't know" (medvirk.surveys.types.DONT_KNOW)
NPS_SCALE = Scale(min=0, max=10, top_box=9)


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

    @property
    def scaled(self) -> bool:
        """Return whether the answers are numbers on a scale (mean and top-box apply)."""
        return self.scale is not None

    @property
    def exclusive(self) -> bool:
        """Return whether each respondent picks exactly one option."""
        return self.qtype != QType.MULTIPLE

    @property
    def dont_know(self) -> OptionInfo | None:
        return next((o for o in self.options if o.key == DONT_KNOW), None)


@dataclass(frozen=True)
class TextQuestionInfo:
    id: int
    key: str
    text: str


def survey_questions(definition: Definition, reg: Registry) -> list[QuestionInfo]:
    """Return the survey's visible questions with counted answers, in order (matrix rows flattened)."""
    out: list[QuestionInfo] = []
    for section in definition.sections:
        for question in section.questions:
            if question.hidden:
                continue
            items = (
                [(r, f"{localise(question.text)}: {localise(r.text)}") for r in question.rows]
                if question.type == QType.MATRIX
                else [(question, localise(question.text))]
            )
            for item, text in items:
                row = reg.question_by_key.get(item.key)
                if row is None or item.hidden:
                    continue
                scale = (
                    item.scale if item.type == QType.RATING else NPS_SCALE if item.type == QType.NPS else None
                )
                if item.type in (QType.RATING, QType.NPS):
                    assert scale is not None
                    keys = [str(v) for v in scale.values()]
                    if item.type == QType.RATING and scale.dont_know:
                        keys.append(DONT_KNOW)
                    labels = {k: k for k in keys} | {DONT_KNOW: str(_("Don't know"))}
                elif item.type in QType.WITH_OPTIONS:
                    keys = [o.key for o in item.options if not o.hidden]
                    labels = {o.key: localise(o.label) for o in item.options}
                else:
                    continue
                options = tuple(
                    OptionInfo(
                        reg.option_id[(row.pk, k)],
                        k,
                        labels[k],
                        int(k) if scale is not None and k != DONT_KNOW else None,
                    )
                    for k in keys
                    if (row.pk, k) in reg.option_id
                )
                out.append(
                    QuestionInfo(
                        row.pk, item.key, item.type, text, item.theme or question.theme, scale, options
                    )
                )
    return out


def text_questions(definition: Definition, reg: Registry) -> list[TextQuestionInfo]:
    """Return the visible free-text questions."""
    return [
        TextQuestionInfo(reg.question_by_key[q.key].pk, q.key, localise(q.text))
        for q in definition.questions()
        if q.type in (QType.TEXT, QType.TEXTAREA) and not q.hidden and q.key in reg.question_by_key
    ]


def number_questions(definition: Definition, reg: Registry) -> list[QuestionInfo]:
    """Return the visible number questions (no options, no scale: mean, median and quartiles)."""
    return [
        QuestionInfo(reg.question_by_key[q.key].pk, q.key, q.type, localise(q.text), q.theme, None)
        for q in definition.questions()
        if q.type == QType.NUMBER and not q.hidden and q.key in reg.question_by_key
    ]


def dimension_choices(definition: Definition) -> list[tuple[str, str]]:
    """Return the background dimensions this survey asks about, as (key, label)."""
    lang = (get_language() or "nb").split("-")[0]
    out = []
    for q in definition.questions():
        if q.type == QType.BACKGROUND and q.dimension in DIMENSIONS_BY_KEY:
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
