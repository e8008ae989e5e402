"""The survey builder's operations (pure) and its one service (stored through the JSON path)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from medvirk.accounts.demo import DemoData
from medvirk.core.audit import AuditEvent
from medvirk.core.errors import ServiceError
from medvirk.surveys import services
from medvirk.surveys.design import builder
from medvirk.surveys.design.bank import load_template
from medvirk.surveys.design.builder_services import survey_build
from medvirk.surveys.design.parser import parse_definition
from medvirk.surveys.models import Answer, Survey, SurveyQuestion
from tests.sample_survey import sample_definition
from tests.survey_rounds import draft_survey, submit


@pytest.fixture(autouse=True)
def _in_bokmal() -> Iterator[None]:
    """Refusals are read in bokmål, whichever language an earlier test's request left active."""
    with translation.override("nb"):
        yield


def keys(document: dict[str, Any], *, hidden: bool = True) -> list[str]:
    return [q["key"] for s in document["sections"] for q in s["questions"] if hidden or not q.get("hidden")]


# --- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "taken", "key"),
    [
        ("Har barnet ditt særskilte behov?", [], "har_barnet_ditt_saerskilte_behov"),
        ("Ærlig talt: på Åsen og Øvre?", [], "aerlig_talt_paa_aasen_og_ovre"),
        ("Café crème", [], "cafe_creme"),
        ("هل طفلك بحاجة؟", [], "q1"),
        ("هل طفلك بحاجة؟", ["q1", "q2"], "q3"),
        ("Hvor fornøyd?", ["hvor_fornoyd"], "hvor_fornoyd_2"),
        ("Hvor fornøyd?", ["hvor_fornoyd", "hvor_fornoyd_2"], "hvor_fornoyd_3"),
        ("2 barn", [], "barn"),
        ("local stuff", [], "q_local_stuff"),
    ],
)
def test_new_keys_are_ascii_slugs_unique_in_the_survey(text: str, taken: list[str], key: str) -> None:
    assert builder.new_key(text, taken) == key


def test_long_text_gives_a_key_cut_at_a_word() -> None:
    key = builder.new_key("Hvor fornøyd er du med maten som serveres i barnehagen hver eneste dag?", [])
    assert len(key) <= builder.MAX_KEY
    assert key == "hvor_fornoyd_er_du_med_maten_som"


# --- operations -------------------------------------------------------------------------------


def test_add_single_choice_with_follow_up_on_one_answer() -> None:
    doc = sample_definition()
    doc, key = builder.add_question(
        doc, section="s_main", qtype="single", text="Har barnet ditt særskilte behov?", lang="nb",
        options=["Ja", "Nei"], after="q_overall",
    )  # fmt: skip
    assert key == "har_barnet_ditt_saerskilte_behov"
    assert keys(doc)[:2] == ["q_overall", key]
    question = parse_definition(doc).question(key)
    assert [(o.key, o.label["nb"]) for o in question.options] == [("ja", "Ja"), ("nei", "Nei")]
    doc, follow = builder.add_question(
        doc, section="s_main", qtype="textarea", text="Hvilke behov?", lang="nb", after=key
    )
    doc = builder.set_condition(doc, follow, {"question": key, "op": "equals", "value": "ja"})
    definition = builder.check(doc)
    assert definition.question(follow).condition.value == "ja"


def test_bank_question_keeps_its_bank_key_and_is_not_added_twice() -> None:
    template = load_template("kindergarten_parents")
    bank_key = next(q.key for q in template.questions(include_rows=False) if q.type == "rating")
    doc, key = builder.add_bank_question(
        sample_definition(), template=template, key=bank_key, section="s_main"
    )
    assert key == bank_key and bank_key in keys(doc)
    builder.check(doc)
    with pytest.raises(ServiceError, match="har allerede dette spørsmålet"):
        builder.add_bank_question(doc, template=template, key=bank_key, section="s_main")
    hidden = builder.remove_question(doc, bank_key)
    again, _key = builder.add_bank_question(hidden, template=template, key=bank_key, section="s_main")
    assert keys(again, hidden=False).count(bank_key) == 1


def test_edit_keeps_keys_and_hides_left_out_options() -> None:
    doc = builder.edit_question(
        sample_definition(),
        "q_channel",
        lang="nb",
        text="Hvor hørte du om oss?",
        options=[("web", "Nettsiden vår"), (None, "Avisen")],
    )
    q = parse_definition(doc).question("q_channel")
    assert q.text["nb"] == "Hvor hørte du om oss?" and q.text["en"] == "How did you hear about it?"
    assert [(o.key, o.label["nb"], o.hidden) for o in q.options] == [
        ("web", "Nettsiden vår", False),
        ("avisen", "Avisen", False),
        ("friends", "Venner", True),
    ]


def test_reorder_moves_past_visible_questions_and_across_pages() -> None:
    doc = sample_definition()
    first = doc["sections"][0]["questions"][0]["key"]
    second = doc["sections"][0]["questions"][1]["key"]
    moved = builder.move_question(doc, "q_channel", builder.UP)
    assert keys(moved).index("q_channel") == keys(doc).index("q_channel") - 1
    with pytest.raises(ServiceError, match="først eller sist"):
        builder.move_question(doc, first, builder.UP)
    last_of_first_page = doc["sections"][0]["questions"][-1]["key"]
    across = builder.move_question(doc, last_of_first_page, builder.DOWN)
    assert across["sections"][1]["questions"][0]["key"] == last_of_first_page
    assert second  # the sample's second question depends on the first:
    with pytest.raises(ServiceError, match="som kommer etter"):
        builder.move_question(doc, "q_why", builder.UP)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"question": "q_channel", "op": "equals", "value": "radio"}, "svar som .* ikke har"),
        ({"question": "q_overall", "op": "range", "min": 7}, "ikke kan ha"),
        ({"question": "q_overall", "op": "range", "min": 4, "max": 2}, "laveste verdi over høyeste"),
        ({"question": "q_channel", "op": "range", "min": 1}, "ingen tall å sammenligne"),
        ({"question": "q_m_staff", "op": "equals", "value": 1}, "som kommer etter"),  # circular
        ({"question": "q_used", "op": "equals", "value": "a"}, "sitt eget svar"),
        (
            {
                "all": [
                    {"question": "q_overall", "op": "equals", "value": 1},
                    {"question": "q_overall", "op": "equals", "value": 2},
                ]
            },
            "to ulike svar",
        ),
    ],
)
def test_impossible_or_circular_logic_is_refused_in_words(condition: dict[str, Any], message: str) -> None:
    with pytest.raises(ServiceError, match=message) as refused:
        builder.set_condition(sample_definition(), "q_used", condition)
    assert refused.value.code == "builder_refused"


@pytest.mark.parametrize(("qtype", "impossible"), [("single", True), ("multiple", False), ("ranking", False)])
def test_two_different_answers_at_once_are_impossible_only_where_an_answer_holds_one_option(
    qtype: str, impossible: bool
) -> None:
    """A multiple choice or a ranking holds several options: "a and b" can hold (engine.condition_holds)."""
    options = [{"key": k, "label": {"nb": k.upper()}} for k in "ab"]
    both = {"all": [{"question": "q", "op": "equals", "value": k} for k in "ab"]}
    document = {
        "sections": [
            {
                "key": "s",
                "questions": [
                    {"key": "q", "type": qtype, "text": {"nb": "Hva?"}, "options": options},
                    {"key": "why", "type": "text", "text": {"nb": "Hvorfor?"}, "condition": both},
                ],
            }
        ]
    }
    problems = builder.logic_problems(document)
    assert any("to ulike svar" in p for p in problems) is impossible


def test_removing_a_question_others_depend_on_is_refused() -> None:
    with pytest.raises(ServiceError, match="vises avhengig av dette spørsmålet"):
        builder.remove_question(sample_definition(), "q_overall")
    doc = builder.remove_question(sample_definition(), "q_channel")
    assert "q_channel" in keys(doc) and "q_channel" not in keys(doc, hidden=False)


def test_duplicate_gets_a_new_key() -> None:
    doc, key = builder.duplicate_question(sample_definition(), "q_channel")
    assert key == "hvordan_fikk_du_vite_om_tilbudet"
    assert keys(doc).index(key) == keys(doc).index("q_channel") + 1
    builder.check(doc)


def test_texts_by_place_for_translation() -> None:
    doc = builder.set_texts(sample_definition(), "en", {"q_channel.text": "Where did you hear?", "nope": "x"})
    assert parse_definition(doc).question("q_channel").text["en"] == "Where did you hear?"
    places = dict(builder.text_places(doc))
    assert places["q_channel.web"]["en"] == "The website"


# --- the service ------------------------------------------------------------------------------


@pytest.fixture
def survey(demo: DemoData) -> Survey:
    return draft_survey(
        demo,
        "Solsikken barnehage",
        document=sample_definition(languages=("nb", "en", "pl")),
        round_label="builder",
    )


def test_service_checks_its_actor(survey: Survey, demo: DemoData) -> None:
    with pytest.raises(ServiceError) as refused:
        survey_build(
            actor=demo.users["leder.solsikken"], survey=survey, operation=builder.RemoveQuestion("q_name")
        )
    assert refused.value.status == 403


def test_builder_refuses_a_type_change_of_answered_questions_like_the_json_path(
    survey: Survey, demo: DemoData
) -> None:
    services.survey_set_status(actor=demo.users["analytiker"], survey=survey, status="open")
    su = survey.survey_units.get()
    submit(su, {"q_overall": 5, "q_channel": "web"}, "b1")
    actor = demo.users["analytiker"]
    survey, _key = survey_build(
        actor=actor,
        survey=survey,
        operation=builder.EditQuestion("q_channel", "nb", text="Hvor hørte du om oss?"),
    )
    row = SurveyQuestion.objects.get(survey=survey, key="q_channel")
    assert row.reworded_on is not None
    event = AuditEvent.objects.filter(action="survey.question_reworded").get()
    assert event.data["question"] == "q_channel" and event.data["languages"] == ["nb"]
    # Translating (a new language) and rewording an unanswered question log nothing.
    survey, _key = survey_build(
        actor=actor,
        survey=survey,
        operation=builder.SetTexts("pl", {"q_channel.text": "Skąd się dowiedziałeś?"}),
    )
    survey, _key = survey_build(
        actor=actor, survey=survey, operation=builder.EditQuestion("q_name", "nb", text="Navnet ditt")
    )
    assert [e.data["question"] for e in AuditEvent.objects.filter(action="survey.question_reworded")] == [
        "q_channel"
    ]
    # Hiding an answered question by new logic keeps its answers.
    survey, _key = survey_build(
        actor=actor,
        survey=survey,
        operation=builder.SetCondition("q_channel", {"question": "q_overall", "op": "range", "max": 2}),
    )
    assert Answer.objects.filter(question__key="q_channel").count() == 1
    document = dict(survey.definition)
    for section in document["sections"]:
        for q in section["questions"]:
            if q["key"] == "q_channel":
                q["type"] = "multiple"
    with pytest.raises(ServiceError) as refused:
        services.survey_update_definition(actor=actor, survey=survey, document=document)
    assert refused.value.code == "type_change"


def test_other_please_specify_is_added_relabelled_and_removed_without_losing_anything() -> None:
    doc = builder.edit_question(sample_definition(), "q_channel", lang="nb", other="Noe annet")
    definition = builder.check(doc)
    option = definition.question("q_channel").other_option()
    assert option is not None and (option.key, option.label["nb"]) == ("other", "Noe annet")
    assert definition.question("q_channel_other").specifies == "q_channel"
    assert "q_channel_other" in builder.all_keys(doc)  # a new question can never take its key
    # Editing the other options leaves it alone; it stays last.
    edited = builder.edit_question(doc, "q_channel", lang="en", options=[("web", "Web"), (None, "Radio")])
    assert [o["key"] for o in edited["sections"][0]["questions"][2]["options"]] == [
        "web",
        "radio",
        "friends",
        "other",
    ]
    assert builder.check(edited).question("q_channel").other_option() == option
    removed = builder.edit_question(edited, "q_channel", lang="nb", other="")
    gone = builder.check(removed)
    assert gone.question("q_channel_other").hidden  # hidden, its answers kept
    back = builder.check(builder.edit_question(removed, "q_channel", lang="nb", other="Annet"))
    assert not back.question("q_channel_other").hidden
    assert [o.key for o in back.question("q_channel").options].count("other") == 1
    with pytest.raises(ServiceError, match="Bare spørsmål med ett eller flere valg"):
        builder.edit_question(sample_definition(), "q_overall", lang="nb", other="Annet")


def test_a_plain_option_keyed_other_becomes_the_one_with_a_text() -> None:
    document = sample_definition()
    document["sections"][0]["questions"][2]["options"].insert(0, {"key": "other", "label": {"nb": "Annet"}})
    doc = builder.edit_question(document, "q_channel", lang="nb", other="Annet")
    options = doc["sections"][0]["questions"][2]["options"]
    assert [(o["key"], o.get("other", False)) for o in options] == [
        ("friends", False),
        ("web", False),
        ("other", True),
    ]


def test_matrix_statements_are_edited_added_and_removed_keeping_their_keys() -> None:
    doc = builder.edit_question(
        sample_definition(),
        "q_matrix",
        lang="nb",
        rows=[("q_m_rooms", "rommene"), (None, "maten"), (None, "de ansatte")],
    )
    rows = doc["sections"][0]["questions"][4]["rows"]
    assert [(r["key"], r["text"]["nb"], bool(r.get("hidden"))) for r in rows] == [
        ("q_m_rooms", "rommene", False),
        ("maten", "maten", False),
        ("de_ansatte", "de ansatte", False),  # a new key, though the old statement had this text
        ("q_m_staff", "de ansatte", True),  # left out: hidden with its answers
    ]
    assert rows[0]["text"]["en"] == "the rooms"
    definition = builder.check(doc)
    assert [r.key for r in definition.question("q_matrix").rows if not r.hidden] == [
        "q_m_rooms",
        "maten",
        "de_ansatte",
    ]
    with pytest.raises(ServiceError, match="minst én påstand"):
        builder.edit_question(sample_definition(), "q_matrix", lang="nb", rows=[])
    with pytest.raises(ServiceError, match="har ingen påstander"):
        builder.edit_question(sample_definition(), "q_overall", lang="nb", rows=[(None, "x")])


def test_move_before_puts_a_question_just_before_another_on_its_page() -> None:
    doc = builder.move_before(sample_definition(), "q_used", "q_overall")
    assert keys(doc)[:3] == ["q_used", "q_overall", "q_why"]
    across = builder.move_before(sample_definition(), "q_nps", "q_channel")  # to another page
    assert keys(across)[:4] == ["q_overall", "q_why", "q_nps", "q_channel"]
    builder.check(across)
    with pytest.raises(ServiceError):  # q_why's rule reads q_overall, which would come after it
        builder.move_before(sample_definition(), "q_why", "q_overall")
    with pytest.raises(ServiceError, match="finnes ikke"):
        builder.move_before(sample_definition(), "q_why", "q_gone")


def test_one_part_of_an_and_or_rule_is_replaced_or_removed() -> None:
    doc = sample_definition()
    both: dict[str, Any] = {
        "any": [
            {"question": "q_overall", "op": "range", "max": 2},
            {"question": "q_channel", "op": "equals", "value": "friends"},
        ]
    }
    doc = builder.set_condition(doc, "q_used", both)
    parts = builder.condition_parts(both, doc, "nb")
    assert len(parts) == 2 and "Venner" in parts[1]
    replaced = builder.build_condition(doc, "q_used", source="q_channel", values=["web"], part=1)
    assert replaced == {"any": [both["any"][0], {"question": "q_channel", "op": "equals", "value": "web"}]}
    assert builder.without_part(both, 0) == both["any"][1]  # one part left: that part alone
    three = {"all": [*both["any"], {"question": "q_overall", "op": "range", "min": 1}]}
    assert builder.without_part(three, 1) == {"all": [three["all"][0], three["all"][2]]}
    with pytest.raises(ServiceError, match="Regelen har ingen slik del"):
        builder.without_part(both, 2)
    assert builder.condition_parts(both["any"][0], doc, "nb") == []  # a single rule has no parts
