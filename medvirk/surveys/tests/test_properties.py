"""Property tests: random valid answer sets are stored exactly; invalid ones store nothing."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medvirk.accounts.demo import DemoData
from medvirk.surveys import services
from medvirk.surveys.answering.engine import DONT_KNOW, visible_answers
from medvirk.surveys.design.parser import parse_definition
from medvirk.surveys.models import Response, SurveyUnit
from tests.sample_survey import sample_definition
from tests.survey_rounds import open_round, submit

DEFINITION = parse_definition(sample_definition())
DISTRICTS = ["999901", "999902", "999903", "999904", "999905"]
COUNTER = itertools.count()

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40).map(str.strip)
valid_answers = st.fixed_dictionaries(
    {"q_overall": st.integers(1, 6), "q_channel": st.sampled_from(["friends", "web"])},
    optional={
        "q_why": text.filter(bool),
        "q_used": st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True).map(
            lambda xs: tuple(k for k in ("a", "b", "c") if k in xs)
        ),
        "q_m_staff": st.one_of(st.integers(1, 6), st.just(DONT_KNOW)),
        "q_m_rooms": st.one_of(st.integers(1, 6), st.just(DONT_KNOW)),
        "q_nps": st.integers(0, 10),
        "q_visits": st.one_of(
            st.integers(0, 365), st.floats(0, 365, allow_nan=False).map(lambda f: round(f, 2))
        ),
        "q_first": st.dates().map(lambda d: d.isoformat()),
        "q_name": st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
        .map(str.strip)
        .filter(bool),
        "q_consent": st.just(True),
        "bg_age": st.sampled_from(["0-15", "25-34", "80+", "prefer_not_to_say"]),
        "bg_gender": st.sampled_from(["female", "male", "other", "prefer_not_to_say"]),
        "bg_district": st.sampled_from([*DISTRICTS, "prefer_not_to_say"]),
    },
)
invalid_patch = st.one_of(
    st.fixed_dictionaries({"q_overall": st.integers().filter(lambda n: not 1 <= n <= 6)}),
    st.fixed_dictionaries(
        {"q_channel": st.text(max_size=10).filter(lambda s: s.strip() not in ("", "friends", "web"))}
    ),
    st.fixed_dictionaries({"q_visits": st.one_of(st.integers(366, 10**9), st.integers(max_value=-1))}),
    st.fixed_dictionaries({"q_first": st.sampled_from(["2025-13-01", "i går", "31.02.2024"])}),
    st.fixed_dictionaries(
        {"q_name": st.text(min_size=41, max_size=60).filter(lambda s: len(s.strip()) > 40)}
    ),
    st.fixed_dictionaries({"bg_gender": st.sampled_from(["f", "woman", "999901"])}),
    st.fixed_dictionaries({"q_used": st.just(("a", "z"))}),
)


@pytest.fixture
def su(demo: DemoData) -> SurveyUnit:
    return open_round(demo, sample_definition(), "property")


SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(answers=valid_answers)
def test_valid_answers_are_stored_exactly(su: SurveyUnit, answers: dict[str, Any]) -> None:
    response, created = submit(su, answers, f"p{next(COUNTER)}")
    assert created
    _sections, _keys, expected = visible_answers(DEFINITION, answers)  # hidden follow-ups are dropped
    assert services.stored_answers(response) == expected


@SETTINGS
@given(answers=valid_answers, patch=invalid_patch)
def test_invalid_answers_are_rejected_with_messages_and_nothing_stored(
    su: SurveyUnit, answers: dict[str, Any], patch: dict[str, Any]
) -> None:
    before = Response.objects.filter(survey=su.survey).count()
    with pytest.raises(services.AnswerErrors) as err:
        submit(
            su,
            {**answers, **patch},
            f"bad{next(COUNTER)}",
        )
    assert {e.question for e in err.value.errors} >= set(patch)
    assert all(e.code for e in err.value.errors)
    assert Response.objects.filter(survey=su.survey).count() == before
