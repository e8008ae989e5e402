"""Writes for a unit's yearly mapping of who can voice which groups (``CONTACT_LOG`` on the unit)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from medvirk.accounts.access import Actor, acting_user
from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import OrgUnit

from ..enums import PartnersAuditAction, PartnersErrorCode
from ..mapping import CatchmentGroup, catchment_groups
from ..models import MappingGroup, Organisation, YearlyMapping
from .organisations import ensure_contact_log


@transaction.atomic
def mapping_save(
    *,
    actor: Actor,
    unit: OrgUnit,
    year: int,
    groups: list[CatchmentGroup],
    completed: bool,
    notes: str = "",
) -> YearlyMapping:
    """Store a unit's mapping for a year (replacing the groups saved before); needs ``CONTACT_LOG``."""
    ensure_contact_log(actor, unit)
    if not 2000 <= year <= 2100:
        raise ServiceError(PartnersErrorCode.INVALID_YEAR, _("Give a valid year."), field="year")
    wanted = {pk for g in groups for pk in g.organisation_ids}
    found = set(
        Organisation.objects.filter(municipality_id=unit.municipality_id, pk__in=wanted).values_list(
            "pk", flat=True
        )
    )
    if found != wanted:
        raise ServiceError(
            PartnersErrorCode.INVALID_ORGANISATION, _("Choose organisations from the register.")
        )
    mapping, _created = YearlyMapping.objects.update_or_create(
        municipality_id=unit.municipality_id,
        unit=unit,
        year=year,
        defaults={
            "completed": completed,
            "notes": notes.strip(),
            "updated_by": acting_user(actor),
        },
    )
    # The groups' names are stored in the site's language, not the page's: the mapping is read in
    # every language and downloaded as a spreadsheet (a group no longer among the largest keeps its name).
    with translation.override(settings.LANGUAGE_CODE):
        named = {c.key: c.label for c in catchment_groups(unit=unit)[0]}
    mapping.groups.all().delete()
    for g in groups:
        row = MappingGroup.objects.create(
            municipality_id=unit.municipality_id,
            mapping=mapping,
            key=g.key,
            label=named.get(g.key, g.label)[:200],
            size=g.size,
            note=g.note[:300],
        )
        row.organisations.set(g.organisation_ids, through_defaults={"municipality_id": row.municipality_id})
    audit_record(
        actor=actor,
        action=PartnersAuditAction.MAPPING_SAVED,
        obj=mapping,
        data={
            "unit": unit.pk,
            "year": year,
            "completed": completed,
            "gaps": [g.key for g in groups if g.is_gap],
        },
    )
    return mapping
