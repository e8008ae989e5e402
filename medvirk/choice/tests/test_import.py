"""Importing current clients per provider: every bad line listed, nothing stored unless all are good."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.choice import csvimport, selectors, services
from medvirk.choice.demo import MUNICIPAL, PRIVATE_A, PRIVATE_B, ChoiceDemo
from medvirk.choice.models import Client
from medvirk.choice.types import HowAssigned
from medvirk.core.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    """Read the messages in English (the page language decides them)."""
    from django.utils import translation

    with translation.override("en"):
        yield


GOOD = (
    "alias;leverandør;fra;vedtaksdato;bydel;aldersgruppe;innvandringsbakgrunn;språk\n"
    "EK-1;921000014;01.02.2026;15.01.2026;999901;80+;immigrant;arabisk\n"
    "EK-2;Trygg Hverdag AS;2026-03-01;;999902;67-79;;\n"
    "EK-3;eksempel hjemmetjeneste;01.03.26;;;;rest;nb\n"
)


def test_a_good_file_is_previewed_then_imported_whole(base: ChoiceDemo, handler: Any) -> None:
    preview = csvimport.parse_csv(GOOD.encode(), service=base.service)
    assert preview.importable
    assert [r.provider for r in preview.rows] == [PRIVATE_A, PRIVATE_B, MUNICIPAL]
    assert not Client.objects.filter(
        service=base.service, alias__startswith="EK-"
    ).exists()  # preview stores nothing
    rows = csvimport.unsign_rows(csvimport.sign_rows(preview, base.service), base.service)
    assert services.clients_import(actor=handler, service=base.service, rows=rows) == 3
    first = Client.objects.get(service=base.service, alias="EK-1")
    assert (first.language, first.immigrant_background, first.age_band, first.district) == (
        "ar",
        "immigrant",
        "80+",
        "999901",
    )
    assignment = first.assignments.get()
    assert (assignment.provider.name, str(assignment.starts_on), assignment.how) == (
        PRIVATE_A,
        "2026-02-01",
        HowAssigned.IMPORTED,
    )
    second = Client.objects.get(service=base.service, alias="EK-2")
    assert str(second.decision_on) == "2026-03-01"  # no decision date: the first day stands in
    assert [
        c.alias
        for c in selectors.provider_clients(provider=base.providers[PRIVATE_B], today=second.decision_on)
    ] == ["EK-2"]


def test_every_bad_line_is_listed_and_nothing_is_importable(base: ChoiceDemo) -> None:
    text = (
        "Alias,Provider,First day,Language\n"
        "K-1,Omsorg Pluss AS,01.02.2026,\n"
        ",Omsorg Pluss AS,01.02.2026,\n"  # 3: no alias
        "K-3,Ukjent AS,01.02.2026,\n"  # 4: unknown provider
        "K-4,921000014,31.02.2026,\n"  # 5: no such date
        "K-1,921000014,01.02.2026,\n"  # 6: alias twice
        "01017012345,921000014,01.02.2026,\n"  # 7: a national ID number
        "K-7,Omsorg Pluss AS,01.02.2026,klingon\n"  # 8: unknown language
    )
    preview = csvimport.parse_csv(text.encode("utf-8-sig"), service=base.service)
    assert not preview.importable
    assert [r.line for r in preview.bad_rows] == [3, 4, 5, 6, 7, 8]
    messages = {r.line: " ".join(r.messages) for r in preview.bad_rows}
    assert "alias" in messages[3].lower()
    assert "provider" in messages[4].lower()
    assert "date" in messages[5].lower()
    assert "line 2" in messages[6]
    assert "national identity number" in messages[7]
    assert "klingon" in messages[8]
    with pytest.raises(ValueError):
        csvimport.sign_rows(preview, base.service)


def test_a_provider_outside_the_clients_area_is_a_bad_line(base: ChoiceDemo) -> None:
    preview = csvimport.parse_csv(
        b"alias;leverandor;fra;bydel\nK-1;Trygg Hverdag AS;01.02.2026;999905\n", service=base.service
    )
    assert [r.line for r in preview.bad_rows] == [2]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"navn;adresse\nA;B\n", "first line"),
        (b"alias;leverandor;fra\n", "no clients"),
        (b"\x00\x01\x02binary", ""),
    ],
)
def test_a_file_that_is_not_a_client_list_says_why(base: ChoiceDemo, data: bytes, fragment: str) -> None:
    preview = csvimport.parse_csv(data, service=base.service)
    assert preview.errors
    assert fragment.lower() in preview.errors[0].lower()
    assert not preview.importable


def test_a_tampered_or_other_services_preview_is_refused(base: ChoiceDemo, handler: Any) -> None:
    preview = csvimport.parse_csv(GOOD.encode(), service=base.service)
    token = csvimport.sign_rows(preview, base.service)
    with pytest.raises(ServiceError) as tampered:
        csvimport.unsign_rows(token[:-2] + "xx", base.service)
    other = type(base.service)(pk=base.service.pk + 1000)
    with pytest.raises(ServiceError) as elsewhere:
        csvimport.unsign_rows(token, other)
    assert {str(tampered.value.code), str(elsewhere.value.code)} == {"bad_signature"}


def test_the_import_is_all_or_nothing_when_the_service_changed_meanwhile(
    base: ChoiceDemo, handler: Any
) -> None:
    preview = csvimport.parse_csv(GOOD.encode(), service=base.service)
    rows = [r.data for r in preview.rows]
    Client.objects.create(
        municipality_id=base.service.municipality_id,
        service=base.service,
        alias="EK-3",
        decision_on="2026-01-01",
        choice_deadline="2026-01-15",
    )
    with pytest.raises(ServiceError) as excinfo:
        services.clients_import(actor=handler, service=base.service, rows=rows)
    assert "EK-3" in str(excinfo.value.message)
    assert not Client.objects.filter(service=base.service, alias__in=["EK-1", "EK-2"]).exists()


def test_the_import_page_previews_and_confirms(client_as: Any, base: ChoiceDemo) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as("saksbehandler")
    client.cookies["django_language"] = "en"
    url = f"/choice/services/{base.service.pk}/import/"
    bad = client.post(
        url, {"file": SimpleUploadedFile("k.csv", b"alias;leverandor;fra\nK-1;Ukjent;01.02.2026\n")}
    )
    assert bad.status_code == 200
    assert (
        "Nothing is imported until the file is corrected" in bad.content.decode()
        or "Ingenting" in bad.content.decode()
    )
    assert 'name="confirm"' not in bad.content.decode()
    good = client.post(url, {"file": SimpleUploadedFile("k.csv", GOOD.encode())})
    token = good.context["token"]
    assert token
    done = client.post(url, {"confirm": "1", "rows": token})
    assert done.status_code == 302
    assert Client.objects.filter(service=base.service, alias__in=["EK-1", "EK-2", "EK-3"]).count() == 3


def test_the_import_api_lists_bad_lines_and_imports_only_when_asked(client_as: Any, base: ChoiceDemo) -> None:
    client = client_as("saksbehandler")
    url = f"/api/v1/choice/services/{base.service.pk}/import"
    bad = client.post(
        url,
        {"csv": "alias;leverandor;fra\nK-1;Ukjent;01.02.2026\nK-2;Ukjent;x\n"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert [b["line"] for b in bad.json()["bad_lines"]] == [2, 3]
    dry = client.post(url, {"csv": GOOD}, content_type="application/json")
    assert (dry.status_code, dry.json()["imported"]) == (200, 0)
    assert not Client.objects.filter(service=base.service, alias="EK-1").exists()
    real = client.post(url, {"csv": GOOD, "dry_run": False}, content_type="application/json")
    assert (real.status_code, real.json()["imported"]) == (201, 3)
