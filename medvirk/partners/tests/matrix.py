"""Permission-matrix cases for the organisations register (collected by tests/test_permission_matrix.py).

The register belongs to the whole municipality, so organisation-level cases use two targets:
own = an organisation in Eksempel kommune, foreign = one in Prøvestad kommune. Unit-level cases
(contact log, mapping) use the usual unit targets.
"""

from __future__ import annotations

from typing import Any

from medvirk.accounts.demo import DemoData
from medvirk.core.actors import SystemActor
from medvirk.partners import services
from medvirk.partners.models import ContactPerson, Organisation, Proposal
from medvirk.partners.services import OrganisationData
from tests.matrix_support import EKS, VIEW, Case, any_, api_call, get, in_, uid

ORG_TARGETS = ("own", "foreign")
UNIT_TARGETS = ("own", "sibling", "district", "foreign")
# Reading the register: ORG_VIEW on any unit of the organisation's municipality.
READ = {a: ({"foreign"} if a == "provestad.admin" else {"own"}) for a, seen in VIEW.items() if seen}
# Changing it (PARTNERS_MANAGE: administrators, analysts, coordinators).
MANAGE = {
    "admin": {"own"},
    "analytiker": {"own"},
    "analytiker.nord": {"own"},
    "koordinator": {"own"},
    "provestad.admin": {"foreign"},
}
# CONTACT_LOG on a unit (administrators, analysts, coordinators, unit leaders on their unit).
LOG = {
    "admin": EKS,
    "analytiker": EKS,
    "koordinator": EKS,
    "analytiker.nord": {"own", "sibling"},
    "leder.solsikken": {"own"},
    "provestad.admin": {"foreign"},
}
# Invite: read the organisation and hold CONTACT_LOG somewhere.
INVITE = {a: ({"foreign"} if a == "provestad.admin" else {"own"}) for a in LOG}


def org_for(d: DemoData, target: str) -> Organisation:
    """Return (creating once per test) the organisation standing for ``target``."""
    municipality = d.other if target == "foreign" else d.municipality
    org, _created = Organisation.objects.get_or_create(municipality=municipality, name="Matriseforeningen")
    return org


def oid(d: DemoData, t: str) -> int:
    return org_for(d, t).pk


def contact_for(d: DemoData, t: str) -> ContactPerson:
    org = org_for(d, t)
    return ContactPerson.objects.create(
        municipality=org.municipality,
        organisation=org,
        name="Kontakt",
        email="k@example.org",
        consent_on="2026-01-01",
        consent_purpose="x",
    )


def proposal_for(d: DemoData, t: str) -> Proposal:
    return services.proposal_submit(
        actor=SystemActor("test"),
        municipality=d.other if t == "foreign" else d.municipality,
        organisation=None,
        data=OrganisationData(name="Forslag"),
        contact=None,
        consent=False,
        message="",
        client=f"matrix-{t}",
    )


def _page(path: Any) -> Any:
    return lambda c, d, t: c.get(path(d, t))


CASES = [
    Case("partners:register", get("/organisations/"), any_(VIEW), per_target=False),
    Case("partners:create", get("/organisations/new/"), any_(MANAGE), per_target=False),
    Case("partners:moderation", get("/organisations/proposals/"), any_(MANAGE), per_target=False),
    Case("partners:import", get("/organisations/import/"), any_(MANAGE), per_target=False),
    Case("partners:mapping_overview", get("/organisations/mapping/"), any_(LOG), per_target=False),
    Case(
        "partners:detail", _page(lambda d, t: f"/organisations/{oid(d, t)}/"), in_(READ), targets=ORG_TARGETS
    ),
    Case(
        "partners:edit",
        _page(lambda d, t: f"/organisations/{oid(d, t)}/edit/"),
        in_(MANAGE),
        targets=ORG_TARGETS,
    ),
    Case(
        "partners:contact_add",
        _page(lambda d, t: f"/organisations/{oid(d, t)}/contacts/new/"),
        in_(MANAGE),
        targets=ORG_TARGETS,
    ),
    Case(
        "partners:contact_remove",
        lambda c, d, t: c.post(f"/organisations/contacts/{contact_for(d, t).pk}/remove/"),
        in_(MANAGE),
        targets=ORG_TARGETS,
    ),
    Case(
        "partners:invite",
        _page(lambda d, t: f"/organisations/{oid(d, t)}/invite/"),
        in_(INVITE),
        targets=ORG_TARGETS,
    ),
    Case(
        "partners:proposal",
        _page(lambda d, t: f"/organisations/proposals/{proposal_for(d, t).pk}/"),
        in_(MANAGE),
        targets=ORG_TARGETS,
    ),
    Case(
        "partners:contact_log",
        _page(lambda d, t: f"/organisations/units/{uid(d, t)}/contacts/"),
        in_(LOG),
        targets=UNIT_TARGETS,
    ),
    Case(
        "partners:mapping",
        _page(lambda d, t: f"/organisations/units/{uid(d, t)}/mapping/"),
        in_(LOG),
        targets=UNIT_TARGETS,
    ),
]


def _api(method: str, path: Any, allowed: Any, body: Any = None, **kw: Any) -> Case:
    key = "api:" + method + " " + kw.pop("key")
    return Case(key, api_call(method, path, body), allowed, api=True, **kw)


def _contact_body(d: DemoData, t: str) -> dict[str, Any]:
    return {"organisation_id": oid(d, t), "date": "2026-02-01", "kind": "consulted"}


API_CASES = [
    _api(
        "GET", lambda d, t: "/api/v1/organisations", any_(VIEW), key="/api/v1/organisations", per_target=False
    ),
    _api(
        "POST",
        lambda d, t: "/api/v1/organisations",
        any_(MANAGE),
        lambda d, t: {"name": "API-foreningen", "org_number": "991000119"},
        key="/api/v1/organisations",
        per_target=False,
    ),
    _api(
        "GET",
        lambda d, t: f"/api/v1/organisations/{oid(d, t)}",
        in_(READ),
        key="/api/v1/organisations/{organisation_id}",
        targets=ORG_TARGETS,
    ),
    _api(
        "PATCH",
        lambda d, t: f"/api/v1/organisations/{oid(d, t)}",
        in_(MANAGE),
        lambda d, t: {"languages": ["so"]},
        key="/api/v1/organisations/{organisation_id}",
        targets=ORG_TARGETS,
    ),
    _api(
        "GET",
        lambda d, t: "/api/v1/public/organisations/eksempel",
        lambda a, t: True,
        key="/api/v1/public/organisations/{slug}",
        per_target=False,
        public=True,
    ),
    _api(
        "GET",
        lambda d, t: f"/api/v1/units/{uid(d, t)}/organisation-contacts",
        in_(LOG),
        key="/api/v1/units/{unit_id}/organisation-contacts",
        targets=UNIT_TARGETS,
    ),
    _api(
        "POST",
        lambda d, t: f"/api/v1/units/{uid(d, t)}/organisation-contacts",
        in_(LOG),
        _contact_body,
        key="/api/v1/units/{unit_id}/organisation-contacts",
        targets=UNIT_TARGETS,
    ),
    _api(
        "GET",
        lambda d, t: f"/api/v1/units/{uid(d, t)}/organisation-mapping/2026",
        in_(LOG),
        key="/api/v1/units/{unit_id}/organisation-mapping/{year}",
        targets=UNIT_TARGETS,
    ),
    _api(
        "PUT",
        lambda d, t: f"/api/v1/units/{uid(d, t)}/organisation-mapping/2026",
        in_(LOG),
        lambda d, t: {"completed": True, "groups": [{"key": "youth", "organisation_ids": [oid(d, t)]}]},
        key="/api/v1/units/{unit_id}/organisation-mapping/{year}",
        targets=UNIT_TARGETS,
    ),
]
CASES += API_CASES
