"""Write and describe audit events. Every staff change goes through ``audit_record``.

Actions are members of an :class:`AuditAction` subclass, one per module (``<module>/enums.py``),
each with a translatable label. Stored values read ``<object>.<verb>`` (``unit.moved``,
``council.member_added``); they are what the API's audit list returns, so they stay stable.

An event's details (its ``data``) are shown in words: ``DETAIL_LABELS`` names each key, and the
app that owns a value's meaning registers how to say it (``audit_values_register``: a role's
name, a measure's status, a dimension's label), so the audit log never shows ``read_only``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib import import_module
from typing import Any, Protocol

from django.apps import apps
from django.db import models
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

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


# The name of each key an event's data may carry, in the words of the audit log's "Details".
DETAIL_LABELS: dict[str, Any] = {
    "activity": _("activity"),
    "batch": _("batch"),
    "changed": _("changed"),
    "count": _("number"),
    "created": _("created"),
    "dates": _("dates"),
    "dimension": _("dimension"),
    "fields": _("changed"),
    "format": _("format"),
    "from": _("from"),
    "kind": _("kind"),
    "ladder": _("ladder level"),
    "local": _("the unit's own questions"),
    "meeting": _("meeting"),
    "method": _("method"),
    "name": _("name"),
    "nominate": _("asked to nominate"),
    "notes": _("notes"),
    "organisation": _("organisation"),
    "participants": _("participants"),
    "partner": _("municipality"),
    "pool": _("volunteers in the pool"),
    "progress": _("progress (%)"),
    "published": _("published"),
    "quotas": _("quotas"),
    "region_code": _("region code"),
    "org_number": _("organisation number"),
    "unit_code": _("unit code"),
    "service_area": _("service area"),
    "council_met": _("the user council has met"),
    "minorities_mapped": _("who can speak for minorities is mapped"),
    "report_published": _("the yearly report is published"),
    "completed": _("completed"),
    "gaps": _("groups nobody speaks for"),
    "closed": _("marked closed"),
    "code": _("code in the table"),
    "recipients": _("recipients"),
    "replaced": _("replaced an earlier import"),
    "replacements": _("replacements"),
    "role": _("role"),
    "round": _("round"),
    "seed": _("seed"),
    "series": _("survey"),
    "size": _("size (bytes)"),
    "skipped": _("skipped"),
    "source": _("source"),
    "status": _("status"),
    "survey": _("survey"),
    "table": _("table"),
    "to": _("to"),
    "total": _("total"),
    "unit": _("unit"),
    "units": _("units"),
    "units_moved": _("units moved"),
    "user": _("user"),
    "username": _("username"),
    "version": _("version"),
    "year": _("year"),
    "starts_on": _("starts"),
    "effective_on": _("takes effect"),
    "last_day": _("last day"),
    "until": _("until"),
    "clients": _("clients"),
    "value": _("value"),
}
# Keys that hold database ids: the event's object already says what it is about, and a number
# such as "parent: 32" tells a reader nothing.
HIDDEN_DETAILS = frozenset(
    {"unit_id", "parent", "meeting", "activity", "survey", "organisation", "client", "service", "provider"}
)

Describe = Callable[[Any], Any]
_VALUES: dict[tuple[str, str], Describe] = {}  # (action or "prefix.", key) -> how to say a value


def _each(labels: Mapping[Any, Any]) -> Describe:
    def describe(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(labels.get(v, v)) for v in value if v not in (None, ""))
        return labels.get(value, value)

    return describe


def local_date(value: Any) -> Any:
    """Describe a stored ISO date ("2026-02-04") as the active language writes dates."""
    from django.utils.dateparse import parse_date
    from django.utils.formats import date_format

    try:
        day = parse_date(str(value)) if value else None
    except ValueError:
        day = None
    return date_format(day, "SHORT_DATE_FORMAT") if day else value


def changed_from_to(labels: Mapping[Any, Any]) -> Describe:
    """Describe a stored ``[before, after]`` pair as "before → after", each said by ``labels``."""

    def describe(value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) == 2:
            before, after = (str(labels.get(v, v)) if v not in (None, "") else "–" for v in value)
            return f"{before} → {after}"
        return labels.get(value, value)

    return describe


def field_labels(model: Any) -> dict[str, Any]:
    """Return a model's field names mapped to their verbose names (for events listing fields)."""
    return {f.name: f.verbose_name for f in model._meta.get_fields() if getattr(f, "verbose_name", None)}


def audit_values_register(
    *, key: str, describe: Mapping[Any, Any] | Describe, actions: Iterable[str]
) -> None:
    """Say how the values of ``key`` read in the events of ``actions`` (an action, or a prefix
    ending in ".", such as "measure."): a mapping from stored value to label (applied to each item
    of a list), or a function of the whole value that returns the words (``None`` leaves the
    detail out). Apps call this from ``AppConfig.ready``."""
    function = _each(describe) if isinstance(describe, Mapping) else describe
    for action in actions:
        _VALUES[(action, key)] = function


def _describer(action: str, key: str) -> Describe | None:
    found = _VALUES.get((action, key))
    if found is None and "." in action:
        found = _VALUES.get((action.split(".", 1)[0] + ".", key))
    return found


def _plain(value: Any, describe: Describe | None) -> str | None:
    from django.utils.translation import gettext

    if describe is not None:
        value = describe(value)
    if isinstance(value, list | tuple):
        parts = [_plain(v, None) for v in value]
        return ", ".join(p for p in parts if p) or None
    if value is None or value == "" or isinstance(value, dict):
        return None
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


def audit_details(action: str, data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return an event's details as (label, value) pairs in the active language, ids left out."""
    details = []
    for key, value in data.items():
        if key in HIDDEN_DETAILS and _describer(action, key) is None:
            continue
        text = _plain(value, _describer(action, key))
        if text is not None:
            details.append((str(DETAIL_LABELS.get(key, key)), text))
    return details


def audit_record(
    *,
    actor: _Person | SystemActor,
    municipality: Any = None,
    action: AuditAction,
    obj: Any,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Store one audit event for ``obj``; call inside the service's transaction.

    The event belongs to ``municipality``, by default the object's own (``obj.municipality_id``:
    every tenant-owned row carries it); name it for an object without one (a municipality).
    """
    if not isinstance(action, AuditAction):
        raise TypeError(f"Audit actions are AuditAction members, not {action!r}")
    person: Any = actor.on_behalf_of if isinstance(actor, SystemActor) else actor
    by_medvirk = person is None  # a staff user whose checked action led here did it, not Medvirk
    if not getattr(person, "pk", None):  # Medvirk itself, or a user since deleted: nobody
        person = None
    tenant = (
        {"municipality": municipality}
        if municipality is not None
        else {"municipality_id": obj.municipality_id}
    )
    return AuditEvent.objects.create(
        **tenant,
        actor=person,
        by_medvirk=by_medvirk,
        action=action.value,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )


def actor_label(event: AuditEvent) -> str:
    """Say who did what an event records: the staff member's name, "Medvirk (automatic)" for
    Medvirk itself (a job, a daily command, a public form), or that the person's account has
    been deleted since; never a blank."""
    if event.actor is not None:
        return str(event.actor)
    if event.by_medvirk:
        return str(_("Medvirk (automatic)"))
    if event.by_medvirk is None:  # recorded before the log kept who acted when nobody is named
        return str(_("Medvirk (automatic) or a deleted user"))
    return str(_("A deleted user"))


def action_label(action: str) -> str:
    """Return the translated label for a stored audit action (the raw value if unknown)."""
    member = audit_actions().get(action)
    return str(member.label) if member is not None else action
