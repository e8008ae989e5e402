"""A unit's own (local) questions in results: shown on that unit's page only, never compared."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from medvirk.accounts.demo import DemoData
from medvirk.surveys import services
from medvirk.surveys.models import Channel, SurveyUnit
from tests.sample_survey import COMPLETE_ANSWERS as TEMPLATE_ANSWERS
from tests.survey_rounds import KINDERGARTENS, close_round, open_survey, submit

from .. import reports
from ..tables import SurveyResults

RATING = {
    "type": "rating",
    "required": True,
    "text": {"nb": "Hvor fornøyd er du med uteområdet?", "en": "How satisfied are you with the playground?"},
    "scale": {"min": 1, "max": 5},
}


def _survey(demo: DemoData) -> Any:
    return open_survey(demo, *KINDERGARTENS)


def test_results_show_them_for_that_unit_only(demo: DemoData) -> None:
    survey = _survey(demo)
    own = SurveyUnit.objects.select_related("survey", "unit").get(
        survey=survey, unit=demo.units["Solsikken barnehage"]
    )
    key = services.local_question_add(actor=demo.users["leder.solsikken"], survey_unit=own, question=RATING)
    for i in range(6):
        submit(own, {**TEMPLATE_ANSWERS, key: 4}, f"r{i}", channel=Channel.CODE)
    user = demo.users["analytiker"]
    results = SurveyResults(close_round(survey))
    with translation.override("en"):
        unit_view = reports.overview(user, results, own.unit_id)
        top_view = reports.overview(user, SurveyResults(survey), demo.units[""].pk)
    by_key = {v.question.key: v for v in unit_view.questions}
    assert key in by_key and by_key[key].compare == () and by_key[key].trend is None
    assert by_key[key].figures.shown and by_key[key].figures.n == 6
    assert by_key["q_overall"].compare  # the survey's own questions are still compared
    assert key not in {v.question.key for v in top_view.questions}
    assert key not in {q.key for q in results.questions}  # nor in benchmarks and exports
