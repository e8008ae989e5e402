"""An open round's answer figures are nowhere; they come when it closes (``insights/release.py``).

Red team (2026-12-07): reading the results before and after one parent answered at the kiosk
showed that parent's answer as the one count that moved. So pages, files, the API, the equity
report and the national benchmark show nothing drawn from an open round's answers: the pages say
when the results come and why, with how many have answered so far.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import override

from medvirk.accounts.demo import DemoData
from tests.page_text import visible_text

from .equity_fixtures import import_population
from .factories import answer_many, close, make_survey

SOL = "Solsikken barnehage"


def test_an_open_rounds_pages_api_and_equity_report_show_no_figures_until_it_closes(
    demo: DemoData, client_as: Any
) -> None:
    import_population(demo)
    survey = make_survey(demo, units=[demo.units[SOL], demo.units["Sørbyen barnehage"]])
    sol = demo.units[SOL].pk
    answer_many(survey, demo.units[SOL], [2, 2, 2, 5, 5, 5, 6, 6, 6], bg_gender="female", bg_age="25-34")
    admin, leader = client_as("admin"), client_as("leder.solsikken")
    assert survey.closes_on is not None  # a round opens with dates
    with override("nb"):
        closes = date_format(survey.closes_on)
    said = (
        f"Resultatene kommer når undersøkelsen er avsluttet (stenger {closes}). Slik kan ingen finne "
        "ut hva én person svarte ved å se på tallene før og etter at hen svarte."
    )
    pages = ("/", "/crosstab/?question=q_overall", "/text/", "/export/", "/report.pdf")
    for path in pages:
        response = admin.get(f"/results/{survey.pk}{path}{'&' if '?' in path else '?'}unit={sol}")
        text = visible_text(response.content.decode())
        assert response.status_code == 200 and said in text, path
        assert "Solsikken barnehage: 9 har svart så langt." in text  # the decided count, as the home page
        assert "Gjennomsnitt" not in text and "6 av 9" not in text and "%PDF" not in text, path
    assert "Gå til undersøkelsens side for å avslutte den" in visible_text(
        admin.get(f"/results/{survey.pk}/?unit={sol}").content.decode()
    )
    led = visible_text(leader.get(f"/results/{survey.pk}/").content.decode())
    assert said in led
    assert f"Medvirk avslutter undersøkelsen natten etter siste dag, {closes}." in led  # close_ended_rounds
    assert "De som har ansvaret for undersøkelsen i Eksempel kommune, kan avslutte den før det." in led
    survey_page = visible_text(admin.get(f"/surveys/{survey.pk}/").content.decode())
    assert "Resultatene vises når du avslutter den" in survey_page
    open_page = admin.get(f"/surveys/{survey.pk}/").content.decode()
    assert (
        f'href="/results/{survey.pk}/"' not in open_page
        and f'href="/surveys/{survey.pk}/check/"' in open_page
    )
    assert f"Medvirk avslutter undersøkelsen natten etter siste dag, {closes}." in survey_page
    assert "Åpen – resultater når den er avsluttet" in visible_text(admin.get("/results/").content.decode())
    api = "/api/v1/results/surveys/"
    for path in (
        f"{survey.pk}?unit_id={sol}",
        f"{survey.pk}/crosstab?question=q_overall&by=gender&unit_id={sol}",
        f"{survey.pk}/export?unit_id={sol}",
        f"{survey.pk}/text?question=q_why&unit_id={sol}",
    ):
        response = leader.get(api + path)
        assert response.status_code == 409, path
        error = response.json()["error"]
        assert error["code"] == "round_open" and error["closes_on"] == survey.closes_on.isoformat()
        assert "Resultatene kommer" in error["message"]
    equity = (
        f"/population/equity/units/{sol}/?survey={survey.pk}",
        f"/api/v1/population/units/{sol}/representation?survey_id={survey.pk}",
        f"/api/v1/population/units/{sol}/gaps?survey_id={survey.pk}",
    )
    assert [admin.get(url).status_code for url in equity] == [404, 404, 404]

    close(survey)
    closed_page = admin.get(f"/surveys/{survey.pk}/").content.decode()  # the next step: its results
    assert f'href="/results/{survey.pk}/">Se resultatene</a>' in closed_page
    assert f'href="/surveys/{survey.pk}/check/"' not in closed_page  # "Check before opening": no more
    data = leader.get(f"{api}{survey.pk}?unit_id={sol}").json()
    overall = next(q for q in data["questions"] if q["key"] == "q_overall")["unit"]
    assert overall["n"] == 9 and {o["key"]: o["count"] for o in overall["options"]}["6"] == 3
    page = visible_text(admin.get(f"/results/{survey.pk}/?unit={sol}").content.decode())
    assert said not in page and "Gjennomsnitt" in page
    assert [admin.get(url).status_code for url in equity] == [200, 200, 200]
