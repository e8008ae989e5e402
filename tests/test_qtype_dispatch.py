"""Question types are plug-ins (issue 15): code outside ``surveys/qtypes/`` asks the registry what a
type can do (``figures``, ``edits``, ``exclusive``, ``scale_items``, ...) and never compares a type's
name, so adding a type is one module there plus its tests.

The check reads the source (AST), like ``test_actions.py``: a comparison (``==``, ``!=``, ``in``,
``not in``, ``match``) of a question's type with ``QType.<member>``, or with a type key written as a
string (``q.type == "rating"``, ``question.get("type") in {"single", "multiple"}``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from medvirk.surveys import qtypes

pytestmark = pytest.mark.sqlite_only  # reads the source: the database does not matter

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "medvirk"
QTYPES = PACKAGE / "surveys" / "qtypes"

# Modules whose comparisons are about something else than a survey question's type.
ALLOWED: dict[str, str] = {
    "medvirk/feedback/instruments/definition.py": (
        "an instrument item's response kind ('vas', 'choice'): the instrument format's own vocabulary"
    ),
    "medvirk/feedback/answer_form.py": "reads an instrument item's response kind (instruments/definition.py)",
    "medvirk/feedback/services/episodes.py": "reads an instrument item's response kind",
}

# Modules still to convert to registry lookups (issue 15), with what they compare; none left.
PENDING: dict[str, str] = {}


def _names_a_type(node: ast.expr) -> bool:
    """Whether ``node`` reads a question's type: ``x.type``, ``x["type"]``, ``x.get("type")``, ``qtype``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "type"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "type"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        first = node.args[0] if node.args else None
        return isinstance(first, ast.Constant) and first.value == "type"
    if isinstance(node, ast.Name):
        return node.id in ("qtype", "type_key", "question_type")
    return False


def _type_names(node: ast.expr, keys: frozenset[str]) -> tuple[bool, bool]:
    """Return (is ``QType.<member>`` or a collection of them, is a type key string or a collection)."""
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    members = bool(items) and all(
        isinstance(i, ast.Attribute) and isinstance(i.value, ast.Name) and i.value.id == "QType"
        for i in items
    )
    strings = bool(items) and all(isinstance(i, ast.Constant) and i.value in keys for i in items)
    return members, strings


def type_name_comparisons(source: str, keys: frozenset[str]) -> Iterator[ast.Compare | ast.Match]:
    """Yield each comparison in ``source`` of a question's type with a type's name."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for side in sides:
                members, strings = _type_names(side, keys)
                others = [s for s in sides if s is not side]
                if members or (strings and any(_names_a_type(o) for o in others)):
                    yield node
                    break
        elif isinstance(node, ast.Match):
            patterns = [c.pattern for c in node.cases]
            values = [p.value for p in patterns if isinstance(p, ast.MatchValue)]
            if any(any(_type_names(v, keys)) for v in values) and _names_a_type(node.subject):
                yield node


def production_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts and QTYPES not in path.parents
    ]


def _found() -> dict[str, list[str]]:
    keys = qtypes.keys()
    found: dict[str, list[str]] = {}
    for path in production_modules():
        for node in type_name_comparisons(path.read_text(encoding="utf-8"), keys):
            name = str(path.relative_to(ROOT))
            found.setdefault(name, []).append(f"{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_no_module_outside_qtypes_compares_a_type_name() -> None:
    found = _found()
    unexpected = {name: lines for name, lines in found.items() if name not in ALLOWED and name not in PENDING}
    assert unexpected == {}, "ask the question-type registry (surveys.types.question_type) instead"
    finished = sorted(name for name in [*PENDING, *ALLOWED] if name not in found)
    assert finished == [], "no type name compared here any more: remove it from its list"


@pytest.mark.parametrize(
    ("source", "compares"),
    [
        ("q.type == 'rating'", True),
        ("q.type == QType.MATRIX", True),
        ("question.get('type') in {'single', 'multiple'}", True),
        ("raw['type'] != 'background'", True),
        ("x in (QType.RATING, QType.NPS)", True),
        ("match q.type:\n    case 'nps':\n        pass", True),
        ("kind == 'text'", False),  # not a question's type
        ("q.type == other.type", False),
        ("question_type(q.type).figures is Figures.BACKGROUND", False),
    ],
)
def test_the_check_finds_type_name_comparisons(source: str, compares: bool) -> None:
    assert bool(list(type_name_comparisons(source, qtypes.keys()))) is compares
