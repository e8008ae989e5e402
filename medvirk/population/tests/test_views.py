"""Pages and API per role: upload with preview and error report, mapping, user counts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from medvirk.accounts.demo import DemoData
from medvirk.core.hyphenation import without_soft_hyphens
from medvirk.population.models import MappingEntry, PopulationTable, UserCount
from medvirk.population.services import table_import
from tests.page_text import visible_text

DATA = Path(__file__).resolve().parent.parent / "data"


def _upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (DATA / name).read_bytes())


def test_check_then_import(client_as: Any, demo: DemoData) -> None:
    c = client_as("analytiker")
    page = c.post("/population/import/", {"file": _upload("07459_eksempel.json"), "action": "preview"})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-color="success"' in text  # the check passed (wording is translated)
    assert "9998" in text  # the other municipality is reported, not silently dropped
    assert not PopulationTable.objects.exists()
    done = c.post("/population/import/", {"file": _upload("07459_eksempel.json"), "action": "import"})
    assert done.status_code == 302
    table = PopulationTable.objects.get()
    assert done["Location"] == f"/population/tables/{table.pk}/"
    detail = without_soft_hyphens(c.get(done["Location"]).content.decode())  # "statistikk\xadvariabel"
    assert "Kilde: Statistisk sentralbyrå" in detail and "CC BY 4.0" in detail
    # Pages name the table by what it holds; its number at Statistics Norway is a fact after it.
    title = "Befolkning, etter region, kjønn, alder, statistikkvariabel og år."
    assert re.search(rf"<h1[^>]*>\s*{re.escape(title)}", detail)
    assert "Tabellnummer hos kilden\n07459\n" in visible_text(detail)
    listed = visible_text(c.get("/population/").content.decode())
    assert f"\n{title} Fiktive tall for Eksempel kommune, laget av Medvirk\n{table.year}\n07459\n" in listed
    assert "07459:" not in listed


def test_broken_upload_shows_every_problem_and_stores_nothing(client_as: Any, demo: DemoData) -> None:
    doc = json.loads((DATA / "10826_eksempel.json").read_text(encoding="utf-8"))
    doc["value"][5] = "many"
    doc["value"][7] = -1
    page = client_as("admin").post(
        "/population/import/", {"file": _upload("x.json", json.dumps(doc).encode()), "action": "import"}
    )
    text = page.content.decode()
    assert page.status_code == 400
    assert "Verdien er ikke et tall." in text and "Et antall er negativt." in text  # each kind in words
    assert "non_numeric_value" not in text and "negative_count" not in text  # never the codes
    assert "$.value[5]" in text
    assert not PopulationTable.objects.exists()


def test_mapping_correction_page(client_as: Any, demo: DemoData) -> None:
    table_import(
        actor=demo.users["admin"],
        municipality=demo.municipality,
        data=(DATA / "10826_eksempel.json").read_bytes(),
        filename="10826_eksempel.json",
    )
    table = PopulationTable.objects.get(table_id="10826")
    entry = MappingEntry.objects.get(table=table, source_dimension="Alder", source_code="016-019")
    c = client_as("analytiker")
    assert c.get(f"/population/tables/{table.pk}/mapping/{entry.pk}/").status_code == 200
    response = c.post(f"/population/tables/{table.pk}/mapping/{entry.pk}/", {"target_key": ""})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "unmapped"
    assert client_as("leder.solsikken").get(f"/population/tables/{table.pk}/").status_code == 404


def test_unit_leader_enters_user_counts_for_own_unit_only(client_as: Any, demo: DemoData) -> None:
    c = client_as("leder.solsikken")
    own = demo.units["Solsikken barnehage"].pk
    data = {"year": 2026, "dimension": "gender", "c_female": "31", "c_male": "29", "c_other": ""}
    response = c.post(f"/population/units/{own}/users/?dimension=gender", data)
    assert response.status_code == 302
    assert dict(UserCount.objects.filter(unit_id=own).values_list("category", "count")) == {
        "female": 31,
        "male": 29,
    }
    bad = c.post(f"/population/units/{own}/users/?dimension=gender", {**data, "c_male": "-3"})
    assert bad.status_code == 200 and "c_male_error" in bad.content.decode()
    sibling = demo.units["Nordlys barnehage"].pk
    assert c.post(f"/population/units/{sibling}/users/", data).status_code == 404


def test_api_import(client_as: Any, demo: DemoData) -> None:
    c = client_as("analytiker")
    doc = json.loads((DATA / "10826_eksempel.json").read_text(encoding="utf-8"))
    broken = {**doc, "size": [1, 2, 3]}
    r = c.post("/api/v1/population/tables", {"document": broken}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_jsonstat"
    assert r.json()["error"]["issues"]
    assert not PopulationTable.objects.exists()
    r = c.post("/api/v1/population/tables", {"document": doc}, content_type="application/json")
    assert r.status_code == 201 and r.json()["table_id"] == "10826"
    c.post(
        "/api/v1/population/tables",
        {"document": json.loads((DATA / "09817_eksempel.json").read_text(encoding="utf-8"))},
        content_type="application/json",
    )
