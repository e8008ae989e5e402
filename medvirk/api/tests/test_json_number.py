"""``api.base.json_number``: the one place figures are made fit for JSON (population and results)."""

from __future__ import annotations

import json
import math

from medvirk.api.base import json_number


def test_figures_that_could_not_be_estimated_become_null() -> None:
    assert json_number(math.nan) is None
    assert json_number(math.inf) is None  # the results API let infinity through (invalid JSON)
    assert json_number(-math.inf) is None
    assert json_number(None) is None


def test_intervals_become_lists_element_wise() -> None:
    assert json_number((0.25, math.inf)) == [0.25, None]
    assert json_number(((0.1, 0.2), (math.nan, 3))) == [[0.1, 0.2], [None, 3]]
    json.dumps(json_number((0.25, math.inf)), allow_nan=False)  # valid JSON


def test_ordinary_values_pass_unchanged() -> None:
    assert json_number(0.125) == 0.125
    assert json_number(7) == 7
    assert json_number("arabisk") == "arabisk"
