"""The one CSV writer: every text cell that a spreadsheet would run as a formula gets a quote,
whatever the delimiter, and the batch fast path writes exactly what guarding each cell writes."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medvirk.core.csv_export import BOM, csv_response, csv_text, safe_cell


def _guarded(rows: list[list[Any]], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([safe_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x", '=HYPERLINK("h","y")'])
def test_formula_cells_get_a_quote(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_ordinary_cells_and_numbers_are_unchanged() -> None:
    assert safe_cell("Bydel Nord") == "Bydel Nord"
    assert safe_cell(-3) == -3 and safe_cell(-0.5) == -0.5 and safe_cell(None) is None


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize(
    "cells",
    [
        ["ok", "45-54", "80+", "a-b", 3, -1, 2.5],
        ["-1"],
        ["+1", "x"],
        ["x", "-1"],
        ["x", "=1"],
        ["x", "@a"],
        ["x", "\tt"],
        ["x", "\rr"],
        ["x", '"-q'],
        ["x", "a,-b"],
        ["x", "a;-b"],
        ["x", "a\n-b"],
        ["x", "a\n=b"],
        ["x", ""],
        [None, "y"],
    ],
)
def test_csv_text_guards_like_safe_cell(cells: list[Any], delimiter: str) -> None:
    rows = [cells, ["1", *cells], list(reversed(cells))]
    for batch in [rows, *[[row] for row in rows], *[[["ok"], row] for row in rows]]:
        assert csv_text(batch, delimiter=delimiter) == _guarded(batch, delimiter)


CELL = st.one_of(
    st.text(alphabet=st.sampled_from('ab=+-@\t\r\n,;" 1'), max_size=6),
    st.integers(-5, 5),
    st.none(),
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=4), st.sampled_from(",;\t"))
def test_csv_text_equals_cell_by_cell_guard(rows: list[list[Any]], delimiter: str) -> None:
    assert csv_text(rows, delimiter=delimiter) == _guarded(rows, delimiter)


def test_csv_response_is_utf8_with_bom_and_guarded() -> None:
    response = csv_response(
        [["navn", "verdi"], ["Bærum", "=cmd|' /C calc'!A0"]], filename="x.csv", delimiter=";"
    )
    body = response.content.decode("utf-8")
    assert body.startswith(BOM)
    assert list(csv.reader(io.StringIO(body.removeprefix(BOM)), delimiter=";")) == [
        ["navn", "verdi"],
        ["Bærum", "'=cmd|' /C calc'!A0"],
    ]
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
