"""Reads for the organisations register: access helpers (404 for missing and forbidden) and search."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from medvirk.accounts.access import access_shared_by_id, can_anywhere
from medvirk.accounts.permissions import Perm
from medvirk.core.forms import dataclass_values
from medvirk.core.ordering import Norwegian
from medvirk.orgs.models import OrgUnit, UnitKind

from .models import ContactLogEntry, ContactPerson, Organisation, Proposal, ProposalStatus
from .types import OrganisationData


def organisation_values(org: Organisation) -> dict[str, Any]:
    """Return an organisation's editable fields as plain values (the API's body, a form's initial)."""
    return dataclass_values(OrganisationData, org, district_ids=[d.pk for d in org.districts.all()])


def require_anywhere(user: Any, perm: Perm) -> None:
    """Raise 404 unless the user holds ``perm`` on at least one unit."""
    if not can_anywhere(user, perm):
        raise Http404


def access_organisation_by_id(user: Any, organisation_id: Any, perm: Perm = Perm.ORG_VIEW) -> Organisation:
    """Return an organisation of the user's municipality if the user holds ``perm`` anywhere; else 404.

    The register belongs to the whole municipality: reading needs ``ORG_VIEW`` and changing it
    ``PARTNERS_MANAGE`` on any unit.
    """
    return access_shared_by_id(user, Organisation.objects.all(), organisation_id, perm)


def access_contact_person_by_id(user: Any, contact_id: Any) -> ContactPerson:
    """Return a contact person the user may manage; else 404."""
    rows = ContactPerson.objects.select_related("organisation")
    return access_shared_by_id(user, rows, contact_id, Perm.PARTNERS_MANAGE)


def access_proposal_by_id(user: Any, proposal_id: Any) -> Proposal:
    """Return a proposal the user may moderate; else 404."""
    rows = Proposal.objects.select_related("organisation")
    return access_shared_by_id(user, rows, proposal_id, Perm.PARTNERS_MANAGE)


def district_of_unit(unit: OrgUnit) -> OrgUnit | None:
    """Return the district at or above ``unit``, if any."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    return (
        OrgUnit.objects.filter(pk__in=ids, kind=UnitKind.DISTRICT, municipality_id=unit.municipality_id)
        .order_by("-depth")
        .first()
    )


@dataclass(frozen=True)
class SearchQuery:
    """What someone looks for in the register; empty values match everything."""

    text: str = ""
    district: int | None = None
    competence: str = ""
    language: str = ""
    group: str = ""
    country: str = ""
    kind: str = ""
    partners_only: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def organisation_search(
    *, municipality_id: int, query: SearchQuery, public: bool = False
) -> list[Organisation]:
    """Return matching organisations, by name.

    Lists of competences, languages and groups are JSON, which SQLite cannot search inside, so
    those filters run in Python on the (small, per-municipality) register; name, kind and
    district are filtered in the database.
    """
    qs = Organisation.objects.filter(municipality_id=municipality_id).prefetch_related("districts")
    if public:
        qs = qs.filter(listed_publicly=True)
    if query.text:
        qs = qs.filter(Q(name__icontains=query.text) | Q(org_number=query.text.replace(" ", "")))
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.district:
        qs = qs.filter(districts__pk=query.district)
    if query.partners_only:
        qs = qs.filter(is_competence_partner=True)
    found = []
    for org in qs.distinct().order_by(Norwegian("name")):
        if query.competence and query.competence not in org.competences:
            continue
        if query.language and query.language not in org.languages:
            continue
        if query.group and query.group not in org.groups:
            continue
        if query.country and query.country not in org.countries:
            continue
        found.append(org)
    return found


def pending_proposals(*, municipality_id: int) -> QuerySet[Proposal]:
    """Return proposals waiting for moderation, oldest first."""
    return (
        Proposal.objects.filter(municipality_id=municipality_id, status=ProposalStatus.PENDING)
        .select_related("organisation")
        .order_by("created_at", "id")
    )


def contact_log_for_unit(*, unit: OrgUnit) -> QuerySet[ContactLogEntry]:
    """Return the unit's own contact log, newest first."""
    return ContactLogEntry.objects.filter(municipality_id=unit.municipality_id, unit=unit).select_related(
        "organisation", "activity"
    )


def organisations_in_contact(*, unit: OrgUnit, since_year: int | None = None) -> list[Organisation]:
    """Return the organisations the unit has logged contact with (optionally from a year on)."""
    qs = ContactLogEntry.objects.filter(municipality_id=unit.municipality_id, unit=unit)
    if since_year is not None:
        qs = qs.filter(date__year__gte=since_year)
    ids = set(qs.values_list("organisation_id", flat=True))
    return list(Organisation.objects.filter(pk__in=ids).order_by(Norwegian("name")))
