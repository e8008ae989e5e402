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
from tests.matrix_support import ONCE, VIEW, WORK, any_, api, in_, page, pk, post, uid

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
# CONTACT_LOG on a unit: the shared WORK table (all roles but read-only access, where they see).
LOG = WORK
# Invite: read the organisation and hold CONTACT_LOG somewhere.
INVITE = {a: ({"foreign"} if a == "provestad.admin" else {"own"}) for a in LOG}


def org_for(d: DemoData, target: str) -> Organisation:
    """Return (creating once per test) the organisation standing for ``target``."""
    municipality = d.other if target == "foreign" else d.municipality
    org, _created = Organisation.objects.get_or_create(municipality=municipality, name="Matriseforeningen")
    return org


oid = pk(org_for)


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


def _contact_body(d: DemoData, t: str) -> dict[str, Any]:
    return {"organisation_id": oid(d, t), "date": "2026-02-01", "kind": "consulted"}


contact_id = pk(contact_for)


proposal_id = pk(proposal_for)


def _mapping_body(d: DemoData, t: str) -> dict[str, Any]:
    return {"completed": True, "groups": [{"key": "youth", "organisation_ids": [oid(d, t)]}]}


M, ORG, UNIT = in_(MANAGE), ORG_TARGETS, UNIT_TARGETS
CASES = [
    page("partners:register", "/organisations/", any_(VIEW), ONCE),
    page("partners:create", "/organisations/new/", any_(MANAGE), ONCE),
    page("partners:moderation", "/organisations/proposals/", any_(MANAGE), ONCE),
    page("partners:import", "/organisations/import/", any_(MANAGE), ONCE),
    page("partners:mapping_overview", "/organisations/mapping/", any_(LOG), ONCE),
    page("partners:mapping_csv", "/organisations/mapping.csv", any_(LOG), ONCE),
    page("partners:detail", "/organisations/{o}/", in_(READ), ORG, o=oid),
    page("partners:edit", "/organisations/{o}/edit/", M, ORG, o=oid),
    page("partners:contact_add", "/organisations/{o}/contacts/new/", M, ORG, o=oid),
    post("partners:contact_remove", "/organisations/contacts/{c}/remove/", M, ORG, c=contact_id),
    page("partners:invite", "/organisations/{o}/invite/", in_(INVITE), ORG, o=oid),
    page("partners:proposal", "/organisations/proposals/{p}/", M, ORG, p=proposal_id),
    page("partners:contact_log", "/organisations/units/{u}/contacts/", in_(LOG), UNIT, u=uid),
    page("partners:mapping", "/organisations/units/{u}/mapping/", in_(LOG), UNIT, u=uid),
    # the API
    api("GET /api/v1/organisations", any_(VIEW), ONCE),
    api(
        "POST /api/v1/organisations",
        any_(MANAGE),
        ONCE,
        lambda d, t: {"name": "API-foreningen", "org_number": "991000119"},
    ),
    api("GET /api/v1/organisations/{organisation_id}", in_(READ), ORG, organisation_id=oid),
    api(
        "PATCH /api/v1/organisations/{organisation_id}",
        M,
        ORG,
        lambda d, t: {"languages": ["so"]},
        organisation_id=oid,
    ),
    api("GET /api/v1/public/organisations/{slug}", lambda a, t: True, ONCE, public=True, slug="eksempel"),
    api("GET /api/v1/units/{unit_id}/organisation-contacts", in_(LOG), UNIT, unit_id=uid),
    api("POST /api/v1/units/{unit_id}/organisation-contacts", in_(LOG), UNIT, _contact_body, unit_id=uid),
    api("GET /api/v1/units/{unit_id}/organisation-mapping/{year}", in_(LOG), UNIT, unit_id=uid, year=2026),
    api(
        "PUT /api/v1/units/{unit_id}/organisation-mapping/{year}",
        in_(LOG),
        UNIT,
        _mapping_body,
        unit_id=uid,
        year=2026,
    ),
]
