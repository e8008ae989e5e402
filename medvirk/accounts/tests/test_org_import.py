"""Importing the organisation tree from the HR system's export (CSV or XLSX): preview, every bad
line listed, all or nothing, re-import without duplicates."""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from medvirk.accounts import org_import, org_import_services
from medvirk.accounts.demo import DemoData
from medvirk.core.errors import ServiceError
from medvirk.core.models import AuditEvent
from medvirk.orgs.models import OrgUnit, ServiceArea, UnitKind, validate_unit_org_number
from tests.workbooks import xlsx

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "organisasjon.csv"
BAD = Path(__file__).resolve().parent / "data" / "organisasjon-feil.csv"
HEADER = "enhetskode;enhet;overordnet;tjenesteområde;organisasjonsnummer\n"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The services' messages in English, as the assertions below quote them (pages use the request's)."""
    with translation.override("en"):
        yield


def _lines(text: str) -> list[org_import.TreeLine]:
    tree_file = org_import.read_tree_file(text.encode(), "tree.csv")
    assert tree_file.errors == []
    return tree_file.lines


def _units(demo: DemoData) -> dict[str, OrgUnit]:
    return {u.name: u for u in OrgUnit.objects.filter(municipality=demo.municipality)}


def _assert_paths_consistent(demo: DemoData) -> None:
    units = {u.pk: u for u in OrgUnit.objects.filter(municipality=demo.municipality)}
    for unit in units.values():
        if unit.parent_id is None:
            assert (unit.path, unit.depth) == (f"{unit.pk}/", 0)
        else:
            parent = units[unit.parent_id]
            assert (unit.path, unit.depth) == (f"{parent.path}{unit.pk}/", parent.depth + 1)


def test_org_number_field_checks_the_mod11_digit() -> None:
    validate_unit_org_number("974760673")
    validate_unit_org_number("")
    for bad in ("974760674", "97476067", "974 760 673"):
        with pytest.raises(ValidationError):
            validate_unit_org_number(bad)


def test_example_file_previews_imports_and_reimports_without_duplicates(demo: DemoData) -> None:
    admin = demo.users["admin"]
    lines = _lines(EXAMPLE.read_text())
    before = OrgUnit.objects.filter(municipality=demo.municipality).count()
    plan = org_import.tree_plan(municipality=demo.municipality, lines=lines)
    assert plan.importable, [(p.line, p.problems) for p in plan.bad_lines]
    by_name = {p.name: p for p in plan.lines}
    assert by_name["Tusenfryd barnehage"].action == org_import.Action.CREATE
    assert by_name["Tusenfryd barnehage"].parent_name == "Bydel Nord"
    assert by_name["Legevakten"].parent_name == "Helse- og omsorgsetaten"
    # Existing units are found by their name under their parent and get their number and code.
    assert by_name["Solsikken barnehage"].action == org_import.Action.UPDATE
    assert "organisation number added" in by_name["Solsikken barnehage"].changes
    assert by_name["Eksempel kommune"].parent_name == ""
    assert OrgUnit.objects.filter(municipality=demo.municipality).count() == before  # nothing stored yet

    org_import_services.org_tree_import(actor=admin, municipality=demo.municipality, lines=lines)
    units = _units(demo)
    assert len(units) == before + 2
    assert units["Tusenfryd barnehage"].parent_id == units["Bydel Nord"].pk
    assert units["Tusenfryd barnehage"].service_area == ServiceArea.KINDERGARTEN
    assert units["Legevakten"].service_area == ServiceArea.HEALTH
    assert (units["Solsikken barnehage"].org_number, units["Solsikken barnehage"].unit_code) == (
        "974760681",
        "1110",
    )
    assert units["Eksempel kommune"].org_number == "974760673"
    assert units["Eksempel kommune"].parent_id is None
    assert units["Helse- og omsorgsetaten"].kind == UnitKind.AGENCY
    _assert_paths_consistent(demo)
    event = AuditEvent.objects.get(action="unit.tree_imported")
    assert event.data == {"created": 2, "changed": 8, "closed": 0}

    again = org_import.tree_plan(municipality=demo.municipality, lines=lines)
    assert {p.action for p in again.lines} == {org_import.Action.UNCHANGED}
    org_import_services.org_tree_import(actor=admin, municipality=demo.municipality, lines=lines)
    assert OrgUnit.objects.filter(municipality=demo.municipality).count() == before + 2


def _without(*names: str) -> str:
    """The example file without the lines of ``names`` (units closed in the HR system)."""
    return "".join(
        line for line in EXAMPLE.read_text().splitlines(keepends=True) if line.split(";")[1] not in names
    )


def test_reimport_lists_units_not_in_the_file_and_closes_only_those_chosen(demo: DemoData) -> None:
    admin, muni = demo.users["admin"], demo.municipality
    org_import_services.org_tree_import(actor=admin, municipality=muni, lines=_lines(EXAMPLE.read_text()))
    units = _units(demo)
    before = len(units)
    plan = org_import.tree_plan(municipality=muni, lines=_lines(_without("Nordlys barnehage", "Legevakten")))
    missing = {u.name: u for u in plan.missing}
    assert set(missing) >= {"Nordlys barnehage", "Legevakten"}
    assert missing["Nordlys barnehage"].parent_name == "Bydel Nord"
    # Units the file names, as a line or as a parent, are not missing; the top unit never is.
    assert not set(missing) & {
        "Bydel Nord",
        "Solsikken barnehage",
        "Helse- og omsorgsetaten",
        "Eksempel kommune",
    }

    done = org_import_services.org_tree_import(
        actor=admin,
        municipality=muni,
        lines=_lines(_without("Nordlys barnehage", "Legevakten")),
        close=[units["Nordlys barnehage"].pk, units["Bydel Nord"].pk],  # Bydel Nord is in the file: ignored
    )
    assert [u.name for u in done.closed] == ["Nordlys barnehage"]
    units = _units(demo)
    assert len(units) == before  # nothing deleted
    assert units["Nordlys barnehage"].closed_on is not None
    assert units["Legevakten"].closed_on is None and units["Bydel Nord"].closed_on is None
    assert AuditEvent.objects.filter(action="unit.tree_imported").latest("pk").data["closed"] == 1
    # A closed unit is not listed again; listed in a later file, it opens again.
    again = org_import.tree_plan(municipality=muni, lines=_lines(_without("Nordlys barnehage", "Legevakten")))
    assert "Nordlys barnehage" not in {u.name for u in again.missing}
    full = org_import.tree_plan(municipality=muni, lines=_lines(EXAMPLE.read_text()))
    nordlys = next(p for p in full.lines if p.name == "Nordlys barnehage")
    assert nordlys.action == org_import.Action.UPDATE and "reopened (was marked closed)" in nordlys.changes
    org_import_services.org_tree_import(actor=admin, municipality=muni, lines=_lines(EXAMPLE.read_text()))
    assert OrgUnit.objects.get(pk=units["Nordlys barnehage"].pk).closed_on is None


def test_reimport_renames_and_moves_by_code_or_number(demo: DemoData) -> None:
    admin = demo.users["admin"]
    org_import_services.org_tree_import(
        actor=admin, municipality=demo.municipality, lines=_lines(EXAMPLE.read_text())
    )
    # The kindergarten moves to Bydel Sør (named by its name) and is renamed; found by its code.
    # Tildelingskontoret is found by its number alone and moves below the new unit Omsorg.
    text = HEADER + (
        "1110;Solsikken og Tusenfryd barnehage;Bydel Sør;Barnehage;\n"
        "3000;Omsorg;2000;Helsetjenester;\n"
        ";Tildelingskontoret sentralt;3000;Helsetjenester;974760754\n"
    )
    plan = org_import.tree_plan(municipality=demo.municipality, lines=_lines(text))
    assert plan.importable, [(p.line, p.problems) for p in plan.bad_lines]
    assert [p.action for p in plan.lines] == ["update", "create", "update"]
    assert "moved here" in plan.lines[0].changes
    org_import_services.org_tree_import(actor=admin, municipality=demo.municipality, lines=_lines(text))
    units = _units(demo)
    assert "Solsikken barnehage" not in units
    moved = units["Solsikken og Tusenfryd barnehage"]
    assert moved.pk == demo.units["Solsikken barnehage"].pk
    assert moved.parent_id == units["Bydel Sør"].pk
    assert moved.org_number == "974760681"  # an empty cell keeps what the unit has
    assert units["Tildelingskontoret sentralt"].parent_id == units["Omsorg"].pk
    assert units["Omsorg"].parent_id == units["Helse- og omsorgsetaten"].pk
    _assert_paths_consistent(demo)


def test_every_bad_line_is_listed_and_nothing_is_stored(demo: DemoData) -> None:
    tree_file = org_import.read_tree_file(BAD.read_bytes(), "organisasjon-feil.csv")
    plan = org_import.tree_plan(municipality=demo.municipality, lines=tree_file.lines)
    problems = {p.line: " ".join(p.problems) for p in plan.bad_lines}
    assert "name is missing" in problems[4]
    assert "check digit" in problems[5]
    assert "Unknown service area “Dyrehage”" in problems[6]
    assert "“9999”" in problems[7]
    assert "Same unit code as line 7" in problems[8]
    assert "name each other as parent" in problems[9] and "name each other as parent" in problems[10]
    assert "Same unit as line 11" in problems[12]
    assert set(problems) == {4, 5, 6, 7, 8, 9, 10, 12}
    assert not plan.importable
    before = list(
        OrgUnit.objects.filter(municipality=demo.municipality).values_list("pk", "path", "org_number")
    )
    with pytest.raises(ServiceError) as refused:
        org_import_services.org_tree_import(
            actor=demo.users["admin"], municipality=demo.municipality, lines=tree_file.lines
        )
    assert "Line 4" in str(refused.value.message)
    after = list(
        OrgUnit.objects.filter(municipality=demo.municipality).values_list("pk", "path", "org_number")
    )
    assert after == before


def test_a_move_below_its_own_unit_and_a_second_line_for_one_unit_are_refused(demo: DemoData) -> None:
    org_import_services.org_tree_import(
        actor=demo.users["admin"], municipality=demo.municipality, lines=_lines(EXAMPLE.read_text())
    )
    below_itself = HEADER + "1100;Bydel Nord;1110;;\n"
    plan = org_import.tree_plan(municipality=demo.municipality, lines=_lines(below_itself))
    assert "below itself" in " ".join(plan.lines[0].problems)
    twice = HEADER + ";Nordby skole;Bydel Nord;;\n;NORDBY SKOLE;Bydel Nord;;\n"
    plan = org_import.tree_plan(municipality=demo.municipality, lines=_lines(twice))
    assert [p.problems for p in plan.lines] == [[], ["Same unit as line 2."]]


def test_only_administrators_of_the_whole_municipality_import(demo: DemoData) -> None:
    lines = _lines(HEADER + ";Ny enhet;Bydel Nord;;\n")
    for username in ("analytiker.nord", "leder.solsikken", "provestad.admin"):
        with pytest.raises(ServiceError) as refused:
            org_import_services.org_tree_import(
                actor=demo.users[username], municipality=demo.municipality, lines=lines
            )
        assert refused.value.status == 403
    assert not OrgUnit.objects.filter(name="Ny enhet").exists()


def test_unit_edit_sets_a_checked_org_number_and_a_unique_unit_code(client_as: Any, demo: DemoData) -> None:
    from medvirk.accounts import unit_services as units

    admin, unit = demo.users["admin"], demo.units["Nordby skole"]
    with pytest.raises(ServiceError) as refused:
        units.unit_update(
            actor=admin, unit=unit, name=unit.name, service_area=unit.service_area, org_number="974760674"
        )
    assert refused.value.field == "org_number"
    units.unit_update(
        actor=admin,
        unit=demo.units["Sentrum skole"],
        name="Sentrum skole",
        service_area="school",
        unit_code="S1",
    )
    with pytest.raises(ServiceError) as taken:
        units.unit_update(
            actor=admin, unit=unit, name=unit.name, service_area=unit.service_area, unit_code="s1"
        )
    assert taken.value.field == "unit_code"
    data = {
        "name": unit.name,
        "kind": unit.kind,
        "service_area": unit.service_area,
        "org_number": "974 760 711",
    }
    assert client_as("admin").post(f"/org/units/{unit.pk}/edit/", data).status_code == 302
    unit.refresh_from_db()
    assert unit.org_number == "974760711"
    assert "974760711" in client_as("admin").get(f"/org/units/{unit.pk}/").content.decode()


def test_file_problems_are_said_in_words() -> None:
    assert "enhet" in org_import.read_tree_file(b"navnet;foreldre\nA;B\n", "x.csv").errors[0]
    assert org_import.read_tree_file(b"", "x.csv").errors
    not_a_workbook = io.BytesIO()
    with zipfile.ZipFile(not_a_workbook, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "Excel" in org_import.read_tree_file(not_a_workbook.getvalue(), "x.xlsx").errors[0]


def _workbook(rows: list[list[Any]]) -> bytes:
    return xlsx({"Sheet": rows})


def test_xlsx_reads_numbers_as_typed_and_keeps_sheet_line_numbers(demo: DemoData) -> None:
    data = _workbook(
        [
            ["Enhet", "Overordnet", "Tjenesteområde", "Organisasjonsnummer", "Enhetskode"],
            ["Tusenfryd barnehage", "Bydel Nord", "Barnehage", 974760746, 1140],
            [None, None, None, None, None],
            ["Legevakten", "Helse- og omsorgsetaten", "Helse", 974760762.0, 2020],
        ]
    )
    tree_file = org_import.read_tree_file(data, "hr.xlsx")
    assert tree_file.errors == []
    assert [(ln.line, ln.org_number, ln.unit_code) for ln in tree_file.lines] == [
        (2, "974760746", "1140"),
        (4, "974760762", "2020"),
    ]
    plan = org_import.tree_plan(municipality=demo.municipality, lines=tree_file.lines)
    assert plan.importable and plan.created == 2


def test_page_previews_then_imports(client_as: Any, demo: DemoData) -> None:
    client = client_as("admin")
    upload = SimpleUploadedFile("organisasjon.csv", EXAMPLE.read_bytes(), content_type="text/csv")
    page = client.post("/org/import/", {"file": upload})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Tusenfryd barnehage" in text and 'name="rows"' in text
    assert not OrgUnit.objects.filter(name="Tusenfryd barnehage").exists()
    token = page.context["token"]
    done = client.post("/org/import/", {"confirm": "1", "rows": token})
    assert done.status_code == 302 and done["Location"] == "/org/"
    assert OrgUnit.objects.filter(municipality=demo.municipality, name="Tusenfryd barnehage").exists()
    tampered = client.post("/org/import/", {"confirm": "1", "rows": token[:-2] + "xx"}, follow=True)
    assert "expired" in tampered.content.decode() or "utløpt" in tampered.content.decode()


def test_page_offers_to_close_units_not_in_the_file(client_as: Any, demo: DemoData) -> None:
    client = client_as("admin")
    nordlys = OrgUnit.objects.get(municipality=demo.municipality, name="Nordlys barnehage")
    upload = SimpleUploadedFile("org.csv", _without("Nordlys barnehage").encode(), content_type="text/csv")
    page = client.post("/org/import/", {"file": upload})
    text = page.content.decode()
    assert f'name="close" value="{nordlys.pk}"' in text and "Nordlys barnehage (under Bydel Nord)" in text
    done = client.post(
        "/org/import/", {"confirm": "1", "rows": page.context["token"], "close": [str(nordlys.pk)]}
    )
    assert done.status_code == 302
    nordlys.refresh_from_db()
    assert nordlys.closed_on is not None
    tree = client.get("/org/").content.decode()
    assert "nedlagt" in tree
    assert nordlys.name in client.get(f"/org/units/{nordlys.pk}/").content.decode()


def test_page_lists_bad_lines_without_an_import_button(client_as: Any) -> None:
    upload = SimpleUploadedFile("feil.csv", BAD.read_bytes(), content_type="text/csv")
    page = client_as("admin").post("/org/import/", {"file": upload})
    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="rows"' not in text
    assert "Dyrehage" in text
    assert "4, 5, 6, 7, 8, 9, 10, 12" in text


def test_api_checks_then_imports_and_refuses_bad_files(client_as: Any, demo: DemoData) -> None:
    client = client_as("admin")
    url = "/api/v1/units/import"
    body = {"csv": EXAMPLE.read_text(), "dry_run": True}
    checked = client.post(url, body, content_type="application/json")
    assert checked.status_code == 200 and checked.json()["created"] == 2
    assert not OrgUnit.objects.filter(name="Legevakten").exists()
    body["dry_run"] = False
    imported = client.post(url, body, content_type="application/json")
    assert imported.status_code == 201 and imported.json()["imported"] is True
    # The demo has units the example file does not list: listed, none closed without being asked.
    assert "Bydel Øst" in {u["name"] for u in imported.json()["missing"]} and imported.json()["closed"] == []
    legevakten = OrgUnit.objects.get(municipality=demo.municipality, name="Legevakten")
    fewer = {"csv": _without("Legevakten"), "dry_run": True}
    listed = client.post(url, fewer, content_type="application/json").json()["missing"]
    assert {"id": legevakten.pk, "name": "Legevakten", "parent": "Helse- og omsorgsetaten"} in listed
    closing = client.post(
        url, {**fewer, "dry_run": False, "close": [legevakten.pk]}, content_type="application/json"
    )
    assert closing.status_code == 201 and [u["name"] for u in closing.json()["closed"]] == ["Legevakten"]
    legevakten.refresh_from_db()
    assert legevakten.closed_on is not None
    assert OrgUnit.objects.filter(municipality=demo.municipality, name="Legevakten").exists()
    bad = client.post(url, {"csv": BAD.read_text()}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["error"] == {
        "code": "tree_not_importable",
        "message": "8 linjer har feil; ingenting ble importert.",
    }
    not_base64 = client.post(url, {"xlsx_base64": "æøå"}, content_type="application/json")
    assert not_base64.status_code == 400 and not_base64.json()["error"]["code"] == "tree_not_importable"
    empty = client.post(url, {"csv": ""}, content_type="application/json")
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "tree_not_importable"
    assert {line["line"] for line in bad.json()["lines"] if line["problems"]} == {4, 5, 6, 7, 8, 9, 10, 12}
    xlsx = _workbook([["enhet", "overordnet"], ["Ny klubb", "Bydel Øst"]])
    made = client.post(url, {"xlsx_base64": base64.b64encode(xlsx).decode()}, content_type="application/json")
    assert made.status_code == 201 and made.json()["created"] == 1
