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
from tests.matrix_support import EKS, Case, api_call, get, in_, staff
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
DESIGN = {
    "admin": EKS,
    "analytiker": EKS,
    "analytiker.nord": {"own", "sibling"},
    "leder.solsikken": {"own"},
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


def sid(d: DemoData, t: str) -> int:
    return survey_for(d, t).pk


def unit_url(suffix: str) -> Any:
    def url(d: DemoData, t: str) -> str:
        su = unit_for(d, t)
        return f"/surveys/{su.survey_id}/units/{su.pk}/{suffix}"

    return url


def _page(path: Any) -> Any:
    return lambda c, d, t: c.get(path(d, t))


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


def _local_url(d: DemoData, t: str) -> str:
    return "/api/v1" + unit_url("local-questions")(d, t)


def _public_link(d: DemoData, t: str) -> str:
    return unit_for(d, "own").link_key


CASES = [
    Case(
        "surveys:list",
        get("/surveys/"),
        lambda a, t: bool(DISTRIBUTE.get(a or "") or UNIT_DESIGN.get(a or "")),
        per_target=False,
    ),
    Case(
        "surveys:create", get("/surveys/new/"), lambda a, t: bool(UNIT_DESIGN.get(a or "")), per_target=False
    ),
    Case("surveys:detail", _page(lambda d, t: f"/surveys/{sid(d, t)}/"), in_(DISTRIBUTE)),
    Case(
        "surveys:status",
        lambda c, d, t: c.post(f"/surveys/{sid(d, t)}/status/", {"status": "closed"}),
        in_(DESIGN),
    ),
    Case(
        "surveys:dates",
        lambda c, d, t: c.post(
            f"/surveys/{sid(d, t)}/dates/", {"opens_on": "2026-01-01", "closes_on": "2030-12-31"}
        ),
        in_(DESIGN),
    ),
    Case("surveys:definition", _page(lambda d, t: f"/surveys/{sid(d, t)}/questions/"), in_(DESIGN)),
    Case("surveys:translate", _page(lambda d, t: f"/surveys/{sid(d, t)}/translate/en/"), in_(DESIGN)),
    Case("surveys:build", _page(lambda d, t: f"/surveys/{sid(d, t)}/build/"), in_(DESIGN)),
    Case("surveys:build_question", _page(lambda d, t: f"/surveys/{sid(d, t)}/build/q_channel/"), in_(DESIGN)),
    Case("surveys:check", _page(lambda d, t: f"/surveys/{sid(d, t)}/check/"), in_(DESIGN)),
    Case("surveys:preview", _page(lambda d, t: f"/surveys/{sid(d, t)}/preview/"), in_(DESIGN)),
    Case("surveys:distribute", _page(unit_url("")), in_(UNIT_DISTRIBUTE), targets=UNIT_TARGETS),
    Case("surveys:poster", _page(unit_url("poster/")), in_(UNIT_DISTRIBUTE), targets=UNIT_TARGETS),
    Case("surveys:paper", _page(unit_url("paper/")), in_(UNIT_DISTRIBUTE), targets=UNIT_TARGETS),
    Case("surveys:codes", _make_codes, in_(UNIT_DISTRIBUTE), targets=UNIT_TARGETS),
    Case("surveys:local", _page(unit_url("local/")), in_(UNIT_LOCAL), targets=UNIT_TARGETS),
    Case(
        "api:GET /api/v1/survey-templates",
        api_call("GET", lambda d, t: "/api/v1/survey-templates"),
        staff,
        per_target=False,
        api=True,
    ),
    Case(
        "api:GET /api/v1/surveys",
        api_call("GET", lambda d, t: "/api/v1/surveys"),
        staff,
        per_target=False,
        api=True,
    ),
    Case(
        "api:POST /api/v1/surveys",
        api_call(
            "POST",
            lambda d, t: "/api/v1/surveys",
            lambda d, t: {
                "owner_unit_id": (d.other_units[""] if t == "foreign" else d.units[OWNERS.get(t, "")]).pk,
                "unit_ids": [(d.other_units[""] if t == "foreign" else d.units[OWNERS.get(t, "")]).pk],
                "round_label": "api-matrix",
                "template": "kindergarten_parents",
            },
        ),
        in_(UNIT_DESIGN),
        api=True,
    ),
    Case(
        "api:GET /api/v1/surveys/{survey_id}",
        api_call("GET", lambda d, t: f"/api/v1/surveys/{sid(d, t)}"),
        in_(DISTRIBUTE),
        api=True,
    ),
    Case(
        "api:PUT /api/v1/surveys/{survey_id}/definition",
        api_call(
            "PUT", lambda d, t: f"/api/v1/surveys/{sid(d, t)}/definition", lambda d, t: sample_definition()
        ),
        in_(DESIGN),
        api=True,
    ),
    Case(
        "api:POST /api/v1/surveys/{survey_id}/builder",
        api_call(
            "POST",
            lambda d, t: f"/api/v1/surveys/{sid(d, t)}/builder",
            lambda d, t: {"op": "move_question", "key": "q_channel", "direction": "down"},
        ),
        in_(DESIGN),
        api=True,
    ),
    Case(
        "api:GET /api/v1/surveys/{survey_id}/builder/texts",
        api_call("GET", lambda d, t: f"/api/v1/surveys/{sid(d, t)}/builder/texts"),
        in_(DESIGN),
        api=True,
    ),
    Case(
        "api:GET /api/v1/surveys/{survey_id}/builder/check",
        api_call("GET", lambda d, t: f"/api/v1/surveys/{sid(d, t)}/builder/check"),
        in_(DESIGN),
        api=True,
    ),
    Case(
        "api:GET /api/v1/surveys/{survey_id}/builder/preview",
        api_call("GET", lambda d, t: f"/api/v1/surveys/{sid(d, t)}/builder/preview?lang=en"),
        in_(DESIGN),
        api=True,
    ),
    Case(
        "api:POST /api/v1/surveys/{survey_id}/builder/languages/{language}",
        api_call(
            "POST",
            lambda d, t: f"/api/v1/surveys/{sid(d, t)}/builder/languages/en",
            lambda d, t: {"publish": True},
        ),
        in_(DESIGN),
        api=True,
    ),
    Case(
        "api:POST /api/v1/surveys/{survey_id}/status",
        api_call(
            "POST", lambda d, t: f"/api/v1/surveys/{sid(d, t)}/status", lambda d, t: {"status": "closed"}
        ),
        in_(DESIGN),
        api=True,
    ),
    Case(
        "api:GET /api/v1/surveys/{survey_id}/units",
        api_call("GET", lambda d, t: f"/api/v1/surveys/{sid(d, t)}/units"),
        in_(DISTRIBUTE),
        api=True,
    ),
    Case(
        "api:POST /api/v1/surveys/{survey_id}/units/{survey_unit_id}/codes",
        api_call("POST", lambda d, t: "/api/v1" + unit_url("codes")(d, t), lambda d, t: {"count": 3}),
        in_(UNIT_DISTRIBUTE),
        api=True,
        targets=UNIT_TARGETS,
    ),
    Case(
        "api:POST /api/v1/surveys/{survey_id}/units/{survey_unit_id}/invitations",
        api_call(
            "POST",
            lambda d, t: "/api/v1" + unit_url("invitations")(d, t),
            lambda d, t: {"emails": ["ola@example.no"]},
        ),
        in_(UNIT_DISTRIBUTE),
        api=True,
        targets=UNIT_TARGETS,
    ),
    Case(
        "api:POST /api/v1/surveys/{survey_id}/units/{survey_unit_id}/reminders",
        api_call("POST", lambda d, t: "/api/v1" + unit_url("reminders")(d, t)),
        in_(UNIT_DISTRIBUTE),
        api=True,
        targets=UNIT_TARGETS,
    ),
    Case(
        "api:PUT /api/v1/surveys/{survey_id}/units/{survey_unit_id}/user-count",
        api_call(
            "PUT", lambda d, t: "/api/v1" + unit_url("user-count")(d, t), lambda d, t: {"user_count": 40}
        ),
        in_(UNIT_DISTRIBUTE),
        api=True,
        targets=UNIT_TARGETS,
    ),
    Case(
        "api:GET /api/v1/surveys/{survey_id}/units/{survey_unit_id}/local-questions",
        api_call("GET", _local_url),
        in_(UNIT_LOCAL),
        api=True,
        targets=UNIT_TARGETS,
    ),
    Case(
        "api:POST /api/v1/surveys/{survey_id}/units/{survey_unit_id}/local-questions",
        api_call("POST", _local_url, lambda d, t: LOCAL_QUESTION),
        in_(UNIT_LOCAL),
        api=True,
        targets=UNIT_TARGETS,
    ),
    Case(
        "api:PUT /api/v1/surveys/{survey_id}/units/{survey_unit_id}/local-questions/{key}",
        api_call("PUT", lambda d, t: f"{_local_url(d, t)}/{_local_key(d, t)}", lambda d, t: LOCAL_QUESTION),
        in_(UNIT_LOCAL),
        api=True,
        targets=UNIT_TARGETS,
    ),
    Case(
        "api:DELETE /api/v1/surveys/{survey_id}/units/{survey_unit_id}/local-questions/{key}",
        api_call("DELETE", lambda d, t: f"{_local_url(d, t)}/{_local_key(d, t)}"),
        in_(UNIT_LOCAL),
        api=True,
        targets=UNIT_TARGETS,
    ),
    Case(
        "api:GET /api/v1/public/surveys/{link_key}",
        api_call("GET", lambda d, t: f"/api/v1/public/surveys/{_public_link(d, t)}"),
        lambda a, t: True,
        per_target=False,
        api=True,
        public=True,
    ),
    Case(
        "api:POST /api/v1/public/surveys/{link_key}/responses",
        api_call(
            "POST",
            lambda d, t: f"/api/v1/public/surveys/{_public_link(d, t)}/responses",
            lambda d, t: {"idempotency_key": "m", "answers": {"q_overall": 5, "q_channel": "web"}},
        ),
        lambda a, t: True,
        per_target=False,
        api=True,
        public=True,
    ),
]
