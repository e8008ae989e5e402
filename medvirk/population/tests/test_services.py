"""Population services: all-or-nothing import, clear error reports, mapping correction, user counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from medvirk.accounts.demo import DemoData
from medvirk.core.errors import ServiceError
from medvirk.core.models import AuditEvent
from medvirk.population import services
from medvirk.population.models import MappingEntry, PopulationCount, PopulationTable, UserCount

DATA = Path(__file__).resolve().parent.parent / "data"


def _import(demo: DemoData, name: str, **kw):
    return services.table_import(
        actor=demo.users["analytiker"],
        municipality=demo.municipality,
        data=(DATA / name).read_bytes(),
        filename=name,
        **kw,
    )


def test_import_10826_stores_counts_per_district(demo: DemoData) -> None:
    table = _import(demo, "10826_eksempel.json")
    assert (table.table_id, table.year, table.credit, table.licence) == (
        "10826",
        2026,
        "Kilde: Statistisk sentralbyrå",
        "CC BY 4.0",
    )
    assert json.loads(table.raw)["class"] == "dataset"
    totals = dict(
        PopulationCount.objects.filter(table=table, dimension="__population__").values_list("region", "count")
    )
    assert totals == {"999901": 13_127, "999902": 12_325, "999903": 13_959, "999904": 10_685, "999905": 9_911}
    age = PopulationCount.objects.filter(table=table, dimension="age_band", region="999905")
    assert sum(age.values_list("count", flat=True)) == 9_911
    assert (
        MappingEntry.objects.filter(table=table, source_dimension="Region", source_code="9999")
        .get()
        .target_key
    )
    assert AuditEvent.objects.filter(action="population.imported", object_id=str(table.pk)).exists()


def test_import_07459_reports_the_other_municipality_as_unmapped(demo: DemoData, client_as: Any) -> None:
    with translation.override("en"):  # imported by someone reading English
        table = _import(demo, "07459_eksempel.json")
    total = PopulationCount.objects.get(table=table, dimension="__population__")
    assert (total.region, total.count) == ("9999", 60_007)
    assert [i["code"] for i in table.issues] == ["other_municipality"]
    assert "9998" in table.issues[0]["location"]
    # The note is said in each reader's language, not the importer's.
    page = client_as("admin").get(f"/population/tables/{table.pk}/").content.decode()
    assert "(9998) er en annen kommune" in page and "is another municipality" not in page


def test_csv_import_equals_json_import(demo: DemoData) -> None:
    table = services.table_import(
        actor=demo.users["admin"],
        municipality=demo.municipality,
        data=(DATA / "10826_eksempel.csv").read_bytes(),
        filename="10826_eksempel.csv",
        source="Statistisk sentralbyrå",
        year=2026,
    )
    assert table.credit == "Kilde: Statistisk sentralbyrå"
    csv_counts = set(
        PopulationCount.objects.filter(table=table).values_list("region", "dimension", "category", "count")
    )
    table.delete()
    json_table = _import(demo, "10826_eksempel.json")
    assert csv_counts == set(
        PopulationCount.objects.filter(table=json_table).values_list(
            "region", "dimension", "category", "count"
        )
    )


def refused_import(demo: DemoData, doc: dict[str, Any]) -> services.ImportRejected:
    """The analyst imports the JSON-stat ``doc``; return the refusal (the import must refuse it)."""
    with pytest.raises(services.ImportRejected) as err:
        services.table_import(
            actor=demo.users["analytiker"],
            municipality=demo.municipality,
            data=json.dumps(doc).encode(),
            filename="x.json",
        )
    return err.value


def test_broken_jsonstat_imports_nothing_and_lists_every_problem(demo: DemoData) -> None:
    doc = json.loads((DATA / "10826_eksempel.json").read_text(encoding="utf-8"))
    doc["size"][0] = 7
    doc["value"][3] = -5
    rejected = refused_import(demo, doc)
    assert rejected.code == "invalid_jsonstat"
    codes = {i["code"] for i in rejected.issues}
    assert "index_size_mismatch" in codes or "value_length_mismatch" in codes
    assert all(i["location"] and i["message"] for i in rejected.issues)
    assert not PopulationTable.objects.exists()
    assert not PopulationCount.objects.exists()


def test_malformed_json_and_bad_csv_are_reported(demo: DemoData) -> None:
    with pytest.raises(services.ImportRejected) as err:
        services.import_preview(municipality=demo.municipality, data=b'{"version": "2.0",', filename="a.json")
    assert err.value.issues[0]["code"] == "malformed_json"
    bad_csv = "region;kjønn;alder;Personer\n999901;1;020;12\n999901;2;020;tolv\n999901;2;020;3\n".encode()
    with pytest.raises(services.ImportRejected) as err:
        services.import_preview(municipality=demo.municipality, data=bad_csv, filename="a.csv", year=2026)
    assert {i["code"] for i in err.value.issues} >= {"not_a_number"}
    assert "3" in err.value.issues[0]["location"]


def test_inconsistent_totals_block_the_import(demo: DemoData) -> None:
    doc = json.loads((DATA / "10826_eksempel.json").read_text(encoding="utf-8"))
    doc["value"][0] += 100  # the municipality row no longer equals the sum of its districts
    rejected = refused_import(demo, doc)
    assert rejected.code == "inconsistent_table"
    assert rejected.issues[0]["code"] == "inconsistent_total"
    assert "difference" in rejected.issues[0]["message"]
    assert not PopulationTable.objects.exists()


def test_reimport_needs_replace(demo: DemoData) -> None:
    _import(demo, "10826_eksempel.json")
    with pytest.raises(ServiceError) as err:
        _import(demo, "10826_eksempel.json")
    assert err.value.code == "table_exists"
    _import(demo, "10826_eksempel.json", replace=True)
    assert PopulationTable.objects.count() == 1


def test_only_population_managers_may_import(demo: DemoData) -> None:
    for user in ("leder.solsikken", "lesetilgang", "analytiker.nord", "provestad.admin"):
        with pytest.raises(ServiceError) as err:
            services.table_import(
                actor=demo.users[user],
                municipality=demo.municipality,
                data=(DATA / "10826_eksempel.json").read_bytes(),
                filename="10826_eksempel.json",
            )
        assert err.value.code == "forbidden"


def test_mapping_correction_recounts_and_is_audited(demo: DemoData) -> None:
    table = _import(demo, "07459_eksempel.json")
    entry = MappingEntry.objects.get(table=table, source_dimension="Alder", source_code="016")
    before = PopulationCount.objects.get(table=table, dimension="age_band", category="16-24").count
    moved = PopulationCount.objects.get(table=table, dimension="age_band", category="0-15").count
    services.mapping_correct(actor=demo.users["analytiker"], entry=entry, target_key="0-15")
    after = PopulationCount.objects.get(table=table, dimension="age_band", category="16-24").count
    after_young = PopulationCount.objects.get(table=table, dimension="age_band", category="0-15").count
    assert before - after == after_young - moved > 0
    entry.refresh_from_db()
    assert (entry.target_key, entry.status) == ("0-15", "confirmed")
    assert AuditEvent.objects.filter(action="population.mapping_corrected").count() == 1
    services.mapping_correct(actor=demo.users["analytiker"], entry=entry, target_key=None)
    entry.refresh_from_db()
    assert entry.status == "unmapped"
    table.refresh_from_db()
    assert any(i["location"] == "Alder/016" for i in table.issues)
    with pytest.raises(ServiceError) as err:
        services.mapping_correct(actor=demo.users["analytiker"], entry=entry, target_key="nonsense")
    assert err.value.code == "invalid_target"


def test_user_counts_replace_and_check(demo: DemoData) -> None:
    unit = demo.units["Solsikken barnehage"]
    leader = demo.users["leder.solsikken"]
    services.user_counts_set(actor=leader, unit=unit, year=2026, dimension="gender", counts={"female": 30})
    services.user_counts_set(
        actor=leader,
        unit=unit,
        year=2026,
        dimension="gender",
        counts={"female": 31, "male": 29, "other": None},
    )
    rows = dict(UserCount.objects.filter(unit=unit).values_list("category", "count"))
    assert rows == {"female": 31, "male": 29}
    with pytest.raises(ServiceError) as err:
        services.user_counts_set(actor=leader, unit=unit, year=2026, dimension="gender", counts={"x": 1})
    assert err.value.code == "invalid_category"
    with pytest.raises(ServiceError) as err:
        services.user_counts_set(actor=leader, unit=unit, year=2026, dimension="gender", counts={"male": -1})
    assert err.value.code == "invalid_count"
    with pytest.raises(ServiceError) as err:
        services.user_counts_set(
            actor=leader,
            unit=demo.units["Nordlys barnehage"],
            year=2026,
            dimension="gender",
            counts={"male": 1},
        )
    assert err.value.code == "forbidden"
