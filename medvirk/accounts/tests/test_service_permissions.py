"""Staff accounts and roles: the services check their actor themselves."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.accounts import org_import_services, services
from medvirk.accounts.models import Role, RoleAssignment, User
from medvirk.core.actors import SystemActor
from tests.service_support import refused

pytestmark = pytest.mark.django_db


def test_writes_without_the_permission_are_refused_by_the_service(demo: Any) -> None:
    leader, nord = demo.users["leder.solsikken"], demo.units["Bydel Nord"]
    municipality = demo.municipality
    refused(lambda: services.user_create(actor=leader, municipality=municipality, username="ny", email=""))
    refused(
        lambda: services.user_create(
            actor=demo.users["provestad.admin"], municipality=municipality, username="ny", email=""
        )
    )
    assert not User.objects.filter(username="ny").exists()
    refused(lambda: services.role_grant(actor=leader, user=leader, unit=nord, role=Role.ADMIN))
    root_role = RoleAssignment.objects.get(user=demo.users["lesetilgang"])
    refused(lambda: services.role_revoke(actor=demo.users["analytiker"], assignment=root_role))
    assert RoleAssignment.objects.filter(pk=root_role.pk).exists()
    # Rights over the whole municipality: an administrator of Bydel Nord only is refused.
    nord_admin = demo.users["uten.rolle"]
    RoleAssignment.objects.create(municipality=municipality, user=nord_admin, unit=nord, role=Role.ADMIN)
    refused(lambda: services.retention_periods_set(actor=nord_admin, municipality=municipality, amounts={}))
    refused(lambda: org_import_services.ensure_can_import(nord_admin, municipality))
    org_import_services.ensure_can_import(demo.users["admin"], municipality)


def test_the_system_actor_bootstraps_a_municipalitys_first_administrator(demo: Any) -> None:
    actor = SystemActor("test bootstrap")
    user = services.user_create(actor=actor, municipality=demo.other, username="ny.admin", email="")
    assignment = services.role_grant(actor=actor, user=user, unit=demo.other_units[""], role=Role.ADMIN)
    assert assignment.granted_by is None  # no person granted it
    # The new administrator may now do what only administrators may.
    services.user_create(actor=user, municipality=demo.other, username="ny.kollega", email="")
