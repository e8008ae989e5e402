"""Conditions <-> XLSForm ``relevant`` expressions (see the package docstring for the mapping)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ... import qtypes
from ...qtypes.base import format_number, read_number
from .columns import as_json


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, int | float):
        return format_number(value)
    text = value if isinstance(value, str) else as_json(value)
    return f'"{text}"' if "'" in text else f"'{text}'"


def _compound(c: Mapping[str, Any]) -> bool:
    if "all" in c or "any" in c:
        return len(c.get("all") or c.get("any") or []) > 1
    if c.get("op") == "one_of":
        return len(c.get("values") or []) > 1
    return c.get("op") == "range" and c.get("min") is not None and c.get("max") is not None


def condition_to_relevant(c: Mapping[str, Any], types: Mapping[str, str]) -> str:
    """Write a condition (its JSON form) as an XLSForm ``relevant`` expression."""

    def part(child: Mapping[str, Any]) -> str:
        text = condition_to_relevant(child, types)
        return f"({text})" if _compound(child) else text

    for group, joiner in (("all", " and "), ("any", " or ")):
        if group in c:
            return joiner.join(part(child) for child in c[group])
    ref = "${" + str(c.get("question")) + "}"
    op = c.get("op")

    def equals(value: Any) -> str:
        qtype = qtypes.find(types.get(str(c.get("question"))))
        if qtype is not None and qtype.xlsform_multi_select:
            return f"selected({ref}, {_literal(value)})"
        return f"{ref} = {_literal(value)}"

    if op == "equals":
        return equals(c.get("value"))
    if op == "one_of":
        return " or ".join(equals(v) for v in c.get("values") or [])
    if op == "range":
        parts = []
        if c.get("min") is not None:
            parts.append(f"{ref} >= {_literal(c['min'])}")
        if c.get("max") is not None:
            parts.append(f"{ref} <= {_literal(c['max'])}")
        return " and ".join(parts)
    return f"{ref} != ''"


class RelevantError(ValueError):
    """A ``relevant`` expression that Medvirk's conditions cannot express."""


_TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[^}]*\})|(?P<str>'[^']*'|\"[^\"]*\")|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<op>>=|<=|!=|=|>|<|\(|\)|,)|(?P<word>[A-Za-z_][\w.:-]*))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise RelevantError(f"cannot read {text[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


class _RelevantParser:
    def __init__(self, text: str, resolve: Callable[[str], str]) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.resolve = resolve

    def peek(self, offset: int = 0) -> tuple[str, str]:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None, kind: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if (value is not None and token[1] != value) or (kind is not None and token[0] != kind):
            raise RelevantError(f"expected {value or kind}, found {token[1] or 'the end'!r}")
        self.pos += 1
        return token

    def parse(self) -> dict[str, Any]:
        result = self.expr()
        if self.peek()[0] != "end":
            raise RelevantError(f"unexpected {self.peek()[1]!r}")
        return result

    def expr(self) -> dict[str, Any]:
        items = [self.and_expr()]
        while self.peek() == ("word", "or"):
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else {"any": items}

    def and_expr(self) -> dict[str, Any]:
        items = [self.unary()]
        bare = [self.last_bare]
        while self.peek() == ("word", "and"):
            self.take()
            items.append(self.unary())
            bare.append(self.last_bare)
        if len(items) == 1:
            return items[0]
        a, b = items if len(items) == 2 else (None, None)
        if (
            a
            and b
            and all(bare)
            and a.get("op") == b.get("op") == "range"
            and a["question"] == b["question"]
            and set(a) ^ set(b) == {"min", "max"}
        ):
            return {**a, **b}
        return {"all": items}

    def unary(self) -> dict[str, Any]:
        self.last_bare = False
        kind, value = self.peek()
        if (kind, value) == ("op", "("):
            self.take()
            inner = self.expr()
            self.take(")")
            self.last_bare = False
            return inner
        if (kind, value) == ("word", "selected"):
            self.take()
            self.take("(")
            ref = self.ref()
            self.take(",")
            literal = self.literal()
            self.take(")")
            return {"question": ref, "op": "equals", "value": literal}
        if kind == "ref":
            ref = self.ref()
            op = self.take(kind="op")[1]
            return self.comparison(ref, op, self.literal())
        literal = self.literal()
        op = self.take(kind="op")[1]
        flipped = {">=": "<=", "<=": ">=", "=": "=", "!=": "!=", ">": "<", "<": ">"}.get(op, op)
        return self.comparison(self.ref(), flipped, literal)

    def comparison(self, ref: str, op: str, literal: Any) -> dict[str, Any]:
        self.last_bare = True
        if op == "=" and literal != "":
            return {"question": ref, "op": "equals", "value": literal}
        if op == "!=" and literal == "":
            return {"question": ref, "op": "answered"}
        if op in (">=", "<=") and isinstance(literal, int | float) and not isinstance(literal, bool):
            return {"question": ref, "op": "range", "min" if op == ">=" else "max": literal}
        raise RelevantError(f"the comparison {op!r} with {literal!r} is not supported")

    def ref(self) -> str:
        token = self.take(kind="ref")[1]
        return self.resolve(token[2:-1].strip())

    def literal(self) -> Any:
        kind, value = self.peek()
        if kind == "str":
            self.take()
            return value[1:-1]
        if kind == "num":
            self.take()
            return read_number(value)
        if kind == "word" and value in ("true", "false") and self.peek(1) == ("op", "("):
            self.take()
            self.take("(")
            self.take(")")
            return value == "true"
        raise RelevantError(f"expected a value, found {value or 'the end'!r}")


def relevant_to_condition(text: str, resolve: Callable[[str], str] = lambda name: name) -> dict[str, Any]:
    """Read a ``relevant`` expression into a condition (JSON form); raise ``RelevantError``."""
    return _RelevantParser(text, resolve).parse()
