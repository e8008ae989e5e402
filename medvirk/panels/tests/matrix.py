"""Permission-matrix cases for this module (collected by tests/test_permission_matrix.py).

The pool and its panels belong to the whole municipality, so object-level cases use two
targets: own = a panel in Eksempel kommune, foreign = one in Prøvestad kommune. Public
``panels_public`` pages are exempt.
"""

from __future__ import annotations

from typing import Any

from medvirk.accounts.demo import DemoData
from medvirk.panels import selection, services
from medvirk.panels.demo import seed_volunteers
from medvirk.panels.models import Council, Panel, PanelMember, Volunteer
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
            services.panel_select(actor=actor, panel=panel, seed=1)
    return panel


def council_for(d: DemoData, t: str) -> Council:
    municipality = d.other if t == "foreign" else d.municipality
    return Council.objects.get_or_create(municipality=municipality, name="Matriseråd")[0]


def drawn_by_job(d: DemoData, t: str) -> Panel:
    """Return a panel drawn through a background job (its draw status is then available)."""
    municipality = d.other if t == "foreign" else d.municipality
    panel = Panel.objects.filter(municipality=municipality, name="Matrisepanel jobb").first()
    if panel is None:
        actor = d.users["provestad.admin" if t == "foreign" else "admin"]
        panel_for(d, t)  # makes sure the pool exists
        panel = services.panel_create(
            actor=actor, municipality=municipality, name="Matrisepanel jobb", purpose="x", size=3
        )
        services.panel_select_start(actor=actor, panel=panel, seed=2)
    return panel


def volunteer_for(d: DemoData, t: str) -> Volunteer:
    """Return a volunteer of the target's municipality (the pool is made once per test)."""
    municipality = d.other if t == "foreign" else d.municipality
    panel_for(d, t)  # makes sure the pool exists
    volunteer = Volunteer.objects.filter(municipality=municipality).first()
    assert volunteer is not None
    return volunteer


def pid(d: DemoData, t: str) -> int:
    return panel_for(d, t).pk


def member(d: DemoData, t: str) -> PanelMember:
    found = panel_for(d, t, selected=True).members.first()
    assert found is not None
    return found


def _page(path: Any) -> Any:
    return lambda c, d, t: c.get(path(d, t))


CASES = [
    Case("panels:panel_list", get("/panels/"), any_(MANAGE), per_target=False),
    Case("panels:panel_create", get("/panels/new/"), any_(MANAGE), per_target=False),
    Case("panels:pool", get("/panels/volunteers/"), any_(MANAGE), per_target=False),
    Case("panels:import", get("/panels/volunteers/import/"), any_(MANAGE), per_target=False),
    Case("panels:council_list", get("/panels/councils/"), any_(MANAGE), per_target=False),
    Case(
        "panels:volunteer_edit",
        _page(lambda d, t: f"/panels/volunteers/{volunteer_for(d, t).pk}/edit/"),
        in_(MANAGE),
        targets=TARGETS,
    ),
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
        "panels:panel_draw_status",
        _page(lambda d, t: f"/panels/{drawn_by_job(d, t).pk}/draw/"),
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
        "PATCH",
        lambda d, t: f"/api/v1/panels/volunteers/{volunteer_for(d, t).pk}",
        in_(MANAGE),
        lambda d, t: {"gender": "prefer_not_to_say"},
        key="/api/v1/panels/volunteers/{volunteer_id}",
        targets=TARGETS,
    ),
    _api(
        "POST",
        lambda d, t: f"/api/v1/panels/councils/{council_for(d, t).pk}/meetings",
        in_(MANAGE),
        lambda d, t: {"date": "2026-10-01", "title": "Matrisemøte"},
        key="/api/v1/panels/councils/{council_id}/meetings",
        targets=TARGETS,
    ),
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
