"""The demo seeding registry: each app's ``demo.py`` registers itself; order follows ``after``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from medvirk.core import demo as registry


@pytest.fixture
def real_seeders() -> Iterator[dict[str, registry._Registered]]:
    """Import every app's ``demo.py`` first, then give the real registry back after the test.

    The apps' modules register once, on their first import: were that import to happen while a test's
    fake registry is in place, they would register into the fake (or clash with it) and the real
    registry would stay empty for every later test (this file used to fail when a faking test ran
    first). The test may replace or fill ``_SEEDERS``; the teardown puts back the real one as it was.
    """
    registry.demo_order()
    real = registry._SEEDERS
    saved = dict(real)
    yield saved
    real.clear()
    real.update(saved)
    registry._SEEDERS = real


def _fake(after: dict[str, tuple[str, ...]], calls: list[str]) -> None:
    def seeder(label: str) -> Any:
        return lambda demo: calls.append(f"{label}:{demo}")

    registry._SEEDERS = {
        label: registry._Registered(label, seeder(label), deps) for label, deps in after.items()
    }


def test_the_apps_register_their_demos_in_installed_apps_order() -> None:
    # seed_demo used to call the first four by hand in this order; now each app's demo.py registers,
    # and the apps added since follow the ones they name in ``after``.
    from django.apps import apps

    order = registry.demo_order()
    assert order[:4] == ["surveys", "participation", "partners", "panels"]
    assert set(order) <= {config.label for config in apps.get_app_configs()}
    assert order.index("feedback") > order.index("participation")
    assert order.index("choice") > order.index("surveys")


@pytest.mark.usefixtures("real_seeders")
def test_an_app_is_seeded_after_the_apps_it_names() -> None:
    calls: list[str] = []
    _fake(
        {"surveys": ("panels",), "participation": (), "panels": ("partners",), "partners": ()},
        calls,
    )
    assert registry.seed_demo_apps("d") == ["participation", "partners", "panels", "surveys"]
    assert calls == ["participation:d", "partners:d", "panels:d", "surveys:d"]


@pytest.mark.usefixtures("real_seeders")
def test_a_seeder_waiting_for_an_app_without_one_is_refused() -> None:
    _fake({"surveys": ("population",)}, [])
    with pytest.raises(ValueError, match="population"):
        registry.demo_order()


@pytest.mark.usefixtures("real_seeders")
def test_seeders_waiting_for_each_other_are_refused() -> None:
    _fake({"surveys": ("panels",), "panels": ("surveys",), "partners": ()}, [])
    with pytest.raises(ValueError, match="panels, surveys"):
        registry.demo_order()


@pytest.mark.usefixtures("real_seeders")
def test_a_second_seeder_for_one_app_and_a_seeder_outside_any_app_are_refused() -> None:
    def seed(demo: Any) -> None: ...

    seed.__module__ = "medvirk.panels.demo"
    with pytest.raises(ValueError, match="already has a demo seeder"):
        registry.demo_seeder()(seed)
    seed.__module__ = "somewhere.else"
    with pytest.raises(ValueError, match="not inside an installed app"):
        registry.demo_seeder()(seed)
