"""The demo keeps showing results under the rule that only codes and invitations count (issue 16)."""

from __future__ import annotations

from medvirk.accounts.demo import DemoData
from medvirk.accounts.models import Role, RoleAssignment
from medvirk.insights.disclosure import SurveyDisclosure
from medvirk.surveys.demo import seed_survey_demo
from medvirk.surveys.models import Response, SurveyUnit


def test_the_demo_still_shows_results_and_holds_back_open_link_groups(demo: DemoData) -> None:
    survey = seed_survey_demo(demo)[1]
    decision = SurveyDisclosure(survey)
    counts = {
        su.unit_id: Response.objects.filter(survey=survey, unit_id=su.unit_id, complete=True).count()
        for su in SurveyUnit.objects.filter(survey=survey)
    }
    shown = {unit: decision.shown_respondents(unit) for unit in counts}
    # Units of the usual size show all their answers, those through the poster included.
    assert sum(n is not None for n in shown.values()) >= 4
    assert all(n is None or n == counts[unit] for unit, n in shown.items())
    assert decision.shown_respondents(demo.units[""].pk) == sum(counts.values())
    # Solsikken's leader meets only hidden figures (it is small on purpose); the demo's other unit
    # leader sees her unit's figures, so whoever tries the demo as a leader walks the whole journey.
    leaders = {
        role.user.username: decision.shown_respondents(role.unit_id)
        for role in RoleAssignment.objects.filter(role=Role.UNIT_LEADER, unit_id__in=counts).select_related(
            "user"
        )
    }
    assert leaders["leder.solsikken"] is None
    assert any(n is not None and n >= 20 for n in leaders.values()), leaders
