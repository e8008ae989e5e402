"""Permission-matrix cases for participation pages and API operations.

Each target stands for an activity, finding and measure of the target unit (own = Solsikken
barnehage, sibling = Nordlys barnehage, district = Sørbyen barnehage, root = the municipality,
foreign = Torget barnehage in Prøvestad). Reading needs RESULTS_VIEW (the shared VIEW table);
changes need PARTICIPATION_MANAGE (the shared WORK table).
"""

from __future__ import annotations

import datetime
import tempfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from medvirk.accounts.demo import DemoData
from medvirk.participation import services, sharing
from medvirk.participation.models import Activity, ActivityAttachment, Finding, Measure
from medvirk.participation.tests.factories import make_activity
from tests.images import PNG
from tests.matrix_support import (
    ONCE,
    VIEW,
    WORK,
    Case,
    actors,
    any_,
    api,
    in_,
    page,
    pk,
    post,
    staff,
    target_unit,
    uid,
    with_settings,
)

MEDIA = tempfile.mkdtemp(prefix="medvirk-matrix-media-")


def _actor(d: DemoData, t: str) -> Any:
    return d.users["provestad.admin" if t == "foreign" else "admin"]


def activity_for(d: DemoData, t: str) -> Activity:
    unit = target_unit(d, t)
    existing = Activity.objects.filter(owner_unit=unit, title="Matrise-møte").first()
    if existing:
        return existing
    return make_activity(d, unit, _actor(d, t), title="Matrise-møte", starts_on=datetime.date(2026, 5, 1))


def finding_for(d: DemoData, t: str) -> Finding:
    unit = target_unit(d, t)
    existing = Finding.objects.filter(unit=unit, statement="Matrise-funn").first()
    if existing:
        return existing
    return services.finding_create(
        actor=_actor(d, t), unit=unit, statement="Matrise-funn", activity=activity_for(d, t)
    )


def measure_for(d: DemoData, t: str) -> Measure:
    unit = target_unit(d, t)
    existing = Measure.objects.filter(unit=unit, title="Matrise-tiltak").first()
    if existing:
        return existing
    return services.measure_create(
        actor=_actor(d, t),
        unit=unit,
        finding=finding_for(d, t),
        title="Matrise-tiltak",
        decision_level="employee",
    )


def attachment_for(d: DemoData, t: str) -> ActivityAttachment:
    with override_settings(MEDIA_ROOT=MEDIA):
        return services.attachment_add(
            actor=_actor(d, t), activity=activity_for(d, t), upload=SimpleUploadedFile("bilde.png", PNG)
        )


aid = pk(activity_for)


fid = pk(finding_for)


mid = pk(measure_for)


# Comparing municipalities needs results access to one's whole municipality; sharing figures
# needs participation rights on the whole municipality (see participation/sharing.py).
ROOT_VIEW = {"admin", "analytiker", "koordinator", "lesetilgang", "provestad.admin"}
ROOT_MANAGE = {"admin", "analytiker", "koordinator", "provestad.admin"}
EKS_ROOT_VIEW = ROOT_VIEW - {"provestad.admin"}


def _shared(d: DemoData) -> None:
    """Prøvestad shares its figures with Eksempel (not the other way round)."""
    if not sharing.grants_for(d.users["provestad.admin"])["shared_with"]:
        services.sharing_grant(
            actor=d.users["provestad.admin"],
            municipality=d.other,
            partner=d.municipality,
        )


def _compare_page(c: Any, d: DemoData, t: str) -> Any:
    _shared(d)
    return c.get("/participation/compare/?m=eksempel&m=provestad&year=2026&format=csv")


def _compare_api(c: Any, d: DemoData, t: str) -> Any:
    _shared(d)
    return c.get("/api/v1/participation/compare?municipalities=eksempel&municipalities=provestad")


def _revoke(c: Any, d: DemoData, t: str) -> Any:
    services.sharing_grant(actor=d.users["admin"], municipality=d.municipality, partner=d.other)
    return c.post("/participation/compare/sharing/provestad/stop/")


def _revoke_api(c: Any, d: DemoData, t: str) -> Any:
    services.sharing_grant(actor=d.users["admin"], municipality=d.municipality, partner=d.other)
    return c.delete("/api/v1/participation/sharing/provestad")


P = "/participation"
VIEW_P = in_(VIEW)
EDIT_P = in_(WORK)


def _activity(d: DemoData, t: str) -> dict[str, Any]:
    return {
        "owner_unit_id": uid(d, t),
        "title": "API-møte",
        "kind": "focus_group",
        "ladder": "informants",
        "level": "group",
        "invited": "panel",
        "starts_on": "2026-06-01",
    }


def _measure(d: DemoData, t: str) -> dict[str, Any]:
    return {"unit_id": uid(d, t), "title": "API-tiltak", "decision_level": "unit_leader"}


CASES = [
    page("participation:activity_list", P + "/", any_(VIEW), ONCE),
    page("participation:activity_create", P + "/activities/new/?unit={u}", EDIT_P, u=uid),
    page("participation:activity_detail", P + "/activities/{a}/", VIEW_P, a=aid),
    page("participation:activity_edit", P + "/activities/{a}/edit/", EDIT_P, a=aid),
    page("participation:activity_document", P + "/activities/{a}/document/", EDIT_P, a=aid),
    page("participation:activity_reflection", P + "/activities/{a}/reflection/?seed=1", EDIT_P, a=aid),
    post("participation:activity_evaluation", P + "/activities/{a}/evaluation/", EDIT_P, a=aid),
    with_settings(
        post(
            "participation:attachment_add",
            P + "/activities/{a}/attachments/",
            EDIT_P,
            data=lambda d, t: {"file": SimpleUploadedFile("notat.png", PNG)},
            a=aid,
        ),
        MEDIA_ROOT=MEDIA,
    ),
    with_settings(
        page(
            "participation:attachment_download",
            P + "/attachments/{x}/",
            VIEW_P,
            x=lambda d, t: attachment_for(d, t).pk,
        ),
        MEDIA_ROOT=MEDIA,
    ),
    page("participation:finding_list", P + "/findings/", any_(VIEW), ONCE),
    page("participation:finding_create", P + "/findings/new/?unit={u}", EDIT_P, u=uid),
    page("participation:finding_edit", P + "/findings/{f}/", EDIT_P, f=fid),
    page("participation:measure_create", P + "/findings/{f}/measure/", EDIT_P, f=fid),
    page("participation:measure_list", P + "/measures/", any_(VIEW), ONCE),
    page("participation:measure_detail", P + "/measures/{m}/", VIEW_P, m=mid),
    page("participation:measure_edit", P + "/measures/{m}/edit/", EDIT_P, m=mid),
    post(
        "participation:measure_status",
        P + "/measures/{m}/status/",
        EDIT_P,
        data=lambda d, t: {"status": "decided", "progress": "10"},
        m=mid,
    ),
    page("participation:report", P + "/report/?unit={u}&year=2026", VIEW_P, u=uid),
    page("participation:bank", P + "/bank/?q=tiltak", any_(VIEW), ONCE),
    page("participation:cycle_overview", P + "/cycle/?year=2026", any_(VIEW), ONCE),
    page("participation:cycle_edit", P + "/cycle/{u}/?year=2026", EDIT_P, u=uid),
    page("participation:compare", P + "/compare/", actors(ROOT_VIEW), ONCE),
    Case("participation:compare", _compare_page, actors(EKS_ROOT_VIEW), per_target=False),
    page("participation:sharing", P + "/compare/sharing/", actors(ROOT_VIEW), ONCE),
    post(
        "participation:sharing",
        P + "/compare/sharing/",
        actors(ROOT_MANAGE),
        ONCE,
        data=lambda d, t: {"partner": "eksempel"},
    ),
    Case(
        "participation:sharing_revoke", _revoke, actors(ROOT_MANAGE - {"provestad.admin"}), per_target=False
    ),
    # the API
    Case(
        "api:GET /api/v1/participation/compare",
        _compare_api,
        actors(EKS_ROOT_VIEW),
        per_target=False,
        api=True,
    ),
    api("GET /api/v1/participation/sharing", actors(ROOT_VIEW), ONCE),
    api(
        "POST /api/v1/participation/sharing",
        actors(ROOT_MANAGE),
        ONCE,
        lambda d, t: {"partner": "provestad"},
        refused=lambda a, t: a == "provestad.admin",
    ),
    Case(
        "api:DELETE /api/v1/participation/sharing/{slug}",
        _revoke_api,
        actors(ROOT_MANAGE - {"provestad.admin"}),
        per_target=False,
        api=True,
    ),
    api("GET /api/v1/participation/activities", staff, ONCE),
    api("POST /api/v1/participation/activities", EDIT_P, None, _activity),
    api("GET /api/v1/participation/activities/{activity_id}", VIEW_P, activity_id=aid),
    api(
        "PUT /api/v1/participation/activities/{activity_id}/documentation",
        EDIT_P,
        None,
        lambda d, t: {"participants": 12, "composition": {"gender": {"female": 7, "male": 5}}},
        activity_id=aid,
    ),
    # Creating the evaluation needs participation rights only (coordinators cannot design surveys).
    api("POST /api/v1/participation/activities/{activity_id}/evaluation", EDIT_P, activity_id=aid),
    api("GET /api/v1/participation/findings", staff, ONCE),
    api(
        "POST /api/v1/participation/findings",
        EDIT_P,
        None,
        lambda d, t: {"unit_id": uid(d, t), "statement": "API-funn"},
    ),
    api("GET /api/v1/participation/measures", staff, ONCE),
    api("POST /api/v1/participation/measures", EDIT_P, None, _measure),
    api("GET /api/v1/participation/measures/{measure_id}", VIEW_P, measure_id=mid),
    api(
        "POST /api/v1/participation/measures/{measure_id}/updates",
        EDIT_P,
        None,
        lambda d, t: {"status": "in_progress", "progress": 30},
        measure_id=mid,
    ),
    api("GET /api/v1/public/participation/{slug}", lambda a, t: True, ONCE, public=True, slug="eksempel"),
]
