"""Permission-matrix cases for participation pages and API operations.

Each target stands for an activity, finding and measure of the target unit (own = Solsikken
barnehage, sibling = Nordlys barnehage, district = Sørbyen barnehage, root = the municipality,
foreign = Torget barnehage in Prøvestad). Reading needs RESULTS_VIEW (the shared VIEW table);
changes need PARTICIPATION_MANAGE (MANAGE_P below).
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
from tests.images import PNG
from tests.matrix_support import EKS, VIEW, Case, any_, api_call, get, in_, staff, target_unit, uid

MANAGE_P = {
    "admin": EKS,
    "analytiker": EKS,
    "koordinator": EKS,
    "analytiker.nord": {"own", "sibling"},
    "leder.solsikken": {"own"},
    "provestad.admin": {"foreign"},
}
MEDIA = tempfile.mkdtemp(prefix="medvirk-matrix-media-")


def _actor(d: DemoData, t: str) -> Any:
    return d.users["provestad.admin" if t == "foreign" else "admin"]


def activity_for(d: DemoData, t: str) -> Activity:
    unit = target_unit(d, t)
    existing = Activity.objects.filter(owner_unit=unit, title="Matrise-møte").first()
    if existing:
        return existing
    return services.activity_create(
        actor=_actor(d, t),
        owner_unit=unit,
        title="Matrise-møte",
        kind="user_meeting",
        ladder="dialogue",
        level="group",
        invited="open",
        starts_on=datetime.date(2026, 5, 1),
    )


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


def _download(c: Any, d: DemoData, t: str) -> Any:
    attachment = attachment_for(d, t)
    with override_settings(MEDIA_ROOT=MEDIA):
        return c.get(f"/participation/attachments/{attachment.pk}/")


def _upload(c: Any, d: DemoData, t: str) -> Any:
    with override_settings(MEDIA_ROOT=MEDIA):
        return c.post(
            f"/participation/activities/{activity_for(d, t).pk}/attachments/",
            {"file": SimpleUploadedFile("notat.png", PNG)},
        )


def aid(d: DemoData, t: str) -> int:
    return activity_for(d, t).pk


def fid(d: DemoData, t: str) -> int:
    return finding_for(d, t).pk


def mid(d: DemoData, t: str) -> int:
    return measure_for(d, t).pk


def page(template: str, ident: Any) -> Any:
    return lambda c, d, t: c.get(template.format(ident(d, t)))


def post(template: str, ident: Any, data: dict[str, Any] | None = None) -> Any:
    return lambda c, d, t: c.post(template.format(ident(d, t)), data or {})


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


def _actors(names: set[str]) -> Any:
    return lambda actor, target: actor in names


P = "/participation"
A = "/api/v1/participation"
VIEW_P = in_(VIEW)
EDIT_P = in_(MANAGE_P)

CASES = [
    Case("participation:activity_list", get(f"{P}/"), any_(VIEW), per_target=False),
    Case("participation:activity_create", page(P + "/activities/new/?unit={}", uid), EDIT_P),
    Case("participation:activity_detail", page(P + "/activities/{}/", aid), VIEW_P),
    Case("participation:activity_edit", page(P + "/activities/{}/edit/", aid), EDIT_P),
    Case("participation:activity_document", page(P + "/activities/{}/document/", aid), EDIT_P),
    Case("participation:activity_reflection", page(P + "/activities/{}/reflection/?seed=1", aid), EDIT_P),
    Case("participation:activity_evaluation", post(P + "/activities/{}/evaluation/", aid), EDIT_P),
    Case("participation:attachment_add", _upload, EDIT_P),
    Case("participation:attachment_download", _download, VIEW_P),
    Case("participation:finding_list", get(f"{P}/findings/"), any_(VIEW), per_target=False),
    Case("participation:finding_create", page(P + "/findings/new/?unit={}", uid), EDIT_P),
    Case("participation:finding_edit", page(P + "/findings/{}/", fid), EDIT_P),
    Case("participation:measure_create", page(P + "/findings/{}/measure/", fid), EDIT_P),
    Case("participation:measure_list", get(f"{P}/measures/"), any_(VIEW), per_target=False),
    Case("participation:measure_detail", page(P + "/measures/{}/", mid), VIEW_P),
    Case("participation:measure_edit", page(P + "/measures/{}/edit/", mid), EDIT_P),
    Case(
        "participation:measure_status",
        post(P + "/measures/{}/status/", mid, {"status": "decided", "progress": "10"}),
        EDIT_P,
    ),
    Case("participation:report", page(P + "/report/?unit={}&year=2026", uid), VIEW_P),
    Case("participation:bank", get(f"{P}/bank/?q=tiltak"), any_(VIEW), per_target=False),
    Case("participation:cycle_overview", get(f"{P}/cycle/?year=2026"), any_(VIEW), per_target=False),
    Case("participation:cycle_edit", page(P + "/cycle/{}/?year=2026", uid), EDIT_P),
    Case("participation:compare", get(f"{P}/compare/"), _actors(ROOT_VIEW), per_target=False),
    Case("participation:compare", _compare_page, _actors(EKS_ROOT_VIEW), per_target=False),
    Case("participation:sharing", get(f"{P}/compare/sharing/"), _actors(ROOT_VIEW), per_target=False),
    Case(
        "participation:sharing",
        lambda c, d, t: c.post(f"{P}/compare/sharing/", {"partner": "eksempel"}),
        _actors(ROOT_MANAGE),
        per_target=False,
    ),
    Case(
        "participation:sharing_revoke", _revoke, _actors(ROOT_MANAGE - {"provestad.admin"}), per_target=False
    ),
    Case(f"api:GET {A}/compare", _compare_api, _actors(EKS_ROOT_VIEW), per_target=False, api=True),
    Case(
        f"api:GET {A}/sharing",
        api_call("GET", lambda d, t: f"{A}/sharing"),
        _actors(ROOT_VIEW),
        per_target=False,
        api=True,
    ),
    Case(
        f"api:POST {A}/sharing",
        api_call("POST", lambda d, t: f"{A}/sharing", lambda d, t: {"partner": "provestad"}),
        _actors(ROOT_MANAGE),
        per_target=False,
        api=True,
        refused=lambda a, t: a == "provestad.admin",
    ),
    Case(
        f"api:DELETE {A}/sharing/{{slug}}",
        _revoke_api,
        _actors(ROOT_MANAGE - {"provestad.admin"}),
        per_target=False,
        api=True,
    ),
    Case(f"api:GET {A}/activities", api_call("GET", lambda d, t: f"{A}/activities"), staff, False, True),
    Case(
        f"api:POST {A}/activities",
        api_call(
            "POST",
            lambda d, t: f"{A}/activities",
            lambda d, t: {
                "owner_unit_id": uid(d, t),
                "title": "API-møte",
                "kind": "focus_group",
                "ladder": "informants",
                "level": "group",
                "invited": "panel",
                "starts_on": "2026-06-01",
            },
        ),
        EDIT_P,
        api=True,
    ),
    Case(
        f"api:GET {A}/activities/{{activity_id}}",
        api_call("GET", lambda d, t: f"{A}/activities/{aid(d, t)}"),
        VIEW_P,
        api=True,
    ),
    Case(
        f"api:PUT {A}/activities/{{activity_id}}/documentation",
        api_call(
            "PUT",
            lambda d, t: f"{A}/activities/{aid(d, t)}/documentation",
            lambda d, t: {"participants": 12, "composition": {"gender": {"female": 7, "male": 5}}},
        ),
        EDIT_P,
        api=True,
    ),
    # Creating the evaluation needs participation rights only (coordinators cannot design surveys).
    Case(
        f"api:POST {A}/activities/{{activity_id}}/evaluation",
        api_call("POST", lambda d, t: f"{A}/activities/{aid(d, t)}/evaluation"),
        EDIT_P,
        api=True,
    ),
    Case(f"api:GET {A}/findings", api_call("GET", lambda d, t: f"{A}/findings"), staff, False, True),
    Case(
        f"api:POST {A}/findings",
        api_call(
            "POST", lambda d, t: f"{A}/findings", lambda d, t: {"unit_id": uid(d, t), "statement": "API-funn"}
        ),
        EDIT_P,
        api=True,
    ),
    Case(f"api:GET {A}/measures", api_call("GET", lambda d, t: f"{A}/measures"), staff, False, True),
    Case(
        f"api:POST {A}/measures",
        api_call(
            "POST",
            lambda d, t: f"{A}/measures",
            lambda d, t: {"unit_id": uid(d, t), "title": "API-tiltak", "decision_level": "unit_leader"},
        ),
        EDIT_P,
        api=True,
    ),
    Case(
        f"api:GET {A}/measures/{{measure_id}}",
        api_call("GET", lambda d, t: f"{A}/measures/{mid(d, t)}"),
        VIEW_P,
        api=True,
    ),
    Case(
        f"api:POST {A}/measures/{{measure_id}}/updates",
        api_call(
            "POST",
            lambda d, t: f"{A}/measures/{mid(d, t)}/updates",
            lambda d, t: {"status": "in_progress", "progress": 30},
        ),
        EDIT_P,
        api=True,
    ),
    Case(
        "api:GET /api/v1/public/participation/{slug}",
        api_call("GET", lambda d, t: "/api/v1/public/participation/eksempel"),
        lambda a, t: True,
        per_target=False,
        api=True,
        public=True,
    ),
]
