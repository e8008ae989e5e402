"""Survey API: create from the bank, lossless definition export, public idempotent submission."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client

from medvirk.accounts.demo import DemoData
from medvirk.core.models import AuditEvent
from medvirk.surveys.models import Channel, Invitation, Response, SurveyUnit
from medvirk.surveys.selectors import survey_units_for
from tests.sample_survey import COMPLETE_ANSWERS, sample_definition
from tests.survey_rounds import open_round, submit


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_create_from_template_export_and_reimport_losslessly(client_as: Any, demo: DemoData) -> None:
    client = client_as("analytiker")
    body = {
        "owner_unit_id": demo.units[""].pk,
        "unit_ids": [demo.units["Østre sykehjem"].pk],
        "round_label": "2026",
        "template": "nursing_home_relatives",
    }
    created = post(client, "/api/v1/surveys", body)
    assert created.status_code == 201, created.content
    exported = client.get(f"/api/v1/surveys/{created.json()['id']}").json()
    assert exported["missing_translations"] == {"nb": [], "nn": [], "en": []}
    again = post(
        client,
        "/api/v1/surveys",
        {**body, "template": None, "definition": exported["definition"], "round_label": "2027"},
    )
    assert again.status_code == 201
    assert again.json()["definition"] == exported["definition"]


def test_public_submission_is_idempotent_and_validated(client_as: Any, demo: DemoData) -> None:
    staff = client_as("analytiker")
    created = post(
        staff,
        "/api/v1/surveys",
        {
            "owner_unit_id": demo.units[""].pk,
            "round_label": "2026",
            "unit_ids": [demo.units["Sentrum barnehage"].pk],
            "definition": sample_definition(),
        },
    ).json()
    assert post(staff, f"/api/v1/surveys/{created['id']}/status", {"status": "open"}).status_code == 200
    link = SurveyUnit.objects.get(survey_id=created["id"]).link_key
    public = Client()
    answers = {"q_overall": 6, "q_channel": "friends", "q_used": ["b"], "bg_gender": "male"}
    first = post(
        public, f"/api/v1/public/surveys/{link}/responses", {"idempotency_key": "x1", "answers": answers}
    )
    second = post(
        public, f"/api/v1/public/surveys/{link}/responses", {"idempotency_key": "x1", "answers": answers}
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert (first.json(), second.json()) == ({"status": "stored"}, {"status": "duplicate"})
    assert first["Content-Type"] == second["Content-Type"] == "application/json; charset=utf-8"
    assert Response.objects.filter(survey_id=created["id"]).count() == 1
    bad = post(
        public,
        f"/api/v1/public/surveys/{link}/responses",
        {"idempotency_key": "x2", "answers": {"q_overall": 0, "q_channel": "tv", "nope": 1}},
    )
    assert bad.status_code == 422
    codes = {(f["question"], f["code"]) for f in bad.json()["error"]["fields"]}
    assert codes == {
        ("q_overall", "out_of_range"),
        ("q_channel", "invalid_choice"),
        ("nope", "unknown_question"),
    }
    assert Response.objects.filter(survey_id=created["id"]).count() == 1
    assert Client().get("/api/v1/public/surveys/unknown").status_code == 404


def test_a_round_that_closed_with_answers_is_never_opened_again(client_as: Any, demo: DemoData) -> None:
    """Reading one more answer by reopening a closed round (red team, 2026-12-07).

    The equity report reads only closed rounds, as final. An analyst closed the round, read the
    report, opened the round again for one more parent and closed it: the two reports differed by
    that parent alone (on the equity fixture: Solsikken's respondents 35 → 36, aged 25-34 8 → 9,
    men 13 → 14 — the parent's age and gender, and through the outcome gaps the answers). The same
    works on the response-level export. A round that closed with answers now stays closed.
    """
    from medvirk.surveys import services
    from tests.survey_rounds import open_survey, submit

    survey = open_survey(demo, "Solsikken barnehage")
    empty = open_survey(demo, "Solsikken barnehage", round_label="2027")
    submit(SurveyUnit.objects.get(survey=survey), {"q_overall": 5, "q_channel": "web"}, "one")
    analyst = client_as("analytiker")
    for s in (survey, empty):
        assert post(analyst, f"/api/v1/surveys/{s.pk}/status", {"status": "closed"}).status_code == 200
    for status in ("open", "draft"):
        refused = post(analyst, f"/api/v1/surveys/{survey.pk}/status", {"status": status})
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "round_final"
        assert analyst.post(f"/surveys/{survey.pk}/status/", {"status": status}).status_code == 302
    survey.refresh_from_db()
    assert survey.status == "closed" and not services.survey_is_accepting(survey)
    page = analyst.get(f"/surveys/{survey.pk}/").content.decode()
    assert 'value="open"' not in page and "starter du en ny runde" in page  # bokmål, the default
    assert 'value="open"' not in analyst.get(f"/surveys/{survey.pk}/check/").content.decode()
    # A round closed before anyone answered may still open (closed by mistake).
    assert post(analyst, f"/api/v1/surveys/{empty.pk}/status", {"status": "open"}).status_code == 200


def test_distributors_see_no_count_of_answers_below_the_anonymity_threshold(
    client_as: Any, demo: DemoData
) -> None:
    """The survey's page and its units in the API say "fewer than 5" for 1–4 complete answers (red
    team: a live 3 → 4 told a leader how many answered and when), the number from 5 up and at 0:
    the count the results show (answers through single-use codes count towards the threshold)."""
    su = open_round(demo, sample_definition(), "2026")
    staff = client_as("analytiker")

    def shown() -> tuple[str, Any]:
        page = staff.get(f"/surveys/{su.survey_id}/").content.decode()
        (unit,) = staff.get(f"/api/v1/surveys/{su.survey_id}/units").json()
        return page, unit

    page, unit = shown()
    assert (unit["responses_complete"], unit["anonymity_threshold"]) == (0, 5)
    for i in range(4):
        submit(su, COMPLETE_ANSWERS, f"k{i}", channel=Channel.CODE)
        page, unit = shown()
        assert unit["responses_complete"] is None
        assert re.search(r'<td role="cell" data-label="Svar">færre enn 5</td>', page)
        assert not re.search(rf"<td[^>]*>{i + 1}</td>", page)
    # Nor do the units the page and the API list come with an exact live count for the next
    # template to show (red team 3, #7): only the decision's count above is said.
    units = survey_units_for(demo.users["analytiker"], su.survey)
    (listed,) = units
    assert "responses_complete" not in vars(listed)
    assert "surveys_response" not in str(units.query)
    submit(su, COMPLETE_ANSWERS, "k4", channel=Channel.CODE)
    page, unit = shown()
    assert (unit["responses_complete"], unit["responses_status"]) == (5, "shown")
    assert re.search(r'<td role="cell" data-label="Svar">5</td>', page)
    assert 'data-label="Svar">færre enn' not in page


def test_the_distribution_page_never_says_how_many_invited_have_answered(
    client_as: Any, demo: DemoData
) -> None:
    """Red team (third session): "6 invited, 5 have answered" was live and exact from the
    threshold up, so a leader who reminded the one left and read the page again saw "6 have
    answered" the moment that person answered (and "1 reminder was sent" said the same). Now the
    page says how many were invited and the unit's answers as the survey's page does (the
    round's decided count, every way of answering), and no number of reminders anywhere."""
    su = open_round(demo, sample_definition(), "2026")
    for i in range(6):
        Invitation.objects.create(
            municipality_id=su.municipality_id,
            survey_unit=su,
            token_hash=f"t{i}",
            completed=i < 5,
            email=f"p{i}@example.no",
        )
    url = f"/surveys/{su.survey_id}/units/{su.pk}/"
    staff = client_as("analytiker")

    def invitations() -> str:
        page = staff.get(url).content.decode()
        section = re.search(r'<section aria-labelledby="invite-heading">.*?</section>', page, re.S)
        assert section is not None
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", section[0])

    before = invitations()
    assert "6 personer invitert. Svar i Sentrum barnehage så langt, på alle måter å svare på: 0." in before
    assert "har svart." not in before and "vises ikke" in before
    page = staff.post(url, {"action": "remind"}, follow=True).content.decode()
    assert "Påminnelser ble sendt til alle inviterte som ikke har svart." in page
    assert "1 påminnelse" not in page
    reminders = f"/api/v1/surveys/{su.survey_id}/units/{su.pk}/reminders"
    assert post(staff, reminders, {}).json()["sent"] is None
    events = AuditEvent.objects.filter(action="survey.reminders_sent")
    assert events.count() == 2 and not any("count" in e.data for e in events)
    Invitation.objects.filter(survey_unit=su).update(completed=True)  # the reminded one answers
    assert invitations() == before  # nothing on the page moved with it
    assert post(staff, reminders, {}).json()["sent"] is None
