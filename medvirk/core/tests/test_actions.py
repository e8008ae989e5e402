"""Checked codes and actors: every ServiceError and audit event uses a registered enum member.

The source checks read the code (AST), so a free string in a rarely run branch fails here, not in
production. They skip nothing silently: a module whose raises cannot be read fails the test.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import RequestFactory
from django.utils.functional import Promise

from medvirk.api.base import _service_error
from medvirk.core.actors import SystemActor, is_system
from medvirk.core.audit import action_label, audit_actions, audit_record
from medvirk.core.errors import CoreErrorCode, ErrorCode, ServiceError
from medvirk.core.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]  # the medvirk package
# Surveys still raises plain strings until its split into sub-packages lands (issue 15).
NOT_YET = ("surveys", "api/surveys.py", "api/interchange.py")


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
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and not str(path.relative_to(ROOT)).startswith(NOT_YET)
    ]


def _calls(name: str) -> list[tuple[Path, ast.Call]]:
    calls = []
    for path in _production_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if called == name:
                    calls.append((path, node))
    return calls


def _member(node: ast.expr | None, classes: dict[str, Any]) -> Any:
    """Return the enum member ``Class.NAME`` that ``node`` spells, or None.

    ``Class(value)`` counts too: the enum itself refuses a value that is not one of its members.
    """
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        cls = classes.get(node.value.id)
        if cls is not None:
            return cls.__members__.get(node.attr)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes:
        return classes[node.func.id]
    return None


def test_every_service_error_raised_uses_an_error_code_member() -> None:
    codes = _error_codes()
    raises = _calls("ServiceError") + _calls("ImportRejected")
    assert len(raises) > 100  # the scan really reads the modules
    wrong = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path, call in raises
        if not call.args or _member(call.args[0], codes) is None
    ]
    assert wrong == []


def test_every_audit_record_call_uses_a_registered_action() -> None:
    registered = audit_actions()
    classes = {member.__class__.__name__: member.__class__ for member in registered.values()}
    records = [(path, call) for path, call in _calls("audit_record") if path.name != "audit.py"]
    assert len(records) > 40
    wrong = []
    for path, call in records:
        action = next((kw.value for kw in call.keywords if kw.arg == "action"), None)
        member = _member(action, classes)
        if member is None or registered.get(member.value) is not member:
            wrong.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert wrong == []


def test_every_audit_action_has_a_translatable_label_and_one_naming_scheme() -> None:
    registered = audit_actions()
    assert {"unit.moved", "council.member_added", "survey.created"} <= set(registered)
    for value, member in registered.items():
        assert isinstance(member.label, Promise), value  # given explicitly, not derived from the name
        obj, _dot, verb = value.partition(".")
        assert obj and verb and "." not in verb, value
    assert action_label("unit.moved") == "Unit moved"
    assert action_label("no.such_action") == "no.such_action"


def test_service_error_takes_only_codes_and_carries_its_status() -> None:
    assert ServiceError(CoreErrorCode.FORBIDDEN, "no").status == 403
    from medvirk.orgs.enums import OrgsErrorCode

    assert ServiceError(OrgsErrorCode.NAME_TAKEN, "taken").status == 400
    assert ServiceError(OrgsErrorCode.NAME_TAKEN, "slow down", status=429).status == 429
    with pytest.raises(TypeError):
        ServiceError(42, "not a code")  # type: ignore[arg-type]


def test_api_answers_with_the_errors_status() -> None:
    request = RequestFactory().get("/api/v1/units")
    from medvirk.orgs.enums import OrgsErrorCode

    forbidden = _service_error(request, ServiceError(CoreErrorCode.FORBIDDEN, "no", field="unit"))
    assert forbidden.status_code == 403
    assert b'"code": "forbidden"' in forbidden.content
    taken = _service_error(request, ServiceError(OrgsErrorCode.NAME_TAKEN, "taken", status=409))
    assert taken.status_code == 409


def test_system_actor_needs_a_reason_and_is_nobody_in_the_audit_log(demo: Any) -> None:
    with pytest.raises(ValueError):
        SystemActor(" ")
    actor = SystemActor("nightly reminders")
    assert is_system(actor)
    assert not is_system(demo.users["admin"])
    from medvirk.orgs.enums import OrgsAuditAction

    unit = demo.units["Bydel Nord"]
    event = audit_record(
        actor=actor, municipality=unit.municipality, action=OrgsAuditAction.UNIT_UPDATED, obj=unit
    )
    assert event.actor is None
    with pytest.raises(TypeError):
        audit_record(actor=actor, municipality=unit.municipality, action="no.such", obj=unit)  # type: ignore[arg-type]


def test_system_actor_passes_every_check_but_has_no_scope(demo: Any) -> None:
    from medvirk.accounts.access import can, can_anywhere, units_for
    from medvirk.accounts.permissions import Perm

    actor = SystemActor("test")
    assert can(actor, Perm.ORG_MANAGE, demo.other_units[""])
    assert can_anywhere(actor, Perm.PANELS_MANAGE)
    with pytest.raises(TypeError):
        units_for(actor, Perm.ORG_VIEW)  # a system actor selects its rows explicitly


@pytest.mark.django_db
def test_old_audit_action_names_are_renamed_and_keep_their_labels() -> None:
    migration = importlib.import_module("medvirk.core.migrations.0004_audit_action_names")
    registered = audit_actions()
    assert set(migration.RENAMED.values()) <= set(registered)
    old = AuditEvent.objects.create(action="panels.selected", object_type="panels.panel", object_id="1")
    kept = AuditEvent.objects.create(action="unit.moved", object_type="orgs.orgunit", object_id="2")
    events = AuditEvent.objects.filter(pk__in=[old.pk, kept.pk]).order_by("pk")
    migration.forwards(apps, None)
    assert list(events.values_list("action", flat=True)) == ["panel.selected", "unit.moved"]
    assert action_label("panel.selected") == "Panel selected by lot"
    migration.backwards(apps, None)
    assert list(events.values_list("action", flat=True)) == ["panels.selected", "unit.moved"]


def test_every_text_problem_has_an_upload_error_code() -> None:
    from medvirk.common.textfiles import TextProblem
    from medvirk.core.uploads import UploadError

    # ``refusal`` turns a text problem into an UploadError by value: none may be missing.
    assert [UploadError(problem.value).value for problem in TextProblem] == [p.value for p in TextProblem]
