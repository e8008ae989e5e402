"""API endpoints of the panels module: volunteers' pool, panels, quotas, feasibility, selection, report.

Same scoping as the pages: everything needs ``PANELS_MANAGE`` somewhere in the caller's
municipality (404 otherwise, for missing and forbidden alike).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from medvirk.accounts.access import access_unit_by_id, municipality_id_of, municipality_of
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.api.base import fields_of, patch_of, schema_of
from medvirk.api.jobs import JobOut, job_out
from medvirk.core.errors import ServiceError
from medvirk.core.models import JobStatus
from medvirk.panels import selection, services
from medvirk.panels.choices import PanelMethod
from medvirk.panels.csvimport import parse_csv
from medvirk.panels.enums import PanelsErrorCode
from medvirk.panels.models import Council, Panel, Volunteer
from medvirk.panels.report import build_report
from medvirk.panels.selectors import (
    access_council_by_id,
    access_panel_by_id,
    access_volunteer_by_id,
    require_panels,
)
from medvirk.participation.selectors import access_activity_by_id

router = Router(tags=["panels"])


if TYPE_CHECKING:
    _VolunteerFields = Schema
else:
    _VolunteerFields = schema_of(services.VolunteerData, answer=True)


class VolunteerOut(_VolunteerFields):
    # A volunteer's details, the fields of services.VolunteerData (household_key too, which staff
    # set with PATCH), and what the pool adds (no docstring: it would become the schema's
    # description in the OpenAPI document).
    id: int
    email_confirmed: bool
    source: str


class ImportIn(Schema):
    csv: str
    consent_collected: bool


class ImportRowOut(Schema):
    line: int
    status: str
    messages: list[str]


class ImportOut(Schema):
    created: int
    skipped: int
    errors: list[str]
    rows: list[ImportRowOut]


class QuotaIO(Schema):
    feature: str
    value: str
    min: int
    max: int


class PanelIn(Schema):
    name: str
    purpose: str
    size: int
    method: PanelMethod = PanelMethod.LEXIMIN
    one_per_household: bool = False
    quotas: list[QuotaIO] = []


class PanelOut(Schema):
    id: int
    name: str
    purpose: str
    size: int
    method: str
    status: str
    one_per_household: bool
    seed: int | None
    quotas: list[QuotaIO]


class FeasibilityOut(Schema):
    feasible: bool
    #: False when the check could not finish in time (then ``feasible`` is false but unknown).
    decided: bool
    explanations: list[str]
    issue_codes: list[str]


class SelectIn(Schema):
    seed: int | None = None


class GroupOut(Schema):
    feature: str
    value: str
    pool: int
    drawn: int
    quota_min: int
    quota_max: int
    chance: float | None
    expected_seats: float | None


class ReportOut(Schema):
    panel_id: int
    method: str
    seed: int
    pool_size: int
    minimum: float | None
    drawn: list[int]
    reproduced: bool
    person_probabilities: dict[str, float]
    groups: list[GroupOut]


def _volunteer(v: Volunteer) -> dict[str, object]:
    return fields_of(v, VolunteerOut)


def _panel(p: Panel) -> dict[str, object]:
    return fields_of(p, PanelOut, quotas=[fields_of(q, QuotaIO) for q in p.quotas.all()])


def _vid(person_id: str) -> int:
    return int(person_id.lstrip("v"))


@router.get("/panels/volunteers", response=list[VolunteerOut])
def list_volunteers(request: StaffRequest, confirmed: bool | None = None) -> list[dict[str, object]]:
    """List the municipality's volunteers' pool."""
    require_panels(request.user)
    qs = Volunteer.objects.filter(municipality_id=municipality_id_of(request.user))
    if confirmed is not None:
        qs = qs.filter(email_confirmed=confirmed)
    return [_volunteer(v) for v in qs]


@router.post("/panels/volunteers/import", response={200: ImportOut, 400: dict})
def import_volunteers(request: StaffRequest, payload: ImportIn) -> Status[dict[str, object]]:
    """Import volunteers from CSV text (same columns as the page); rows with errors are skipped."""
    require_panels(request.user)
    if not payload.consent_collected:
        raise ServiceError(
            PanelsErrorCode.CONSENT_REQUIRED,
            _("Confirm that everyone in the file has agreed."),
            field="consent_collected",
        )
    municipality = municipality_of(request.user)
    preview = parse_csv(payload.csv.encode(), municipality=municipality)
    created = skipped = 0
    if preview.new_rows:
        created, skipped = services.volunteers_import(
            actor=request.user, municipality=municipality, rows=[r.values for r in preview.new_rows]
        )
    rows = [
        {"line": r.line, "status": r.status, "messages": [str(m) for m in r.messages]} for r in preview.rows
    ]
    skipped += len(preview.rows) - len(preview.new_rows)
    body = {"created": created, "skipped": skipped, "errors": [str(e) for e in preview.errors], "rows": rows}
    return Status(200, body)


class CouncilMemberOut(Schema):
    id: int
    name: str
    kind: str
    role: str
    organisation: str
    term_start: datetime.date
    term_end: datetime.date


class CouncilDecisionOut(Schema):
    id: int
    date: datetime.date
    text: str
    follow_up: str


class CouncilMeetingOut(Schema):
    id: int
    date: datetime.date
    title: str
    agenda: str
    activity_id: int | None


class CouncilMeetingIn(Schema):
    date: datetime.date
    title: str
    agenda: str = ""
    record_for_unit_id: int | None = None  # create a participation activity of this unit
    activity_id: int | None = None  # or link an existing council-meeting activity


class CouncilOut(Schema):
    id: int
    name: str
    mandate: str
    members: list[CouncilMemberOut]
    decisions: list[CouncilDecisionOut]
    meetings: list[CouncilMeetingOut]


if TYPE_CHECKING:
    _VolunteerPatchFields = Schema
else:
    _VolunteerPatchFields = patch_of(services.VolunteerData, only=services.VOLUNTEER_EDITABLE)


class VolunteerPatch(_VolunteerPatchFields):
    # Any of the details staff may correct (services.VOLUNTEER_EDITABLE); the others stay as they
    # are (no docstring: it would become the schema's description in OpenAPI).
    pass


def _council(c: Council) -> dict[str, object]:
    return fields_of(
        c,
        CouncilOut,
        members=[fields_of(m, CouncilMemberOut) for m in c.members.all()],
        decisions=[fields_of(d, CouncilDecisionOut) for d in c.decisions.all()],
        meetings=[fields_of(m, CouncilMeetingOut) for m in c.meetings.all()],
    )


# Volunteer and council routes are registered before "/panels/{panel_id}", which would match them.
@router.get("/panels/councils", response=list[CouncilOut])
def list_councils(request: StaffRequest) -> list[dict[str, object]]:
    """List the municipality's user councils with members, terms and decisions."""
    require_panels(request.user)
    councils = Council.objects.filter(municipality_id=municipality_id_of(request.user))
    return [_council(c) for c in councils.prefetch_related("members", "decisions", "meetings")]


@router.get("/panels/councils/{council_id}", response=CouncilOut)
def get_council(request: HttpRequest, council_id: int) -> dict[str, object]:
    """Return one council with members, terms, meetings and decisions."""
    return _council(access_council_by_id(request.user, council_id))


@router.post("/panels/councils/{council_id}/meetings", response={201: CouncilMeetingOut})
def add_council_meeting(
    request: StaffRequest, council_id: int, payload: CouncilMeetingIn
) -> Status[dict[str, object]]:
    """Add a council meeting; record it as a participation activity of a unit, or link one.

    ``record_for_unit_id`` needs participation rights on that unit; ``activity_id`` must be a
    council-meeting activity the caller may manage (404 otherwise).
    """
    council = access_council_by_id(request.user, council_id)
    unit = activity = None
    if payload.record_for_unit_id is not None:
        unit = access_unit_by_id(request.user, payload.record_for_unit_id, Perm.PARTICIPATION_MANAGE)
    if payload.activity_id is not None:
        activity = access_activity_by_id(request.user, payload.activity_id, Perm.PARTICIPATION_MANAGE)
    meeting = services.council_meeting_add(
        actor=request.user,
        council=council,
        date=payload.date,
        title=payload.title,
        agenda=payload.agenda,
        record_for=unit,
        activity=activity,
    )
    return Status(201, fields_of(meeting, CouncilMeetingOut))


@router.patch("/panels/volunteers/{volunteer_id}", response=VolunteerOut)
def patch_volunteer(request: StaffRequest, volunteer_id: int, payload: VolunteerPatch) -> dict[str, object]:
    """Correct a volunteer's attributes (keys as in the pool; audited without the values)."""
    volunteer = access_volunteer_by_id(request.user, volunteer_id)
    changes = payload.dict(exclude_none=True)
    return _volunteer(services.volunteer_update(actor=request.user, volunteer=volunteer, **changes))


@router.get("/panels", response=list[PanelOut])
def list_panels(request: StaffRequest) -> list[dict[str, object]]:
    """List the municipality's panels."""
    require_panels(request.user)
    panels = Panel.objects.filter(municipality_id=municipality_id_of(request.user)).prefetch_related("quotas")
    return [_panel(p) for p in panels]


@router.post("/panels", response={201: PanelOut})
def create_panel(request: StaffRequest, payload: PanelIn) -> Status[dict[str, object]]:
    """Create a panel, optionally with its quotas."""
    require_panels(request.user)
    panel = services.panel_create(
        actor=request.user,
        municipality=municipality_of(request.user),
        name=payload.name,
        purpose=payload.purpose,
        size=payload.size,
        method=payload.method,
        one_per_household=payload.one_per_household,
    )
    if payload.quotas:
        services.quotas_set(
            actor=request.user,
            panel=panel,
            quotas=[(q.feature, q.value, q.min, q.max) for q in payload.quotas],
        )
    return Status(201, _panel(panel))


@router.get("/panels/{panel_id}", response=PanelOut)
def get_panel(request: HttpRequest, panel_id: int) -> dict[str, object]:
    """Return one panel with its quotas."""
    return _panel(access_panel_by_id(request.user, panel_id))


@router.put("/panels/{panel_id}/quotas", response=PanelOut)
def put_quotas(request: StaffRequest, panel_id: int, payload: list[QuotaIO]) -> dict[str, object]:
    """Replace a draft panel's quotas. Features: age_band, gender, district, immigrant_background,
    social_background; values as in the sign-up form, or ``prefer_not_to_say``."""
    panel = access_panel_by_id(request.user, panel_id)
    services.quotas_set(
        actor=request.user, panel=panel, quotas=[(q.feature, q.value, q.min, q.max) for q in payload]
    )
    return _panel(panel)


@router.get("/panels/{panel_id}/feasibility", response=FeasibilityOut)
def get_feasibility(request: HttpRequest, panel_id: int) -> dict[str, object]:
    """Check whether the quotas can be met with the current pool, and explain why not."""
    panel = access_panel_by_id(request.user, panel_id)
    report = selection.feasibility(panel)
    return {
        "feasible": report.feasible,
        "decided": report.decided,
        "explanations": selection.explain(report, panel.municipality),
        "issue_codes": [i.code for i in report.issues],
    }


class SelectOut(Schema):
    job_id: int
    job: JobOut
    report: ReportOut | None


@router.post("/panels/{panel_id}/select", response={200: SelectOut})
def select_panel(request: StaffRequest, panel_id: int, payload: SelectIn) -> dict[str, object]:
    """Start drawing the panel by lot in the background (pools up to 5,000 volunteers).

    Returns the job: poll ``GET /api/v1/jobs/{job_id}`` until ``status`` is ``done`` (then read
    ``GET /api/v1/panels/{panel_id}/report``) or ``failed`` (``error`` says why). ``report`` is
    filled in when the draw had already finished.
    """
    panel = access_panel_by_id(request.user, panel_id)
    job = services.panel_select_start(actor=request.user, panel=panel, seed=payload.seed)
    panel.refresh_from_db()
    report = _report(panel) if job.status == JobStatus.DONE else None
    return {"job_id": job.pk, "job": job_out(job), "report": report}


def _report(panel: Panel) -> dict[str, object]:
    run = panel.runs.first()
    if run is None:
        raise Http404
    report = build_report(run)
    return {
        "panel_id": panel.pk,
        "method": run.method,
        "seed": run.seed,
        "pool_size": run.pool_size,
        "minimum": run.minimum,
        "drawn": [_vid(p) for p in run.drawn],
        "reproduced": selection.reproduce(run) == list(run.drawn),
        "person_probabilities": {str(_vid(p)): x for p, x in (run.person_probabilities or {}).items()},
        "groups": [
            {
                "feature": t.key,
                "value": r.value,
                "pool": r.pool,
                "drawn": r.drawn,
                "quota_min": r.quota_min,
                "quota_max": r.quota_max,
                "chance": r.chance,
                "expected_seats": r.expected,
            }
            for t in report.groups
            for r in t.rows
        ],
    }


@router.get("/panels/{panel_id}/report", response=ReportOut)
def get_report(request: HttpRequest, panel_id: int) -> dict[str, object]:
    """The transparency report of the panel's draw (404 before it is drawn)."""
    return _report(access_panel_by_id(request.user, panel_id))
