"""The questions a client (or collateral rater, or a practitioner keying paper) answers at a session.

Not a second form engine: the instruments and goals of a session are written as one survey
definition (``medvirk-survey/1``), and the survey engine's question types render and parse it —
choice items (PHQ-9's four answers) as ``single`` questions, 0–10 lines (ORS, Medvirk's session
feedback, goal progress) as ``vas`` questions with one decimal, keyboard operable. Only the
mapping back to item values and the storing are feedback's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from medvirk.common import languages
from medvirk.surveys.types import Definition, parse_definition, respondent_form

from . import services
from .instruments import goals as goal_scale
from .models import Goal, GoalStatus, Instrument, Rater, RaterKind, Rating, Session

FALLBACK = ("nb", "en", "nn")


@dataclass
class Block:
    """One instrument (or the goals) on the page: its instruction and fields, in one language."""

    key: str
    title: str
    instruction: str
    lang: str  # the language its texts are in (may differ from the page's)
    dir: str
    fields: list[Any] = field(default_factory=list)
    validated: bool = True


def _option_key(value: int) -> str:
    return f"v{value}" if value >= 0 else f"m{-value}"


def _question_key(instrument: Instrument, item_key: str) -> str:
    return f"i{instrument.pk}__{item_key}"


class AnswerForm:
    """The session's unanswered instruments (and the client's goals) for one rater, in ``lang``."""

    def __init__(
        self, *, session: Session, rater: Rater, lang: str, data: Mapping[str, Sequence[str]] | None = None
    ):
        self.session, self.rater, self.lang = session, rater, lang
        # A QueryDict's .get() gives the last value; the survey engine reads lists of values.
        getlist = getattr(data, "getlist", None)
        self.data = {key: list(getlist(key)) for key in data} if data is not None and getlist else data
        episode = session.episode
        service = episode.service
        done = set(
            Rating.objects.filter(session=session, rater=rater).values_list("instrument_id", flat=True)
        )
        self.instruments = [
            i for i in (service.outcome, service.alliance) if i is not None and i.pk not in done
        ]
        self.goals: list[Goal] = []
        if rater.kind == RaterKind.CLIENT and service.goals:
            rated = set(session.goal_ratings.values_list("goal_id", flat=True))
            self.goals = [
                g for g in Goal.objects.filter(episode=episode, status=GoalStatus.ACTIVE) if g.pk not in rated
            ]
        self.version_key = episode.age_version
        self.definition, self.blocks_meta = self._definition()
        self.errors: dict[str, str] = {}
        self.answers: dict[str, Any] = {}

    @property
    def empty(self) -> bool:
        return not self.instruments and not self.goals

    # --- the survey definition --------------------------------------------------------------

    def _definition(self) -> tuple[Definition | None, list[Block]]:
        sections = []
        blocks = []
        for instrument in self.instruments:
            parsed = instrument.parsed
            version = parsed.get_version(self.version_key)
            instruction, lang = parsed.extra_text("_instructions", version, self.lang)
            item_lang = parsed.item_text(parsed.items[0], version, self.lang)[1] or lang
            questions = []
            for item in parsed.items:
                text, _text_lang = parsed.item_text(item, version, self.lang)
                question: dict[str, Any] = {
                    "key": _question_key(instrument, item.key),
                    "text": {self.lang: text},
                    "required": True,
                }
                if parsed.response.type == "vas":
                    low, _l = parsed.extra_text("_min_label", version, self.lang)
                    high, _h = parsed.extra_text("_max_label", version, self.lang)
                    question.update(
                        type="vas",
                        scale={
                            "min": 0,
                            "max": 10,
                            "min_label": {self.lang: low},
                            "max_label": {self.lang: high},
                        },
                    )
                else:
                    question.update(
                        type="single",
                        options=[
                            {
                                "key": _option_key(o.value),
                                "label": {
                                    self.lang: parsed.option_label(o, version, self.lang)[0] or str(o.value)
                                },
                            }
                            for o in parsed.response.options
                        ],
                    )
                questions.append(question)
            key = f"i{instrument.pk}"
            sections.append(
                {
                    "key": key,
                    "title": {self.lang: instruction or parsed.name.get(self.lang, "")},
                    "questions": questions,
                }
            )
            blocks.append(
                Block(
                    key,
                    str(parsed.name.get(self.lang) or parsed.name.get("en", "")),
                    instruction,
                    item_lang,
                    languages.direction(item_lang),
                    validated=parsed.validated,
                )
            )
        if self.goals:
            instruction, low, high, lang = goal_scale.texts(self.lang)
            questions = [
                {
                    "key": f"g{goal.pk}",
                    "type": "vas",
                    "text": {self.lang: goal.text},
                    "required": True,
                    "scale": {
                        "min": 0,
                        "max": 10,
                        "min_label": {self.lang: low},
                        "max_label": {self.lang: high},
                    },
                }
                for goal in self.goals
            ]
            sections.append({"key": "goals", "title": {self.lang: instruction}, "questions": questions})
            blocks.append(Block("goals", "", instruction, lang, languages.direction(lang)))
        if not sections:
            return None, []
        raw = {
            "format": "medvirk-survey/1",
            "key": "feedback_session",
            "title": {self.lang: ""},
            "languages": [self.lang],
            "sections": sections,
        }
        return parse_definition(raw), blocks

    # --- form -------------------------------------------------------------------------------

    def blocks(self) -> list[Block]:
        """Return the page's blocks with their fields (prefilled, with errors)."""
        if self.definition is None:
            return []
        form = respondent_form(self.definition, self.lang)
        data = self.data or {}
        out = []
        for meta, section in zip(self.blocks_meta, self.definition.sections, strict=False):
            meta.fields = form.fields(section, data, self.errors)
            out.append(meta)
        return out

    def error_summary(self, blocks: Sequence[Block]) -> list[tuple[str, str, str]]:
        """Return the links of the page's error summary: each field of ``blocks`` with an error."""
        if self.definition is None:
            return []
        form = respondent_form(self.definition, self.lang)
        return form.error_summary(f for b in blocks for f in b.fields)

    def is_valid(self) -> bool:
        """Parse every section with the survey engine; keep errors (in the page language) per field."""
        if self.definition is None:
            return False
        form = respondent_form(self.definition, self.lang)
        self.answers, self.errors = form.parse(self.data or {})
        return not self.errors and not self.empty

    def ratings(self) -> tuple[dict[int, dict[str, float | None]], dict[int, float]]:
        """Return (instrument id → item values, goal id → progress) from the parsed answers."""
        by_instrument: dict[int, dict[str, float | None]] = {i.pk: {} for i in self.instruments}
        goals: dict[int, float] = {}
        for key, value in self.answers.items():
            if key.startswith("g"):
                goals[int(key[1:])] = float(value)
                continue
            head, item_key = key.split("__", 1)
            number = (
                float(value)
                if not isinstance(value, str)
                else float(int(value[1:]) * (-1 if value[0] == "m" else 1))
            )
            by_instrument[int(head[1:])][item_key] = number
        return by_instrument, goals

    def save(self, *, actor: services.Actor, mode: str) -> list[Rating]:
        """Store the answers as the practitioner (paper keying): one rating per instrument, goals."""
        by_instrument, goals = self.ratings()
        stored = []
        for instrument in self.instruments:
            stored.append(
                services.rating_submit(
                    actor=actor,
                    session=self.session,
                    rater=self.rater,
                    instrument=instrument,
                    answers=by_instrument[instrument.pk],
                    mode=mode,
                    language=self.lang,
                )
            )
        if goals:
            services.goal_rate(actor=actor, session=self.session, values=goals)
        return stored
