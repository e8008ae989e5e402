"""Question types as plug-ins: one module per type in this package, registered when imported.

Every module here other than ``base`` and ``fields`` defines one ``QuestionType`` subclass
decorated with ``@register``; this package imports them all (``pkgutil``), so adding a type is
adding a module (and its tests): see "Adding a question type" in docs/architecture.md.

    from medvirk.surveys import qtypes
    qtypes.get("rating").parse(question, form_data, context)
    [(t.key, t.label, t.edits) for t in qtypes.all_types()]  # a type picker

Other apps read the registry through ``medvirk.surveys.types``.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import (
    DONT_KNOW,
    FIELD_PREFIX,
    AnswerContext,
    Answers,
    Edit,
    ExportColumn,
    FieldError,
    Figures,
    FormData,
    QuestionType,
    Renderer,
    SpssKind,
    StorageRow,
    XlsRow,
    field_name,
    text_in,
)

_REGISTRY: dict[str, QuestionType] = {}
_NOT_TYPES = frozenset({"base", "fields"})


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Register a question type class (as a decorator); its ``key`` must be new."""
    if cls.key in _REGISTRY:
        raise ValueError(f"question type {cls.key!r} is registered twice")
    _REGISTRY[cls.key] = cls()
    return cls


def get(key: str) -> QuestionType:
    """Return the question type ``key``; raise ``KeyError`` when there is none."""
    return _REGISTRY[key]


def find(key: object) -> QuestionType | None:
    """Return the question type ``key``, or None (unknown types in imported documents)."""
    return _REGISTRY.get(key) if isinstance(key, str) else None


def all_types() -> list[QuestionType]:
    """Return every question type in picker order."""
    return sorted(_REGISTRY.values(), key=lambda t: (t.order, t.key))


def keys() -> frozenset[str]:
    """Return the keys of every question type."""
    return frozenset(_REGISTRY)


for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _NOT_TYPES:
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "DONT_KNOW",
    "FIELD_PREFIX",
    "AnswerContext",
    "Answers",
    "Edit",
    "ExportColumn",
    "FieldError",
    "Figures",
    "FormData",
    "QuestionType",
    "Renderer",
    "SpssKind",
    "StorageRow",
    "XlsRow",
    "all_types",
    "field_name",
    "find",
    "get",
    "keys",
    "register",
    "text_in",
]
