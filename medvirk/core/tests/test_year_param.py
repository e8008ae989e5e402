"""``core.views.year_param``: the one reader of a page's ``?year=``, and the pages that use it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404
from django.test import RequestFactory

from medvirk.core.views import year_param


def get(query: str) -> Any:
    return RequestFactory().get(f"/page/{query}")


@pytest.mark.parametrize(
    ("query", "expected"), [("?year=2026", 2026), ("?year=%202026%20", 2026), ("?year=1900", 1900)]
)
def test_a_year_is_read(query: str, expected: int) -> None:
    assert year_param(get(query)) == expected


@pytest.mark.parametrize("query", ["", "?year=", "?other=1"])
def test_absent_or_empty_gives_the_default(query: str) -> None:
    assert year_param(get(query)) is None
    assert year_param(get(query), default=2024) == 2024


NOT_YEARS = ["?year=abc", "?year=%2B2026", "?year=2_026", "?year=-5", "?year=1899", "?year=2201"]
NOT_YEARS += ["?year=٢٠٢٦"]  # Arabic-Indic digits: int() would take them


@pytest.mark.parametrize("query", NOT_YEARS)
def test_anything_else_is_not_found_or_the_default_when_lenient(query: str) -> None:
    with pytest.raises(Http404):
        year_param(get(query))
    assert year_param(get(query), default=2024, lenient=True) == 2024


def test_a_page_may_narrow_the_years() -> None:
    assert year_param(get("?year=2010"), years=range(2000, 2101)) == 2010
    with pytest.raises(Http404):
        year_param(get("?year=1999"), years=range(2000, 2101))


# --- the pages ------------------------------------------------------------------------------


def test_mapping_overview_opens_only_years_whose_mapping_page_opens(
    client_as: Callable[[str | None], Any], demo: Any
) -> None:
    """The overview accepted any year (1066: an empty overview linking to pages that answer 404);
    it now takes the mapping page's years: the last ten and next year."""
    client = client_as("admin")
    this_year = datetime.date.today().year
    assert client.get(f"/organisations/mapping/?year={this_year - 10}").status_code == 200
    assert client.get(f"/organisations/mapping/?year={this_year + 1}").status_code == 200
    assert client.get("/organisations/mapping/?year=1066").status_code == 404
    assert client.get("/organisations/mapping/?year=abc").status_code == 404


def test_measure_report_falls_back_to_this_year(client_as: Callable[[str | None], Any], demo: Any) -> None:
    client = client_as("admin")
    this_year = datetime.date.today().year
    for query in ("", "?year=abc", "?year=1999"):
        response = client.get(f"/participation/report/{query}")
        assert response.status_code == 200
        assert response.context["report"].year == this_year
    assert client.get("/participation/report/?year=2024").context["report"].year == 2024


def test_equity_report_needs_a_year_or_a_survey(client_as: Callable[[str | None], Any], demo: Any) -> None:
    client = client_as("admin")
    unit = demo.units[""]
    assert client.get(f"/population/equity/units/{unit.pk}/export.csv").status_code == 404
    assert client.get(f"/population/equity/units/{unit.pk}/export.csv?year=abc").status_code == 404
    assert client.get(f"/population/equity/units/{unit.pk}/export.csv?year=2026").status_code == 200
    assert client.get(f"/population/equity/units/{unit.pk}/?year=2026").context["year"] == 2026


def test_user_counts_ignore_a_year_that_is_not_one(client_as: Callable[[str | None], Any], demo: Any) -> None:
    client = client_as("admin")
    unit = demo.units[""]
    assert client.get(f"/population/units/{unit.pk}/users/?year=abc").context["form"].initial["year"] is None
    assert client.get(f"/population/units/{unit.pk}/users/?year=2026").context["form"].initial["year"] == 2026
