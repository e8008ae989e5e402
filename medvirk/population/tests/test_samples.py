"""Tests for the shipped fictional sample files and their generator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medvirk.common.dimensions import DEMO_DISTRICTS
from medvirk.population.csvimport import parse_csv
from medvirk.population.data import make_sample
from medvirk.population.jsonstat import (
    CC_BY_4_0,
    SSB_CREDIT,
    parse_jsonstat,
    parse_jsonstat_data,
    table_to_jsonstat,
)

DATA = Path(__file__).resolve().parent.parent / "data"
JSON_SAMPLES = ["07459_eksempel.json", "10826_eksempel.json", "09817_eksempel.json"]


def test_committed_files_match_the_seeded_generator() -> None:
    built = make_sample.build_all()
    assert sorted(built) == sorted(p.name for p in DATA.iterdir() if p.suffix in {".json", ".csv"})
    for name, text in built.items():
        assert (DATA / name).read_text(encoding="utf-8") == text, f"regenerate {name}"


@pytest.mark.parametrize("name", JSON_SAMPLES)
def test_samples_are_clearly_fictional_and_credited(name: str) -> None:
    raw = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert raw["version"] == "2.0"
    assert raw["class"] == "dataset"
    assert "Fiktive tall for Eksempel kommune, laget av Medvirk" in raw["label"]
    assert raw["extension"]["medvirk"]["fictitious"] is True
    assert raw["extension"]["px"]["official-statistics"] is False
    assert all(isinstance(d["category"]["index"], dict) for d in raw["dimension"].values())
    t = parse_jsonstat((DATA / name).read_bytes())
    assert t.table_id == name[:5]
    assert (t.credit, t.licence) == (SSB_CREDIT, CC_BY_4_0)
    assert any("Fiktive tall" in n for n in t.notes)
    assert parse_jsonstat_data(table_to_jsonstat(t)).cells == t.cells


def test_07459_known_totals() -> None:
    t = parse_jsonstat((DATA / "07459_eksempel.json").read_bytes())
    assert t.size == (2, 2, 106, 1, 1)
    assert t.dimension("Alder").codes()[0] == "000"
    assert t.dimension("Alder").codes()[-1] == "105+"
    by_region: dict[str, float] = {}
    for c in t.cells:
        by_region[c.key[0]] = by_region.get(c.key[0], 0) + (c.value or 0)
    assert by_region == {"9999": 60_007, "9998": 12_256}


def test_10826_district_sums_equal_municipality_in_every_cell() -> None:
    t = parse_jsonstat((DATA / "10826_eksempel.json").read_bytes())
    regions = t.dimension("Region").codes()
    assert regions == ("9999", *DEMO_DISTRICTS)
    for c in t.cells:
        if c.key[0] == "9999":
            parts = [t.get((d, *c.key[1:])).value or 0 for d in DEMO_DISTRICTS]
            assert c.value == sum(parts)
    assert sum(c.value or 0 for c in t.cells if c.key[0] == "9999") == 60_007


def test_10826_csv_export_matches_the_json() -> None:
    csv_table = parse_csv((DATA / "10826_eksempel.csv").read_bytes())
    json_table = parse_jsonstat((DATA / "10826_eksempel.json").read_bytes())
    assert csv_table.table_id == "10826"
    assert csv_table.dimension("region").codes() == json_table.dimension("Region").codes()
    assert [c.value for c in csv_table.cells] == [c.value for c in json_table.cells]


def test_09817_has_suppressed_cells_with_status() -> None:
    t = parse_jsonstat((DATA / "09817_eksempel.json").read_bytes())
    suppressed = [c for c in t.cells if c.status == ":"]
    assert suppressed
    assert all(c.value is None and c.key[0] == "9998" for c in suppressed)
    persons = t.cell(Region="9999", InnvandrKat="B", Landbakgrunn="999", ContentsCode="Personer1", Tid="2026")
    assert persons.value == 9_447
    share = t.cell(
        Region="9999",
        InnvandrKat="B",
        Landbakgrunn="999",
        ContentsCode="AndelBefolkning",
        Tid="2026",
    )
    assert share.value == pytest.approx(100 * 9_447 / 60_007, abs=0.05)
