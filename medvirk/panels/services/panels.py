"""Writes for panels: create and change them, set quotas, draw by lot, replace members.

Every function checks its actor (``PANELS_MANAGE`` on some unit of the panel's municipality).
The computations live in ``panels/selection.py``; these functions store their outcome.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from medvirk.accounts.access import Actor, acting_user
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.core.jobs import job_abandon_if_stalled, start_job
from medvirk.core.models import Job
from medvirk.orgs.models import Municipality

from .. import selection
from ..choices import FEATURES, PanelMethod, PanelStatus
from ..enums import PanelsAuditAction, PanelsErrorCode
from ..models import MemberStatus, Panel, PanelMember, PanelQuota, SelectionRun, Volunteer
from .volunteers import ensure_panels

MAX_PANEL_SIZE = 500


def _check_panel(name: str, size: int) -> None:
    if not name.strip():
        raise ServiceError(PanelsErrorCode.NAME_REQUIRED, _("Give the panel a name."), field="name")
    if not 1 <= size <= MAX_PANEL_SIZE:
        raise ServiceError(
            PanelsErrorCode.BAD_SIZE,
            _("The panel must have between 1 and %(n)d seats.") % {"n": MAX_PANEL_SIZE},
            field="size",
        )


def _ensure_draft(panel: Panel) -> None:
    if panel.status != PanelStatus.DRAFT:
        raise ServiceError(PanelsErrorCode.NOT_DRAFT, _("A panel that has been selected cannot be changed."))


@transaction.atomic
def panel_create(
    *,
    actor: Actor,
    municipality: Municipality,
    name: str,
    purpose: str,
    size: int,
    method: str = PanelMethod.LEXIMIN,
    one_per_household: bool = False,
) -> Panel:
    """Create a panel in draft."""
    ensure_panels(actor, municipality.pk)
    _check_panel(name, size)
    panel = Panel.objects.create(
        municipality=municipality,
        name=name.strip(),
        purpose=purpose.strip(),
        size=size,
        method=method,
        one_per_household=one_per_household,
        created_by=acting_user(actor),
    )
    audit_record(actor=actor, action=PanelsAuditAction.PANEL_CREATED, obj=panel)
    return panel


@transaction.atomic
def panel_update(*, actor: Actor, panel: Panel, **changes: Any) -> Panel:
    """Change a draft panel's name, purpose, size, method or household rule."""
    ensure_panels(actor, panel.municipality_id)
    _ensure_draft(panel)
    for key in ("name", "purpose", "size", "method", "one_per_household"):
        if key in changes and changes[key] is not None:
            setattr(panel, key, changes[key])
    _check_panel(panel.name, panel.size)
    panel.save()
    audit_record(actor=actor, action=PanelsAuditAction.PANEL_UPDATED, obj=panel)
    return panel


@transaction.atomic
def quotas_set(*, actor: Actor, panel: Panel, quotas: list[tuple[str, str, int, int]]) -> list[PanelQuota]:
    """Replace the panel's quotas with ``(feature, value, min, max)`` rows."""
    ensure_panels(actor, panel.municipality_id)
    _ensure_draft(panel)
    seen = set()
    for feature, value, low, high in quotas:
        if feature not in FEATURES:
            raise ServiceError(
                PanelsErrorCode.BAD_FEATURE, _("Unknown quota category %(f)s.") % {"f": feature}
            )
        if (feature, value) in seen:
            raise ServiceError(
                PanelsErrorCode.DUPLICATE_QUOTA, _("%(f)s=%(v)s appears twice.") % {"f": feature, "v": value}
            )
        seen.add((feature, value))
        if low < 0 or high < low:
            raise ServiceError(
                PanelsErrorCode.BAD_BOUNDS,
                _("%(f)s=%(v)s: the minimum must be between 0 and the maximum.") % {"f": feature, "v": value},
            )
    panel.quotas.all().delete()
    rows = PanelQuota.objects.bulk_create(
        PanelQuota(municipality_id=panel.municipality_id, panel=panel, feature=f, value=v, min=lo, max=hi)
        for f, v, lo, hi in quotas
    )
    audit_record(actor=actor, action=PanelsAuditAction.PANEL_UPDATED, obj=panel, data={"quotas": len(rows)})
    return rows


def _ensure_not_selected(panel: Panel) -> None:
    if panel.status != PanelStatus.DRAFT:
        raise ServiceError(PanelsErrorCode.NOT_DRAFT, _("This panel has already been selected."))


def panel_select_start(*, actor: Actor, panel: Panel, seed: int | None = None) -> Job:
    """Start drawing the panel in the background; the seed is fixed (and published) now.

    The job draws as the person who started it (``panels/jobs.py``), checked again when it runs.
    With the immediate backend (tests) the returned job has already finished.
    """
    ensure_panels(actor, panel.municipality_id)
    _ensure_not_selected(panel)
    running = selection.select_job(panel)
    if running is not None and not running.finished and not job_abandon_if_stalled(running):
        raise ServiceError(PanelsErrorCode.DRAW_RUNNING, _("This panel is already being drawn."))
    selection.check_pool_size(
        Volunteer.objects.filter(municipality_id=panel.municipality_id, email_confirmed=True).count()
    )
    seed = selection.new_seed() if seed is None else int(seed)
    return start_job(
        kind=selection.SELECT_JOB,
        municipality=panel.municipality,
        user=acting_user(actor),
        params={"panel_id": panel.pk, "seed": seed},
    )


def panel_select(
    *, actor: Actor, panel: Panel, seed: int | None = None, progress: selection.PhaseProgress | None = None
) -> SelectionRun:
    """Draw the panel by lot with the panel's method and a published seed; store everything.

    ``progress(phase, fraction)`` hears the phases (``check``, the algorithm's own phases,
    ``draw``, ``save``). The computation runs outside any transaction (it can take a minute, and
    SQLite would block every other writer meanwhile); the panel is then locked, checked again and
    saved in one transaction.
    """
    ensure_panels(actor, panel.municipality_id)
    panel = Panel.objects.get(pk=panel.pk)
    _ensure_not_selected(panel)
    seed = selection.new_seed() if seed is None else int(seed)
    run, snap, volunteers = selection.compute_run(panel, seed=seed, progress=progress)
    if progress is not None:
        progress("save", 0.97)
    run.actor = acting_user(actor)
    _save_run(actor=actor, panel=panel, run=run, snap=snap, volunteers=volunteers)
    return run


@transaction.atomic
def _save_run(
    *, actor: Actor, panel: Panel, run: SelectionRun, snap: dict[str, Any], volunteers: list[Volunteer]
) -> None:
    """Store a computed draw, unless the panel or the drawn people changed while it was computed."""
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    _ensure_not_selected(panel)
    current = selection.snapshot(panel, [])
    if (current["quotas"], current["k"], panel.method) != (snap["quotas"], snap["k"], run.method):
        raise ServiceError(
            PanelsErrorCode.PANEL_CHANGED,
            _("The panel or its quotas were changed during the draw. Please draw again."),
        )
    by_pid = {v.person_id: v for v in volunteers}
    drawn = [by_pid[pid] for pid in run.drawn]
    present = Volunteer.objects.filter(pk__in=[v.pk for v in drawn], email_confirmed=True)
    still_there = set(present.values_list("pk", flat=True))
    if len(still_there) != len(drawn):
        raise ServiceError(
            PanelsErrorCode.POOL_CHANGED,
            _("A drawn volunteer left the pool during the draw. Please draw again."),
        )
    run.panel = panel
    run.save()
    PanelMember.objects.bulk_create(
        PanelMember(municipality_id=panel.municipality_id, panel=panel, volunteer=v) for v in drawn
    )
    panel.status = PanelStatus.SELECTED
    panel.seed = run.seed
    panel.save(update_fields=["status", "seed"])
    audit_record(
        actor=actor,
        action=PanelsAuditAction.PANEL_SELECTED,
        obj=panel,
        data={"seed": run.seed, "method": run.method, "pool": run.pool_size},
    )


@transaction.atomic
def member_decline(
    *, actor: Actor, panel: Panel, member: PanelMember, seed: int | None = None
) -> list[PanelMember]:
    """Mark a member as declined and draw a replacement within the same quota cells."""
    ensure_panels(actor, panel.municipality_id)
    if member.status == MemberStatus.DECLINED:
        raise ServiceError(PanelsErrorCode.ALREADY_DECLINED, _("This person has already declined."))
    seed = selection.new_seed() if seed is None else int(seed)
    replacements = selection.compute_replacements(panel, member, seed=seed)
    member.status = MemberStatus.DECLINED
    member.save(update_fields=["status"])
    new = [
        PanelMember.objects.create(
            municipality_id=panel.municipality_id,
            panel=panel,
            volunteer=volunteer,
            status=MemberStatus.REPLACEMENT,
            seed=seed,
        )
        for volunteer in replacements
    ]
    audit_record(
        actor=actor,
        action=PanelsAuditAction.PANEL_MEMBER_REPLACED,
        obj=panel,
        data={"seed": seed, "replacements": len(new)},
    )
    return new


def panel_members_export_record(*, actor: Actor, panel: Panel) -> None:
    """Record that ``actor`` took the drawn members' list away (names, e-mail addresses and
    accessibility needs, which may say something about health): like a response-level export,
    a copy of personal data leaving Medvirk is on the audit log."""
    ensure_panels(actor, panel.municipality_id)
    with transaction.atomic():
        audit_record(actor=actor, action=PanelsAuditAction.PANEL_MEMBERS_EXPORTED, obj=panel)
