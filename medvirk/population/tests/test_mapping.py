"""Tests for mapping imported categories onto Medvirk's standard dimensions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from medvirk.common.dimensions import AGE_BAND, DEMO_DISTRICTS, GENDER, IMMIGRANT_BACKGROUND
from medvirk.population.jsonstat import PopulationTable, parse_jsonstat
from medvirk.population.mapping import (
    COUNTRY_BACKGROUND,
    TOTAL,
    MappingError,
    MappingIssueCode,
    MappingStatus,
    add_rest_of_population,
    age_interval,
    apply_mapping,
    build_mapping,
    largest_country_groups,
    map_age_code,
    map_country_code,
    map_immigrant_code,
    map_region_codes,
    map_sex_code,
)

DATA = Path(__file__).resolve().parent.parent / "data"
DISTRICTS = {code: code for code in DEMO_DISTRICTS}


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def table(doc: dict[str, Any]) -> PopulationTable:
    return parse_jsonstat(json.dumps(doc))


@pytest.mark.parametrize(
    ("code", "target"),
    [
        ("000", "0-15"),
        ("015", "0-15"),
        ("016", "16-24"),
        ("024", "16-24"),
        ("066", "55-66"),
        ("067", "67-79"),
        ("080", "80+"),
        ("104", "80+"),
        ("105+", "80+"),
        ("020-024", "16-24"),
        ("006-015", "0-15"),
        ("080-089", "80+"),
        ("090+", "80+"),
        ("80+", "80+"),
        ("999", TOTAL),
        ("999B", TOTAL),
    ],
)
def test_age_codes_map_to_bands(code: str, target: str) -> None:
    entry = map_age_code(code)
    assert entry.target_key == target
    assert entry.status == MappingStatus.AUTO


@pytest.mark.parametrize("code", ["010-019", "060-069", "067+", "000-105+"])
def test_age_intervals_straddling_a_band_are_unmapped(code: str) -> None:
    entry = map_age_code(code, "label")
    assert entry.target_key is None
    assert entry.status == MappingStatus.UNMAPPED
    assert "straddles" in entry.note


def test_age_interval_parsing() -> None:
    assert age_interval("017") == (17, 17)
    assert age_interval("105+") == (105, None)
    assert age_interval("020-024") == (20, 24)
    assert age_interval("024-020") is None
    assert age_interval("alle") is None
    assert map_age_code("alle", "Alle aldre").target_key == TOTAL
    assert map_age_code("x").target_key is None


@pytest.mark.parametrize(
    ("code", "label", "target"),
    [
        ("1", "Menn", "male"),
        ("2", "Kvinner", "female"),
        ("0", "Begge kjønn", TOTAL),
        ("M", "Males", "male"),
        ("total", "", TOTAL),
        ("3", "Ukjent", None),
    ],
)
def test_sex_codes(code: str, label: str, target: str | None) -> None:
    assert map_sex_code(code, label).target_key == target


@pytest.mark.parametrize(
    ("code", "label", "target"),
    [
        ("B", "Innvandrere", IMMIGRANT_BACKGROUND.keys()[0]),
        ("C", "Norskfødte med innvandrerforeldre", "norwegian_born_to_immigrants"),
        ("Rest", "Befolkningen ellers", "rest"),
        ("Ialt", "I alt", TOTAL),
        ("X", "Noe annet", None),
    ],
)
def test_immigrant_categories(code: str, label: str, target: str | None) -> None:
    assert map_immigrant_code(code, label).target_key == target


def test_country_codes() -> None:
    assert map_country_code("999", "Alle land").target_key == TOTAL
    assert map_country_code("131", "Polen").target_key == "131"
    grouping = map_country_code("015a", "EU/EØS")
    assert grouping.target_key is None
    assert "group of countries" in grouping.note


def test_region_codes_from_caller_dict() -> None:
    t = table(load("10826_eksempel.json"))
    dim = t.dimension("Region")
    entries = {e.source_code: e for e in map_region_codes(dim, {"999901": "nord"}, ["9999"])}
    assert entries["9999"].target_key == TOTAL
    assert entries["999901"].target_key == "nord"
    assert entries["999901"].status == MappingStatus.CONFIRMED
    assert entries["999902"].target_key is None
    assert entries["999902"].status == MappingStatus.UNMAPPED


def test_region_code_with_letter_suffix_falls_back() -> None:
    doc = load("10826_eksempel.json")
    cat = doc["dimension"]["Region"]["category"]
    cat["index"] = {("999901a" if k == "999901" else k): v for k, v in cat["index"].items()}
    cat["label"]["999901a"] = cat["label"].pop("999901")
    entries = map_region_codes(table(doc).dimension("Region"), DISTRICTS, ["9999"])
    suffixed = next(e for e in entries if e.source_code == "999901a")
    assert (suffixed.target_key, suffixed.status) == ("999901", MappingStatus.AUTO)


# --- applying to the samples ----------------------------------------------------------------


def test_07459_sample_maps_to_bands_and_genders() -> None:
    t = table(load("07459_eksempel.json"))
    m = build_mapping(t, region_targets={"9999": "9999", "9998": "9998"})
    assert dict(m.selections) == {"ContentsCode": "Personer1", "Tid": "2026"}
    r = apply_mapping(t, m)
    assert r.issues == ()
    assert r.population_total("9999") == 60_007
    assert r.population_total("9998") == 12_256
    assert r.categories(GENDER.key, "9999") == {"male": 29_976, "female": 30_031}
    bands = r.categories(AGE_BAND.key, "9999")
    assert list(bands) == list(AGE_BAND.keys())
    assert sum(bands.values()) == 60_007
    assert r.count(AGE_BAND.key, "80+", "9999") == 2_289
    assert r.count(GENDER.key, "male") == 29_976 + 6_043  # both regions


def test_unknown_region_codes_are_reported_not_dropped() -> None:
    t = table(load("07459_eksempel.json"))
    r = apply_mapping(t, build_mapping(t, region_targets={"9999": "9999"}))
    assert r.regions() == ("9999",)
    (issue,) = r.issues
    assert issue.code == MappingIssueCode.UNMAPPED_CODE
    assert (issue.dimension, issue.source_code, issue.persons) == ("Region", "9998", 12_256)


def test_10826_sample_districts_sum_to_municipality() -> None:
    t = table(load("10826_eksempel.json"))
    m = build_mapping(t, region_targets=DISTRICTS, region_totals=["9999"])
    r = apply_mapping(t, m)
    assert r.issues == ()  # the 9999 total equals the sum of the districts everywhere
    per_district = {d: r.population_total(d) for d in DEMO_DISTRICTS}
    assert per_district == {
        "999901": 13_127,
        "999902": 12_325,
        "999903": 13_959,
        "999904": 10_685,
        "999905": 9_911,
    }
    assert r.categories("district") == per_district
    # Sentrum is young, Vest is older.
    share = {d: r.count(AGE_BAND.key, "25-34", d) / per_district[d] for d in DEMO_DISTRICTS}
    assert max(share, key=share.__getitem__) == "999905"
    old = {d: r.count(AGE_BAND.key, "67-79", d) / per_district[d] for d in DEMO_DISTRICTS}
    assert max(old, key=old.__getitem__) == "999904"


def test_inconsistent_total_is_reported_with_difference() -> None:
    doc = load("10826_eksempel.json")
    doc["value"][0] += 7  # the 9999 total for men aged 0-5 is now 7 too high
    t = table(doc)
    r = apply_mapping(t, build_mapping(t, region_targets=DISTRICTS, region_totals=["9999"]))
    (issue,) = r.issues_with(MappingIssueCode.INCONSISTENT_TOTAL)
    assert issue.dimension == "Region"
    assert issue.difference == 7
    assert issue.cell == ("9999", "1", "000-005", "Personer", "2026")
    assert "difference 7" in issue.message


def test_suppressed_cells_count_as_unknown_not_zero() -> None:
    doc = load("10826_eksempel.json")
    size = doc["size"]
    per_region = size[1] * size[2]
    hidden = per_region * 5  # first cell of 999905 (Sentrum), men 0-5
    removed = doc["value"][hidden]
    doc["value"][hidden] = None
    doc["status"] = {str(hidden): ":"}
    t = table(doc)
    r = apply_mapping(t, build_mapping(t, region_targets=DISTRICTS, region_totals=["9999"]))
    assert r.suppressed(AGE_BAND.key, "0-15", "999905") == 1
    assert r.suppressed(GENDER.key, "male", "999905") == 1
    assert r.suppressed(AGE_BAND.key, "0-15", "999901") == 0
    assert r.population_total("999905") == 9_911 - removed
    (issue,) = r.issues
    assert issue.code == MappingIssueCode.SUPPRESSED_IN_TOTAL
    assert issue.difference == removed


def test_09817_sample_immigrant_background_and_largest_groups() -> None:
    t = table(load("09817_eksempel.json"))
    regions = {**DISTRICTS, "9999": "9999", "9998": "9998"}
    m = build_mapping(t, region_targets=regions)
    assert dict(m.selections)["ContentsCode"] == "Personer1"  # not AndelBefolkning
    assert m.dimension("Landbakgrunn").exhaustive is False
    r = apply_mapping(t, m)
    assert r.issues == ()
    assert r.categories(IMMIGRANT_BACKGROUND.key, "9999") == {
        "immigrant": 9_447,
        "norwegian_born_to_immigrants": 2_394,
    }
    sentrum = r.categories(IMMIGRANT_BACKGROUND.key, "999905")
    assert sentrum["immigrant"] / 9_911 > 0.25
    district_sum = sum(r.count(IMMIGRANT_BACKGROUND.key, "immigrant", d) for d in DISTRICTS)
    assert district_sum == 9_447
    top = largest_country_groups(r, m, n=3, region="9999")
    assert [g.label for g in top] == ["Polen", "Syria", "Ukraina"]
    assert top[0].count == 1_813
    assert top[0].share == pytest.approx(1_813 / (9_447 + 2_394))
    # Prøvestad has suppressed small cells: known counts plus unknown cells, never zero.
    assert r.suppressed(COUNTRY_BACKGROUND, "106", "9998") == 1
    assert r.count(COUNTRY_BACKGROUND, "106", "9998") == 59


def test_rest_of_population_from_population_total() -> None:
    t = table(load("09817_eksempel.json"))
    m = build_mapping(t, region_targets={"9999": "9999"} | DISTRICTS | {"9998": "9998"})
    r = add_rest_of_population(apply_mapping(t, m), {"9999": 60_007, "9998": 12_256})
    assert r.count(IMMIGRANT_BACKGROUND.key, "rest", "9999") == 60_007 - 9_447 - 2_394
    assert r.count(IMMIGRANT_BACKGROUND.key, "rest", "9998") == 12_256 - 1_104 - 184


def test_straddling_interval_in_a_table_is_reported_with_persons() -> None:
    doc = load("10826_eksempel.json")
    cat = doc["dimension"]["Alder"]["category"]
    cat["index"] = {("010-019" if k == "016-019" else k): v for k, v in cat["index"].items()}
    cat["label"]["010-019"] = cat["label"].pop("016-019")
    t = table(doc)
    m = build_mapping(t, region_targets=DISTRICTS, region_totals=["9999"])
    assert m.dimension("Alder").entry("010-019").status == MappingStatus.UNMAPPED
    r = apply_mapping(t, m)
    issues = r.issues_with(MappingIssueCode.UNMAPPED_CODE)
    assert {i.source_code for i in issues} == {"010-019"}
    assert all(i.persons and i.persons > 0 for i in issues)


def test_analyst_correction_is_recorded_and_visible() -> None:
    t = table(load("07459_eksempel.json"))
    m = build_mapping(t, region_targets={"9999": "9999"})
    fixed = m.with_entry("Region", "9998", "9998", note="nabokommune, tatt med")
    assert fixed.dimension("Region").entry("9998").status == MappingStatus.CONFIRMED
    assert m.dimension("Region").entry("9998").status == MappingStatus.UNMAPPED  # unchanged
    assert apply_mapping(t, fixed).issues == ()
    rows = fixed.as_rows()
    assert {
        "source_dimension": "Region",
        "source_code": "9998",
        "source_label": "Prøvestad kommune",
        "target_dimension": "district",
        "target_key": "9998",
        "status": "confirmed",
        "note": "nabokommune, tatt med",
    } in rows
    assert any(r["status"] == "selected" and r["source_code"] == "2026" for r in rows)
    with pytest.raises(KeyError):
        m.with_entry("Region", "0301", "oslo")


def test_unhandled_dimension_raises() -> None:
    doc = load("09817_eksempel.json")
    t = table(doc)
    m = build_mapping(t, region_targets=None)
    broken = type(m)(m.table_id, m.dimensions, (), m.region_dimension)  # no selections
    with pytest.raises(MappingError, match="ContentsCode: neither mapped nor fixed"):
        apply_mapping(t, broken)
    with pytest.raises(MappingError, match="not in table"):
        apply_mapping(t, m.with_selection("ContentsCode", "Folkemengde"))
