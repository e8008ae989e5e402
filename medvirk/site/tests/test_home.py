"""The staff home page: each "to do" item appears with the data that calls for it and goes away
when that is dealt with; answer counts never show what the results page hides; bounded queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from medvirk.insights.tables import clear_cache
from medvirk.insights.tests.factories import answer_many, close, make_survey
from medvirk.participation.models import CycleCheck, Measure, MeasureStatus
from medvirk.partners.models import Proposal, ProposalStatus
from medvirk.surveys.models import Survey, SurveyStatus, SurveyUnit
from tests.page_text import visible_text
from tests.sample_survey import sample_definition

TODAY = timezone.localdate()


def home(client_as: Any, username: str) -> str:
    response = client_as(username).get("/overview/")
    assert response.status_code == 200
    return response.content.decode()


def test_measure_due_soon_or_overdue_appears_until_done(client_as: Any, demo: Any) -> None:
    unit = demo.units["Solsikken barnehage"]
    measure = Measure.objects.create(
        municipality=demo.municipality,
        unit=unit,
        title="Mer frukt",
        decision_level="unit_leader",
        due_on=TODAY + datetime.timedelta(days=3),
        status=MeasureStatus.IN_PROGRESS,
    )
    page = home(client_as, "leder.solsikken")
    assert f'id="todo-measure-{measure.pk}"' in page and "Mer frukt" in page
    Measure.objects.filter(pk=measure.pk).update(due_on=TODAY - datetime.timedelta(days=2))
    page = home(client_as, "leder.solsikken")
    assert f'id="todo-measure-{measure.pk}"' in page and "Forsinket" in page  # overdue
    assert f'id="todo-measure-{measure.pk}"' not in home(client_as, "lesetilgang")  # cannot act on it
    assert f'id="todo-measure-{measure.pk}"' not in home(client_as, "provestad.admin")  # not in scope
    Measure.objects.filter(pk=measure.pk).update(status=MeasureStatus.DONE)
    assert f'id="todo-measure-{measure.pk}"' not in home(client_as, "leder.solsikken")
    Measure.objects.filter(pk=measure.pk).update(
        status=MeasureStatus.DECIDED, due_on=TODAY + datetime.timedelta(days=60)
    )
    assert f'id="todo-measure-{measure.pk}"' not in home(client_as, "leder.solsikken")  # not due yet


def test_pending_proposals_appear_for_moderators_until_decided(client_as: Any, demo: Any) -> None:
    proposal = Proposal.objects.create(municipality=demo.municipality, data={"name": "Ny"}, client_hash="x")
    assert 'id="todo-proposals"' in home(client_as, "koordinator")
    assert 'id="todo-proposals"' not in home(client_as, "lesetilgang")
    assert 'id="todo-proposals"' not in home(client_as, "provestad.admin")  # another municipality's
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.REJECTED)
    assert 'id="todo-proposals"' not in home(client_as, "koordinator")


def test_panel_to_draw_appears_until_drawn_or_closed(client_as: Any, demo: Any) -> None:
    from medvirk.panels.services import panel_create

    panel = panel_create(
        actor=demo.users["koordinator"],
        municipality=demo.municipality,
        name="Eldrepanel",
        purpose="Råd",
        size=6,
    )
    assert f'id="todo-panel-{panel.pk}"' in home(client_as, "koordinator")
    assert f'id="todo-panel-{panel.pk}"' not in home(client_as, "analytiker")  # no panel rights
    type(panel).objects.filter(pk=panel.pk).update(status="closed")
    assert f'id="todo-panel-{panel.pk}"' not in home(client_as, "koordinator")


def test_yearly_cycle_next_step_until_every_item_is_done(client_as: Any, demo: Any) -> None:
    unit = demo.units["Solsikken barnehage"]
    page = home(client_as, "leder.solsikken")
    assert 'id="todo-cycle"' in page and "Kartlegg hvem" in page  # the first item of the year
    # Said as a step to take, not as if it were done ("Det er kartlagt …", then "1 of 1 unit not yet").
    assert "Neste steg i årshjulet:\nKartlegg hvem som kan få fram synspunktene til minoriteter\n" in (
        visible_text(page)
    )
    CycleCheck.objects.create(
        municipality=demo.municipality, unit=unit, year=TODAY.year, minorities_mapped=True, council_met=True
    )
    page = home(client_as, "leder.solsikken")
    assert 'id="todo-cycle"' in page and "Kartlegg hvem" not in page
    CycleCheck.objects.filter(unit=unit).update(report_published=True)
    if not Survey.objects.filter(survey_units__unit=unit, created_on__year=TODAY.year).exists():
        make_survey(demo, units=[unit])
    assert 'id="todo-cycle"' not in home(client_as, "leder.solsikken")


def test_round_closing_with_few_answers_is_flagged(client_as: Any, demo: Any) -> None:
    clear_cache()
    unit = demo.units["Solsikken barnehage"]
    survey = make_survey(demo, units=[unit], round_label="home-1")
    answer_many(survey, unit, [4, 5, 5, 6, 6, 3])
    Survey.objects.filter(pk=survey.pk).update(closes_on=TODAY + datetime.timedelta(days=3))
    SurveyUnit.objects.filter(survey=survey).update(user_count=60)  # 6 of 60: 10 %
    clear_cache()
    page = home(client_as, "leder.solsikken")
    assert f'id="todo-round-{survey.pk}"' in page and "10 %" in page
    assert f'href="/surveys/{survey.pk}/"' in page  # where to send a reminder
    SurveyUnit.objects.filter(survey=survey).update(user_count=8)  # 6 of 8: 75 %
    clear_cache()
    assert f'id="todo-round-{survey.pk}"' not in home(client_as, "leder.solsikken")
    SurveyUnit.objects.filter(survey=survey).update(user_count=60)
    Survey.objects.filter(pk=survey.pk).update(closes_on=TODAY + datetime.timedelta(days=30))
    clear_cache()
    page = home(client_as, "leder.solsikken")
    assert f'id="todo-round-{survey.pk}"' not in page and f'id="round-{survey.pk}"' in page
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.CLOSED)
    assert f'id="round-{survey.pk}"' not in home(client_as, "leder.solsikken")


def round_card(page: str, survey: Survey) -> str:
    start = page.index(f'id="round-{survey.pk}"')
    return page[start : page.index("</li>", start)]


def test_answer_counts_follow_the_results_anonymity_decision(client_as: Any, demo: Any) -> None:
    """A unit below the threshold shows no count on the home page, just as on the results page."""
    clear_cache()
    small, large = demo.units["Solsikken barnehage"], demo.units["Sørbyen barnehage"]
    survey = make_survey(demo, units=[small, large], round_label="home-2")
    answer_many(survey, small, [5, 6, 4])  # 3 answers: below the threshold of 5
    answer_many(survey, large, [5, 6, 4, 3, 6, 6, 5])
    clear_cache()
    card = round_card(home(client_as, "leder.solsikken"), survey)
    # (the card also shows the closing date, which may be the 3rd: look at the unit's own line)
    assert "Solsikken barnehage: Vises ikke ennå" in card
    assert "Solsikken barnehage: 3" not in card and "3 (" not in card
    results = client_as("leder.solsikken").get(f"/results/{survey.pk}/").content.decode()
    assert "Skjult" in results or "skjult" in results  # the results page hides it too
    card = round_card(home(client_as, "admin"), survey)
    # the municipality's total is 10 (shown on the results page); it would give away the small unit
    # only together with the other unit's count, which the decision hides as well
    from medvirk.insights.disclosure import disclosure_for

    total = disclosure_for(survey).shown_respondents(demo.units[""].pk)
    assert (str(total) in card) if total is not None else ("Vises ikke ennå" in card)


def test_a_unit_leader_finds_her_latest_results_on_the_home_page(client_as: Any, demo: Any) -> None:
    """The leader's first question is what her users said: the home page links to the newest
    closed round of the survey (not an older round of it, nor an open one, whose results come
    when it closes). Before, only provider staff had this section."""
    clear_cache()
    sol = demo.units["Solsikken barnehage"]
    older = close(make_survey(demo, units=[sol], round_label="home-2024"))
    newest = close(make_survey(demo, units=[sol], round_label="home-2025"))
    still_open = make_survey(demo, units=[sol], round_label="home-2026")
    page = home(client_as, "leder.solsikken")
    assert 'id="results"' in page, "no results section on the leader's home page"
    section = page[page.index('id="results"') : page.index("</section>", page.index('id="results"'))]
    assert "Dette svarte brukerne deres" in section
    assert f'href="/results/{newest.pk}/"' in section
    assert f'href="/results/{older.pk}/"' not in section  # the same survey's earlier round
    assert f"/results/{still_open.pk}/" not in section
    assert f'href="/results/{newest.pk}/"' not in home(client_as, "provestad.admin")  # not hers


def test_a_nynorsk_page_names_the_survey_in_nynorsk(client_as: Any, demo: Any) -> None:
    """A survey with a nynorsk title is named by it on nynorsk pages (it was bokmål everywhere), and
    its closing date is written the page language's way: English pages said "closed 27. March 2026"."""
    document = sample_definition()
    document["languages"] = ["nb", "nn", "en"]
    document["title"]["nn"] = "Brukarundersøking"
    survey = close(make_survey(demo, units=[demo.units["Solsikken barnehage"]], document=document))
    Survey.objects.filter(pk=survey.pk).update(closes_on=datetime.date(2026, 3, 27))
    client = client_as("leder.solsikken")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nn"
    section = client.get("/overview/").content.decode()
    section = section[section.index('id="results"') :]
    assert f'href="/results/{survey.pk}/">Brukarundersøking' in section
    assert "27. mars 2026" in section
    assert "Brukarundersøking" in client.get(f"/results/{survey.pk}/").content.decode()
    assert f'href="/results/{survey.pk}/">Brukerundersøkelse' in home(client_as, "leder.solsikken")  # bokmål
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    section = client.get("/overview/").content.decode()
    section = section[section.index('id="results"') :]
    assert "closed 27 March 2026" in section


def test_first_run_checklist_for_a_new_municipality(
    client_as: Any, demo: Any, django_user_model: Any
) -> None:
    from medvirk.population.models import PopulationTable

    page = home(client_as, "provestad.admin")
    assert (
        'id="start"' in page and 'href="/population/import/"' in page and 'href="/access/users/new/"' in page
    )
    PopulationTable.objects.create(
        municipality=demo.municipality, table_id="10826", year=2026, title="B", source_format="csv", raw=""
    )
    assert 'id="start"' not in home(client_as, "admin")  # Eksempel has done all four
    assert 'id="start"' not in home(client_as, "lesetilgang")  # only administrators set up
    django_user_model.objects.create_user(username="kollega", password="x", municipality=demo.other)
    page = home(client_as, "provestad.admin")
    assert 'id="start"' in page and 'href="/access/users/new/"' not in page
    PopulationTable.objects.create(
        municipality=demo.other, table_id="10826", year=2026, title="Befolkning", source_format="csv", raw=""
    )
    if not Survey.objects.filter(municipality=demo.other).exists():
        make_survey(demo, foreign=True)
    assert 'id="start"' not in home(client_as, "provestad.admin")  # all done: the list goes away


def test_nothing_to_do(client_as: Any, demo: Any) -> None:
    """A read-only user in a quiet district is told so, not shown an empty list."""
    page = home(client_as, "lesetilgang")
    assert 'id="todo-heading"' in page and "Ingenting haster" in page and 'class="mv-todo"' not in page


@pytest.mark.parametrize(
    "username", ["admin", "leder.solsikken", "koordinator", "lesetilgang", "leverandor.omsorgpluss"]
)
def test_home_page_queries_are_bounded(
    client_as: Any, demo: Any, username: str, django_assert_max_num_queries: Any
) -> None:
    """However many rounds are open, the page looks at five: the queries do not grow with them."""
    clear_cache()
    for i in range(7):
        make_survey(demo, round_label=f"bounded-{i}")
    client = client_as(username)
    client.get("/overview/")  # the anonymity decisions are worked out once, then cached
    with django_assert_max_num_queries(50):  # 23-45 measured (four per open round shown)
        assert client.get("/overview/").status_code == 200
