"""The standard question bank: one "medvirk-survey/1" template per service area.

Each template is a JSON file in this directory, named after its key (``pupils.json`` → ``pupils``).
Question keys are published in ``KEYS.lock`` and must never change or disappear (hide a retired
question with ``"hidden": true`` instead); ``medvirk/surveys/tests/test_bank.py`` enforces this.
Pure Python (no Django), like ``medvirk.surveys.design.definition``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..definition import Definition, DefinitionError, tx
from ..parser import parse_definition

BANK_DIR = Path(__file__).resolve().parent
KEYS_LOCK = BANK_DIR / "KEYS.lock"

__all__ = [
    "BANK_DIR",
    "KEYS_LOCK",
    "list_templates",
    "load_template",
    "question_count",
    "template_summaries",
    "template_title",
]


def list_templates() -> list[str]:
    """Return the keys of every template in the bank, sorted."""
    return sorted(path.stem for path in BANK_DIR.glob("*.json"))


def load_template(key: str) -> Definition:
    """Read and validate one template; ``KeyError`` if there is none with this key.

    Raises ``DefinitionError`` if the file is not a valid definition or its ``key`` does not match
    the file name.
    """
    if key not in list_templates():  # also keeps "../x" and similar out of the path below
        raise KeyError(key)
    raw = json.loads((BANK_DIR / f"{key}.json").read_text(encoding="utf-8"))
    definition = parse_definition(raw)
    if definition.key != key:
        raise DefinitionError([("$.key", f"key {definition.key!r} must equal the file name {key!r}")])
    return definition


def template_title(key: str, lang: str) -> str:
    """Return a bank template's title in ``lang`` (then bokmål, English; the key if there is none)."""
    try:
        definition = load_template(key)
    except (KeyError, DefinitionError):
        return key
    return tx(definition.title, lang, ("nb", "en")) or key


def question_count(definition: Definition) -> int:
    """Count what a respondent answers: each visible question, with a matrix counting as its rows."""
    count = 0
    for question in definition.questions(include_rows=False):
        if question.hidden:
            continue
        count += sum(1 for row in question.rows if not row.hidden) if question.rows else 1
    return count


def template_summaries() -> list[dict[str, Any]]:
    """Return key, title (language → text), service area and question count of every template."""
    summaries = []
    for key in list_templates():
        definition = load_template(key)
        summaries.append(
            {
                "key": key,
                "title": dict(definition.title),
                "service_area": definition.service_area,
                "question_count": question_count(definition),
            }
        )
    return summaries
