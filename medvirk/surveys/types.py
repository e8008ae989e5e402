"""Pure values of surveys for other apps: the definition format, question types, answer keys.

No Django models and no queries: insights, population and the API read definitions through
this module (see ``services`` for the app's layout). ``question_type(key)`` is the question-type
registry (``medvirk.surveys.qtypes``): what a type's results show (``figures``), how exports
write it (``export``, ``spss``), its scale and options for counting. ``builder`` holds the survey
builder's operations (pure functions over a definition; ``services.survey_build`` stores one).
"""

from __future__ import annotations

from .answering.embed import RespondentForm, respondent_form
from .answering.engine import DONT_KNOW, FieldError, answers_to_form, storable
from .design import builder
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
    tx,
)
from .design.parser import parse_definition
from .design.respondent_text import ui as respondent_text
from .design.target import AGE_FROM, AGE_TO, Target, default_target, target_of
from .qtypes import Edit, ExportColumn, Figures, QuestionType, SpssKind
from .qtypes import all_types as question_types
from .qtypes import get as question_type

__all__ = [
    "AGE_FROM",
    "AGE_TO",
    "DONT_KNOW",
    "FORMAT",
    "KEY_RE",
    "LOCAL_PREFIX",
    "Condition",
    "Definition",
    "DefinitionError",
    "Edit",
    "ExportColumn",
    "FieldError",
    "Figures",
    "Option",
    "QType",
    "Question",
    "QuestionType",
    "RespondentForm",
    "Scale",
    "Section",
    "SpssKind",
    "Target",
    "Text",
    "answers_to_form",
    "builder",
    "default_target",
    "missing_translations",
    "parse_definition",
    "question_type",
    "question_types",
    "respondent_form",
    "respondent_text",
    "storable",
    "target_of",
    "tx",
]
