"""The survey builder's pages (issue 17): reorder and logic with buttons and drop-downs, no
JavaScript; preview; check before opening; no internal key or language code on the pages."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings

from medvirk.accounts.demo import DemoData
from medvirk.orgs.models import ServiceArea
from medvirk.surveys import services
from medvirk.surveys.design import builder
from medvirk.surveys.models import Survey
from tests.sample_survey import sample_definition
from tests.survey_rounds import draft_survey


@pytest.fixture
def survey(demo: DemoData) -> Survey:
    return draft_survey(
        demo,
        "Solsikken barnehage",
        document=sample_definition(languages=("nb", "en", "ar")),
        actor="admin",
        owner="Bydel Nord",
    )


def order(survey: Survey) -> list[str]:
    survey.refresh_from_db()
    return [q["key"] for s in survey.definition["sections"] for q in s["questions"] if not q.get("hidden")]


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (no tags, attributes, scripts or styles)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_reorder_and_logic_work_without_javascript(client_as: Any, survey: Survey) -> None:
    client = client_as("admin")
    base = f"/surveys/{survey.pk}/build/"
    before = order(survey)
    moved = client.post(base, {"action": "down", "key": "q_channel"})
    assert moved.status_code == 302 and moved["Location"].endswith("#q-q_channel")
    after = order(survey)
    i = before.index("q_channel")
    assert after[i + 1] == "q_channel" and after[i] == before[i + 1]

    # A new single choice, then a follow-up shown only on one of its answers.
    added = client.post(
        base,
        {"action": "add", "type": "single", "text": "Har barnet særskilte behov?", "options": "Ja\nNei",
         "section": "s_main"},
    )  # fmt: skip
    assert added["Location"] == f"{base}har_barnet_saerskilte_behov/"
    client.post(base, {"action": "add", "type": "textarea", "text": "Hvilke behov?", "section": "s_main"})
    page = client.get(f"{base}hvilke_behov/?source=har_barnet_saerskilte_behov").content.decode()
    assert 'name="values" value="ja"' in page and ">Ja</label>" in page
    saved = client.post(
        f"{base}hvilke_behov/", {"action": "logic", "source": "har_barnet_saerskilte_behov", "values": ["ja"]}
    )
    assert saved.status_code == 302
    survey.refresh_from_db()
    follow = next(
        q for s in survey.definition["sections"] for q in s["questions"] if q["key"] == "hvilke_behov"
    )
    assert follow["condition"] == {"question": "har_barnet_saerskilte_behov", "op": "equals", "value": "ja"}
    overview = client.get(base).content.decode()
    assert "Vises når «Har barnet særskilte behov?» er «Ja»" in overview

    # A rule on a later question is refused in words; the stored survey is unchanged.
    refused = client.post(
        f"{base}q_overall/", {"action": "logic", "source": "hvilke_behov", "values": ["x"]}, follow=True
    )
    assert "spørsmål som kommer før" in refused.content.decode()


def test_edit_wording_and_options_keeps_keys(client_as: Any, survey: Survey) -> None:
    client = client_as("admin")
    url = f"/surveys/{survey.pk}/build/q_channel/"
    page = client.get(url).content.decode()
    assert 'name="option-web"' in page
    client.post(
        url,
        {"action": "save", "text": "Hvor hørte du om oss?", "help": "", "required": "on",
         "option-web": "Nettsiden vår", "option-friends": "", "new-1": "Avisen"},
    )  # fmt: skip
    survey.refresh_from_db()
    q = next(q for s in survey.definition["sections"] for q in s["questions"] if q["key"] == "q_channel")
    assert q["text"]["nb"] == "Hvor hørte du om oss?" and q["text"]["en"] == "How did you hear about it?"
    assert [(o["key"], o["label"]["nb"], bool(o.get("hidden"))) for o in q["options"]] == [
        ("web", "Nettsiden vår", False),
        ("avisen", "Avisen", False),
        ("friends", "Venner", True),
    ]


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_builder_pages_show_no_internal_keys_or_language_codes(
    client_as: Any, survey: Survey, language: str
) -> None:
    client = client_as("admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    keys = [*order(survey), "s_main", "trivsel"]
    pages = ("build/", "build/q_channel/?source=q_overall", "build/q_why/", "check/", "translate/en/")
    for path in pages:
        response = client.get(f"/surveys/{survey.pk}/{path}")
        assert response.status_code == 200, path
        text = visible_text(response.content.decode())
        for key in keys:
            assert key not in text, (path, key)
        assert not re.search(r"\b(ar|nb|nn)\b", text), path


def test_preview_shows_a_page_in_each_language_without_storing(client_as: Any, survey: Survey) -> None:
    client = client_as("admin")
    html = client.get(f"/surveys/{survey.pk}/preview/?lang=ar&page=1").content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    assert "ما مدى رضاك بشكل عام؟" in html
    assert "Vises når «Hvor fornøyd er du alt i alt?» er høyst 2" in html  # the follow-up's rule
    narrow = client.get(f"/surveys/{survey.pk}/preview/?lang=nb&page=2&narrow=1").content.decode()
    assert "mv-preview--narrow" in narrow
    assert not survey.responses.exists()


def test_check_lists_what_is_missing_publishes_a_language_and_opens(
    client_as: Any, survey: Survey, demo: DemoData
) -> None:
    admin = demo.users["admin"]
    services.survey_build(
        actor=admin, survey=survey, operation=builder.SetTexts("ar", {"q_channel.text": ""})
    )
    client = client_as("admin")
    url = f"/surveys/{survey.pk}/check/"
    page = client.get(url).content.decode()
    assert "Velg første og siste dag det er mulig å svare." in page
    assert "Arabisk: 1 tekst mangler" in page
    assert 'value="open"' not in page  # no dates: the survey cannot open from here
    client.post(url, {"action": "publish", "language": "ar"})
    survey.refresh_from_db()
    assert survey.fallback_languages == ["ar"]
    assert "vises på bokmål, merket slik" in client.get(url).content.decode()
    refused = client.post(url, {"action": "open"}, follow=True).content.decode()
    assert "kan ikke åpnes ennå" in refused
    services.survey_set_dates(
        actor=admin, survey=survey, opens_on=date.today(), closes_on=date.today() + timedelta(days=14)
    )
    opened = client.post(url, {"action": "open"})
    assert opened["Location"] == f"/surveys/{survey.pk}/"
    survey.refresh_from_db()
    assert survey.status == "open"


def test_api_applies_operations_and_refuses_in_words(client_as: Any, survey: Survey) -> None:
    client = client_as("admin")
    url = f"/api/v1/surveys/{survey.pk}/builder"
    added = client.post(
        url,
        {"op": "add_question", "type": "single", "text": "Har barnet særskilte behov?", "lang": "nb",
         "section": "s_main", "options": ["Ja", "Nei"]},
        content_type="application/json",
    )  # fmt: skip
    assert added.status_code == 200 and added.json()["key"] == "har_barnet_saerskilte_behov"
    follow = client.post(
        url,
        {"op": "add_follow_up", "source": "har_barnet_saerskilte_behov", "values": ["ja"], "text": "Hvilke?",
         "lang": "nb"},
        content_type="application/json",
    )  # fmt: skip
    assert follow.status_code == 200 and follow.json()["key"] == "hvilke"
    rule = {"question": "q_nps", "op": "range", "min": 9}  # q_nps comes after q_overall
    refused = client.post(
        url, {"op": "set_condition", "key": "q_overall", "condition": rule}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "builder_refused"
    places = {row["place"]: row["text"] for row in client.get(f"{url}/texts").json()}
    assert places["har_barnet_saerskilte_behov.text"] == {"nb": "Har barnet særskilte behov?"}
    check = client.get(f"{url}/check").json()
    assert not check["ready"] and check["items"][0]["code"] == "dates_missing"


def test_new_round_in_one_form_with_shortcuts_search_and_dates(client_as: Any, demo: DemoData) -> None:
    """Create a round for two kindergartens: untick all, search, tick two; dates suggested."""
    client = client_as("admin")
    page = client.get("/surveys/new/?template=kindergarten_parents").content.decode()
    assert "Alle barnehager" in page and "Alle i Bydel Nord" in page
    suggested = re.search(r'name="closes_on" value="([0-9-]+)"', page)
    assert suggested and suggested.group(1) == str(date.today() + timedelta(weeks=4))
    form = {
        "template": "kindergarten_parents", "round_label": "2027", "owner_unit": str(demo.units[""].pk),
        "languages": ["nb", "en"], "opens_on": str(date.today()), "closes_on": suggested.group(1),
    }  # fmt: skip
    cleared = client.post("/surveys/new/", {**form, "pick": "none"}).content.decode()
    assert "0 enheter er valgt" in cleared and 'name="round_label" value="2027"' in cleared
    nord = client.post(
        "/surveys/new/", {**form, "pick": f"under:{demo.units['Bydel Nord'].pk}"}
    ).content.decode()
    ticked = set(re.findall(r'value="(\d+)" id="unit-\d+" checked', nord))
    names = [
        "Solsikken barnehage",
        "Nordlys barnehage",
        "Nordby skole",
        "Hjemmetjenesten Nord",
        "Nord fritidsklubb",
    ]
    assert ticked == {str(demo.units[name].pk) for name in names}
    found = client.post("/surveys/new/", {**form, "pick": "search", "search": "sol"}).content.decode()
    assert ">Solsikken barnehage</label>" in found and ">Nordlys barnehage</label>" not in found
    # The question set changed after its units were suggested (home care's, untouched): no kindergarten
    # survey goes to home care; the kindergartens are suggested instead, and the page says why.
    home_care = [
        u.pk for u in demo.units.values() if u.kind == "unit" and u.service_area == ServiceArea.HOME_CARE
    ]
    kindergartens = {
        str(u.pk)
        for u in demo.units.values()
        if u.kind == "unit" and u.service_area == ServiceArea.KINDERGARTEN
    }
    assert home_care and kindergartens
    changed = client.post(
        "/surveys/new/", {**form, "units": home_care, "suggested_for": "home_care", "create": "1"}
    ).content.decode()
    assert not Survey.objects.filter(round_label="2027").exists()
    assert set(re.findall(r'value="(\d+)" id="unit-\d+" checked', changed)) == kindergartens
    assert "så enhetene er nå foreslått for dette spørsmålssettet" in visible_text(changed)
    assert 'name="suggested_for" value="kindergarten_parents"' in page  # what the form posts
    two = [demo.units["Solsikken barnehage"].pk, demo.units["Nordlys barnehage"].pk]
    created = client.post("/surveys/new/", {**form, "units": two, "create": "1"})
    survey = Survey.objects.get(round_label="2027")
    assert created["Location"] == f"/surveys/{survey.pk}/build/"
    assert sorted(survey.survey_units.values_list("unit_id", flat=True)) == sorted(two)
    assert survey.opens_on == date.today() and survey.definition["languages"] == ["nb", "en"]


def test_follow_up_in_one_step(client_as: Any, survey: Survey) -> None:
    client = client_as("admin")
    url = f"/surveys/{survey.pk}/build/q_channel/"
    added = client.post(
        url, {"action": "follow_up", "values": ["web"], "type": "textarea", "text": "Hvilken side?"}
    )
    assert added["Location"].endswith("#q-hvilken_side")
    keys = order(survey)
    assert keys[keys.index("q_channel") + 1] == "hvilken_side"
    follow = next(
        q for s in survey.definition["sections"] for q in s["questions"] if q["key"] == "hvilken_side"
    )
    assert follow["condition"] == {"question": "q_channel", "op": "equals", "value": "web"}


def test_other_please_specify_is_offered_on_the_question_page(client_as: Any, survey: Survey) -> None:
    client = client_as("admin")
    url = f"/surveys/{survey.pk}/build/q_channel/"
    page = client.get(url).content.decode()
    assert 'name="other_on"' in page and 'value="Annet"' in page  # the usual label, in the survey's language
    assert 'name="other"' not in client.get(f"/surveys/{survey.pk}/build/q_overall/").content.decode()
    form = {"action": "save", "text": "Hvordan fikk du vite om tilbudet?", "option-web": "Nettsiden",
            "option-friends": "Venner"}  # fmt: skip
    client.post(url, {**form, "other_on": "on", "other": "Noe annet"})
    survey.refresh_from_db()
    q = survey.definition["sections"][0]["questions"][2]
    assert q["options"][-1] == {"key": "other", "label": {"nb": "Noe annet"}, "other": True}
    page = client.get(url).content.decode()
    assert 'name="option-other"' not in page  # not among the plain options
    assert 'value="Noe annet"' in page and 'name="other_on" aria-describedby="q-other-help" checked' in page
    client.post(url, {**form, "other": "Noe annet"})  # unticked: removed, kept hidden
    survey.refresh_from_db()
    assert survey.definition["sections"][0]["questions"][2]["options"][-1]["hidden"] is True


def test_other_please_specify_is_offered_when_a_question_is_added(client_as: Any, survey: Survey) -> None:
    client = client_as("admin")
    base = f"/surveys/{survey.pk}/build/"
    page = client.get(base).content.decode()
    assert 'id="add-other-on" name="other_on"' in page and 'id="add-other" name="other" value="Annet"' in page
    add = {"action": "add", "type": "single", "text": "Hvem følger barnet?", "options": "Mor\nFar",
           "section": "s_main"}  # fmt: skip
    client.post(base, {**add, "other_on": "on", "other": ""})  # the usual label when left empty
    survey.refresh_from_db()
    q = survey.definition["sections"][0]["questions"][-1]
    assert [o["label"] for o in q["options"]] == [{"nb": "Mor"}, {"nb": "Far"}, {"nb": "Annet"}]
    assert q["options"][-1] == {"key": "other", "label": {"nb": "Annet"}, "other": True}
    client.post(base, {**add, "text": "Hvem henter barnet?"})  # not ticked: no "other"
    survey.refresh_from_db()
    assert not any(o.get("other") for o in survey.definition["sections"][0]["questions"][-1]["options"])
    refused = client.post(
        base, {**add, "type": "textarea", "text": "Hva mer?", "other_on": "on", "other": "Annet"}, follow=True
    )
    assert "Bare valgspørsmål kan ha «Annet» med tekstfelt." in refused.content.decode()


def test_rename_a_page_and_change_a_scale_on_the_pages_and_through_the_api(
    client_as: Any, survey: Survey
) -> None:
    client = client_as("admin")
    base = f"/surveys/{survey.pk}/build/"
    assert "Tittel og innledning" in client.get(base).content.decode()
    renamed = client.post(base, {"action": "rename_page", "key": "s_more", "title": "Litt mer om deg"})
    assert renamed.status_code == 302
    survey.refresh_from_db()
    assert survey.definition["sections"][1]["title"] == {
        "nb": "Litt mer om deg",
        "en": "More",
        "ar": "المزيد",
    }
    refused = client.post(base, {"action": "rename_page", "key": "s_more", "title": " "}, follow=True)
    assert "Gi siden en tittel." in refused.content.decode()
    # The page's introduction, shown above its questions in the builder and to respondents.
    intro = "Disse spørsmålene handler om deg, ikke om barnet."
    form = {"action": "rename_page", "key": "s_more", "title": "Litt mer om deg"}
    client.post(base, {**form, "description": intro})
    survey.refresh_from_db()
    assert survey.definition["sections"][1]["description"] == {"nb": intro}
    assert intro in client.get(base).content.decode()
    assert intro in client.get(f"/surveys/{survey.pk}/preview/?lang=nb&page=2").content.decode()
    client.post(base, {**form, "description": ""})  # emptied: no introduction
    survey.refresh_from_db()
    assert not survey.definition["sections"][1].get("description")
    url = f"{base}q_overall/"
    page = client.get(url).content.decode()
    assert 'name="scale_min"' in page and '<option value="6" selected>6</option>' in page
    form = {"action": "save", "text": "Hvor fornøyd er du alt i alt?", "required": "on", "dont_know": "on"}
    client.post(url, {**form, "scale_min": "0", "scale_max": "10"})
    survey.refresh_from_db()
    scale = survey.definition["sections"][0]["questions"][0]["scale"]
    assert (scale["min"], scale["max"], scale["dont_know"]) == (0, 10, True)
    wrong = client.post(url, {**form, "scale_min": "5", "scale_max": "3"}, follow=True)
    assert "En skala går fra et lavere til et høyere helt tall, fra 0 til 10." in wrong.content.decode()
    api = client.post(
        f"/api/v1/surveys/{survey.pk}/builder",
        {"op": "edit_section", "key": "s_bg", "lang": "en", "title": "About yourself"},
        content_type="application/json",
    )
    assert api.status_code == 200
    survey.refresh_from_db()
    assert survey.definition["sections"][2]["title"]["en"] == "About yourself"


def test_api_previews_a_page_and_publishes_a_language_with_its_fallback(
    client_as: Any, survey: Survey, demo: DemoData
) -> None:
    client = client_as("admin")
    url = f"/api/v1/surveys/{survey.pk}/builder"
    document = survey.definition
    document["sections"][0]["questions"][0]["text"].pop("ar")  # one text missing in Arabic
    services.survey_update_definition(actor=demo.users["admin"], survey=survey, document=document)
    page = client.get(f"{url}/preview?lang=ar&page=1").json()
    assert (page["language"], page["direction"], page["page"], page["pages"]) == ("ar", "rtl", 1, 3)
    first, why = page["questions"][0], page["questions"][1]
    assert first["text"] == {"text": "Hvor fornøyd er du alt i alt?", "language": "nb"}  # the fallback
    assert first["kind"] == "choices" and first["required"]
    assert why["text"] == {"text": "ما الذي يمكن تحسينه؟", "language": "ar"}
    assert why["shown_when"].startswith("Vises når")
    check = client.get(f"{url}/check").json()
    assert any(i["code"] == "texts_missing" and i["language"] == "ar" for i in check["items"])
    published = client.post(f"{url}/languages/ar", {"publish": True}, content_type="application/json")
    assert published.status_code == 200
    survey.refresh_from_db()
    assert survey.fallback_languages == ["ar"]
    refused = client.post(f"{url}/languages/pl", {"publish": True}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "language_invalid"


def test_matrix_statements_are_edited_on_the_question_page(client_as: Any, survey: Survey) -> None:
    client = client_as("admin")
    url = f"/surveys/{survey.pk}/build/q_matrix/"
    page = client.get(url).content.decode()
    assert 'name="row-q_m_staff" value="de ansatte"' in page
    client.post(
        url,
        {"action": "save", "text": "Hva mener du om", "dont_know": "on", "scale_min": "1", "scale_max": "6",
         "row-q_m_staff": "personalet", "row-q_m_rooms": "", "new-row-1": "maten"},
    )  # fmt: skip
    survey.refresh_from_db()
    rows = survey.definition["sections"][0]["questions"][4]["rows"]
    assert [(r["key"], r["text"]["nb"], bool(r.get("hidden"))) for r in rows] == [
        ("q_m_staff", "personalet", False),
        ("maten", "maten", False),
        ("q_m_rooms", "lokalene", True),
    ]


def test_a_drop_moves_a_question_before_another_without_javascript_too(
    client_as: Any, survey: Survey
) -> None:
    client = client_as("admin")
    base = f"/surveys/{survey.pk}/build/"
    page = client.get(base).content.decode()
    assert 'data-key="q_used"' in page and "medvirk/builder-drag.js" in page
    moved = client.post(base, {"action": "move_before", "key": "q_used", "before": "q_overall"})
    assert moved.status_code == 302 and moved["Location"].endswith("#q-q_used")
    assert order(survey)[:2] == ["q_used", "q_overall"]
    api = client.post(
        f"/api/v1/surveys/{survey.pk}/builder",
        {"op": "move_before", "key": "q_overall", "before": "q_used"},
        content_type="application/json",
    )
    assert api.status_code == 200 and order(survey)[:2] == ["q_overall", "q_used"]


def test_one_part_of_an_and_or_rule_is_edited_on_the_question_page(client_as: Any, survey: Survey) -> None:
    client = client_as("admin")
    url = f"/surveys/{survey.pk}/build/q_used/"
    client.post(url, {"action": "logic", "source": "q_overall", "values": ["1", "2"]})
    client.post(url, {"action": "logic", "source": "q_channel", "values": ["friends"], "combine": "any"})
    page = client.get(f"{url}?source=q_channel").content.decode()
    assert page.count('value="remove_part"') == 2 and "I stedet for del 2" in page
    client.post(url, {"action": "logic", "source": "q_channel", "values": ["web"], "combine": "1"})
    survey.refresh_from_db()
    rule = survey.definition["sections"][0]["questions"][3]["condition"]
    assert rule == {
        "any": [
            {"question": "q_overall", "op": "one_of", "values": [1, 2]},
            {"question": "q_channel", "op": "equals", "value": "web"},
        ]
    }
    client.post(url, {"action": "remove_part", "part": "0"})
    survey.refresh_from_db()
    assert survey.definition["sections"][0]["questions"][3]["condition"] == rule["any"][1]
