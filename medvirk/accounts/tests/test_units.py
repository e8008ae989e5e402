"""Service rules for the organisation tree."""

from __future__ import annotations

import pytest

from medvirk.accounts import unit_services as services
from medvirk.accounts.demo import DemoData
from medvirk.core.errors import ServiceError
from medvirk.core.models import AuditEvent
from medvirk.orgs.models import OrgUnit, ServiceArea, UnitKind
from medvirk.orgs.selectors import build_forest, unit_ancestors, unit_subtree


def test_demo_municipality_has_districts_agencies_and_twenty_units(demo: DemoData) -> None:
    units = OrgUnit.objects.filter(municipality=demo.municipality)
    assert units.filter(kind=UnitKind.DISTRICT).count() == 5
    assert units.filter(kind=UnitKind.AGENCY).count() >= 2
    leaves = units.filter(kind=UnitKind.UNIT)
    assert leaves.count() >= 20
    areas = set(leaves.values_list("service_area", flat=True))
    assert {
        ServiceArea.KINDERGARTEN,
        ServiceArea.SCHOOL,
        ServiceArea.HOME_CARE,
        ServiceArea.NURSING_HOME,
        ServiceArea.SERVICE_CENTRE,
        ServiceArea.YOUTH_CLUB,
    } <= areas


def test_create_sets_path_depth_and_audits(demo: DemoData) -> None:
    admin, nord = demo.users["admin"], demo.units["Bydel Nord"]
    unit = services.unit_create(
        actor=admin, parent=nord, name="  Ny barnehage ", service_area=ServiceArea.KINDERGARTEN
    )
    assert unit.name == "Ny barnehage"
    assert unit.path == f"{nord.path}{unit.pk}/"
    assert unit.depth == nord.depth + 1
    event = AuditEvent.objects.filter(action="unit.created", object_id=str(unit.pk)).get()
    assert event.actor == admin and event.municipality == demo.municipality


def test_create_rejects_duplicate_name_under_same_parent_case_insensitively(demo: DemoData) -> None:
    with pytest.raises(ServiceError) as err:
        services.unit_create(
            actor=demo.users["admin"], parent=demo.units["Bydel Nord"], name="solsikken BARNEHAGE"
        )
    assert err.value.code == "name_taken" and err.value.field == "name"


def test_same_name_allowed_under_other_parent(demo: DemoData) -> None:
    unit = services.unit_create(
        actor=demo.users["admin"], parent=demo.units["Bydel Sør"], name="Solsikken barnehage"
    )
    assert unit.parent == demo.units["Bydel Sør"]


def test_move_rewrites_paths_of_whole_subtree(demo: DemoData) -> None:
    admin = demo.users["admin"]
    nord, sor = demo.units["Bydel Nord"], demo.units["Bydel Sør"]
    child = services.unit_create(actor=admin, parent=demo.units["Solsikken barnehage"], name="Avdeling Blå")
    services.unit_move(actor=admin, unit=demo.units["Solsikken barnehage"], new_parent=sor)
    moved = OrgUnit.objects.get(pk=demo.units["Solsikken barnehage"].pk)
    child.refresh_from_db()
    assert moved.parent == sor and moved.path == f"{sor.path}{moved.pk}/"
    assert child.path == f"{moved.path}{child.pk}/" and child.depth == moved.depth + 1
    assert moved not in unit_subtree(unit=nord)
    assert [a.pk for a in unit_ancestors(unit=child)] == [demo.units[""].pk, sor.pk, moved.pk]
    event = AuditEvent.objects.get(action="unit.moved", object_id=str(moved.pk))
    assert event.data == {"from": nord.pk, "to": sor.pk, "units_moved": 2}


def test_move_into_own_subtree_is_refused(demo: DemoData) -> None:
    with pytest.raises(ServiceError) as err:
        services.unit_move(
            actor=demo.users["admin"],
            unit=demo.units["Bydel Nord"],
            new_parent=demo.units["Solsikken barnehage"],
        )
    assert err.value.code == "parent_in_subtree"


def test_move_across_municipalities_and_root_are_refused(demo: DemoData) -> None:
    with pytest.raises(ServiceError) as err:
        services.unit_move(
            actor=demo.users["admin"], unit=demo.units["Bydel Nord"], new_parent=demo.other_units[""]
        )
    assert err.value.code == "parent_invalid"
    with pytest.raises(ServiceError) as err:
        services.unit_move(
            actor=demo.users["admin"], unit=demo.units[""], new_parent=demo.units["Bydel Nord"]
        )
    assert err.value.code == "root_immovable"


def test_update_records_only_changed_fields(demo: DemoData) -> None:
    unit = demo.units["Nordby skole"]
    services.unit_update(
        actor=demo.users["admin"],
        unit=unit,
        name="Nordby skole og SFO",
        service_area=unit.service_area,
        region_code="",
    )
    event = AuditEvent.objects.get(action="unit.updated", object_id=str(unit.pk))
    assert event.data == {"name": ["Nordby skole", "Nordby skole og SFO"]}


def test_build_forest_roots_scoped_subtree(demo: DemoData) -> None:
    forest = build_forest(unit_subtree(unit=demo.units["Bydel Nord"]))
    assert [n.unit.name for n in forest] == ["Bydel Nord"]
    assert {n.unit.name for n in forest[0].children} >= {"Solsikken barnehage", "Nordby skole"}


def test_unit_page_links_to_contact_log_and_mapping_for_those_who_keep_them(
    client_as, demo: DemoData
) -> None:
    unit = demo.units["Solsikken barnehage"]
    leader_page = client_as("leder.solsikken").get(f"/org/units/{unit.pk}/").content.decode()
    assert f"/organisations/units/{unit.pk}/contacts/" in leader_page
    assert f"/organisations/units/{unit.pk}/mapping/" in leader_page
    reader_page = client_as("lesetilgang").get(f"/org/units/{unit.pk}/").content.decode()
    assert "/organisations/units/" not in reader_page
