"""Checked codes and actors: every ServiceError and audit event uses a registered enum member.

The source checks read the code (AST), so a free string in a rarely run branch fails here, not in
production. They skip nothing silently: a module whose raises cannot be read fails the test.
"""

from __future__ import annotations

import ast
import importlib
from enum import EnumMeta
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.functional import Promise

from medvirk.api.base import _service_error
from medvirk.core.actors import SystemActor, is_system
from medvirk.core.audit import _VALUES, action_label, audit_actions, audit_details, audit_record
from medvirk.core.errors import CoreErrorCode, ErrorCode, ServiceError

ROOT = Path(__file__).resolve().parents[1] / "medvirk"  # the medvirk package


def _error_codes() -> dict[str, type[ErrorCode]]:
    """Every ErrorCode subclass by class name, after importing every production module."""
    for path in _production_sources():
        module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        importlib.import_module(module.removesuffix(".__init__"))
    found: dict[str, type[ErrorCode]] = {}
    pending: list[type[ErrorCode]] = [ErrorCode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        found[cls.__name__] = cls
    return found


def _production_sources() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


class _Call:
    """A call found in a module, with what its names stand for there."""

    def __init__(self, path: Path, node: ast.Call, aliases: dict[str, str], params: dict[str, str]) -> None:
        self.path, self.node, self.aliases, self.params = path, node, aliases, params

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.node.lineno}"

    def member(self, node: ast.expr | None, classes: dict[str, Any]) -> Any:
        """Return the member (or, for ``Class(value)`` and typed parameters, the enum) ``node`` spells.

        ``Class(value)`` counts: the enum itself refuses a value that is not one of its members. A
        bare name counts when it is a parameter of the enclosing function annotated with the enum
        (a helper such as ``_audit(actor, obj, action: Action)``; mypy checks its callers).
        """
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            cls = classes.get(self.aliases.get(node.value.id, node.value.id))
            return cls.__members__.get(node.attr) if cls is not None else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return classes.get(self.aliases.get(node.func.id, node.func.id))
        if isinstance(node, ast.Name) and node.id in self.params:
            annotation = self.params[node.id]
            return classes.get(self.aliases.get(annotation, annotation))
        return None


def _calls(name: str) -> list[_Call]:
    found: dict[int, _Call] = {}
    for path in _production_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {
            alias.asname: alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
            if alias.asname
        }
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for scope in [tree, *functions]:  # later (inner) scopes overwrite: a call keeps its function's
            params: dict[str, str] = {}
            if not isinstance(scope, ast.Module):
                every = [*scope.args.args, *scope.args.kwonlyargs]
                params = {a.arg: ast.unparse(a.annotation) for a in every if a.annotation is not None}
            for node in ast.walk(scope):
                if isinstance(node, ast.Call):
                    func = node.func
                    called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                    if called == name:
                        found[id(node)] = _Call(path, node, aliases, params)
    return list(found.values())


def test_every_service_error_raised_uses_an_error_code_member() -> None:
    codes = _error_codes()
    raises = _calls("ServiceError") + _calls("ImportRejected") + _calls("UploadRefused")
    assert len(raises) > 100  # the scan really reads the modules
    wrong = [c.where for c in raises if not c.node.args or c.member(c.node.args[0], codes) is None]
    assert wrong == []


def test_every_audit_record_call_uses_a_registered_action() -> None:
    registered = audit_actions()
    classes = {member.__class__.__name__: member.__class__ for member in registered.values()}
    records = [call for call in _calls("audit_record") if call.path.name != "audit.py"]
    assert len(records) > 40
    wrong = []
    for call in records:
        action = next((kw.value for kw in call.node.keywords if kw.arg == "action"), None)
        found = call.member(action, classes)
        if isinstance(found, EnumMeta):  # a parameter typed with a registered action class
            found = next(iter(found), None)
        if found is None or registered.get(found.value) is not found:
            wrong.append(call.where)
    assert wrong == []


@translation.override("en")
def test_every_audit_action_has_a_translatable_label_and_one_naming_scheme() -> None:
    registered = audit_actions()
    assert {"unit.moved", "council.member_added", "survey.created"} <= set(registered)
    for value, member in registered.items():
        assert isinstance(member.label, Promise), value  # given explicitly, not derived from the name
        obj, _dot, verb = value.partition(".")
        assert obj and verb and "." not in verb, value
    assert action_label("unit.moved") == "Unit moved"
    assert action_label("no.such_action") == "no.such_action"


def test_every_audit_value_description_names_a_registered_action() -> None:
    """A description registered for an action (or prefix) no event carries is never used: after the
    actions' rename, panels' and partners' descriptions still named the old ones, so their events
    showed stored keys ("invited", "import") instead of words."""
    registered = audit_actions()
    prefixes = {value.split(".", 1)[0] + "." for value in registered}
    assert len(_VALUES) > 50
    assert [pair for pair in _VALUES if pair[0] not in registered and pair[0] not in prefixes] == []


@translation.override("en")
def test_panels_and_partners_events_say_their_details_in_words() -> None:
    assert audit_details("contact.logged", {"kind": "invited", "unit": 3}) == [
        ("kind", "Invited to a meeting")
    ]
    assert audit_details("organisation.updated", {"changed": ["name"], "source": "import"}) == [
        ("changed", "name"),
        ("source", "CSV import"),
    ]
    method, words = audit_details("panel.selected", {"method": "leximin"})[0]
    assert method == "method"
    assert words.startswith("Fair draw")


def test_service_error_takes_only_codes_and_carries_its_status() -> None:
    assert ServiceError(CoreErrorCode.FORBIDDEN, "no").status == 403
    from medvirk.accounts.enums import AccountsErrorCode

    assert ServiceError(AccountsErrorCode.NAME_TAKEN, "taken").status == 400
    assert ServiceError(AccountsErrorCode.NAME_TAKEN, "slow down", status=429).status == 429
    with pytest.raises(TypeError):
        ServiceError(42, "not a code")  # type: ignore[arg-type]


def test_api_answers_with_the_errors_status() -> None:
    request = RequestFactory().get("/api/v1/units")
    from medvirk.accounts.enums import AccountsErrorCode

    forbidden = _service_error(request, ServiceError(CoreErrorCode.FORBIDDEN, "no", field="unit"))
    assert forbidden.status_code == 403
    assert b'"code": "forbidden"' in forbidden.content
    taken = _service_error(request, ServiceError(AccountsErrorCode.NAME_TAKEN, "taken", status=409))
    assert taken.status_code == 409


def test_system_actor_needs_a_reason_and_is_nobody_in_the_audit_log(demo: Any) -> None:
    with pytest.raises(ValueError):
        SystemActor(" ")
    actor = SystemActor("nightly reminders")
    assert is_system(actor)
    assert not is_system(demo.users["admin"])
    from medvirk.accounts.enums import AccountsAuditAction

    unit = demo.units["Bydel Nord"]
    event = audit_record(
        actor=actor, municipality=unit.municipality, action=AccountsAuditAction.UNIT_UPDATED, obj=unit
    )
    assert event.actor is None
    with pytest.raises(TypeError):
        audit_record(actor=actor, municipality=unit.municipality, action="no.such", obj=unit)  # type: ignore[arg-type]  # refused at run time too


def test_system_actor_passes_every_check_but_has_no_scope(demo: Any) -> None:
    from medvirk.accounts.access import can, can_anywhere, units_for
    from medvirk.accounts.permissions import Perm

    actor = SystemActor("test")
    assert can(actor, Perm.ORG_MANAGE, demo.other_units[""])
    assert can_anywhere(actor, Perm.PANELS_MANAGE)
    with pytest.raises(TypeError):
        units_for(actor, Perm.ORG_VIEW)  # a system actor selects its rows explicitly


def test_every_text_problem_has_an_upload_error_code() -> None:
    from medvirk.common.textfiles import TextProblem
    from medvirk.core.uploads import UploadErrorCode

    # ``refusal`` turns a text problem into an UploadErrorCode by value: none may be missing.
    assert [UploadErrorCode(problem.value).value for problem in TextProblem] == [p.value for p in TextProblem]
