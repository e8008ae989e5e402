"""The organisation tree's writes (accounts.unit_services) check their actor themselves, not only pages
and API."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.accounts import unit_services as services
from medvirk.accounts.models import Role
from medvirk.accounts.services import role_grant
from medvirk.core.actors import SystemActor
from medvirk.orgs.models import OrgUnit
from tests.service_support import refused

pytestmark = pytest.mark.django_db


def test_writes_without_the_permission_are_refused_by_the_service(demo: Any) -> None:
    nord, solsikken = demo.units["Bydel Nord"], demo.units["Solsikken barnehage"]
    refused(lambda: services.unit_create(actor=demo.users["lesetilgang"], parent=nord, name="Ny"))
    assert not OrgUnit.objects.filter(name="Ny").exists()
    # An analyst sees the tree but may not edit a unit's details.
    refused(
        lambda: services.unit_update(
            actor=demo.users["analytiker"], unit=nord, name="Nord", service_area=nord.service_area
        )
    )
    # A unit leader edits their own unit, but cannot move it.
    refused(lambda: services.unit_move(actor=demo.users["leder.solsikken"], unit=solsikken, new_parent=nord))
    # Another municipality's administrator cannot touch this tree at all.
    refused(lambda: services.unit_create(actor=demo.users["provestad.admin"], parent=nord, name="Ny"))
    # A district's administrator may not move its units out of the district.
    district_admin = demo.users["analytiker.nord"]
    role_grant(actor=SystemActor("test"), user=district_admin, unit=nord, role=Role.ADMIN)
    error = refused(
        lambda: services.unit_move(actor=district_admin, unit=solsikken, new_parent=demo.units["Bydel Sør"])
    )
    assert error.field == "parent"
    solsikken.refresh_from_db()
    assert solsikken.parent_id == nord.pk


def test_the_system_actor_builds_trees_and_only_it_creates_municipalities(demo: Any) -> None:
    actor = SystemActor("test import of an organisation tree")
    municipality = services.municipality_create(actor=actor, code="9100", name="Nyby", slug="nyby")
    root = OrgUnit.objects.get(municipality=municipality, parent=None)
    unit = services.unit_create(actor=actor, parent=root, name="Nyby skole")
    assert unit.path == f"{root.path}{unit.pk}/"
    with pytest.raises(TypeError):
        services.municipality_create(actor=demo.users["admin"], code="9101", name="X", slug="x")
