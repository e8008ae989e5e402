"""Tests for the JSON-stat 2.0 parser: SSB-shaped responses, every error code, round trips."""

from __future__ import annotations

import copy
import itertools
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medvirk.population.jsonstat import (
    CC_BY_4_0,
    SSB_CREDIT,
    Cell,
    JsonStatError,
    JsonStatErrorCode,
    PopulationTable,
    TableCategory,
    TableDimension,
    flat_index,
    parse_jsonstat,
    parse_jsonstat_data,
    table_to_jsonstat,
)


def ssb_v0_response() -> dict[str, Any]:
    """Return a small response shaped like PxWebApi v0 POST ``format: json-stat2`` for 07459.

    The ``Kjonn`` index lists codes out of position order, as SSB's own examples do.
    """
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "07459: Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå",
        "updated": "2026-02-20T07:00:00Z",
        "note": ["Fiktive tall for Eksempel kommune, laget av Medvirk"],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
        "size": [1, 2, 3, 1, 1],
        "dimension": {
            "Region": {
                "label": "region",
                "category": {"index": {"9999": 0}, "label": {"9999": "Eksempel kommune"}},
            },
            "Kjonn": {
                "label": "kjønn",
                "category": {"index": {"2": 1, "1": 0}, "label": {"1": "Menn", "2": "Kvinner"}},
            },
            "Alder": {
                "label": "alder",
                "category": {
                    "index": {"000": 0, "001": 1, "105+": 2},
                    "label": {"000": "0 år", "001": "1 år", "105+": "105 år eller eldre"},
                },
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {"Personer1": 0},
                    "label": {"Personer1": "Personer"},
                    "unit": {"Personer1": {"base": "personer", "decimals": 0}},
                },
            },
            "Tid": {"label": "år", "category": {"index": {"2026": 0}, "label": {"2026": "2026"}}},
        },
        "extension": {"px": {"tableid": "07459", "decimals": 0, "language": "no"}},
        "value": [310, 305, None, 298, 290, 2],
        "status": {"2": ":"},
    }


def ssb_v2_response() -> dict[str, Any]:
    """Return the same data shaped as PxWebApi v2 might: array index, status array, no px id."""
    d = ssb_v0_response()
    for dim in d["dimension"].values():
        idx = dim["category"]["index"]
        dim["category"]["index"] = [c for c, _ in sorted(idx.items(), key=lambda kv: kv[1])]
    del d["extension"]
    d["source"] = "Statistics Norway"
    d["status"] = [None, None, ":", None, None, None]
    return d


def test_parses_v0_response_with_object_index_and_sparse_status() -> None:
    t = parse_jsonstat(json.dumps(ssb_v0_response()))
    assert t.table_id == "07459"
    assert t.title.startswith("07459: Befolkning")
    assert t.source == "Statistisk sentralbyrå"
    assert t.updated == "2026-02-20T07:00:00Z"
    assert (t.credit, t.licence) == (SSB_CREDIT, CC_BY_4_0)
    assert t.notes == ("Fiktive tall for Eksempel kommune, laget av Medvirk",)
    assert t.dimension_ids == ("Region", "Kjonn", "Alder", "ContentsCode", "Tid")
    assert t.dimension("Kjonn").codes() == ("1", "2")  # ordered by position, not key order
    assert t.dimension("Kjonn").label_for("2") == "Kvinner"
    assert t.dimension("Region").role == "geo"
    assert t.dimension("Tid").role == "time"
    assert t.dimension("ContentsCode").categories[0].unit_base == "personer"
    assert t.dimension("ContentsCode").categories[0].unit_decimals == 0
    assert len(t.cells) == 6
    assert t.cell(Region="9999", Kjonn="1", Alder="000", ContentsCode="Personer1", Tid="2026") == (
        Cell(("9999", "1", "000", "Personer1", "2026"), 310, None)
    )
    suppressed = t.cell(Region="9999", Kjonn="1", Alder="105+", ContentsCode="Personer1", Tid="2026")
    assert suppressed.value is None
    assert suppressed.status == ":"
    assert t.total() == 310 + 305 + 298 + 290 + 2


def test_v2_response_with_array_index_and_status_array_gives_same_cells() -> None:
    v0 = parse_jsonstat(json.dumps(ssb_v0_response()))
    v2 = parse_jsonstat(json.dumps(ssb_v2_response()))
    assert v2.cells == v0.cells
    assert v2.table_id == "07459"  # from the label prefix
    assert v2.credit == SSB_CREDIT


def test_sparse_value_object_and_string_status() -> None:
    d = ssb_v0_response()
    d["value"] = {"0": 310, "5": 2}
    d["status"] = "p"  # e.g. preliminary, applies to every cell
    t = parse_jsonstat(json.dumps(d))
    assert [c.value for c in t.cells] == [310, None, None, None, None, 2]
    assert {c.status for c in t.cells} == {"p"}


def test_single_status_in_array_applies_to_all_cells() -> None:
    d = ssb_v0_response()
    d["status"] = [".."]
    t = parse_jsonstat(json.dumps(d))
    assert all(c.status == ".." for c in t.cells)


def test_single_category_dimension_without_index_uses_label() -> None:
    d = ssb_v0_response()
    del d["dimension"]["Tid"]["category"]["index"]
    t = parse_jsonstat(json.dumps(d))
    assert t.dimension("Tid").codes() == ("2026",)


def test_bytes_with_bom_and_float_integers() -> None:
    d = ssb_v0_response()
    d["value"] = [310.0, 305, None, 298, 290, 2.5]
    t = parse_jsonstat(b"\xef\xbb\xbf" + json.dumps(d).encode())
    assert t.cells[0].value == 310
    assert isinstance(t.cells[0].value, int)
    assert t.cells[5].value == 2.5


def test_flat_index_is_row_major() -> None:
    assert flat_index([0, 0, 0], [2, 3, 4]) == 0
    assert flat_index([0, 0, 1], [2, 3, 4]) == 1
    assert flat_index([0, 1, 0], [2, 3, 4]) == 4
    assert flat_index([1, 2, 3], [2, 3, 4]) == 23


# --- errors --------------------------------------------------------------------------------


def _broken(**changes: Any) -> dict[str, Any]:
    d = ssb_v0_response()
    for path, value in changes.items():
        node: Any = d
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[k]
        if value is _DELETE:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return d


_DELETE = object()

ERROR_CASES: dict[JsonStatErrorCode, tuple[str, str]] = {
    JsonStatErrorCode.MALFORMED_JSON: ('{"version": "2.0", "class": ', "$"),
    JsonStatErrorCode.NOT_AN_OBJECT: ("[1, 2, 3]", "$"),
    JsonStatErrorCode.UNKNOWN_VERSION: (json.dumps(_broken(version="1.0")), "$.version"),
    JsonStatErrorCode.UNSUPPORTED_CLASS: (json.dumps(_broken(**{"class": "bundle"})), "$.class"),
    JsonStatErrorCode.MISSING_FIELD: (json.dumps(_broken(value=_DELETE)), "$.value"),
    JsonStatErrorCode.WRONG_TYPE: (json.dumps(_broken(size="1,2,3")), "$.size"),
    JsonStatErrorCode.ID_SIZE_MISMATCH: (json.dumps(_broken(size=[1, 2, 3, 1])), "$.size"),
    JsonStatErrorCode.UNKNOWN_DIMENSION: (
        json.dumps(_broken(dimension__Tid=_DELETE)),
        "$.dimension.Tid",
    ),
    JsonStatErrorCode.INDEX_SIZE_MISMATCH: (
        json.dumps(_broken(size=[1, 2, 4, 1, 1])),
        "$.dimension.Alder.category.index",
    ),
    JsonStatErrorCode.INVALID_INDEX: (
        json.dumps(_broken(dimension__Kjonn__category__index={"1": 0, "2": 2})),
        "$.dimension.Kjonn.category.index",
    ),
    JsonStatErrorCode.DUPLICATE_CODE: (
        json.dumps(_broken(dimension__Alder__category__index=["000", "001", "000"])),
        "$.dimension.Alder.category.index",
    ),
    JsonStatErrorCode.VALUE_LENGTH_MISMATCH: (
        json.dumps(_broken(value=[1, 2, 3, 4, 5])),
        "$.value",
    ),
    JsonStatErrorCode.VALUE_INDEX_OUT_OF_RANGE: (
        json.dumps(_broken(value={"0": 1, "6": 2})),
        '$.value["6"]',
    ),
    JsonStatErrorCode.NON_NUMERIC_VALUE: (
        json.dumps(_broken(value=[310, "305", None, 298, 290, 2])),
        "$.value[1]",
    ),
    JsonStatErrorCode.NEGATIVE_COUNT: (
        json.dumps(_broken(value=[310, 305, None, -298, 290, 2])),
        "$.value[3]",
    ),
    JsonStatErrorCode.STATUS_LENGTH_MISMATCH: (
        json.dumps(_broken(status=[None, ":"])),
        "$.status",
    ),
    JsonStatErrorCode.INVALID_STATUS: (json.dumps(_broken(status={"2": 7})), '$.status["2"]'),
    JsonStatErrorCode.TOO_LARGE: (
        json.dumps(_broken(size=[1, 2, 3, 1, 10**9])),
        "$.size",
    ),
    # Python's parser recurses per level and raised RecursionError (a 500 on the import page).
    JsonStatErrorCode.TOO_DEEP: (
        '{"version": "2.0", "extension": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "$",
    ),
}


def test_every_error_code_has_a_case() -> None:
    assert set(ERROR_CASES) == set(JsonStatErrorCode)


@pytest.mark.parametrize("code", list(ERROR_CASES), ids=str)
def test_each_error_code_is_reported_with_location(code: JsonStatErrorCode) -> None:
    text, location = ERROR_CASES[code]
    with pytest.raises(JsonStatError) as info:
        parse_jsonstat(text)
    found = [(i.code, i.location) for i in info.value.issues]
    assert (code, location) in found, found


def test_duplicate_keys_in_object_index_are_caught() -> None:
    text = json.dumps(ssb_v0_response()).replace('"index": {"2": 1, "1": 0}', '"index": {"2": 1, "2": 0}')
    with pytest.raises(JsonStatError) as info:
        parse_jsonstat(text)
    assert JsonStatErrorCode.DUPLICATE_CODE in info.value.codes


def test_nan_is_rejected_as_malformed() -> None:
    text = json.dumps(ssb_v0_response()).replace("310", "NaN")
    with pytest.raises(JsonStatError) as info:
        parse_jsonstat(text)
    assert info.value.codes == (JsonStatErrorCode.MALFORMED_JSON,)


def test_negative_allowed_for_change_tables() -> None:
    d = _broken(value=[310, 305, None, -298, 290, 2])
    t = parse_jsonstat(json.dumps(d), allow_negative=True)
    assert t.cells[3].value == -298


def test_many_problems_are_all_reported_at_once() -> None:
    d = ssb_v0_response()
    d["version"] = "3.0"
    d["dimension"]["Kjonn"]["category"]["index"] = ["1", "1"]
    d["value"] = [310, "x", None, -1, 290, 2]
    d["status"] = {"99": ":"}
    d["role"]["geo"] = ["Bydel"]
    with pytest.raises(JsonStatError) as info:
        parse_jsonstat(json.dumps(d))
    err = info.value
    assert err.codes == (
        JsonStatErrorCode.UNKNOWN_VERSION,
        JsonStatErrorCode.UNKNOWN_DIMENSION,
        JsonStatErrorCode.DUPLICATE_CODE,
        JsonStatErrorCode.NON_NUMERIC_VALUE,
        JsonStatErrorCode.NEGATIVE_COUNT,
        JsonStatErrorCode.INVALID_STATUS,
    )
    assert [i.location for i in err.issues] == [
        "$.version",
        "$.role.geo",
        "$.dimension.Kjonn.category.index",
        "$.value[1]",
        "$.value[3]",
        '$.status["99"]',
    ]
    assert all(isinstance(i.as_dict()["message"], str) for i in err.issues)
    assert "6 JSON-stat problem(s)" in str(err)


def test_input_is_not_mutated() -> None:
    d = ssb_v0_response()
    before = copy.deepcopy(d)
    parse_jsonstat_data(d)
    assert d == before


# --- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("index_as", ["object", "array"])
@pytest.mark.parametrize("sparse", [False, True])
def test_round_trip_through_jsonstat(index_as: str, sparse: bool) -> None:
    t = parse_jsonstat(json.dumps(ssb_v0_response()))
    again = parse_jsonstat(json.dumps(table_to_jsonstat(t, index_as=index_as, sparse=sparse)))
    assert again == t


_codes = st.text(alphabet="0123456789ABCabc+-", min_size=1, max_size=4)


@st.composite
def random_tables(draw: st.DrawFn) -> PopulationTable:
    """Draw a table with 1–4 dimensions of 1–5 categories and random values and statuses."""
    n_dims = draw(st.integers(1, 4))
    dims = []
    for i in range(n_dims):
        codes = draw(st.lists(_codes, min_size=1, max_size=5, unique=True))
        dims.append(
            TableDimension(f"D{i}", f"Dimensjon {i}", tuple(TableCategory(c, f"Kategori {c}") for c in codes))
        )
    n = math.prod(len(d) for d in dims)
    values = draw(
        st.lists(
            st.one_of(st.none(), st.integers(0, 10**7), st.floats(0, 1e6, allow_nan=False)),
            min_size=n,
            max_size=n,
        )
    )
    statuses = draw(st.lists(st.sampled_from([None, ":", "..", "."]), min_size=n, max_size=n))
    keys = list(itertools.product(*(d.codes() for d in dims)))
    cells = tuple(
        Cell(k, int(v) if isinstance(v, float) and v.is_integer() else v, s)
        for k, v, s in zip(keys, values, statuses, strict=True)
    )
    return PopulationTable(None, "Tilfeldig", None, None, tuple(dims), cells)


@settings(max_examples=80, deadline=None)
@given(random_tables(), st.sampled_from(["object", "array"]), st.booleans())
def test_property_serialise_parse_gives_identical_cells(
    table: PopulationTable, index_as: str, sparse: bool
) -> None:
    doc = table_to_jsonstat(table, index_as=index_as, sparse=sparse)
    parsed = parse_jsonstat(json.dumps(doc))
    assert parsed.cells == table.cells
    assert parsed.dimensions == table.dimensions
