"""Test helpers for the partners module."""

from __future__ import annotations

from typing import Any

from medvirk.core.actors import SystemActor
from medvirk.partners import services
from medvirk.partners.models import Organisation
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
