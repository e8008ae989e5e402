"""The survey's page (status, dates, translations and per unit how many have answered) and a
unit's distribution page (which says the unit's answers the same way).

It lives above ``insights`` (not in ``surveys``) because each unit's number of answers is the
one the round's anonymity decision shows (``insights.selectors.decided_unit_counts``): the
live, exact count of complete responses told, from the threshold up, when each person
answered and the size of a unit the results hide to protect a smaller sibling (red team
2026-12-07). Their URLs stay ``surveys:detail`` and ``surveys:distribute`` (``config/urls.py``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from medvirk.accounts.access import can
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.views import staff_view
from medvirk.insights.selectors import decided_unit_counts
from medvirk.surveys.design import services
from medvirk.surveys.design.definition import missing_translations
from medvirk.surveys.design.forms import DatesForm, TargetForm
from medvirk.surveys.design.parser import parse_definition
from medvirk.surveys.design.views import display_title
from medvirk.surveys.distribution.views import distribute_page
from medvirk.surveys.models import SurveyStatus
from medvirk.surveys.selectors import access_survey_by_id, answers_threshold, survey_units_for


@staff_view
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Show a survey: status, translation gaps, and per unit its links and number of answers."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    definition = parse_definition(survey.definition)
    missing = {lang: len(places) for lang, places in missing_translations(definition).items()}
    counts = decided_unit_counts(user=request.user, survey=survey)
    units = list(survey_units_for(request.user, survey))
    context = {
        "survey": survey,
        "title": display_title(survey.title),
        "threshold": answers_threshold(survey),
        "units": [(su, counts.get(su.unit_id)) for su in units],
        # A closed round's next step is reading its results: say where (the page had no way there).
        "results": survey.status == SurveyStatus.CLOSED
        and any(can(request.user, Perm.RESULTS_VIEW, su.unit) for su in units),
        "can_design": can(request.user, Perm.SURVEY_DESIGN, survey.owner_unit),
        "missing": missing,
        "accepting": services.survey_is_accepting(survey),
        "final": services.closed_for_good(survey),
        "questions": sum(1 for _ in definition.questions()),
        "sections": len(definition.sections),
        "languages": definition.languages,
        "dates_form": DatesForm(initial={"opens_on": survey.opens_on, "closes_on": survey.closes_on}),
        "target_form": TargetForm(
            initial={
                "age_from": survey.target_age_from or "",
                "age_to": survey.target_age_to if survey.target_age_to is not None else "",
                "answered_by": survey.answered_by,
            }
        ),
    }
    return render(request, "surveys/detail.html", context)


@staff_view
def unit_distribute(request: StaffRequest, survey_id: int, survey_unit_id: int) -> HttpResponse:
    """Distribute a survey in one unit; its answers so far as the survey's page says them."""
    return distribute_page(
        request,
        survey_id,
        survey_unit_id,
        lambda survey, su: decided_unit_counts(user=request.user, survey=survey).get(su.unit_id),
    )
