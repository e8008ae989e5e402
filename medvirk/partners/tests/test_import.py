"""CSV import: encodings, delimiters, duplicates, per-row errors, signed confirm step."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from medvirk.partners.csvimport import parse_csv, sign_rows
from medvirk.partners.models import Organisation
from medvirk.partners.tests.factories import organisation

pytestmark = pytest.mark.django_db

GOOD = (
    "organisasjonsnummer;navn;kategori\n"
    "991000011;Søndre Idrettslag;Idrett\n"
    "991000038;Åpen Innvandrerforening;Innvandrerorganisasjon\n"
)


@pytest.mark.parametrize(
    ("data", "encoding", "delimiter"),
    [
        (GOOD.encode("utf-8"), "UTF-8", ";"),
        (b"\xef\xbb\xbf" + GOOD.encode("utf-8"), "UTF-8", ";"),
        (GOOD.encode("cp1252"), "Windows-1252", ";"),
        (GOOD.replace(";", ",").encode(), "UTF-8", ","),
        (GOOD.replace(";", "\t").encode(), "UTF-8", "\t"),
        # Excel's "Unicode text" (UTF-16 with a BOM, tab-separated) was read as Windows-1252
        # and refused for its header; without a BOM the NUL bytes give UTF-16 away.
        (GOOD.replace(";", "\t").encode("utf-16"), "UTF-16", "\t"),
        (GOOD.encode("utf-16-be"), "UTF-16", ";"),
        (GOOD.encode("utf-32"), "UTF-32", ";"),
    ],
)
def test_encodings_and_delimiters(demo: Any, data: bytes, encoding: str, delimiter: str) -> None:
    preview = parse_csv(data, municipality=demo.municipality)
    assert (preview.encoding, preview.delimiter, preview.errors) == (encoding, delimiter, [])
    assert [(r.name, r.org_number, r.kind, r.status) for r in preview.rows] == [
        ("Søndre Idrettslag", "991000011", "voluntary", "new"),
        ("Åpen Innvandrerforening", "991000038", "immigrant", "new"),
    ]


def test_per_row_errors_and_duplicates(demo: Any) -> None:
    organisation(demo.municipality, name="Finnes", number="991000046")
    data = (
        "Organisasjonsnummer,Navn\n"
        "991000046,Finnes fra før\n"  # already registered
        "991000054,Ny\n"
        "991 000 054,Ny igjen\n"  # duplicate within the file
        "991000012,Feil kontrollsiffer\n"
        "12345,For kort\n"
        ",Uten nummer\n"
        "991000062,\n"  # no name
        "\n"
    ).encode()
    rows = parse_csv(data, municipality=demo.municipality).rows
    assert [r.status for r in rows] == ["duplicate", "new", "duplicate", "error", "error", "error", "error"]
    assert [r.line for r in rows] == [2, 3, 4, 5, 6, 7, 8]
    assert "line 3" in rows[2].messages[0]
    assert "check digit" in rows[3].messages[0]
    assert "nine digits" in rows[4].messages[0]
    assert "missing" in rows[5].messages[0] and "name" in rows[6].messages[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"foo;bar\n1;2\n", "organisasjonsnummer"),
        (b"x" * 2_000_001, "too large"),
        (b"PK\x03\x04" + bytes(100), "Excel workbook"),
        (b"organisasjonsnummer;navn\n991000011;A\x00B\n", "not a text file"),  # NUL: PostgreSQL refuses it
    ],
)
def test_broken_files(demo: Any, data: bytes, message: str) -> None:
    preview = parse_csv(data, municipality=demo.municipality)
    assert preview.rows == [] and message in preview.errors[0]


def test_a_file_without_the_columns_says_what_it_has_and_what_is_missing(demo: Any) -> None:
    """The organisation tree's example is no list of organisations: the coordinator who picks it
    is told what its first line has and which column is missing (walk3: the page said only that
    the first line must name the columns, although it has "organisasjonsnummer")."""
    data = (settings.BASE_DIR / "docs" / "examples" / "organisasjon.csv").read_bytes()
    [said] = parse_csv(data, municipality=demo.municipality).errors
    assert "enhetskode, enhet, overordnet, tjenesteområde, organisasjonsnummer, nivå." in said
    assert "“navn”" in said and "“organisasjonsnummer” is missing" not in said


def test_preview_then_confirm(client_as: Any, demo: Any) -> None:
    c = client_as("analytiker")
    upload = SimpleUploadedFile("liste.csv", GOOD.encode("cp1252"), content_type="text/csv")
    response = c.post("/organisations/import/", {"file": upload})
    assert response.status_code == 200 and "Søndre Idrettslag" in response.content.decode()
    assert not Organisation.objects.exists()  # nothing stored before confirming
    token = response.context["token"]
    response = c.post("/organisations/import/", {"confirm": "1", "rows": token})
    assert response.status_code == 302
    assert set(Organisation.objects.values_list("name", flat=True)) == {
        "Søndre Idrettslag",
        "Åpen Innvandrerforening",
    }
    assert not Organisation.objects.filter(listed_publicly=True).exists()
    # Confirming the same preview again skips what now exists.
    c.post("/organisations/import/", {"confirm": "1", "rows": token})
    assert Organisation.objects.count() == 2


def test_tampered_token_is_refused(client_as: Any, demo: Any) -> None:
    c = client_as("analytiker")
    token = sign_rows([])
    response = c.post("/organisations/import/", {"confirm": "1", "rows": token[:-2] + "xx"}, follow=True)
    assert "expired" in response.content.decode()
    assert not Organisation.objects.exists()
