"""The public-surface contract type (tools/import_contracts.py) on small import graphs."""

from __future__ import annotations

import grimp
import pytest

from tools.import_contracts import PublicSurfaceContract

MODULES = [
    "pkg",
    "pkg.alpha",
    "pkg.alpha.services",
    "pkg.alpha.services.writes",
    "pkg.alpha.engine",
    "pkg.alpha.tests",
    "pkg.alpha.tests.factories",
    "pkg.beta",
    "pkg.beta.views",
    "pkg.beta.tests",
    "pkg.beta.tests.test_views",
    "pkg.api",
    "pkg.api.alpha",
]


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for module in MODULES:
        graph.add_module(module)
    for number, (importer, imported) in enumerate(imports, start=1):
        graph.add_import(importer=importer, imported=imported, line_number=number, line_contents="import")
    return graph


def _check(graph: grimp.ImportGraph, apps: list[str] | None = None) -> list[tuple[str, str]]:
    contract = PublicSurfaceContract(
        name="public surface",
        session_options={"root_packages": ["pkg"]},
        contract_options={
            "apps": apps or ["pkg.alpha", "pkg.beta", "(pkg.gamma)"],
            "public": ["services", "selectors", "models", "types"],
            "importers": ["pkg.alpha", "pkg.beta", "pkg.gamma"],
        },
    )
    check = contract.check(graph, verbose=False)
    broken = [(item["importer"], item["imported"]) for item in check.metadata["broken"]]
    assert check.kept == (not broken)
    return broken


def test_another_apps_private_module_is_refused_even_from_its_tests() -> None:
    graph = _graph(
        ("pkg.beta.views", "pkg.alpha.engine"),
        ("pkg.beta.tests.test_views", "pkg.alpha.tests.factories"),
    )
    assert _check(graph) == [
        ("pkg.beta.views", "pkg.alpha.engine"),
        ("pkg.beta.tests.test_views", "pkg.alpha.tests.factories"),
    ]


def test_public_modules_their_insides_and_an_apps_own_modules_are_allowed() -> None:
    graph = _graph(
        ("pkg.beta.views", "pkg.alpha.services"),
        ("pkg.beta.views", "pkg.alpha.services.writes"),  # a public package with all it holds
        ("pkg.alpha.services", "pkg.alpha.engine"),  # inside the app
        ("pkg.alpha.tests.factories", "pkg.alpha.engine"),
    )
    assert _check(graph) == []


def test_importers_outside_the_list_are_not_checked() -> None:
    assert _check(_graph(("pkg.api.alpha", "pkg.alpha.engine"))) == []


def test_an_optional_app_may_be_missing_a_required_one_may_not() -> None:
    assert _check(_graph(), apps=["pkg.alpha", "(pkg.gamma)"]) == []
    with pytest.raises(ValueError, match=r"pkg\.gamma"):
        _check(_graph(), apps=["pkg.alpha", "pkg.gamma"])
