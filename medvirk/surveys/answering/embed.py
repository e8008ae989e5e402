"""A survey form embedded in another app's page: render and parse a definition with the survey engine.

For apps whose questions are not a survey round (client feedback asks PHQ-9 items, 0–10 lines
and goals at a session) but should look, validate and read like one: the same question types,
respondent field templates (``surveys/respond/field.html``) and error sentences in the
respondent's language, so there is one form engine. Reached through ``medvirk.surveys.types``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..design.definition import Definition, Section
from . import engine
from .render import SectionRenderer, error_summary, error_text


class RespondentForm:
    """Render and parse every section of ``definition`` in ``lang`` (no skip logic across pages)."""

    def __init__(
        self, definition: Definition, lang: str, overrides: Mapping[str, Mapping[str, str]] | None = None
    ) -> None:
        self.definition = definition
        self.lang = lang
        self.overrides = overrides
        self.renderer = SectionRenderer(definition, lang, overrides=overrides)

    def fields(
        self, section: Section, data: Mapping[str, Sequence[str]], errors: Mapping[str, str]
    ) -> list[Any]:
        """Return the section's visible questions as field view-models, prefilled with ``data``."""
        return self.renderer.fields(section, data, errors, {})

    def error_summary(self, fields: Iterable[Any]) -> list[tuple[str, str, str]]:
        """Return the links of the error summary of ``fields`` (as ``fields`` returns them)."""
        return error_summary(fields)

    def parse(self, data: Mapping[str, Sequence[str]]) -> tuple[dict[str, Any], dict[str, str]]:
        """Return (answers, error sentence per question key) for every section at once."""
        answers: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for section in self.definition.sections:
            found, problems = engine.parse_section(self.definition, section, data, answers)
            answers.update(found)
            for problem in problems:
                errors.setdefault(problem.question, error_text(problem, self.lang, self.overrides))
        return answers, errors


def respondent_form(
    definition: Definition, lang: str, overrides: Mapping[str, Mapping[str, str]] | None = None
) -> RespondentForm:
    """Return the form of ``definition`` in ``lang``."""
    return RespondentForm(definition, lang, overrides)
