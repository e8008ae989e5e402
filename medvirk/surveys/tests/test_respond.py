"""The public answering flow over HTTP: no cookies, validation that keeps answers, idempotency."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from medvirk.accounts.demo import DemoData
from medvirk.accounts.unit_services import unit_create
from medvirk.common.dimensions import DEMO_DISTRICTS
from medvirk.core.actors import SystemActor
from medvirk.surveys import services
from medvirk.surveys.models import AccessCode, Answer, Response, SurveyStatus, SurveyUnit
from tests.sample_survey import sample_definition
from tests.survey_rounds import open_round, start_key, start_response


@pytest.fixture
def su(demo: DemoData) -> SurveyUnit:
    return open_round(demo, sample_definition(languages=("nb", "en", "ar")), "2026", "Solsikken barnehage")


def start(client: Client, su: SurveyUnit, lang: str = "nb") -> str:
    return start_response(client, su, lang)


def test_full_flow_without_cookies_and_with_dates_only(demo: DemoData, su: SurveyUnit) -> None:
    # A district whose code comes last but whose name comes first, and one without a code.
    for name, code in (("Bydel Austad", "999909"), ("Bydel uten kode", "")):
        unit_create(
            actor=SystemActor("test"), parent=demo.units[""], name=name, kind="district", region_code=code
        )
    client = Client()
    page1 = start(client, su)
    assert re.match(r"^/a/r/[0-9a-f]{40}/1/$", page1)
    r = client.post(
        page1,
        {
            "q-q_overall": "5",
            "q-q_channel": "web",
            "q-q_used": ["a", "b"],
            "q-q_m_staff": "6",
            "q-q_m_rooms": "dont_know",
        },
    )
    assert r.status_code == 302 and r["Location"].endswith("/2/")
    r = client.post(r["Location"], {"q-q_nps": "10", "q-q_visits": "3", "q-q_consent": "yes"})
    assert r["Location"].endswith("/3/")
    # The district question offers the city districts by name, as the panels' sign-up does.
    offered = re.findall(
        r'name="q-bg_district"[^>]* value="(\w+)"', client.get(r["Location"]).content.decode()
    )
    assert offered[0] == "999909" and offered[-1] == "prefer_not_to_say", offered  # Austad first
    assert sorted(offered[:-1]) == sorted([*DEMO_DISTRICTS, "999909"])  # none without a code
    r = client.post(r["Location"], {"q-bg_age": "25-34", "q-bg_gender": "female", "q-bg_district": "999902"})
    assert r.status_code == 302 and r["Location"].endswith("/done/")
    done = client.get(r["Location"])
    assert "Takk for svarene dine" in done.content.decode()
    assert "Svarene dine er sendt. Du kan lukke denne siden nå." in done.content.decode()  # all done
    assert not client.cookies, "respondent pages must not set cookies"
    assert "no-store" in done["Cache-Control"]
    response = Response.objects.get(survey=su.survey)
    assert response.complete and response.submitted_on is not None
    assert response.bg_district == "999902" and response.bg_gender == "female"
    field_names = {f.name for f in Response._meta.get_fields()}
    assert not field_names & {"ip", "ip_address", "user_agent", "created_at", "submitted_at"}
    assert services.stored_answers(response)["q_used"] == ("a", "b")


def test_validation_shows_message_next_to_field_and_keeps_other_answers(su: SurveyUnit) -> None:
    client = Client()
    page1 = start(client, su)
    r = client.post(page1, {"q-q_channel": "web", "q-q_m_staff": "4"})  # q_overall is required
    assert r.status_code == 400
    html = r.content.decode()
    assert 'id="f-q_overall-error"' in html and "Svar på spørsmålet." in html
    assert 'aria-describedby="f-q_overall-error"' in html
    assert re.search(r'value="web" checked', html) and re.search(
        r'name="q-q_m_staff" id="f-q_m_staff-3" value="4" checked', html
    )
    # the valid answers were saved, so a reload keeps them too
    again = client.get(page1).content.decode()
    assert re.search(r'value="web" checked', again)


def test_skip_logic_shows_follow_up_only_for_low_scores(su: SurveyUnit) -> None:
    client = Client()
    page1 = start(client, su)
    assert 'name="q-q_why"' not in client.get(page1).content.decode()
    r = client.post(page1, {"q-q_overall": "2", "q-q_channel": "web"})
    assert r.status_code == 302 and r["Location"].endswith("/1/?followup=1")  # shown on the same page
    html = client.get(r["Location"]).content.decode()
    assert 'name="q-q_why"' in html and "oppfølgingsspørsmål" in html
    r = client.post(page1, {"q-q_overall": "2", "q-q_channel": "web", "q-q_why": "Lengre åpningstid"})
    assert r["Location"].endswith("/2/")


def test_double_click_on_start_creates_one_response(su: SurveyUnit) -> None:
    client = Client()
    key = start_key(client.get(f"/a/{su.link_key}/").content.decode())
    first = client.post(f"/a/{su.link_key}/start/", {"idempotency_key": key})
    second = client.post(f"/a/{su.link_key}/start/", {"idempotency_key": key})
    assert first["Location"] == second["Location"]
    assert Response.objects.filter(survey=su.survey).count() == 1


def test_resent_final_page_does_not_duplicate(su: SurveyUnit) -> None:
    client = Client()
    url = start(client, su)
    client.post(url, {"q-q_overall": "5", "q-q_channel": "web"})
    page2 = url.replace("/1/", "/2/")
    client.post(page2, {})
    page3 = url.replace("/1/", "/3/")
    first = client.post(page3, {})
    again = client.post(page3, {})
    assert first["Location"].endswith("/done/") and again["Location"].endswith("/done/")
    assert Response.objects.filter(survey=su.survey, complete=True).count() == 1
    assert Answer.objects.filter(response__survey=su.survey, question__key="q_overall").count() == 1


def test_arabic_is_right_to_left_with_arabic_texts(su: SurveyUnit) -> None:
    client = Client()
    landing = client.get(f"/a/{su.link_key}/?lang=ar").content.decode()
    # Read as Norwegian, not as Arabic, and left to right: "Avd. 2 (Sentrum)" keeps its order.
    assert '<strong lang="nb" dir="ltr">Solsikken barnehage</strong>' in landing
    url = start(client, su, lang="ar")
    html = client.get(url).content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    assert "ما مدى رضاك بشكل عام؟" in html and "التالي" in html
    # the background page offers the standard categories in Arabic too, not "Female", "Male", "Other"
    about_you = client.get(url.replace("/1/", "/3/")).content.decode()
    for arabic in ("أنثى", "ذكر", "آخر", "أفضل عدم الإجابة"):
        assert f">{arabic}<" in about_you
    assert ">Female<" not in about_you


def test_closed_survey_says_so_politely(su: SurveyUnit, demo: DemoData) -> None:
    services.survey_set_status(actor=demo.users["analytiker"], survey=su.survey, status=SurveyStatus.CLOSED)
    html = Client().get(f"/a/{su.link_key}/").content.decode()
    assert "Denne undersøkelsen er stengt" in html


def test_draft_survey_and_unknown_links_are_404(su: SurveyUnit, demo: DemoData) -> None:
    assert Client().get("/a/doesnotexist/").status_code == 404
    assert Client().get("/a/r/" + "0" * 40 + "/1/").status_code == 404
    services.survey_set_status(actor=demo.users["analytiker"], survey=su.survey, status=SurveyStatus.DRAFT)
    assert Client().get(f"/a/{su.link_key}/").status_code == 404


def test_single_use_code_opens_exactly_one_response(su: SurveyUnit, client_as: Any) -> None:
    """And the codes' page never says which codes were used (red team, 2026-12-07, third
    session): it marked each started code "(used)", so a leader who wrote each parent's name
    beside a code saw who had answered, and, reading it again, when."""
    AccessCode.objects.create(municipality=su.municipality, survey_unit=su, code="ABCD2345")
    AccessCode.objects.create(municipality=su.municipality, survey_unit=su, code="EFGH6789")
    codes_page = f"/surveys/{su.survey_id}/units/{su.pk}/codes/1/"

    def codes() -> str:
        page = client_as("analytiker").get(codes_page).content.decode()
        return page[page.index('<ul class="mv-codes">') :].split("</ul>")[0]

    before = codes()
    assert "ABCD2345" in before and "EFGH6789" in before
    # The unit's page links to the batch once, not once per code (walk2: 50 links "Pulje 1").
    distribute = client_as("analytiker").get(f"/surveys/{su.survey_id}/units/{su.pk}/").content.decode()
    assert distribute.count(f'href="{codes_page}"') == 1
    client = Client()
    bad = client.post("/a/code/", {"code": "nope"})
    assert "Vi finner ikke denne koden" in bad.content.decode()
    first = client.post("/a/code/", {"code": "abcd 2345"})
    second = Client().post("/a/code/", {"code": "ABCD2345"})
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Response.objects.filter(survey=su.survey).count() == 1
    assert AccessCode.objects.get(code="ABCD2345").used_on is not None
    assert codes() == before


def test_kiosk_returns_to_start_and_keeps_no_resume_link(su: SurveyUnit) -> None:
    client = Client()
    key = start_key(client.get(f"/a/{su.link_key}/kiosk/").content.decode())
    url = client.post(f"/a/{su.link_key}/start/", {"idempotency_key": key, "kiosk": "1"})["Location"]
    assert "mv-resume" not in client.get(url).content.decode()
    client.post(url, {"q-q_overall": "4", "q-q_channel": "friends"})
    client.post(url.replace("/1/", "/2/"), {})
    done_url = client.post(url.replace("/1/", "/3/"), {})["Location"]
    html = client.get(done_url).content.decode()
    assert f'content="15;url=/a/{su.link_key}/kiosk/"' in html
    assert "lukke denne siden" not in html  # the kiosk's page is not closed: the next person starts
    assert not client.cookies


@pytest.mark.parametrize(
    "field,value", [("q-q_overall", "9"), ("q-q_overall", "<script>"), ("q-q_channel", "x" * 5000)]
)
def test_hostile_values_are_rejected_not_stored(su: SurveyUnit, field: str, value: Any) -> None:
    client = Client()
    url = start(client, su)
    r = client.post(url, {field: value, "q-q_channel": "web"} if field != "q-q_channel" else {field: value})
    assert r.status_code == 400
    assert "<script>" not in r.content.decode().replace("&lt;script&gt;", "")
    assert not Answer.objects.filter(response__survey=su.survey, question__key=field[2:]).exists()


def test_dates_limit_answering_and_are_validated(su: SurveyUnit, demo: DemoData) -> None:
    import datetime as dt

    from medvirk.core.errors import ServiceError

    today = dt.date.today()
    services.survey_set_dates(
        actor=demo.users["analytiker"],
        survey=su.survey,
        opens_on=today + dt.timedelta(days=3),
        closes_on=None,
    )
    html = Client().get(f"/a/{su.link_key}/").content.decode()
    assert "Undersøkelsen åpner" in html
    services.survey_set_dates(
        actor=demo.users["analytiker"],
        survey=su.survey,
        opens_on=None,
        closes_on=today - dt.timedelta(days=1),
    )
    assert "Denne undersøkelsen er stengt" in Client().get(f"/a/{su.link_key}/").content.decode()
    with pytest.raises(ServiceError) as err:
        services.survey_set_dates(
            actor=demo.users["analytiker"],
            survey=su.survey,
            opens_on=today,
            closes_on=today - dt.timedelta(days=1),
        )
    assert err.value.code == "dates_invalid"
