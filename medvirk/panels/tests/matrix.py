"""Permission-matrix cases for this module (collected by tests/test_permission_matrix.py).

The pool and its panels belong to the whole municipality, so object-level cases use two
targets: own = a panel in Eksempel kommune, foreign = one in Prøvestad kommune. Public
``panels_public`` pages are exempt.
"""

from __future__ import annotations

from typing import Any

from medvirk.demo import DemoData
from medvirk.panels import selection, services
from medvirk.panels.demo import seed_volunteers
from medvirk.panels.models import Council, Panel, PanelMember
from tests.matrix_support import Case, any_, api_call, get, in_

TARGETS = ("own", "foreign")
# PANELS_MANAGE anywhere in the municipality: administrators and coordinators.
MANAGE = {"admin": {"own"}, "koordinator": {"own"}, "provestad.admin": {"foreign"}}


def panel_for(d: DemoData, t: str, *, selected: bool = False) -> Panel:
    """Return (creating once per test) a panel standing for ``t``; ``selected`` draws it."""
    municipality = d.other if t == "foreign" else d.municipality
    name = f"Matrisepanel {'valgt' if selected else 'utkast'}"
    panel = Panel.objects.filter(municipality=municipality, name=name).first()
    if panel is None:
        actor = d.users["provestad.admin" if t == "foreign" else "admin"]
        if not selection.pool_for(municipality.pk):
            seed_volunteers(municipality, count=12, seed=7)
        panel = services.panel_create(actor=actor, municipality=municipality, name=name, purpose="x", size=3)
        if selected:
            selection.panel_select(actor=actor, panel=panel, seed=1)
    return panel


def council_for(d: DemoData, t: str) -> Council:
    municipality = d.other if t == "foreign" else d.municipality
    return Council.objects.get_or_create(municipality=municipality, name="Matriseråd")[0]


def pid(d: DemoData, t: str) -> int:
    return panel_for(d, t).pk


def member(d: DemoData, t: str) -> PanelMember:
    return panel_for(d, t, selected=True).members.first()  # type: ignore[return-value]


def _page(path: Any) -> Any:
    return lambda c, d, t: c.get(path(d, t))


CASES = [
    Case("panels:panel_list", get("/panels/"), any_(MANAGE), per_target=False),
    Case("panels:panel_create", get("/panels/new/"), any_(MANAGE), per_target=False),
    Case("panels:pool", get("/panels/volunteers/"), any_(MANAGE), per_target=False),
    Case("panels:import", get("/panels/volunteers/import/"), any_(MANAGE), per_target=False),
    Case("panels:council_list", get("/panels/councils/"), any_(MANAGE), per_target=False),
    Case(
        "panels:council_detail",
        _page(lambda d, t: f"/panels/councils/{council_for(d, t).pk}/"),
        in_(MANAGE),
        targets=TARGETS,
    ),
    Case("panels:panel_detail", _page(lambda d, t: f"/panels/{pid(d, t)}/"), in_(MANAGE), targets=TARGETS),
    Case(
        "panels:panel_quotas",
        _page(lambda d, t: f"/panels/{pid(d, t)}/quotas/"),
        in_(MANAGE),
        targets=TARGETS,
    ),
    Case(
        "panels:panel_select",
        lambda c, d, t: c.post(f"/panels/{pid(d, t)}/select/", {"seed": "5"}),
        in_(MANAGE),
        targets=TARGETS,
    ),
    Case(
        "panels:panel_report",
        _page(lambda d, t: f"/panels/{panel_for(d, t, selected=True).pk}/report/"),
        in_(MANAGE),
        targets=TARGETS,
    ),
    Case(
        "panels:member_decline",
        lambda c, d, t: c.post(f"/panels/{member(d, t).panel_id}/members/{member(d, t).pk}/decline/"),
        in_(MANAGE),
        targets=TARGETS,
    ),
]


def _api(method: str, path: Any, allowed: Any, body: Any = None, **kw: Any) -> Case:
    key = "api:" + method + " " + kw.pop("key")
    return Case(key, api_call(method, path, body), allowed, api=True, **kw)


API_CASES = [
    _api(
        "GET",
        lambda d, t: "/api/v1/panels/volunteers",
        any_(MANAGE),
        key="/api/v1/panels/volunteers",
        per_target=False,
    ),
    _api(
        "POST",
        lambda d, t: "/api/v1/panels/volunteers/import",
        any_(MANAGE),
        lambda d, t: {"csv": "navn;e-post\nMatrise Person;matrise@example.org\n", "consent_collected": True},
        key="/api/v1/panels/volunteers/import",
        per_target=False,
    ),
    _api("GET", lambda d, t: "/api/v1/panels", any_(MANAGE), key="/api/v1/panels", per_target=False),
    _api(
        "GET",
        lambda d, t: "/api/v1/panels/councils",
        any_(MANAGE),
        key="/api/v1/panels/councils",
        per_target=False,
    ),
    _api(
        "GET",
        lambda d, t: f"/api/v1/panels/councils/{council_for(d, t).pk}",
        in_(MANAGE),
        key="/api/v1/panels/councils/{council_id}",
        targets=TARGETS,
    ),
    _api(
        "POST",
        lambda d, t: "/api/v1/panels",
        any_(MANAGE),
        lambda d, t: {
            "name": "API-panel",
            "purpose": "x",
            "size": 2,
            "quotas": [{"feature": "gender", "value": "female", "min": 1, "max": 2}],
        },
        key="/api/v1/panels",
        per_target=False,
    ),
    _api(
        "GET",
        lambda d, t: f"/api/v1/panels/{pid(d, t)}",
        in_(MANAGE),
        key="/api/v1/panels/{panel_id}",
        targets=TARGETS,
    ),
    _api(
        "PUT",
        lambda d, t: f"/api/v1/panels/{pid(d, t)}/quotas",
        in_(MANAGE),
        lambda d, t: [{"feature": "gender", "value": "male", "min": 0, "max": 3}],
        key="/api/v1/panels/{panel_id}/quotas",
        targets=TARGETS,
    ),
    _api(
        "GET",
        lambda d, t: f"/api/v1/panels/{pid(d, t)}/feasibility",
        in_(MANAGE),
        key="/api/v1/panels/{panel_id}/feasibility",
        targets=TARGETS,
    ),
    _api(
        "POST",
        lambda d, t: f"/api/v1/panels/{pid(d, t)}/select",
        in_(MANAGE),
        lambda d, t: {"seed": 3},
        key="/api/v1/panels/{panel_id}/select",
        targets=TARGETS,
    ),
    _api(
        "GET",
        lambda d, t: f"/api/v1/panels/{panel_for(d, t, selected=True).pk}/report",
        in_(MANAGE),
        key="/api/v1/panels/{panel_id}/report",
        targets=TARGETS,
    ),
]
CASES += API_CASES
