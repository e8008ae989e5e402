"""Organisations register endpoints: register, public search, contact log and yearly mapping.

The same access helpers and services as the pages, so the same scoping: the register is read
with ORG_VIEW and changed with PARTNERS_MANAGE anywhere in the caller's municipality; a unit's
contact log and mapping need CONTACT_LOG on that unit.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from medvirk.accounts.access import access_unit_by_id, municipality_id_of, municipality_of
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.api.base import fields_of, patch_of, schema_of
from medvirk.core.errors import ServiceError
from medvirk.core.forms import dataclass_from
from medvirk.orgs.models import Municipality
from medvirk.partners import services
from medvirk.partners.enums import PartnersErrorCode
from medvirk.partners.mapping import mapping_for
from medvirk.partners.models import ContactKind, ContactLogEntry, Organisation
from medvirk.partners.selectors import (
    SearchQuery,
    access_organisation_by_id,
    contact_log_for_unit,
    organisation_search,
    organisation_values,
    require_anywhere,
)
from medvirk.partners.services import OrganisationData

router = Router(tags=["partners"])


if TYPE_CHECKING:
    _OrganisationFields = Schema
else:
    _OrganisationFields = schema_of(OrganisationData)


class OrganisationIn(_OrganisationFields):
    # An organisation's editable fields: those of services.OrganisationData (no docstring: it
    # would become the schema's description in the OpenAPI document).
    pass


if TYPE_CHECKING:
    _OrganisationPatchFields = Schema
else:
    _OrganisationPatchFields = patch_of(OrganisationData)


class OrganisationPatch(_OrganisationPatchFields):
    # Any of an organisation's editable fields (those of services.OrganisationData); the others
    # stay as they are (no docstring: it would become the schema's description in OpenAPI).
    pass


class PublicOrganisationOut(Schema):
    id: int
    name: str
    org_number: str
    kind: str
    description: str
    district_ids: list[int]
    competences: list[str]
    languages: list[str]
    groups: list[str]
    countries: list[str]
    website: str


class OrganisationOut(PublicOrganisationOut):
    listed_publicly: bool
    is_competence_partner: bool
    partner_from: date | None
    partner_until: date | None
    partner_support: str


class ContactIn(Schema):
    organisation_id: int
    date: date
    kind: ContactKind
    contribution: str = ""
    activity_reference: str = ""


class ContactOut(Schema):
    id: int
    unit_id: int
    organisation_id: int
    organisation_name: str
    date: date
    kind: str
    contribution: str
    activity_reference: str


class MappingGroupOut(Schema):
    key: str
    label: str
    size: int | None
    organisation_ids: list[int]
    note: str
    gap: bool
    suggestion_ids: list[int]


class MappingOut(Schema):
    unit_id: int
    year: int
    saved: bool
    completed: bool
    notes: str
    source: str
    groups: list[MappingGroupOut]


class MappingGroupIn(Schema):
    key: str
    organisation_ids: list[int] = []
    note: str = ""


class MappingIn(Schema):
    completed: bool = False
    notes: str = ""
    groups: list[MappingGroupIn] = []


def _data(org: Organisation) -> dict[str, object]:
    return {"id": org.pk, **organisation_values(org)}


class SearchParams(Schema):
    """The register's search, as query parameters (staff list and public search alike)."""

    q: str = ""
    district: int | None = None
    competence: str = ""
    language: str = ""
    group: str = ""
    country: str = ""

    def query(self) -> SearchQuery:
        return dataclass_from(SearchQuery, self.dict(), text=self.q)


@router.get("/organisations", response=list[OrganisationOut])
def list_organisations(request: StaffRequest, search: Query[SearchParams]) -> list[dict[str, object]]:
    """List or search the register of the caller's municipality."""
    require_anywhere(request.user, Perm.ORG_VIEW)
    query = search.query()
    return [
        _data(o) for o in organisation_search(municipality_id=municipality_id_of(request.user), query=query)
    ]


@router.post("/organisations", response={201: OrganisationOut})
def create_organisation(request: StaffRequest, payload: OrganisationIn) -> Status[dict[str, object]]:
    """Register an organisation."""
    require_anywhere(request.user, Perm.PARTNERS_MANAGE)
    org = services.organisation_create(
        actor=request.user,
        municipality=municipality_of(request.user),
        data=OrganisationData(**payload.dict()),
        source="api",
    )
    return Status(201, _data(org))


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def get_organisation(request: HttpRequest, organisation_id: int) -> dict[str, object]:
    """Return one organisation (contact persons are not part of the API)."""
    return _data(access_organisation_by_id(request.user, organisation_id))


@router.patch("/organisations/{organisation_id}", response=OrganisationOut)
def update_organisation(
    request: StaffRequest, organisation_id: int, payload: OrganisationPatch
) -> dict[str, object]:
    """Change some of an organisation's fields."""
    org = access_organisation_by_id(request.user, organisation_id, Perm.PARTNERS_MANAGE)
    current = organisation_values(org)
    current.update(payload.dict(exclude_unset=True))
    org = services.organisation_update(
        actor=request.user, organisation=org, data=OrganisationData.from_dict(current), source="api"
    )
    return _data(org)


@router.get("/public/organisations/{slug}", response=list[PublicOrganisationOut], auth=None)
def public_search(request: HttpRequest, slug: str, search: Query[SearchParams]) -> list[dict[str, object]]:
    """Search a municipality's public register (no login; never contact persons)."""
    municipality = get_object_or_404(Municipality, slug=slug)
    query = search.query()
    return [_data(o) for o in organisation_search(municipality_id=municipality.pk, query=query, public=True)]


def _contact_out(e: ContactLogEntry) -> ContactOut:
    return ContactOut(**fields_of(e, ContactOut, organisation_name=e.organisation.name))


@router.get("/units/{unit_id}/organisation-contacts", response=list[ContactOut])
def list_contacts(request: HttpRequest, unit_id: int) -> list[ContactOut]:
    """Return a unit's contact log with organisations, newest first."""
    unit = access_unit_by_id(request.user, unit_id, Perm.CONTACT_LOG)
    return [_contact_out(e) for e in contact_log_for_unit(unit=unit)]


@router.post("/units/{unit_id}/organisation-contacts", response={201: ContactOut})
def add_contact(request: StaffRequest, unit_id: int, payload: ContactIn) -> Status[ContactOut]:
    """Log a contact between a unit and an organisation."""
    unit = access_unit_by_id(request.user, unit_id, Perm.CONTACT_LOG)
    org = Organisation.objects.filter(
        pk=payload.organisation_id, municipality_id=unit.municipality_id
    ).first()
    if org is None:
        raise Http404
    entry = services.contact_log_add(
        actor=request.user,
        unit=unit,
        organisation=org,
        on=payload.date,
        kind=payload.kind,
        contribution=payload.contribution,
        activity_reference=payload.activity_reference,
    )
    return Status(201, _contact_out(entry))


def _mapping_out(unit_id: int, year: int, saved: object, groups: list, source: str) -> MappingOut:
    return MappingOut(
        unit_id=unit_id,
        year=year,
        saved=saved is not None,
        completed=bool(getattr(saved, "completed", False)),
        notes=getattr(saved, "notes", ""),
        source=source,
        groups=[
            MappingGroupOut(
                **fields_of(g, MappingGroupOut, gap=g.is_gap, suggestion_ids=[o.pk for o in g.suggestions])
            )
            for g in groups
        ],
    )


@router.get("/units/{unit_id}/organisation-mapping/{year}", response=MappingOut)
def get_mapping(request: HttpRequest, unit_id: int, year: int) -> MappingOut:
    """Return a unit's yearly mapping: groups, organisations for each, gaps and suggestions."""
    unit = access_unit_by_id(request.user, unit_id, Perm.CONTACT_LOG)
    saved, groups, source = mapping_for(unit=unit, year=year)
    return _mapping_out(unit.pk, year, saved, groups, source)


@router.put("/units/{unit_id}/organisation-mapping/{year}", response=MappingOut)
def put_mapping(request: StaffRequest, unit_id: int, year: int, payload: MappingIn) -> MappingOut:
    """Save a unit's yearly mapping; groups are matched by key (unknown keys are refused)."""
    unit = access_unit_by_id(request.user, unit_id, Perm.CONTACT_LOG)
    _saved, groups, _source = mapping_for(unit=unit, year=year)
    by_key = {g.key: g for g in groups}
    for item in payload.groups:
        group = by_key.get(item.key)
        if group is None:
            raise ServiceError(
                PartnersErrorCode.UNKNOWN_GROUP,
                _("Unknown group: %(key)s") % {"key": item.key},
                field="groups",
            )
        group.organisation_ids = item.organisation_ids
        group.note = item.note
    services.mapping_save(
        actor=request.user,
        unit=unit,
        year=year,
        groups=groups,
        completed=payload.completed,
        notes=payload.notes,
    )
    saved, groups, source = mapping_for(unit=unit, year=year)
    return _mapping_out(unit.pk, year, saved, groups, source)
