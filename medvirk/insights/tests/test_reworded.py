"""A question reworded after answers came in is marked on its results (issue 17)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation

from medvirk.accounts.demo import DemoData
from medvirk.surveys import services
from medvirk.surveys.models import Survey
from medvirk.surveys.types import builder

from .. import exports, pdf, reports
from ..tables import SurveyResults
from .factories import answered_at_solsikken, close


def reword(demo: DemoData, survey: Survey) -> None:
    """The administrator rewords the overall question in bokmål (after the answers came in)."""
    services.survey_build(
        actor=demo.users["admin"],
        survey=survey,
        operation=builder.EditQuestion("q_overall", "nb", text="Hvor fornøyd er du, alt i alt?"),
    )


def test_results_mark_a_question_reworded_after_answers(client_as: Any, demo: DemoData) -> None:
    survey, unit = answered_at_solsikken(demo, [5, 4, 6, 5, 3, 4])
    close(survey)
    page = client_as("admin").get(f"/results/{survey.pk}/?unit={unit.pk}").content.decode()
    assert "Ordlyden ble endret" not in page
    reword(demo, survey)
    page = client_as("admin").get(f"/results/{survey.pk}/?unit={unit.pk}").content.decode()
    today = timezone.localdate()
    assert f"Ordlyden ble endret {today.day}." in page
    assert page.count("Ordlyden ble endret") == 1  # only the reworded question


def test_the_pdf_marks_the_reworded_question_too(demo: DemoData) -> None:
    survey, unit = answered_at_solsikken(demo, [5, 4, 6, 5, 3, 4])
    close(survey)
    reword(demo, survey)
    with translation.override("nb"):
        results = SurveyResults(Survey.objects.get(pk=survey.pk))
        html = pdf.report_html(reports.overview(demo.users["admin"], results, unit.pk), 5)
    today = timezone.localdate()
    assert f"Ordlyden ble endret {today.day}." in html
    assert html.count("Ordlyden ble endret") == 1


def test_the_summary_export_gives_the_day_the_wording_changed(demo: DemoData) -> None:
    survey, unit = answered_at_solsikken(demo, [5, 4, 6, 5, 3, 4])
    close(survey)
    reword(demo, survey)
    rows = list(exports.summary_rows(demo.users["admin"], SurveyResults(survey), unit.pk))
    header, body = rows[0], rows[1:]
    assert header[-1] == "wording_changed_on" and all(len(r) == len(header) for r in body)
    changed = {r[2]: r[-1] for r in body if r[0] == unit.pk}
    assert changed["q_overall"] == timezone.localdate().isoformat()
    assert changed["q_channel"] == "" and changed["_respondents"] == ""
