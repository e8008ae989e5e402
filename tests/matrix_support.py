"""Shared pieces of the permission matrix, importable by each module's ``tests/matrix.py``."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from typing import Any

from django.test import Client, override_settings

from medvirk.accounts.demo import DemoData
from medvirk.accounts.models import ApiToken, Role, RoleAssignment

ACTORS = [
    "admin",
    "analytiker",
    "analytiker.nord",
    "leder.solsikken",
    "koordinator",
    "lesetilgang",
    "uten.rolle",
    "provestad.admin",
    # The staff of free choice of provider: a case handler (on Helse- og omsorgsetaten) and a
    # provider's staff member (on the provider's unit), made by medvirk/choice/demo.py.
    "saksbehandler",
    "leverandor.omsorgpluss",
    None,
]
# What the staff of free choice of provider reach in other modules, written out by hand: both
# hold ORG_VIEW on a unit outside every target (the organisation tree and the municipality-wide
# organisations register); the provider's staff also SURVEY_DISTRIBUTE and RESULTS_VIEW on its
# own unit (the lists of surveys, results and participation show what the caller may reach).
# Everything else: 404.
_ORG_VIEW_ELSEWHERE = {
    ("orgs:tree", "-"),
    ("partners:register", "-"),
    ("partners:detail", "own"),
    ("api:GET /api/v1/organisations", "-"),
    ("api:GET /api/v1/organisations/{organisation_id}", "own"),
}
ELSEWHERE: dict[str | None, set[tuple[str, str]]] = {
    "saksbehandler": _ORG_VIEW_ELSEWHERE,
    "leverandor.omsorgpluss": _ORG_VIEW_ELSEWHERE
    | {
        ("surveys:list", "-"),
        ("insights:survey_list", "-"),
        ("equity:index", "-"),
        ("participation:activity_list", "-"),
        ("participation:finding_list", "-"),
        ("participation:measure_list", "-"),
        ("participation:bank", "-"),
        ("participation:cycle_overview", "-"),
    },
}
# Targets: own = the unit leader's kindergarten; sibling = another unit in Bydel Nord;
# district = a unit in another district; root = the municipality itself; foreign = a unit in
# the other municipality.
TARGETS = ["own", "sibling", "district", "root", "foreign"]
EKS = {"own", "sibling", "district", "root"}

# Which targets each actor holds each capability on (hand-written expectation).
VIEW = {
    "admin": EKS,
    "analytiker": EKS,
    "koordinator": EKS,
    "lesetilgang": EKS,
    "analytiker.nord": {"own", "sibling"},
    "leder.solsikken": {"own"},
    "uten.rolle": set(),
    "provestad.admin": {"foreign"},
    "saksbehandler": set(),  # roles below units none of the targets are in (see ELSEWHERE)
    "leverandor.omsorgpluss": set(),
    None: set(),
}
EDIT = {"admin": EKS, "leder.solsikken": {"own"}, "provestad.admin": {"foreign"}}
# Every role but read-only access, where it sees (distributing surveys, logging contacts with
# partners, participation work, client-feedback figures).
WORK = {
    "admin": EKS,
    "analytiker": EKS,
    "koordinator": EKS,
    "analytiker.nord": {"own", "sibling"},
    "leder.solsikken": {"own"},
    "provestad.admin": {"foreign"},
}
# Designing surveys (and counting a unit's users): as WORK, but not the coordinator.
DESIGN = {a: seen for a, seen in WORK.items() if a != "koordinator"}
MANAGE = {"admin": EKS, "provestad.admin": {"foreign"}}
ROOT_ADMIN = {"admin", "provestad.admin"}


def target_unit(demo: DemoData, target: str) -> Any:
    return {
        "own": demo.units["Solsikken barnehage"],
        "sibling": demo.units["Nordlys barnehage"],
        "district": demo.units["Sørbyen barnehage"],
        "root": demo.units[""],
        "foreign": demo.other_units["Torget barnehage"],
    }[target]


def role_on(demo: DemoData, target: str) -> RoleAssignment:
    unit = target_unit(demo, target)
    user = demo.users["provestad.admin" if target == "foreign" else "lesetilgang"]
    return RoleAssignment.objects.get_or_create(
        municipality_id=unit.municipality_id, user=user, unit=unit, role=Role.READ_ONLY
    )[0]


def analyst_token(d: DemoData) -> ApiToken:
    return ApiToken.objects.create(
        municipality=d.municipality, user=d.users["analytiker"], name="x", prefix="mvk_x", key_hash="h" * 64
    )


@dataclass(frozen=True)
class Case:
    """One endpoint: how to call it for a target, and who may."""

    key: str  # URL name or "api:METHOD path"
    call: Callable[[Client, DemoData, str], Any]
    allowed: Callable[[str | None, str], bool]
    per_target: bool = True
    api: bool = False
    # Allowed to try, but a service rule refuses with a structured 400 (e.g. moving the root).
    refused: Callable[[str | None, str], bool] = lambda a, t: False
    targets: tuple[str, ...] | None = None  # per-target cases: which targets apply (default: all)
    public: bool = False  # anonymous callers are allowed too (citizen-facing endpoints)


def get(url: str) -> Callable[[Client, DemoData, str], Any]:
    return lambda c, d, t: c.get(url)


def in_(table: dict[Any, set[str]]) -> Callable[[str | None, str], bool]:
    return lambda actor, target: target in table.get(actor, set())


def any_(table: dict[Any, set[str]]) -> Callable[[str | None, str], bool]:
    return lambda actor, target: bool(table.get(actor))


def actors(names: Collection[str]) -> Callable[[str | None, str], bool]:
    """Allowed: exactly the actors ``names``, on whatever target."""
    return lambda actor, target: actor in names


def staff(actor: str | None, target: str) -> bool:
    return actor is not None


def api_call(
    method: str, path: Callable[[DemoData, str], str], body: Callable[[DemoData, str], Any] | None = None
):
    def call(c: Client, d: DemoData, t: str) -> Any:
        data = json.dumps(body(d, t)) if body else None
        return getattr(c, method.lower())(path(d, t), data=data, content_type="application/json")

    return call


# --- targets made once ---------------------------------------------------------------------------
# A case whose target takes long to make (a closed round with answers: ~0.2 s, its survey and
# units 0.05 s) made it again in every cell, rolled back after each. Such a target is made once for
# the whole matrix instead: ``built_once`` registers a function of the demo that makes it (each
# target's maker finds it there afterwards), and tests/test_permission_matrix.py calls them all in
# a transaction around the module's tests (each test's own transaction is rolled back to it, so
# every cell still finds the targets as they were made; the module's is rolled back at its end).

_BUILT_ONCE: list[Callable[[DemoData], Any]] = []


def built_once(build: Callable[[DemoData], Any]) -> Callable[[DemoData], Any]:
    """Register ``build(demo)`` to make targets once before the matrix's cells (a decorator)."""
    _BUILT_ONCE.append(build)
    return build


def build_once(demo: DemoData) -> None:
    """Make every target registered with ``built_once``."""
    for build in _BUILT_ONCE:
        build(demo)


def pk(make: Callable[[DemoData, str], Any]) -> Callable[[DemoData, str], int]:
    """The id of what ``make`` returns (creates or finds) for (demo, target): a path's field."""
    return lambda d, t: make(d, t).pk


uid = pk(target_unit)  # the target unit's id


# --- building cases ---------------------------------------------------------------------------
# One way for every module's ``tests/matrix.py`` to write a case: the path as a template whose
# ``{name}`` fields are filled per target from keyword arguments (a function of (demo, target), or
# a value), so an API case's key is its route as written and no module keeps its own helpers.

ONCE: tuple[str, ...] = ()  # targets of a case that is not per target: called once per actor
Param = Callable[[DemoData, str], Any] | str | int


def filled(template: str, params: dict[str, Param]) -> Callable[[DemoData, str], str]:
    """Return a path maker: ``template`` with each ``{name}`` as ``params[name]`` for (demo, target)."""

    def path(d: DemoData, t: str) -> str:
        return template.format(**{k: v(d, t) if callable(v) else v for k, v in params.items()})

    return path


def _per_target(targets: tuple[str, ...] | None) -> dict[str, Any]:
    return {"per_target": False} if targets == ONCE else {"targets": targets}


def page(
    name: str,
    template: str,
    allowed: Callable[[str | None, str], bool],
    targets: tuple[str, ...] | None = None,
    *,
    refused: Callable[[str | None, str], bool] = lambda a, t: False,
    public: bool = False,
    **params: Param,
) -> Case:
    """A page (GET) named ``name``; ``targets``: which apply (None: all; ``ONCE``: not per target)."""
    path = filled(template, params)
    kind = _per_target(targets)
    return Case(name, lambda c, d, t: c.get(path(d, t)), allowed, refused=refused, public=public, **kind)


def post(
    name: str,
    template: str,
    allowed: Callable[[str | None, str], bool],
    targets: tuple[str, ...] | None = None,
    *,
    data: Callable[[DemoData, str], dict[str, Any]] | None = None,
    refused: Callable[[str | None, str], bool] = lambda a, t: False,
    **params: Param,
) -> Case:
    """A form post to page ``name`` (``data`` for (demo, target), else an empty form)."""
    path = filled(template, params)
    return Case(
        name,
        lambda c, d, t: c.post(path(d, t), data(d, t) if data else {}),
        allowed,
        refused=refused,
        **_per_target(targets),
    )


def api(
    route: str,
    allowed: Callable[[str | None, str], bool],
    targets: tuple[str, ...] | None = None,
    body: Callable[[DemoData, str], Any] | None = None,
    *,
    refused: Callable[[str | None, str], bool] = lambda a, t: False,
    public: bool = False,
    query: str = "",
    path: str = "",
    **params: Param,
) -> Case:
    """An API operation ``route`` ("METHOD /api/v1/…/{name}", its key in the matrix) sending ``body``
    (and ``query``, the query string without its "?"); ``path``, when given, is the template called
    instead of the route's (fields the route names apart but one call makes)."""
    method, template = route.split(" ", 1)
    call = api_call(method, filled((path or template) + ("?" + query if query else ""), params), body)
    return Case(
        "api:" + route, call, allowed, api=True, refused=refused, public=public, **_per_target(targets)
    )


def with_settings(case: Case, **settings: Any) -> Case:
    """``case``, called under ``override_settings(**settings)`` (e.g. a temporary MEDIA_ROOT)."""

    def call(c: Client, d: DemoData, t: str) -> Any:
        with override_settings(**settings):
            return case.call(c, d, t)

    return replace(case, call=call)
