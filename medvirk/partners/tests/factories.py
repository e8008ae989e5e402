"""Test helpers for the partners module."""

from __future__ import annotations

from typing import Any

from medvirk.core.actors import SystemActor
from medvirk.partners import services
from medvirk.partners.models import ContactPerson, Organisation
from medvirk.partners.services import OrganisationData


def organisation(
    municipality: Any, name: str = "Testforeningen", number: str = "", **kwargs: Any
) -> Organisation:
    """Create an organisation through the service."""
    return services.organisation_create(
        actor=SystemActor("test"),
        municipality=municipality,
        data=OrganisationData(name=name, org_number=number, **kwargs),
    )


def contact_person(organisation: Organisation, name: str, email: str) -> ContactPerson:
    """Add a contact person who consented to be contacted, through the service."""
    return services.contact_person_add(
        actor=SystemActor("test"),
        organisation=organisation,
        name=name,
        email=email,
        consent=True,
        consent_purpose="x",
    )
