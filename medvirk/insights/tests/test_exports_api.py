"""Exports (aggregated for all, response-level for few) and the API contract."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest

from medvirk.accounts.demo import DemoData
from medvirk.core.csv_export import safe_cell
from medvirk.core.models import AuditEvent

from .factories import answer, answer_many, close, make_survey


@pytest.fixture
def survey(demo: DemoData):
    s = make_survey(demo, anonymous=True)
    sol = demo.units["Solsikken barnehage"]
    answer_many(s, sol, [1, 1, 5, 5, 5])  # with the answer below, each option chosen by three
    answer(s, sol, overall=1, q_why='=HYPERLINK("http://x") eller ola@example.no')
    return close(s)


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_safe_cell_quotes_formula_starts() -> None:
    for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]:
        assert safe_cell(bad) == "'" + bad
    assert safe_cell("ok") == "ok" and safe_cell(-1) == -1


def test_raw_export_for_analyst_leaves_out_free_text_and_is_audited(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    sol = demo.units["Solsikken barnehage"].pk
    response = client_as("analytiker").get(f"/results/{survey.pk}/responses/?unit={sol}")
    assert response.status_code == 200
    rows = _rows(response)
    assert rows[0][:3] == ["row", "unit", "language"]
    assert len(rows) == 7
    text = "\n".join(",".join(r) for r in rows)
    assert "ola@example.no" not in text
    assert "HYPERLINK" not in text  # free text is left out of response-level files
    assert AuditEvent.objects.filter(action="results.raw_exported").count() == 1


def test_raw_export_refused_for_leader_and_for_aggregate_only_surveys(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    sol = demo.units["Solsikken barnehage"].pk
    assert client_as("leder.solsikken").get(f"/results/{survey.pk}/responses/?unit={sol}").status_code == 404
    survey.anonymity_mode = "aggregate_only"
    survey.save()
    assert client_as("analytiker").get(f"/results/{survey.pk}/responses/?unit={sol}").status_code == 404


def test_aggregated_xlsx(survey: Any, client_as: Any, demo: DemoData) -> None:
    response = client_as("lesetilgang").get(f"/results/{survey.pk}/export/?format=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "unit_id"
    overall = next(r for r in rows if r[2] == "q_overall" and r[1] == "Solsikken barnehage")
    assert overall[5] == 6 and overall[6] == pytest.approx(18 / 6, abs=1e-4)


def test_api_summary_and_list(survey: Any, client_as: Any, demo: DemoData) -> None:
    c = client_as("leder.solsikken")
    listed = c.get("/api/v1/results/surveys").json()
    assert survey.pk in [s["id"] for s in listed]
    data = c.get(f"/api/v1/results/surveys/{survey.pk}").json()
    assert client_as("provestad.admin").get(f"/api/v1/results/surveys/{survey.pk}").status_code == 404
    assert data["group"]["unit"] == "Solsikken barnehage" and data["group"]["respondents"] == 6
    q = next(q for q in data["questions"] if q["key"] == "q_overall")
    assert q["unit"]["n"] == 6
    assert q["unit"]["top_box"]["estimate"] == pytest.approx(3 / 6)
    # Bydel Nord is a level above; it equals Solsikken here, so it is an aggregate comparison
    assert "Bydel Nord" in q["comparison"]


def test_no_response_level_export_while_the_round_is_open(demo: DemoData, client_as: Any) -> None:
    """Red team (2026-12-07): two downloads of an open round differ by the newcomers' rows.

    The analyst downloaded Solsikken's responses, saw a parent answer at the kiosk, downloaded
    again: the one new row was that parent's whole response (answers, background, language).
    Response-level data now comes only from a closed round, which never opens again.
    """
    s = make_survey(demo, anonymous=True)
    sol = demo.units["Solsikken barnehage"]
    answer_many(s, sol, [4, 4, 5, 5, 6, 6])
    analyst = client_as("analytiker")
    urls = (
        f"/results/{s.pk}/responses/?unit={sol.pk}",
        f"/api/v1/results/surveys/{s.pk}/responses?unit_id={sol.pk}",
    )
    assert [analyst.get(url).status_code for url in urls] == [404, 404]
    prepare = analyst.post(f"/results/{s.pk}/responses/prepare/?unit={sol.pk}", {"format": "csv"})
    assert prepare.status_code == 404
    page = analyst.get(f"/results/{s.pk}/?unit={sol.pk}").content.decode()
    # bokmål, the default: no figures and no files of an open round, and why
    assert "format=sav" not in page and "Resultatene kommer når undersøkelsen er avsluttet" in page
    close(s)
    assert [analyst.get(url).status_code for url in urls] == [200, 200]
    page = analyst.get(f"/results/{s.pk}/?unit={sol.pk}").content.decode()
    assert "format=sav" in page and "Resultatene kommer når" not in page
