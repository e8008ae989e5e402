"""Write and describe audit events. Every staff change goes through ``audit_record``.

Actions are members of an :class:`AuditAction` subclass, one per module (``<module>/enums.py``),
each with a translatable label. Stored values read ``<object>.<verb>`` (``unit.moved``,
``council.member_added``); they are what the API's audit list returns, so they stay stable.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any, Protocol

from django.apps import apps
from django.db import models
from django.utils.module_loading import module_has_submodule

from .actors import SystemActor
from .models import AuditEvent


class AuditAction(models.TextChoices):
    """Base of every module's audit actions: ``NAME = "object.verb", _("Label")``."""


class _Person(Protocol):
    """A staff user as the audit log sees one (``accounts.User``; core does not import it)."""

    pk: Any


@cache
def audit_actions() -> dict[str, AuditAction]:
    """Return every registered action by its stored value (importing each module's ``enums``)."""
    for config in apps.get_app_configs():
        if config.name.startswith("medvirk.") and module_has_submodule(config.module, "enums"):
            import_module(f"{config.name}.enums")
    found: dict[str, AuditAction] = {}
    pending = list(AuditAction.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        for member in cls:
            if found.setdefault(member.value, member) is not member:
                raise ValueError(f"Audit action {member.value!r} is registered twice")
    return found


def audit_record(
    *,
    actor: _Person | SystemActor,
    municipality: Any,
    action: AuditAction,
    obj: Any,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Store one audit event for ``obj``; call inside the service's transaction."""
    if not isinstance(action, AuditAction):
        raise TypeError(f"Audit actions are AuditAction members, not {action!r}")
    person: Any = actor.on_behalf_of if isinstance(actor, SystemActor) else actor
    if not getattr(person, "pk", None):  # Medvirk itself, or a user since deleted: nobody
        person = None
    return AuditEvent.objects.create(
        municipality=municipality,
        actor=person,
        action=action.value,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )


def action_label(action: str) -> str:
    """Return the translated label for a stored audit action (the raw value if unknown)."""
    member = audit_actions().get(action)
    return str(member.label) if member is not None else action
