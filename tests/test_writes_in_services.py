"""Writes live in services (docs/adr/0003-actions-and-actors.md): no other production module writes
through the ORM, so every write goes through a function that checks its actor.

The check reads the source (AST), like ``test_actions.py``. A *service module* is ``services.py``,
a module of a ``services`` package, or ``<topic>_services.py`` (``accounts/unit_services.py``,
``surveys/design/local_services.py``). Demo seeding (``demo.py``, ``demo_*.py``), migrations and
tests are left out. A ``save(actor=...)`` is a form handing the actor to a service, not a raw write.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only  # reads the source: the database does not matter

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "medvirk"

# Modules that may write without being a service, each for a reason that holds for good.
ALLOWED: dict[str, str] = {
    "medvirk/core/audit.py": "the audit log itself: audit_record is how every service records its action",
    "medvirk/core/jobs.py": "background jobs' rows and progress: framework bookkeeping, no action (ADR 0003)",
    "medvirk/surveys/signals.py": "a cache key bump that must see every deletion path, no action (ADR 0003)",
    "medvirk/feedback/signals.py": "a cache key bump on every closed episode's save, no action (ADR 0003)",
    "medvirk/feedback/selectors.py": "the audit trail of reads of individual records, kept by the read",
    "medvirk/choice/selectors.py": (
        "a year's statistics of choosing as first published, kept by the read that shows them (no action)"
    ),
    "medvirk/feedback/halfyear_tree.py": (
        "an ended half-year's organisation tree, kept by the first making of its figures (no action)"
    ),
    "medvirk/surveys/answering/answer_store.py": (
        "the answer writer (one bulk INSERT path), called only by answering.services' checked writes"
    ),
}

# Manager and queryset methods that write; ``save``/``delete`` on an instance are caught apart.
CREATES = frozenset({"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update"})
QUERYSET = frozenset(
    {"filter", "exclude", "all", "select_for_update", "select_related", "prefetch_related", "order_by"}
)
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})


def _is_queryset(node: ast.expr) -> bool:
    """Whether ``node`` is a chain through a model manager or a queryset method (``X.objects...``)."""
    while True:
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in QUERYSET:
                return True
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr in MANAGERS:
                return True
            node = node.value
        else:
            return False


def orm_writes(source: str) -> Iterator[ast.Call]:
    """Yield the calls in ``source`` that write through the ORM.

    ``Model.objects.create(...)``, ``related.create(...)``, ``qs.update(...)``, ``qs.delete()``,
    ``obj.save()`` and ``obj.delete()``. ``save``/``delete`` with a positional argument are other
    things' methods (``workbook.save(out)``, ``cache.delete(key)``, ``router.delete("/path")``).
    """
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, receiver = node.func.attr, node.func.value
        manager_write = name in CREATES and isinstance(receiver, ast.Attribute | ast.Call)
        queryset_write = name in ("update", "delete") and _is_queryset(receiver)
        hands_on_actor = any(keyword.arg == "actor" for keyword in node.keywords)  # a form calling a service
        instance_write = name in ("save", "delete") and not node.args and not hands_on_actor
        if manager_write or queryset_write or instance_write:
            yield node


def is_service_module(path: Path) -> bool:
    return "services" in path.parts or path.stem == "services" or path.stem.endswith("_services")


def production_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path.stem != "demo"
        and not path.stem.startswith("demo_")
    ]


def _where(path: Path, node: ast.Call) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:80]}"


def test_only_services_write_through_the_orm() -> None:
    found = [
        _where(path, node)
        for path in production_modules()
        if not is_service_module(path) and str(path.relative_to(ROOT)) not in ALLOWED
        for node in orm_writes(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "move these writes into a service that takes actor= and checks it"


def test_the_walk_reaches_the_services_and_every_exception_still_writes() -> None:
    services = [path for path in production_modules() if is_service_module(path)]
    writes = sum(len(list(orm_writes(path.read_text(encoding="utf-8")))) for path in services)
    assert writes > 120  # the detector sees the services' writes (173 when written)
    for name in ALLOWED:
        assert list(orm_writes((ROOT / name).read_text(encoding="utf-8"))), f"{name} no longer writes"


@pytest.mark.parametrize(
    ("source", "writes"),
    [
        ("Client.objects.create(alias='a')", True),
        ("Assignment.objects.filter(pk=1).update(ends_on=None)", True),
        ("Link.objects.filter(expired=True).delete()", True),
        ("survey.questions.create(key='q1')", True),
        ("Option.objects.get_or_create(key='x')", True),
        ("unit.save(update_fields=['path'])", True),
        ("episode.delete()", True),
        ("counts.update(other)", False),
        ("workbook.save(out)", False),
        ("cache.delete(key)", False),
        ("form.save(actor=request.user, mode='paper')", False),
        ("AuditEvent.objects.create(actor=person, action='x')", True),
        ("answers.update({'q1': 2})", False),
    ],
)
def test_the_detector_tells_orm_writes_from_other_calls(source: str, writes: bool) -> None:
    assert bool(list(orm_writes(source))) is writes
