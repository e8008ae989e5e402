"""Numbers on results and equity pages: whole percentages that never read as a mistake, the
"likely between" pair and differences in percentage points (``insights`` template filters)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import translation

from medvirk.insights.templatetags.insights import between, pct, points


@pytest.mark.parametrize(
    ("share", "nb", "en"),
    [
        (0.59, "59 %", "59 %"),
        (0.0, "0 %", "0 %"),
        (1.0, "100 %", "100 %"),
        (0.004, "under 1 %", "under 1 %"),
        (0.005, "under 1 %", "under 1 %"),  # rounds half to even: 0
        (0.006, "1 %", "1 %"),
        (0.996, "over 99 %", "over 99 %"),
        (0.994, "99 %", "99 %"),
        (None, "–", "–"),
        (float("nan"), "–", "–"),
        ("", "–", "–"),  # a missing template variable
    ],
)
def test_a_share_is_a_whole_percentage_never_rounded_to_none_or_all(share: float, nb: str, en: str) -> None:
    with translation.override("nb"):
        assert pct(share) == nb
    with translation.override("en"):
        assert pct(share) == en


def test_likely_between_names_both_ends_in_the_page_language() -> None:
    mean = SimpleNamespace(interval=(4.06, 4.54))
    share = SimpleNamespace(interval=(0.355, 0.531))
    with translation.override("nb"):
        assert between(mean) == "4,1 og 4,5"
        assert between(share, "share") == "36 og 53 %"
    with translation.override("nn"):
        assert between(mean) == "4,1 og 4,5"
    with translation.override("en"):
        assert between(share, "share") == "36 and 53 %"
    assert between(SimpleNamespace(interval=(float("nan"), 1.0))) == "–"


def test_a_difference_of_shares_is_said_in_percentage_points() -> None:
    with translation.override("nb"):
        assert points(-0.123) == "−12 prosentpoeng"
        assert points(0.081) == "+8 prosentpoeng"
        assert points(0.001) == "0 prosentpoeng"
        assert points(0.10, "size") == "10 prosentpoeng"
    with translation.override("en"):
        assert points(-0.4) == "−40 percentage points"
