"""Importing a unit's service-user counts from CSV: parsing, preview, confirm, API, all or nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medvirk.accounts.demo import DemoData
from medvirk.core.errors import ServiceError
from medvirk.population.models import UserCount, UserCountSource
from medvirk.population.usercounts_import import parse_user_counts, template_rows, unsign_counts


def test_parse_accepts_keys_and_labels_in_any_ui_language() -> None:
    data = (
        "Dimensjon;Kategori;Antall\n"
        "Kjønn;Kvinne;1 204\n"  # bokmål labels, a thousands space
        "gender;male;998\n"  # keys
        "Language spoken at home;Another language;40\n"  # English labels
        "Språk heime;Norsk;300\n"  # nynorsk dimension name
        "Aldersgruppe;0–15 år;..\n"  # SSB's "missing" symbol: not known, not stored
        "\n"
    ).encode("cp1252")
    preview = parse_user_counts(data, year=2026)
    assert preview.errors == []
    assert preview.counts == {
        "gender": {"female": 1204, "male": 998},
        "home_language": {"other": 40, "norwegian": 300},
    }


def test_parse_lists_every_bad_line_and_accepts_nothing() -> None:
    data = (
        b"dimension,category,count\n"
        b"gender,female,12\n"
        b"shoe size,42,3\n"
        b"gender,robot,3\n"
        b"gender,male,-2\n"
        b"gender,male,2.5\n"
        b"gender,female,13\n"
    )
    preview = parse_user_counts(data, year=2026)
    assert [line for line, _ in preview.errors] == [3, 4, 5, 6, 7]
    assert not preview.ok


@pytest.mark.parametrize(
    "data",
    [b"", b"name,number\nx,1\n", b"dimension,category,count\n", b"x" * 1_000_001],
)
def test_parse_rejects_files_without_counts(data: bytes) -> None:
    preview = parse_user_counts(data, year=2026)
    assert preview.errors and not preview.ok


def test_template_round_trips_through_the_parser() -> None:
    rows = list(template_rows())
    filled = "\n".join(",".join([*r[:2], "7" if i else r[2]]) for i, r in enumerate(rows)).encode()
    preview = parse_user_counts(filled, year=2025)
    assert preview.ok
    assert sum(len(c) for c in preview.counts.values()) == len(rows) - 1


def test_preview_then_confirm_replaces_only_the_dimensions_in_the_file(
    client_as: Any, demo: DemoData
) -> None:
    c = client_as("leder.solsikken")
    unit = demo.units["Solsikken barnehage"].pk
    c.post(
        f"/population/units/{unit}/users/?dimension=home_language",
        {"year": 2026, "dimension": "home_language", "c_norwegian": "50"},
    )
    c.post(
        f"/population/units/{unit}/users/?dimension=gender",
        {"year": 2026, "dimension": "gender", "c_female": "1", "c_male": "1"},
    )
    upload = SimpleUploadedFile("counts.csv", b"dimension,category,count\ngender,female,31\ngender,male,29\n")
    page = c.post(f"/population/units/{unit}/users/import/", {"year": 2026, "file": upload})
    assert page.status_code == 200
    # Nothing is stored by the preview.
    assert dict(
        UserCount.objects.filter(unit_id=unit, dimension="gender").values_list("category", "count")
    ) == {
        "female": 1,
        "male": 1,
    }
    found = re.search(r'name="counts" value="([^"]+)"', page.content.decode())
    assert found is not None
    token = found.group(1)
    done = c.post(f"/population/units/{unit}/users/import/", {"confirm": "1", "counts": token})
    assert done.status_code == 302
    rows = UserCount.objects.filter(unit_id=unit, year=2026)
    assert dict(rows.filter(dimension="gender").values_list("category", "count")) == {
        "female": 31,
        "male": 29,
    }
    assert set(rows.filter(dimension="gender").values_list("source", flat=True)) == {UserCountSource.IMPORTED}
    assert dict(rows.filter(dimension="home_language").values_list("category", "count")) == {"norwegian": 50}


def test_bad_file_page_shows_lines_and_stores_nothing(client_as: Any, demo: DemoData) -> None:
    c = client_as("leder.solsikken")
    unit = demo.units["Solsikken barnehage"].pk
    upload = SimpleUploadedFile(
        "counts.csv", b"dimension,category,count\ngender,female,31\ngender,robot,29\n"
    )
    page = c.post(f"/population/units/{unit}/users/import/", {"year": 2026, "file": upload})
    text = page.content.decode()
    assert page.status_code == 200 and 'role="alert"' in text and 'name="counts"' not in text
    assert "robot" in text
    assert not UserCount.objects.filter(unit_id=unit).exists()


def test_forged_token_is_refused(client_as: Any, demo: DemoData) -> None:
    c = client_as("leder.solsikken")
    unit = demo.units["Solsikken barnehage"].pk
    done = c.post(f"/population/units/{unit}/users/import/", {"confirm": "1", "counts": "x:y"})
    assert done.status_code == 302
    assert not UserCount.objects.filter(unit_id=unit).exists()
    with pytest.raises(ServiceError) as error:
        unsign_counts("abc")
    assert error.value.code == "import_expired"


def test_sibling_unit_is_not_found(client_as: Any, demo: DemoData) -> None:
    sibling = demo.units["Nordlys barnehage"].pk
    assert client_as("leder.solsikken").get(f"/population/units/{sibling}/users/import/").status_code == 404


def test_api_dry_run_import_and_errors(client_as: Any, demo: DemoData) -> None:
    c = client_as("leder.solsikken")
    unit = demo.units["Solsikken barnehage"].pk
    url = f"/api/v1/population/units/{unit}/user-counts/import"
    body = {"year": 2026, "csv": "dimension,category,count\ngender,female,31\n", "dry_run": True}
    dry = c.post(url, body, content_type="application/json")
    assert dry.status_code == 200 and dry.json()["counts"] == {"gender": {"female": 31}}
    assert not UserCount.objects.filter(unit_id=unit).exists()
    done = c.post(url, {**body, "dry_run": False}, content_type="application/json")
    assert done.status_code == 200 and done.json()["stored"] == 1
    assert UserCount.objects.get(unit_id=unit).count == 31
    bad = c.post(
        url, {**body, "csv": "dimension,category,count\ngender,robot,1\n"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["issues"][0]["line"] == 2
    assert UserCount.objects.get(unit_id=unit).count == 31
