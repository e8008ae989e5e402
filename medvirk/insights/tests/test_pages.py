"""Results pages per role, with real answers."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.accounts.demo import DemoData
from medvirk.surveys.types import DONT_KNOW

from .factories import answer, answer_many, close, make_survey


@pytest.fixture
def survey(demo: DemoData):
    s = make_survey(demo)
    # Every option chosen by three or nobody (with the answer below): every figure is shown.
    answer_many(s, demo.units["Solsikken barnehage"], [2, 2, 5, 5, 5, 6, 6, 6, DONT_KNOW])
    answer_many(s, demo.units["Sørbyen barnehage"], [4, 4, 4, 5, 5, 5, 6, 6, 6], bg_gender="female")
    answer(s, demo.units["Solsikken barnehage"], overall=2, q_why="Ring meg på 912 34 567, hilsen Kari")
    return close(s)


def test_list_shows_surveys_per_role(survey: Any, client_as: Any, demo: DemoData) -> None:
    for actor in ["admin", "analytiker", "leder.solsikken", "lesetilgang", "koordinator"]:
        page = client_as(actor).get("/results/")
        assert page.status_code == 200
        assert f'href="/results/{survey.pk}/"' in page.content.decode()
    assert (
        f'href="/results/{survey.pk}/"' not in client_as("provestad.admin").get("/results/").content.decode()
    )
    assert client_as("uten.rolle").get("/results/").status_code == 404


def test_overview_for_unit_leader_shows_own_unit_with_statistics(
    survey: Any, client_as: Any, demo: DemoData
) -> None:
    page = client_as("leder.solsikken").get(f"/results/{survey.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Solsikken barnehage" in html
    assert "Nordlys barnehage" not in html  # a sibling the leader may not see
    assert 'role="img"' in html and "aria-labelledby" in html
    assert "4,3" in html  # mean of 2,2,2,5,5,5,6,6,6 = 39/9 on Norwegian locale
    # Siblings are not shown one by one, and the page says why in one sentence.
    assert "Andre enheter vises ikke én for én" in html and 'id="siblings-not-shown"' in html
    # From a question straight to a measure: participation's finding form, filled in.
    unit = demo.units["Solsikken barnehage"].pk
    start = f"/participation/findings/new/?unit={unit}&survey={survey.pk}&question=q_overall"
    assert f'href="{start.replace("&", "&amp;")}"' in html
    form = client_as("leder.solsikken").get(start).content.decode()
    assert "Om «Hvor fornøyd er du alt i alt?»: </textarea>" in form
    assert f'<option value="{survey.pk}" selected>' in form and f'<option value="{unit}" selected>' in form
    assert "Et tiltak begynner med det dere har lært" in form
    # Another municipality's survey, or a question it does not have, fills in nothing.
    other = client_as("leder.solsikken").get(f"/participation/findings/new/?survey={survey.pk}&question=x")
    assert "Om «" not in other.content.decode()
    # A role that may not make measures is told who may, in words.
    html = client_as("lesetilgang").get(f"/results/{survey.pk}/?unit={unit}").content.decode()
    assert "findings/new/" not in html
    assert "Kommuneadministrator, Analytiker, Virksomhetsleder, Medvirkningskoordinator" in html


def test_overview_for_admin_defaults_to_municipality(survey: Any, client_as: Any, demo: DemoData) -> None:
    page = client_as("admin").get(f"/results/{survey.pk}/")
    assert page.status_code == 200
    assert "Eksempel kommune" in page.content.decode()


def test_crosstab_by_unit_and_by_gender(survey: Any, client_as: Any, demo: DemoData) -> None:
    c = client_as("analytiker")
    root = demo.units[""].pk
    page = c.get(f"/results/{survey.pk}/crosstab/?unit={root}&question=q_overall&by=unit")
    assert page.status_code == 200 and "Bydel Nord" in page.content.decode()
    page = c.get(f"/results/{survey.pk}/crosstab/?unit={root}&question=q_overall&by=gender")
    assert page.status_code == 200


def test_text_answers_are_masked_and_suppressed_under_eight(client_as: Any, demo: DemoData) -> None:
    survey = make_survey(demo)
    answer(survey, demo.units["Sørbyen barnehage"], overall=2, q_why="Ring meg på 912 34 567, hilsen Kari")
    words = ["parkeringen", "maten", "lekeplassen", "åpningstid", "personalet", "ute", "rom", "info"]
    for i, word in enumerate(words):
        answer(
            survey, demo.units["Solsikken barnehage"], overall=1, q_why=f"Svar {i} om {word}, ring 912 34 567"
        )
    c = client_as("admin")
    sol, sor = demo.units["Solsikken barnehage"].pk, demo.units["Sørbyen barnehage"].pk
    page = c.get(f"/results/{survey.pk}/text/?unit={sol}").content.decode()
    assert "Svar 3" not in page and "Resultatene kommer når undersøkelsen er avsluttet" in page  # open
    close(survey)
    page = c.get(f"/results/{survey.pk}/text/?unit={sor}").content.decode()
    assert "912 34 567" not in page and "Ring meg" not in page  # one answer: below 8
    page = c.get(f"/results/{survey.pk}/text/?unit={sol}").content.decode()
    assert "Svar 3" in page and "912 34 567" not in page
    # Each answer in its writer's direction: an Arabic one ends with its "!" on the left, not the right.
    assert '<li dir="auto">Svar 3 om åpningstid' in page
    page = c.get(f"/results/{survey.pk}/text/?unit={sol}&q=parkering").content.decode()
    assert "Svar 0" in page and "Svar 3" not in page


def test_unit_report_pdf(survey: Any, client_as: Any, demo: DemoData) -> None:
    response = client_as("leder.solsikken").get(f"/results/{survey.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    names = pdf_font_names(response.content)
    # Designsystemet's font is embedded (regular text and bold headings), and nothing else
    # (the regular face's PostScript name is plain "Inter"; no fallback font such as DejaVu-Sans)
    assert {"Inter", "Inter-Bold"} <= names and all(n.split("-")[0] == "Inter" for n in names), names


def pdf_font_names(pdf: bytes) -> set[str]:
    """The embedded fonts' names, without the subset prefix (``ABCDEF+Inter-Regular``)."""
    import io

    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():  # type: ignore[index]  # pypdf types a page as a PDF object
            descendant = font.get_object()
            assert "/FontFile2" in descendant.get("/FontDescriptor", {}) or "/DescendantFonts" in descendant
            names.add(str(descendant["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def test_pdf_fetcher_reads_nothing_but_the_font_files() -> None:
    import pytest

    from medvirk.insights.pdf import _fetcher

    fetcher = _fetcher()
    for url in ["http://127.0.0.1/", "file:///etc/passwd", "data:text/plain,x"]:
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


@pytest.mark.sqlite_only  # fonts and WeasyPrint, not the database
def test_the_web_server_unpacks_the_pdf_fonts_before_its_workers_start() -> None:
    """``config/wsgi.py`` calls ``pdf.warm_up()`` in gunicorn's master: every font file the report
    embeds is unpacked there, so a worker's first PDF unpacks none (10 of its 16 s, issue 21)."""
    from medvirk.insights import pdf

    pdf._font_data.cache_clear()
    pdf.warm_up()
    unpacked = pdf._font_data.cache_info()
    assert unpacked.currsize == 35  # 5 weights and styles × 7 scripts, WOFF2 only
    pdf._styles.cache_clear()  # a worker's own font configuration, made at its first PDF
    pdf._styles()
    assert pdf._font_data.cache_info().misses == unpacked.misses  # nothing unpacked again


def test_crosstab_heads_the_count_in_words_and_leaves_a_withheld_mean_empty(
    client_as: Any, demo: DemoData
) -> None:
    from tests.page_text import visible_text

    s = make_survey(demo)
    # 2 and 3 are merged with 4 (one answer each), so the mean would give them away: withheld.
    answer_many(s, demo.units["Solsikken barnehage"], [2, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, DONT_KNOW])
    close(s)
    nord = demo.units["Bydel Nord"].pk
    html = client_as("analytiker").get(f"/results/{s.pk}/crosstab/?unit={nord}&question=q_overall&by=unit")
    text = visible_text(html.content.decode())
    # "Svar", not the statistician's "n"; a withheld mean is a dash, not "– (–)" or "(–)".
    assert "Gruppe\nSvar\nGjennomsnitt (trolig mellom)\nSvarte 5 eller høyere (trolig mellom)\n" in text
    assert "\nSolsikken barnehage\n11\n–\n55 % (" in text
    assert "(–)" not in text
