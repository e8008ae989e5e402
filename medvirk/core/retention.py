"""Retention of personal data: the kinds, each municipality's periods, and the one daily purge.

Each app registers the kinds of personal data it keeps for a limited time in its
``retention.py`` (found by autodiscovery, like ``demo.py`` and ``jobs.py``)::

    @retention_kind(
        "panels.volunteers",
        label=_("Volunteers in the panel pool"),
        counted_from=_("from their consent"),
        period=Period(MONTHS, default=36, minimum=1, maximum=120),
    )
    def purge_volunteers(context: PurgeContext) -> int:
        ...  # count (dry run) or delete/anonymise what is older than context.cutoff; return how many

A kind whose service works by cut-off date alone registers it with ``cutoff_purge(service)``
instead of writing the purge function.

A municipality's administrator sets each period (``RetentionPeriod``; the default applies until
then); ``manage.py purge_personal_data`` (daily, ``--dry-run`` to count only) runs every kind for
every municipality. Records that must be kept (a panel draw's proof) keep only pseudonymous ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime, timedelta
from typing import Protocol, TypeVar

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

from .actors import SystemActor
from .models import RetentionPeriod

DAYS = "days"
MONTHS = "months"


@dataclass(frozen=True)
class PurgeContext:
    """What a purge function gets: whose data, the cut-off, and whether to change anything."""

    actor: SystemActor
    municipality_id: int
    amount: int  # the period in the kind's unit
    cutoff: datetime  # records older than this (by the kind's own date) are due
    today: date
    dry_run: bool


Purge = Callable[[PurgeContext], int]
PurgeT = TypeVar("PurgeT", bound=Purge)


class CutoffPurge(Protocol):
    """A service that deletes (or, in a dry run, counts) a municipality's records older than ``cutoff``."""

    def __call__(
        self, *, actor: SystemActor, municipality_id: int, cutoff: datetime, dry_run: bool
    ) -> int: ...


def cutoff_purge(service: CutoffPurge) -> Purge:
    """Return the purge of a kind whose service works by cut-off date alone (most kinds)::

    retention_kind("panels.volunteers", label=..., ...)(cutoff_purge(volunteers_purge_expired))
    """

    def purge(context: PurgeContext) -> int:
        return service(
            actor=context.actor,
            municipality_id=context.municipality_id,
            cutoff=context.cutoff,
            dry_run=context.dry_run,
        )

    return purge


@dataclass(frozen=True)
class Period:
    """The periods a municipality may choose for a kind, in ``unit`` (DAYS or MONTHS), and the default."""

    unit: str
    _: KW_ONLY
    default: int
    minimum: int = 1
    maximum: int

    def __post_init__(self) -> None:
        if self.unit not in (DAYS, MONTHS):
            raise ValueError(f"unit must be {DAYS!r} or {MONTHS!r}")
        if not self.minimum <= self.default <= self.maximum:
            raise ValueError("the default must lie between the minimum and the maximum")


@dataclass(frozen=True)
class RetentionKind:
    """A kind of personal data kept for a period the municipality chooses."""

    key: str
    label: str | Promise
    counted_from: str | Promise
    unit: str
    default: int
    minimum: int
    maximum: int
    purge: Purge
    order: int

    def describe(self, amount: int) -> str:
        """Return e.g. "36 months from their consent" in the active language."""
        from django.utils.translation import ngettext

        if self.unit == DAYS:
            period = ngettext("%(n)d day", "%(n)d days", amount) % {"n": amount}
        else:
            period = ngettext("%(n)d month", "%(n)d months", amount) % {"n": amount}
        return f"{period} {self.counted_from}"


_KINDS: dict[str, RetentionKind] = {}


def retention_kind(
    key: str,
    *,
    label: str | Promise,
    counted_from: str | Promise,
    period: Period,
    order: int = 100,
) -> Callable[[PurgeT], PurgeT]:
    """Register the decorated purge function for the retention kind ``key`` (``<app>.<kind>``)."""

    def register(purge: PurgeT) -> PurgeT:
        known = _KINDS.get(key)
        if known is not None and known.purge is not purge:
            raise ValueError(f"The retention kind {key} is registered twice.")
        unit, default, minimum, maximum = period.unit, period.default, period.minimum, period.maximum
        _KINDS[key] = RetentionKind(key, label, counted_from, unit, default, minimum, maximum, purge, order)
        return purge

    return register


def retention_kinds() -> list[RetentionKind]:
    """Return every registered kind (importing each app's ``retention`` module), in display order."""
    autodiscover_modules("retention")
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def retention_kind_by_key(key: str) -> RetentionKind | None:
    """Return the kind registered as ``key``, or None."""
    autodiscover_modules("retention")
    return _KINDS.get(key)


def retention_amounts(municipality_id: int) -> dict[str, int]:
    """Return the period of every kind for one municipality (its own setting, else the default)."""
    chosen = dict(
        RetentionPeriod.objects.filter(municipality_id=municipality_id).values_list("kind", "amount")
    )
    return {kind.key: chosen.get(kind.key, kind.default) for kind in retention_kinds()}


def retention_amount(municipality_id: int, key: str) -> int:
    """Return one kind's period for one municipality, in the kind's unit."""
    kind = retention_kind_by_key(key)
    if kind is None:
        raise KeyError(f"No retention kind {key!r} is registered.")
    chosen = (
        RetentionPeriod.objects.filter(municipality_id=municipality_id, kind=key)
        .values_list("amount", flat=True)
        .first()
    )
    return kind.default if chosen is None else chosen


def months_before(moment: datetime, months: int) -> datetime:
    """Return ``moment`` moved ``months`` calendar months back (the 31st becomes the month's last day)."""
    month = moment.month - 1 - months
    year, month = moment.year + month // 12, month % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")  # pragma: no cover


def cutoff_for(kind: RetentionKind, amount: int, now: datetime) -> datetime:
    """Return the moment before which a record of ``kind`` kept ``amount`` units is due."""
    if kind.unit == DAYS:
        return now - timedelta(days=amount)
    return months_before(now, amount)


@dataclass(frozen=True)
class PurgeOutcome:
    """How many records of one kind one municipality's purge removed (or would remove)."""

    municipality_id: int
    kind: RetentionKind
    amount: int
    count: int


def purge_municipality(
    *,
    actor: SystemActor,
    municipality_id: int,
    dry_run: bool,
    kinds: list[str] | None = None,
    now: datetime | None = None,
) -> list[PurgeOutcome]:
    """Run the purge of every kind (or of ``kinds``) for one municipality; return what each did."""
    from .actors import ensure_system

    ensure_system(actor, "Purging personal data after its retention period")
    now = now or timezone.now()
    amounts = retention_amounts(municipality_id)
    outcomes = []
    for kind in retention_kinds():
        if kinds and kind.key not in kinds:
            continue
        context = PurgeContext(
            actor=actor,
            municipality_id=municipality_id,
            amount=amounts[kind.key],
            cutoff=cutoff_for(kind, amounts[kind.key], now),
            today=timezone.localdate(now),
            dry_run=dry_run,
        )
        outcomes.append(PurgeOutcome(municipality_id, kind, amounts[kind.key], kind.purge(context)))
    return outcomes


# --- core's own kind: background jobs and their result files -----------------------------------


def _register_core_kinds() -> None:
    from django.utils.translation import gettext_lazy as _

    from .jobs import JOBS_RETENTION, jobs_purge

    retention_kind(
        JOBS_RETENTION,
        label=_("Background jobs and their result files (exports, panel draws)"),
        counted_from=_("after the job finished"),
        period=Period(DAYS, default=7, maximum=90),
        order=90,
    )(cutoff_purge(jobs_purge))


_register_core_kinds()
