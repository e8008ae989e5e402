"""The equity report's pages, CSV and API per role (population data and a survey round's answers)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from medvirk.accounts.demo import DemoData

from .equity_fixtures import closed_survey, import_population


def test_equity_report_per_role(client_as: Any, demo: DemoData) -> None:
    import_population(demo)
    survey = closed_survey(demo)
    nord = demo.units["Bydel Nord"].pk
    own = demo.units["Solsikken barnehage"].pk
    page = client_as("analytiker.nord").get(f"/population/equity/units/{nord}/?survey={survey.pk}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text and "Kilde: Statistisk sentralbyrå" in text
    # Shares as whole percentages, in words; tests and method only behind "Om metoden" (issue 18).
    plain = re.sub(r"<details class=\"ds-details\" data-advanced>.*?</details>", "", text, flags=re.DOTALL)
    assert re.search(r'<td class="mv-num">\d{1,3} %</td>', plain), "shares as percentages"
    assert not re.search(r'<td class="mv-num">0,\d{3}</td>', plain), "no shares as 0,000 outside the method"
    # The method for analysts says shares as percentages and gaps in percentage points too ("0,561"
    # and "0,64 (0,36 – 0,79)" before); ratios, p-values and R-indicators keep their decimals.
    share_cells = r'<td class="mv-num">(?:\d{1,3} %|under 1 %|over 99 %)</td>'
    ratio = r'\s*<td class="mv-num">\d,\d\d \('
    assert re.search(share_cells * 2 + ratio, text), "share, population share, ratio"
    assert re.search(r'<td class="mv-num">[+−]?\d+ prosentpoeng \([+−]?\d+ – [+−]?\d+\)</td>', text)
    assert "forskjellen er minst 10 prosentpoeng." in text and "(som andel)" not in text
    assert "frihetsgrader" in text and "frihetsgrader" not in plain
    assert "Justert p" in text and "Justert p" not in plain
    assert "ingen tydelig forskjell" in plain or "tydelig færre enn i befolkningen" in plain
    # Weighted columns of "–" are explained once, in words, above the table (the people walk saw
    # only "–"): Nordlys' weighting by age is withheld because some of its age groups are hidden.
    nordlys = demo.units["Nordlys barnehage"].pk
    text = client_as("analytiker.nord").get(f"/population/equity/units/{nordlys}/?survey={survey.pk}")
    text = text.content.decode()
    assert text.count('id="weighted-missing"') == 1
    assert text.index('id="weighted-missing"') < text.index('id="head-caption"')
    assert "Ingen vektede tall vises" in text and "for hver gruppe etter aldersgruppe" in text
    sorbyen = demo.units["Sørbyen barnehage"].pk
    text = client_as("admin").get(f"/population/equity/units/{sorbyen}/?survey={survey.pk}").content.decode()
    assert 'id="head-caption"' in text and 'id="weighted-missing"' not in text  # weighted figures shown
    assert (
        client_as("leder.solsikken").get(f"/population/equity/units/{nord}/?survey={survey.pk}").status_code
        == 404
    )
    assert (
        client_as("leder.solsikken").get(f"/population/equity/units/{own}/?survey={survey.pk}").status_code
        == 200
    )
    assert client_as("provestad.admin").get(f"/population/equity/units/{own}/").status_code == 404
    export = client_as("analytiker.nord").get(
        f"/population/equity/units/{nord}/export.csv?survey={survey.pk}"
    )
    body = export.content.decode("utf-8-sig")
    assert export["Content-Type"].startswith("text/csv") and "representation;gender;female;32" in body
    assert ";16-24;" not in body  # hidden groups are not exported either
    # A survey that did not run below the unit is "not found", not an empty report.
    hjemme = demo.units["Hjemmetjenesten Nord"].pk
    assert client_as("admin").get(f"/population/equity/units/{hjemme}/?survey={survey.pk}").status_code == 404


def test_api_analyses(client_as: Any, demo: DemoData) -> None:
    c = client_as("analytiker")
    import_population(demo)
    survey = closed_survey(demo)
    nord = demo.units["Bydel Nord"].pk
    rep = c.get(f"/api/v1/population/units/{nord}/representation?survey_id={survey.pk}").json()
    assert rep["n"] == 57 and rep["area"]["region"] == "999901"
    for dim in rep["dimensions"]:
        for g in dim["groups"]:
            assert g["n"] == 0 or g["n"] >= 5
    gaps = c.get(f"/api/v1/population/units/{nord}/gaps?survey_id={survey.pk}").json()
    # Bydel Nord's headline means are withheld: an option chosen by two in Solsikken would follow
    # from them (test_equity_outcomes); Sørbyen shows its figures in full.
    assert not gaps["headline"]
    sor = demo.units["Sørbyen barnehage"].pk
    sor_gaps = c.get(f"/api/v1/population/units/{sor}/gaps?survey_id={survey.pk}").json()
    headline = sor_gaps["headline"]
    assert headline and headline[0]["n"] == 19
    assert all(g["n"] >= 5 for g in gaps["gaps"])
    # The analysis core's notes in the request's language, as the equity page says them; the API
    # sent the core's English ("… mislyktes: raking did not converge in 1000 sweeps (…)").
    note = gaps["weighting"]["note"]
    assert "raking" not in note and "svarene kunne ikke tilpasses befolkningstallene" in note
    assert {g["adjusted_reason"] for g in sor_gaps["gaps"]} == {"for få svar"}  # was "too few rows (…)"
    english = c.get(
        f"/api/v1/population/units/{nord}/gaps?survey_id={survey.pk}", headers={"Accept-Language": "en"}
    ).json()
    assert "the answers could not be made to match the population figures" in english["weighting"]["note"]


def test_equity_csv_cells_cannot_start_a_formula(client_as: Any, demo: DemoData) -> None:
    """The equity CSV was written with a bare csv.writer; a stored text starting with "=" (here a
    table's credit) reached the analyst's spreadsheet as a formula."""
    from medvirk.population.models import PopulationTable

    import_population(demo)
    formula = '=HYPERLINK("http://evil.example","SSB")'
    PopulationTable.objects.update(credit=formula)
    survey = closed_survey(demo)
    nord = demo.units["Bydel Nord"].pk
    url = f"/population/equity/units/{nord}/export.csv?survey={survey.pk}"
    export = client_as("analytiker.nord").get(url)
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    credit = next(r for r in rows if r[0] == "credit")[2]
    assert credit.startswith("'=HYPERLINK") and formula in credit
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
