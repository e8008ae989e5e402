"""core.forms.dataclass_values: a row's values of a service's input dataclass (dataclass_from reversed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from medvirk.core.forms import dataclass_from, dataclass_values


@dataclass
class Details:
    name: str
    languages: list[str] = field(default_factory=list)
    district_ids: list[int] = field(default_factory=list)
    checked: bool = field(default=False, init=False)  # worked out, not given


def test_a_rows_values_are_read_by_the_dataclasss_field_names_and_given_ones_win() -> None:
    row = SimpleNamespace(name="Omsorg Pluss AS", languages=["nb", "ar"], website="x", checked=True)
    values = dataclass_values(Details, row, district_ids=[4, 9])
    assert values == {"name": "Omsorg Pluss AS", "languages": ["nb", "ar"], "district_ids": [4, 9]}
    # Back again: the values make the same input the form would.
    assert dataclass_from(Details, values) == Details("Omsorg Pluss AS", ["nb", "ar"], [4, 9])
