"""API endpoints of the participation module: activities, findings, measures, comparison, public feed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from medvirk.accounts.access import access_unit_by_id, municipality_of
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import ServiceArea
from medvirk.participation import services, sharing
from medvirk.participation.compare import build_comparison, comparison_dict
from medvirk.participation.enums import ParticipationErrorCode
from medvirk.participation.models import (
    Activity,
    ActivityKind,
    DecisionLevel,
    Finding,
    Invited,
    Ladder,
    Level,
    Measure,
)
from medvirk.participation.selectors import (
    access_activity_by_id,
    access_finding_by_id,
    access_measure_by_id,
    activities_for,
    findings_for,
    measures_for,
    public_municipality,
    public_summary,
)

router = Router(tags=["participation"])


class ActivityOut(Schema):
    id: int
    owner_unit_id: int
    title: str
    kind: str
    service_area: str
    starts_on: date
    ends_on: date | None
    place: str
    purpose: str
    question: str
    ladder: str
    level: str
    invited: str
    offers_interpreter: bool
    offers_accessible_venue: bool
    offers_child_care: bool
    offers_travel_costs: bool
    survey_id: int | None
    evaluation_survey_id: int | None
    participants: int | None
    published: bool


class ActivityIn(Schema):
    owner_unit_id: int
    title: str
    kind: ActivityKind
    ladder: Ladder
    level: Level
    invited: Invited
    starts_on: date
    ends_on: date | None = None
    service_area: ServiceArea = ServiceArea.OTHER
    place: str = ""
    purpose: str = ""
    question: str = ""
    offers_interpreter: bool = False
    offers_accessible_venue: bool = False
    offers_child_care: bool = False
    offers_travel_costs: bool = False
    published: bool = False


class DocumentationIn(Schema):
    participants: int | None
    composition: dict[str, dict[str, int]] = {}
    minutes: str = ""
    staff_evaluation: str = ""


class FindingOut(Schema):
    id: int
    unit_id: int
    statement: str
    activity_id: int | None
    survey_id: int | None
    published: bool
    created_on: date


class FindingIn(Schema):
    unit_id: int
    statement: str
    activity_id: int | None = None
    published: bool = False


class MeasureOut(Schema):
    id: int
    unit_id: int
    finding_id: int | None
    title: str
    description: str
    owner_id: int | None
    service_area: str
    decision_level: str
    within_budget: bool
    status: str
    reason: str
    due_on: date | None
    progress: int
    outcome: str
    shareable: bool
    published: bool


class MeasureIn(Schema):
    unit_id: int
    title: str
    decision_level: DecisionLevel
    finding_id: int | None = None
    description: str = ""
    within_budget: bool = True
    due_on: date | None = None
    shareable: bool = False
    published: bool = False


class MeasureUpdateIn(Schema):
    status: str
    progress: int | None = None
    note: str = ""
    reason: str = ""


class MeasureUpdateOut(Schema):
    id: int
    status: str
    progress: int
    note: str


@router.get("/participation/activities", response=list[ActivityOut])
def list_activities(request: StaffRequest) -> Any:
    """Activities of every unit you may see results for (survey rounds are recorded automatically)."""
    if request.user.municipality_id:
        services.survey_rounds_sync(actor=services.ROUNDS_ACTOR, municipality_id=request.user.municipality_id)
    return activities_for(request.user).order_by("-starts_on", "-id")[:1000]


@router.post("/participation/activities", response={201: ActivityOut})
def create_activity(request: StaffRequest, payload: ActivityIn) -> Any:
    """Record a participation activity of a unit you manage participation for, placed on the
    participation ladder and level."""
    data = payload.dict()
    unit = access_unit_by_id(request.user, data.pop("owner_unit_id"), Perm.PARTICIPATION_MANAGE)
    return Status(201, services.activity_create(actor=request.user, owner_unit=unit, **data))


@router.get("/participation/activities/{activity_id}", response=ActivityOut)
def get_activity(request: HttpRequest, activity_id: int) -> Activity:
    """Return one activity of a unit you may see results for."""
    return access_activity_by_id(request.user, activity_id, Perm.RESULTS_VIEW)


@router.put("/participation/activities/{activity_id}/documentation", response=ActivityOut)
def document_activity(request: StaffRequest, activity_id: int, payload: DocumentationIn) -> Activity:
    """Record participants, their aggregated composition, minutes and your own evaluation."""
    activity = access_activity_by_id(request.user, activity_id, Perm.PARTICIPATION_MANAGE)
    return services.activity_document(actor=request.user, activity=activity, **payload.dict())


class EvaluationOut(Schema):
    activity_id: int
    survey_id: int
    status: str


@router.post("/participation/activities/{activity_id}/evaluation", response={201: EvaluationOut})
def create_evaluation(request: StaffRequest, activity_id: int) -> Any:
    """Create and open the participants' standard evaluation survey (participation rights suffice)."""
    activity = access_activity_by_id(request.user, activity_id, Perm.PARTICIPATION_MANAGE)
    survey = services.evaluation_create(actor=request.user, activity=activity)
    return Status(201, {"activity_id": activity.pk, "survey_id": survey.pk, "status": survey.status})


@router.get("/participation/findings", response=list[FindingOut])
def list_findings(request: HttpRequest) -> Any:
    """Findings (what was learnt from an activity or a survey) of every unit you may see results
    for, at most 1,000."""
    return findings_for(request.user)[:1000]


@router.post("/participation/findings", response={201: FindingOut})
def create_finding(request: StaffRequest, payload: FindingIn) -> Any:
    """Record a finding for a unit you manage participation for, optionally from one of its
    activities; ``published`` shows it on the public "you said — we did" pages."""
    unit = access_unit_by_id(request.user, payload.unit_id, Perm.PARTICIPATION_MANAGE)
    activity = (
        access_activity_by_id(request.user, payload.activity_id, Perm.RESULTS_VIEW)
        if payload.activity_id
        else None
    )
    finding: Finding = services.finding_create(
        actor=request.user,
        unit=unit,
        statement=payload.statement,
        activity=activity,
        published=payload.published,
    )
    return Status(201, finding)


@router.get("/participation/measures", response=list[MeasureOut])
def list_measures(request: HttpRequest) -> Any:
    """Measures of every unit you may see results for, at most 1,000."""
    return measures_for(request.user)[:1000]


@router.post("/participation/measures", response={201: MeasureOut})
def create_measure(request: StaffRequest, payload: MeasureIn) -> Any:
    """Decide a measure for a unit you manage participation for, optionally answering a finding,
    with its decision level, budget and due date."""
    data = payload.dict()
    unit = access_unit_by_id(request.user, data.pop("unit_id"), Perm.PARTICIPATION_MANAGE)
    finding_id = data.pop("finding_id")
    finding = (
        access_finding_by_id(request.user, finding_id, Perm.PARTICIPATION_MANAGE) if finding_id else None
    )
    measure: Measure = services.measure_create(actor=request.user, unit=unit, finding=finding, **data)
    return Status(201, measure)


@router.get("/participation/measures/{measure_id}", response=MeasureOut)
def get_measure(request: HttpRequest, measure_id: int) -> Measure:
    """Return one measure of a unit you may see results for."""
    return access_measure_by_id(request.user, measure_id, Perm.RESULTS_VIEW)


@router.post("/participation/measures/{measure_id}/updates", response={201: MeasureUpdateOut})
def update_measure(request: StaffRequest, measure_id: int, payload: MeasureUpdateIn) -> Any:
    """Change a measure's status or progress; a rejection needs a reason."""
    measure = access_measure_by_id(request.user, measure_id, Perm.PARTICIPATION_MANAGE)
    return Status(201, services.measure_set_status(actor=request.user, measure=measure, **payload.dict()))


class CompareQuery(Schema):
    municipalities: list[str] = []
    year: int | None = None  # this year


class SharingIn(Schema):
    partner: str


@router.get("/participation/compare", response=dict[str, Any])
def compare(request: HttpRequest, query: Query[CompareQuery]) -> dict[str, Any]:
    """Two or more municipalities' aggregated participation figures side by side for a year.

    You need results access to your whole municipality; you may compare it with every
    municipality that shares its figures with yours (``?municipalities=a&municipalities=b``).
    """
    year = query.year or date.today().year
    if not 2000 <= year <= 2100:
        raise ServiceError(
            ParticipationErrorCode.YEAR_INVALID, _("Choose a year between 2000 and 2100."), field="year"
        )
    chosen = sharing.access_municipalities(request.user, query.municipalities)
    return comparison_dict(build_comparison(municipalities=chosen, year=year))


@router.get("/participation/sharing", response=dict[str, Any])
def list_sharing(request: HttpRequest) -> dict[str, Any]:
    """Municipalities we share our figures with, and those sharing theirs with us."""
    grants = sharing.grants_for(request.user)
    return {
        "shared_with": [{"slug": g.partner.slug, "name": g.partner.name} for g in grants["shared_with"]],
        "sharing_with_us": [
            {"slug": g.municipality.slug, "name": g.municipality.name} for g in grants["sharing_with_us"]
        ],
    }


@router.post("/participation/sharing", response={201: dict[str, Any]})
def create_sharing(request: StaffRequest, payload: SharingIn) -> Any:
    """Share your municipality's aggregated figures with another municipality (by slug)."""
    partner = sharing.access_partner_for_sharing(request.user, payload.partner)
    services.sharing_grant(actor=request.user, municipality=municipality_of(request.user), partner=partner)
    return Status(201, {"slug": partner.slug, "name": partner.name})


@router.delete("/participation/sharing/{slug}", response={204: None})
def delete_sharing(request: StaffRequest, slug: str) -> Any:
    """Stop sharing your figures with a municipality."""
    services.sharing_revoke(actor=request.user, grant=sharing.access_grant_by_partner(request.user, slug))
    return Status(204, None)


@router.get("/public/participation/{slug}", response=dict[str, Any], auth=None)
def public_feed(request: HttpRequest, slug: str) -> dict[str, Any]:
    """ "You said — we did" for a municipality: published findings and measures, upcoming open activities."""
    municipality = public_municipality(slug)
    summary = public_summary(municipality)

    def measure(m: Measure) -> dict[str, Any]:
        return {
            "id": m.pk,
            "unit": m.unit.name,
            "title": m.title,
            "description": m.description,
            "status": m.status,
            "progress": m.progress,
            "reason": m.reason,
            "outcome": m.outcome,
            "updated_on": m.updated_on.isoformat(),
        }

    return {
        "municipality": {"name": municipality.name, "slug": municipality.slug},
        "findings": [
            {
                "id": f.pk,
                "unit": f.unit.name,
                "statement": f.statement,
                "created_on": f.created_on.isoformat(),
                "measures": [measure(m) for m in ms],
            }
            for f, ms in summary["findings"]
        ],
        "other_measures": [measure(m) for m in summary["other_measures"]],
        "upcoming": [
            {
                "id": a.pk,
                "title": a.title,
                "kind": a.kind,
                "unit": a.owner_unit.name,
                "starts_on": a.starts_on.isoformat(),
                "place": a.place,
            }
            for a in summary["upcoming"]
        ],
    }
