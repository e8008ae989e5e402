"""Permission-matrix cases for this module (collected by tests/test_permission_matrix.py).

The pool and its panels belong to the whole municipality, so object-level cases use two
targets: own = a panel in Eksempel kommune, foreign = one in Prøvestad kommune. Public
``panels_public`` pages are exempt.
"""

from __future__ import annotations

from medvirk.accounts.demo import DemoData
from medvirk.panels import selection, services
from medvirk.panels.demo import seed_volunteers
from medvirk.panels.models import Council, Panel, PanelMember, Volunteer
from tests.matrix_support import ONCE, any_, api, in_, page, pk, post

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


pid = pk(panel_for)


def member(d: DemoData, t: str) -> PanelMember:
    found = panel_for(d, t, selected=True).members.first()
    assert found is not None
    return found


def report_panel(d: DemoData, t: str) -> int:
    return panel_for(d, t, selected=True).pk


vid = pk(volunteer_for)


cid = pk(council_for)


M = in_(MANAGE)
CASES = [
    page("panels:panel_list", "/panels/", any_(MANAGE), ONCE),
    page("panels:panel_create", "/panels/new/", any_(MANAGE), ONCE),
    page("panels:pool", "/panels/volunteers/", any_(MANAGE), ONCE),
    page("panels:import", "/panels/volunteers/import/", any_(MANAGE), ONCE),
    page("panels:council_list", "/panels/councils/", any_(MANAGE), ONCE),
    page("panels:volunteer_edit", "/panels/volunteers/{v}/edit/", M, TARGETS, v=vid),
    page("panels:council_detail", "/panels/councils/{c}/", M, TARGETS, c=cid),
    page("panels:panel_detail", "/panels/{p}/", M, TARGETS, p=pid),
    page("panels:panel_quotas", "/panels/{p}/quotas/", M, TARGETS, p=pid),
    post("panels:panel_select", "/panels/{p}/select/", M, TARGETS, data=lambda d, t: {"seed": "5"}, p=pid),
    page("panels:panel_draw_status", "/panels/{p}/draw/", M, TARGETS, p=lambda d, t: drawn_by_job(d, t).pk),
    page("panels:panel_report", "/panels/{p}/report/", M, TARGETS, p=report_panel),
    page("panels:panel_members_csv", "/panels/{p}/members.csv", M, TARGETS, p=report_panel),
    post(
        "panels:member_decline",
        "/panels/{p}/members/{m}/decline/",
        M,
        TARGETS,
        p=lambda d, t: member(d, t).panel_id,
        m=lambda d, t: member(d, t).pk,
    ),
    # the API
    api("GET /api/v1/panels/volunteers", any_(MANAGE), ONCE),
    api(
        "POST /api/v1/panels/volunteers/import",
        any_(MANAGE),
        ONCE,
        lambda d, t: {"csv": "navn;e-post\nMatrise Person;matrise@example.org\n", "consent_collected": True},
    ),
    api("GET /api/v1/panels", any_(MANAGE), ONCE),
    api(
        "PATCH /api/v1/panels/volunteers/{volunteer_id}",
        M,
        TARGETS,
        lambda d, t: {"gender": "prefer_not_to_say"},
        volunteer_id=vid,
    ),
    api(
        "POST /api/v1/panels/councils/{council_id}/meetings",
        M,
        TARGETS,
        lambda d, t: {"date": "2026-10-01", "title": "Matrisemøte"},
        council_id=cid,
    ),
    api("GET /api/v1/panels/councils", any_(MANAGE), ONCE),
    api("GET /api/v1/panels/councils/{council_id}", M, TARGETS, council_id=cid),
    api(
        "POST /api/v1/panels",
        any_(MANAGE),
        ONCE,
        lambda d, t: {
            "name": "API-panel",
            "purpose": "x",
            "size": 2,
            "quotas": [{"feature": "gender", "value": "female", "min": 1, "max": 2}],
        },
    ),
    api("GET /api/v1/panels/{panel_id}", M, TARGETS, panel_id=pid),
    api(
        "PUT /api/v1/panels/{panel_id}/quotas",
        M,
        TARGETS,
        lambda d, t: [{"feature": "gender", "value": "male", "min": 0, "max": 3}],
        panel_id=pid,
    ),
    api("GET /api/v1/panels/{panel_id}/feasibility", M, TARGETS, panel_id=pid),
    api("POST /api/v1/panels/{panel_id}/select", M, TARGETS, lambda d, t: {"seed": 3}, panel_id=pid),
    api("GET /api/v1/panels/{panel_id}/report", M, TARGETS, panel_id=report_panel),
]
