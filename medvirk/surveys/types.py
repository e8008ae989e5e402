"""Pure values of surveys for other apps: the definition format, question types, answer keys.

No Django models and no queries: insights, population and the API read definitions through
this module (see ``services`` for the app's layout).
"""

from __future__ import annotations

from .answering.engine import DONT_KNOW, FieldError, answers_to_form, storable
from .design.definition import (
    FORMAT,
    KEY_RE,
    LOCAL_PREFIX,
    Condition,
    Definition,
    DefinitionError,
    Option,
    QType,
    Question,
    Scale,
    Section,
    Text,
    missing_translations,
    parse_definition,
    tx,
)

__all__ = [
    "DONT_KNOW",
    "FORMAT",
    "KEY_RE",
    "LOCAL_PREFIX",
    "Condition",
    "Definition",
    "DefinitionError",
    "FieldError",
    "Option",
    "QType",
    "Question",
    "Scale",
    "Section",
    "Text",
    "answers_to_form",
    "missing_translations",
    "parse_definition",
    "storable",
    "tx",
]
