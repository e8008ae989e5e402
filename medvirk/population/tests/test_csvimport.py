"""Tests for CSV import: encodings, delimiters, Norwegian numbers, SSB symbols, row errors."""

from __future__ import annotations

import pytest

from medvirk.population.csvimport import (
    MISSING_STATUS,
    CsvErrorCode,
    CsvImportError,
    ParsedNumber,
    parse_csv,
    parse_norwegian_number,
)
from medvirk.population.jsonstat import CC_BY_4_0, SSB_CREDIT

SSB_EXPORT = (
    '"07459: Befolkning, etter region, kjønn, alder, statistikkvariabel og år"\n'
    "\n"
    '"region";"kjønn";"alder";"Personer 2026"\n'
    '"9999 Eksempel kommune";"1 Menn";"000 0 år";"1 234"\n'
    '"9999 Eksempel kommune";"2 Kvinner";"000 0 år";"1 198"\n'
    '"9999 Eksempel kommune";"1 Menn";"105+ 105 år eller eldre";":"\n'
    '"9999 Eksempel kommune";"2 Kvinner";"105+ 105 år eller eldre";"3"\n'
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", ParsedNumber(1234)),
        ("1 234", ParsedNumber(1234)),
        ("1\u00a0234", ParsedNumber(1234)),
        ("1\u202f234 567", ParsedNumber(1234567)),
        ("1234,0", ParsedNumber(1234)),
        ("12,5", ParsedNumber(12.5)),
        ("1.234,5", ParsedNumber(1234.5)),
        ("1,234.5", ParsedNumber(1234.5)),
        ("12.5", ParsedNumber(12.5)),
        (" 7 ", ParsedNumber(7)),
        (":", ParsedNumber(None, ":")),
        ("..", ParsedNumber(None, "..")),
        ("...", ParsedNumber(None, "...")),
        (".", ParsedNumber(None, ".")),
        ("-", ParsedNumber(0, "-")),
        ("", ParsedNumber(None, MISSING_STATUS)),
    ],
)
def test_parse_norwegian_number(text: str, expected: ParsedNumber) -> None:
    assert parse_norwegian_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,2,3", "12 kr", "1..2"])
def test_parse_norwegian_number_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_norwegian_number(text)


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le", "utf-32"])
def test_every_encoding_excel_writes_reads_the_same(codec: str) -> None:
    assert parse_csv(SSB_EXPORT.encode(codec)) == parse_csv(SSB_EXPORT)


def test_a_workbook_uploaded_as_csv_is_named_not_blamed_on_the_header() -> None:
    with pytest.raises(CsvImportError) as error:
        parse_csv(b"PK\x03\x04" + bytes(60))
    assert error.value.codes == (CsvErrorCode.NOT_TEXT,)


def test_ssb_codes_and_texts_export() -> None:
    t = parse_csv(SSB_EXPORT.encode("utf-8"), source="Statistisk sentralbyrå")
    assert t.table_id == "07459"
    assert t.title.startswith("Befolkning, etter region")
    assert (t.credit, t.licence) == (SSB_CREDIT, CC_BY_4_0)
    assert t.dimension_ids == ("region", "kjønn", "alder")
    assert t.dimension("region").categories[0].label == "Eksempel kommune"
    assert t.dimension("alder").codes() == ("000", "105+")
    assert t.dimension("kjønn").label_for("2") == "Kvinner"
    assert t.cell(region="9999", kjønn="1", alder="000").value == 1234
    suppressed = t.cell(region="9999", kjønn="1", alder="105+")
    assert (suppressed.value, suppressed.status) == (None, ":")
    assert t.total() == 1234 + 1198 + 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings_give_the_same_table(encoding: str) -> None:
    t = parse_csv(SSB_EXPORT.encode(encoding))
    assert t.dimension("kjønn").codes() == ("1", "2")
    assert t.dimension("alder").label_for("000") == "0 år"


def test_comma_delimited_long_format_with_quoted_decimal_comma() -> None:
    text = 'Region,Kjonn,Alder,Tid,value\n999901,1,020-024,2026,"1 234,0"\n999901,2,020-024,2026,17\n'
    t = parse_csv(text)
    assert t.dimension_ids == ("Region", "Kjonn", "Alder", "Tid")
    assert t.dimension("Tid").role == "time"
    assert t.dimension("Region").role == "geo"
    assert [c.value for c in t.cells] == [1234, 17]


def test_pivoted_value_columns_become_a_heading_dimension() -> None:
    text = "region;kjønn;Personer 2025;Personer 2026\n9999;1;100;110\n9999;2;90;95\n"
    t = parse_csv(text, dimension_columns=["region", "kjønn"], heading_dimension="Tid")
    assert t.dimension_ids == ("region", "kjønn", "Tid")
    assert t.dimension("Tid").codes() == ("Personer 2025", "Personer 2026")
    assert [c.value for c in t.cells] == [100, 110, 90, 95]


def test_missing_combinations_are_unknown_not_zero() -> None:
    text = "Region;Kjonn;Personer\n999901;1;10\n999902;2;5\n"
    t = parse_csv(text)
    absent = t.cell(Region="999901", Kjonn="2")
    assert (absent.value, absent.status) == (None, MISSING_STATUS)


def test_per_row_error_report_lists_every_bad_row() -> None:
    text = (
        "Region;Kjonn;Alder;Personer\n"
        "999901;1;000;12\n"
        "999901;1;001;tolv\n"  # line 3: not a number
        "999901;2;000\n"  # line 4: wrong field count
        "999901;2;001;-4\n"  # line 5: negative
        "999901;1;000;13\n"  # line 6: duplicate of line 2
        ";2;002;5\n"  # line 7: empty code
    )
    with pytest.raises(CsvImportError) as info:
        parse_csv(text.encode("cp1252"))
    err = info.value
    assert [(e.line, e.code) for e in err.errors] == [
        (3, CsvErrorCode.NOT_A_NUMBER),
        (4, CsvErrorCode.WRONG_FIELD_COUNT),
        (5, CsvErrorCode.NEGATIVE_COUNT),
        (6, CsvErrorCode.DUPLICATE_ROW),
        (7, CsvErrorCode.EMPTY_CODE),
    ]
    assert err.errors[0].column == "Personer"
    assert "line 2" in err.errors[3].message
    assert err.errors[0].as_dict()["code"] == "not_a_number"


def test_file_level_errors() -> None:
    with pytest.raises(CsvImportError) as info:
        parse_csv(b"")
    assert info.value.codes == (CsvErrorCode.EMPTY_FILE,)
    with pytest.raises(CsvImportError) as info:
        parse_csv("a;a;value\n1;2;3\n")
    assert info.value.codes == (CsvErrorCode.DUPLICATE_COLUMN,)
    with pytest.raises(CsvImportError) as info:
        parse_csv("a;b;value\n1;2;3\n", value_columns=["antall"])
    assert info.value.codes == (CsvErrorCode.UNKNOWN_COLUMN,)
    with pytest.raises(CsvImportError) as info:
        parse_csv("just a title\n")
    assert info.value.codes == (CsvErrorCode.NO_HEADER,)


def test_inconsistent_labels_for_one_code() -> None:
    text = "region;value\n9999 Eksempel kommune;1\n"
    t = parse_csv(text, codes_and_texts=True)
    assert t.dimension("region").codes() == ("9999",)
    with pytest.raises(CsvImportError) as info:
        parse_csv("region;value\nNord;1\n", codes_and_texts=True)
    assert info.value.codes == (CsvErrorCode.INCONSISTENT_LABEL,)
