"""The results API says which answers its top-box share adds up, and how many they are."""

from __future__ import annotations

from medvirk.api.insights import _figures
from medvirk.insights.tests.test_readings import SENTRUM


def test_the_top_box_share_can_be_found_among_the_option_counts() -> None:
    out = _figures(SENTRUM)
    assert out.top_box is not None and out.top_box.estimate == 8 / 27
    assert (out.top_box_from, out.top_box_count, out.top_box_options) == (5, 8, ["5", "6"])
    assert [o.count for o in out.options] == [0, None, None, 16, None, None]
    assert out.other_options_count == 11
