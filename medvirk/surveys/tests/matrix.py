"""Permission-matrix cases for survey pages and API operations.

Targets for survey-level cases: own = a survey owned by Solsikken barnehage, sibling = owned by
Nordlys barnehage, district = owned by Sørbyen barnehage, root = owned by the municipality and
run in Solsikken, Nordlys and Sørbyen, foreign = a survey in Prøvestad kommune. For unit-level
cases the target is the municipality survey's unit (own/sibling/district) or the foreign one.
"""

from __future__ import annotations

from typing import Any

from medvirk.accounts.demo import DemoData
from medvirk.surveys import services
from medvirk.surveys.models import Survey, SurveyUnit
from tests.matrix_support import DESIGN, EKS, ONCE, Case, api, in_, page, pk, post, staff
from tests.sample_survey import sample_definition

# Who may distribute (see answers, links, codes) each survey; who may design it.
DISTRIBUTE = {
    "admin": EKS,
    "analytiker": EKS,
    "koordinator": EKS,
    "analytiker.nord": {"own", "sibling", "root"},
    "leder.solsikken": {"own", "root"},
    "provestad.admin": {"foreign"},
}
UNIT_DISTRIBUTE = {
    "admin": {"own", "sibling", "district"},
    "analytiker": {"own", "sibling", "district"},
    "koordinator": {"own", "sibling", "district"},
    "analytiker.nord": {"own", "sibling"},
    "leder.solsikken": {"own"},
    "provestad.admin": {"foreign"},
}
UNIT_DESIGN = {  # designing a new survey owned by the target unit
    "admin": EKS,
    "analytiker": EKS,
    "analytiker.nord": {"own", "sibling"},
    "leder.solsikken": {"own"},
    "provestad.admin": {"foreign"},
}
UNIT_TARGETS = ("own", "sibling", "district", "foreign")
UNIT_LOCAL = {  # adding a unit's own questions: survey design on that unit (not the coordinator)
    "admin": {"own", "sibling", "district"},
    "analytiker": {"own", "sibling", "district"},
    "analytiker.nord": {"own", "sibling"},
    "leder.solsikken": {"own"},
    "provestad.admin": {"foreign"},
}
LOCAL_QUESTION = {"type": "rating", "text": {"nb": "Hvor fornøyd er du med uteområdet?"}}
OWNERS = {
    "own": "Solsikken barnehage",
    "sibling": "Nordlys barnehage",
    "district": "Sørbyen barnehage",
    "root": "",
}


def survey_for(d: DemoData, target: str) -> Survey:
    """Return (creating once per test) the survey standing for ``target``."""
    existing = Survey.objects.filter(round_label=f"matrix-{target}").first()
    if existing:
        return existing
    if target == "foreign":
        owner, units, actor = (
            d.other_units[""],
            [d.other_units["Torget barnehage"]],
            d.users["provestad.admin"],
        )
    else:
        owner = d.units[OWNERS[target]]
        names = (
            ["Solsikken barnehage", "Nordlys barnehage", "Sørbyen barnehage"]
            if target == "root"
            else [OWNERS[target]]
        )
        units, actor = [d.units[n] for n in names], d.users["admin"]
    survey = services.survey_create(
        actor=actor,
        owner_unit=owner,
        document=sample_definition(),
        units=units,
        round_label=f"matrix-{target}",
    )
    services.survey_set_status(actor=actor, survey=survey, status="open")
    return survey


def unit_for(d: DemoData, target: str) -> SurveyUnit:
    """Return the survey unit standing for ``target`` (municipality survey, or the foreign one)."""
    if target == "foreign":
        return SurveyUnit.objects.get(survey=survey_for(d, "foreign"))
    return SurveyUnit.objects.get(survey=survey_for(d, "root"), unit=d.units[OWNERS[target]])


sid = pk(survey_for)


def survey_of_unit(d: DemoData, t: str) -> int:
    return unit_for(d, t).survey_id


unit_id = pk(unit_for)


def _make_codes(c: Any, d: DemoData, t: str) -> Any:
    su = unit_for(d, t)
    from medvirk.surveys.distribution.services import codes_create

    codes_create(actor=d.users["admin" if t != "foreign" else "provestad.admin"], survey_unit=su, count=2)
    return c.get(f"/surveys/{su.survey_id}/units/{su.pk}/codes/1/")


def _local_key(d: DemoData, t: str) -> str:
    """Give the target unit one local question (as its designer) and return its key."""
    from medvirk.surveys.design.local_services import local_question_add

    actor = d.users["admin" if t != "foreign" else "provestad.admin"]
    su = unit_for(d, t)
    return local_question_add(actor=actor, survey_unit=su, question=LOCAL_QUESTION)


def _public_link(d: DemoData, t: str) -> str:
    return unit_for(d, "own").link_key


def _new_survey(d: DemoData, t: str) -> dict[str, Any]:
    owner = (d.other_units[""] if t == "foreign" else d.units[OWNERS.get(t, "")]).pk
    return {
        "owner_unit_id": owner,
        "unit_ids": [owner],
        "round_label": "api-matrix",
        "template": "kindergarten_parents",
    }


def _surveys_page(a: str | None, t: str) -> bool:
    return bool(DISTRIBUTE.get(a or "") or UNIT_DESIGN.get(a or ""))


S = "/surveys/{s}"  # a survey's pages
U = "/surveys/{s}/units/{u}/"  # a survey unit's pages
SU = "/api/v1/surveys/{survey_id}/units/{survey_unit_id}"  # a survey unit in the API
D, UD, UL = in_(DESIGN), in_(UNIT_DISTRIBUTE), in_(UNIT_LOCAL)
CASES = [
    page("surveys:list", "/surveys/", _surveys_page, ONCE),
    page("surveys:create", "/surveys/new/", lambda a, t: bool(UNIT_DESIGN.get(a or "")), ONCE),
    page("surveys:detail", S + "/", in_(DISTRIBUTE), s=sid),
    post("surveys:status", S + "/status/", D, data=lambda d, t: {"status": "closed"}, s=sid),
    post(
        "surveys:dates",
        S + "/dates/",
        D,
        data=lambda d, t: {"opens_on": "2026-01-01", "closes_on": "2030-12-31"},
        s=sid,
    ),
    post(
        "surveys:target",
        S + "/target/",
        D,
        data=lambda d, t: {"age_from": "67", "age_to": "", "answered_by": "users"},
        s=sid,
    ),
    page("surveys:definition", S + "/questions/", D, s=sid),
    page("surveys:translate", S + "/translate/en/", D, s=sid),
    page("surveys:build", S + "/build/", D, s=sid),
    page("surveys:build_question", S + "/build/q_channel/", D, s=sid),
    page("surveys:check", S + "/check/", D, s=sid),
    page("surveys:preview", S + "/preview/", D, s=sid),
    page("surveys:distribute", U, UD, UNIT_TARGETS, s=survey_of_unit, u=unit_id),
    page("surveys:poster", U + "poster/", UD, UNIT_TARGETS, s=survey_of_unit, u=unit_id),
    page("surveys:paper", U + "paper/", UD, UNIT_TARGETS, s=survey_of_unit, u=unit_id),
    Case("surveys:codes", _make_codes, UD, targets=UNIT_TARGETS),
    page("surveys:local", U + "local/", UL, UNIT_TARGETS, s=survey_of_unit, u=unit_id),
    # the API
    api("GET /api/v1/survey-templates", staff, ONCE),
    api("GET /api/v1/surveys", staff, ONCE),
    api("POST /api/v1/surveys", in_(UNIT_DESIGN), None, _new_survey),
    api("GET /api/v1/surveys/{survey_id}", in_(DISTRIBUTE), survey_id=sid),
    api(
        "PUT /api/v1/surveys/{survey_id}/definition", D, None, lambda d, t: sample_definition(), survey_id=sid
    ),
    api(
        "POST /api/v1/surveys/{survey_id}/builder",
        D,
        None,
        lambda d, t: {"op": "move_question", "key": "q_channel", "direction": "down"},
        survey_id=sid,
    ),
    api("GET /api/v1/surveys/{survey_id}/builder/texts", D, survey_id=sid),
    api("GET /api/v1/surveys/{survey_id}/builder/check", D, survey_id=sid),
    api("GET /api/v1/surveys/{survey_id}/builder/preview", D, query="lang=en", survey_id=sid),
    api(
        "POST /api/v1/surveys/{survey_id}/builder/languages/{language}",
        D,
        None,
        lambda d, t: {"publish": True},
        survey_id=sid,
        language="en",
    ),
    api("POST /api/v1/surveys/{survey_id}/status", D, None, lambda d, t: {"status": "closed"}, survey_id=sid),
    api("GET /api/v1/surveys/{survey_id}/units", in_(DISTRIBUTE), survey_id=sid),
    api(
        f"POST {SU}/codes",
        UD,
        UNIT_TARGETS,
        lambda d, t: {"count": 3},
        survey_id=survey_of_unit,
        survey_unit_id=unit_id,
    ),
    api(
        f"POST {SU}/invitations",
        UD,
        UNIT_TARGETS,
        lambda d, t: {"emails": ["ola@example.no"]},
        survey_id=survey_of_unit,
        survey_unit_id=unit_id,
    ),
    api(f"POST {SU}/reminders", UD, UNIT_TARGETS, survey_id=survey_of_unit, survey_unit_id=unit_id),
    api(
        f"PUT {SU}/user-count",
        UD,
        UNIT_TARGETS,
        lambda d, t: {"user_count": 40},
        survey_id=survey_of_unit,
        survey_unit_id=unit_id,
    ),
    api(f"GET {SU}/local-questions", UL, UNIT_TARGETS, survey_id=survey_of_unit, survey_unit_id=unit_id),
    api(
        f"POST {SU}/local-questions",
        UL,
        UNIT_TARGETS,
        lambda d, t: LOCAL_QUESTION,
        survey_id=survey_of_unit,
        survey_unit_id=unit_id,
    ),
    api(
        f"PUT {SU}/local-questions/{{key}}",
        UL,
        UNIT_TARGETS,
        lambda d, t: LOCAL_QUESTION,
        key=_local_key,
        survey_id=survey_of_unit,
        survey_unit_id=unit_id,
    ),
    api(
        f"DELETE {SU}/local-questions/{{key}}",
        UL,
        UNIT_TARGETS,
        key=_local_key,
        survey_id=survey_of_unit,
        survey_unit_id=unit_id,
    ),
    api("GET /api/v1/public/surveys/{link_key}", lambda a, t: True, ONCE, public=True, link_key=_public_link),
    api(
        "POST /api/v1/public/surveys/{link_key}/responses",
        lambda a, t: True,
        ONCE,
        lambda d, t: {"idempotency_key": "m", "answers": {"q_overall": 5, "q_channel": "web"}},
        public=True,
        link_key=_public_link,
    ),
]
