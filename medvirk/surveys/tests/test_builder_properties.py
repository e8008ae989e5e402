"""Property tests: the builder's operations at random, checked against the JSON path.

Each example runs a random sequence of operations through the builder's service on one round,
and the same documents through the JSON path's service on a twin round. The stored definitions
must be equal after every step; no key ever disappears; answers are never lost or moved; a
refused operation changes nothing.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from medvirk.accounts.demo import DemoData
from medvirk.core.errors import ServiceError
from medvirk.surveys import services
from medvirk.surveys.design import builder
from medvirk.surveys.design.builder_services import survey_build
from medvirk.surveys.models import Answer, Survey, SurveyQuestion
from tests.survey_rounds import open_survey, submit

COUNTER = itertools.count()
TEXTS = ["Har barnet ditt særskilte behov?", "Hvor fornøyd er du?", "هل أنت راضٍ؟", "Åpningstider", "Ja"]
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _visible(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for s in document["sections"] for q in s["questions"] if not q.get("hidden")]


def _hidden(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for s in document["sections"] for q in s["questions"] if q.get("hidden")]


@st.composite
def operation(draw: st.DrawFn, document: dict[str, Any]) -> builder.Operation:
    visible = _visible(document)
    key = draw(st.sampled_from([q["key"] for q in visible]))
    sections = [s["key"] for s in document["sections"]]
    kind = draw(
        st.sampled_from(
            [
                "add",
                "edit",
                "move",
                "remove",
                "restore",
                "logic",
                "copy",
                "texts",
                "page",
                "other",
                "rename",
                "rows",
            ]
        )
    )
    if kind == "add":
        qtype = draw(st.sampled_from(["single", "multiple", "ranking", "rating", "text", "number"]))
        return builder.AddQuestion(
            type=qtype,
            text=draw(st.sampled_from(TEXTS)),
            lang="nb",
            section=draw(st.sampled_from(sections)),
            options=tuple(draw(st.lists(st.sampled_from(TEXTS), min_size=1, max_size=3))),
            new_page=draw(st.sampled_from(["", "", "Ny side"])),
            other=draw(st.sampled_from(["", "", "Annet"])),  # refused off choice questions
        )
    if kind == "edit":
        return builder.EditQuestion(
            key, draw(st.sampled_from(["nb", "en"])), text=draw(st.sampled_from(TEXTS))
        )
    if kind == "other":  # "other, please specify": added, relabelled or removed (refused off choices)
        return builder.EditQuestion(key, "nb", other=draw(st.sampled_from(["Annet", "Noe annet", ""])))
    if kind == "rows":  # a matrix's statements (refused on other questions)
        rows = [("q_m_staff", draw(st.sampled_from(TEXTS))), (None, draw(st.sampled_from(TEXTS)))]
        return builder.EditQuestion(
            key, "nb", rows=tuple(draw(st.permutations(rows))[: draw(st.integers(0, 2))])
        )
    if kind == "rename":
        return builder.EditSection(
            draw(st.sampled_from(sections)), "nb", draw(st.sampled_from([*TEXTS, " "]))
        )
    if kind == "move":
        return builder.MoveQuestion(key, draw(st.sampled_from([builder.UP, builder.DOWN])))
    if kind == "remove":
        return builder.RemoveQuestion(key)
    if kind == "restore" and _hidden(document):
        return builder.RestoreQuestion(draw(st.sampled_from([q["key"] for q in _hidden(document)])))
    if kind == "logic":
        singles = [q for q in visible if q["type"] == "single"]
        with_logic = draw(st.booleans())
        if singles and with_logic:
            source = draw(st.sampled_from(singles))
            value = draw(st.sampled_from([o["key"] for o in source["options"]] + ["missing"]))
            return builder.SetCondition(key, {"question": source["key"], "op": "equals", "value": value})
        return builder.SetCondition(key, None)
    if kind == "copy":
        return builder.DuplicateQuestion(key)
    if kind == "page":
        return builder.MoveSection(
            draw(st.sampled_from(sections)), draw(st.sampled_from([builder.UP, builder.DOWN]))
        )
    return builder.SetTexts("en", {f"{key}.text": draw(st.sampled_from(TEXTS))})


def fresh_rounds(demo: DemoData) -> tuple[Survey, Survey]:
    """Return two new rounds of the sample survey with one response each (fresh per example)."""
    made = []
    for label in ("built", "json"):
        survey = open_survey(demo, "Solsikken barnehage", round_label=f"{label}-{next(COUNTER)}")
        submit(
            survey.survey_units.get(),
            {"q_overall": 2, "q_why": "Mer lys", "q_channel": "web", "q_used": ("a", "c")},
            "first",
        )
        made.append(survey)
    return made[0], made[1]


@SETTINGS
@given(data=st.data())
def test_builder_stores_what_the_json_path_stores(demo: DemoData, data: st.DataObject) -> None:
    built, twin = fresh_rounds(demo)
    actor = demo.users["analytiker"]
    answers_before = {
        s.pk: sorted(
            Answer.objects.filter(survey=s).values_list(
                "question__key", "option__key", "value_num", "value_text"
            )
        )
        for s in (built, twin)
    }
    for _step in range(data.draw(st.integers(1, 6))):
        keys_before = set(SurveyQuestion.objects.filter(survey=built).values_list("key", flat=True))
        op = data.draw(operation(built.definition))
        before = built.definition
        try:
            built, _key = survey_build(actor=actor, survey=built, operation=op)
        except ServiceError:
            built.refresh_from_db()
            assert built.definition == before  # a refused operation changes nothing
            event(f"refused {type(op).__name__}")
            continue
        event(f"stored {type(op).__name__}")
        document, _key = op.apply(twin.definition)
        twin = services.survey_update_definition(actor=actor, survey=twin, document=document)
        assert built.definition == twin.definition
        keys_after = set(SurveyQuestion.objects.filter(survey=built).values_list("key", flat=True))
        assert keys_before <= keys_after  # registry rows are never lost
        assert keys_after <= builder.all_keys(built.definition)  # and every one is still defined
    for s in (built, twin):
        after = sorted(
            Answer.objects.filter(survey=s).values_list(
                "question__key", "option__key", "value_num", "value_text"
            )
        )
        assert after == answers_before[s.pk]  # answers never lost or moved
